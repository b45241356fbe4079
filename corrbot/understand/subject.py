"""Subjects without reply and forward prefixes, for display and for threading.

``clean_subject`` removes what mail clients and lists prepend ("Re:", "AW:",
"Fwd:", "Ответ:", "回复:", "[Correspondence Group]") however often it repeats, but
keeps single-letter task tags such as ``[b]``: they are a participant's tag.
``normalise_subject`` goes further for JWZ threading: no tags at all, lowercase,
single spaces.
"""

from __future__ import annotations

import re

# Reply and forward prefixes in the languages of the corpus and of UN delegations.
_PREFIX_WORDS = (
    "re|aw|antw|antwort|sv|svar|vs|ref|rif|r|res|rv|odp|ynt|vá|"  # replies
    "fwd?|fw|wg|tr|enc|pd|doorst|i|vl|"  # forwards
    "ответ|отв|re\\^\\d+|пересл|переслано|"  # Russian
    "回复|回覆|答复|答覆|转发|轉寄|轉發|"  # Chinese
    "رد|إعادة توجيه|تحويل"  # Arabic
)
# "Re:", "RE[2]:", "Re(3):", "Fwd :", "回复：".
_PREFIX = re.compile(r"^\s*(?:" + _PREFIX_WORDS + r")\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*", re.I)
# A bracketed list prefix "[Correspondence Group]", "[WGEC-CG]" (two characters or more).
_LIST_TAG = re.compile(r"^\s*\[(?![A-Za-z]\])[^\[\]]{2,}\]\s*")
# A participant's task tag at the front: kept, but prefixes behind it still go.
_TASK_TAG = re.compile(r"^\s*(\[[A-Za-z]\])\s*")
_ANY_TAG = re.compile(r"\[[^\[\]]*\]")
_SPACE = re.compile(r"\s+")


def clean_subject(subject: str) -> str:
    """Strip repeated reply/forward prefixes and list tags; keep task tags like ``[b]``."""
    rest = subject
    tags: list[str] = []
    while True:
        for pattern in (_PREFIX, _LIST_TAG):
            match = pattern.match(rest)
            if match:
                rest = rest[match.end() :]
                break
        else:
            match = _TASK_TAG.match(rest)
            if not match:
                break
            tags.append(match.group(1))
            rest = rest[match.end() :]
    # Mail clients sometimes append "(fwd)"; it says nothing about the topic.
    rest = re.sub(r"\s*\(fwd\)\s*$", "", rest, flags=re.I)
    return _SPACE.sub(" ", " ".join([*tags, rest])).strip()


def normalise_subject(subject: str) -> str:
    """The subject as JWZ threading compares it: no prefixes or tags, lowercase."""
    text = _ANY_TAG.sub(" ", clean_subject(subject))
    # A prefix may have hidden behind a task tag: "[b] Re: Spam".
    while True:
        match = _PREFIX.match(text)
        if not match:
            break
        text = text[match.end() :]
    return _SPACE.sub(" ", text).strip().casefold()
