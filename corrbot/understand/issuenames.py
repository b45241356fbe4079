"""Issues a message names by their title or an alias (tag source "title").

A name is found where its words occur whole, in any case, with any whitespace
between them (``_name_pattern``). Few posts name an issue, so what a post holds
rules most names out before any pattern is tried: in an ASCII post, a name whose
words are not all words of the post cannot occur. ``named_issues`` first asks the
bits of the post's token chunks (textwords.ChunkBits), which the classifier reads
anyway, whether every run of letters of some name may be one of the post's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache, reduce
from operator import or_
from typing import NamedTuple

from corrbot.understand.keywords import ASCII_FOLDS
from corrbot.understand.refs import IssueRef

# str.translate table: each ASCII character that \w does not match becomes a space.
_NOT_WORD = "".join(c if re.match(r"\w", c) else " " for c in map(chr, range(128)))
# A run of letters of a lowercased ASCII name.
_ASCII_LETTERS = re.compile("[a-z]+")
# str.translate table: each ASCII character but a letter becomes a space.
_NOT_LETTER = "".join(c if c.isalpha() else " " for c in map(chr, range(128)))


def named_issues(
    text: str,
    lowered: str,
    issues: Sequence[IssueRef],
    subject: str,
    names: NameBits | None,
    found: int | None,
) -> list[IssueRef]:
    """``_named_issues(text, lowered, issues)`` of a post's ``text``, its ``subject``
    and new text joined by a newline, told ``names``, the ``NameBits`` of ``issues``
    (None when their names cannot be ruled out so: see ``letter_runs_of``), and
    ``found``, the bits of the new text's token chunks, read (not None) only when
    the subject is ASCII and the new text holds no character of ASCII_FOLDS.

    Where a name's pattern matches such a text, each run of letters of the name is
    one of the text, with no letter either side: the name is ASCII, so without
    those characters the pattern matches its letters only with ASCII letters, and
    only where no \\w is around it (the runs of letters of an ASCII subject are
    its words); the new text's lowering maps those letters to the name's
    lowercase and nothing but \\w to a letter (test_findtags_issue_names.py checks
    every character). Most posts lack one of each name's: they name no issue.
    """
    if names is not None and found is not None and not names.may_name(subject, found):
        return []
    return _named_issues(text, lowered, issues)


class NameBits:
    """The test of ``named_issues``, by the bits of a ``ChunkBits`` that tells each run
    of letters of the names as a word.

    Such a word's bit is set exactly where the text holds it with no letter either
    side: in an ASCII text, where it is one of the text's runs of letters.
    """

    __slots__ = ("_bit", "_keyed", "_keys", "_mask", "words")

    def __init__(self, runs: LetterRuns, bit_of: Callable[[str], int]) -> None:
        self.words = runs.words
        self._bit = {word: bit_of(word) for word in runs.words}
        self._mask = reduce(or_, self._bit.values(), 0)
        # By each name's longest run's bit: the bits of the names filed under it.
        self._keyed = tuple(
            (self._bit[key], tuple(self._bits(found) for found in names))
            for key, names in runs.by_key.items()
        )
        self._keys = reduce(or_, (key for key, _ in self._keyed), 0)

    def _bits(self, words: frozenset[str]) -> int:
        return reduce(or_, map(self._bit.__getitem__, words), 0)

    def may_name(self, subject: str, found: int) -> bool:
        """Whether a post may name an issue; ``found``: the bits of its new text."""
        held = found & self._mask
        for word in self.words.intersection(subject.lower().translate(_NOT_LETTER).split()):
            held |= self._bit[word]
        if held & self._keys:  # most posts hold no name's longest run
            for key, names in self._keyed:
                if held & key and any(held & name == name for name in names):
                    return True
        return False


class LetterRuns(NamedTuple):
    words: frozenset[str]  # the runs of letters of every name
    by_key: dict[str, tuple[frozenset[str], ...]]  # a name's longest run -> the names' runs


def letter_runs_of(issues: tuple[IssueRef, ...]) -> LetterRuns | None:
    """The runs of letters of the names of ``issues``; None when a name has none or
    is not ASCII: the runs of a text cannot rule it out."""
    runs = set()
    for issue in issues:
        for name in (issue.title, *issue.aliases):
            if not name:
                continue  # an empty name names nothing
            found = frozenset(_ASCII_LETTERS.findall(name.lower()) if name.isascii() else ())
            if not found:
                return None
            runs.add(found)
    by_key: dict[str, list[frozenset[str]]] = {}
    for found in runs:
        by_key.setdefault(max(sorted(found), key=len), []).append(found)
    return LetterRuns(
        frozenset().union(*runs), {key: tuple(found) for key, found in by_key.items()}
    )


def _named_issues(text: str, lowered: str, issues: Sequence[IssueRef]) -> list[IssueRef]:
    """The issues ``text`` names by title or alias, in list order.

    ``lowered`` is ``text.lower()``. In ASCII text, only the issues that have a name
    whose longest word is a word of the text, or a name the words cannot rule out,
    are looked at.
    """
    if not text.isascii():
        return [issue for issue in issues if _names_issue(text, lowered, None, issue)]
    names = _names_of(tuple(issues))  # once per issue list
    # Only the words some name holds: collecting every word of the text as a set
    # took longer than the rest of the tagging.
    words = names.runs.intersection(lowered.translate(_NOT_WORD).split())
    candidates = set(names.always)
    for word in words:
        candidates.update(names.by_key.get(word, ()))
    return [
        issues[index]
        for index in sorted(candidates)
        if _names_issue(text, lowered, words, issues[index])
    ]


def _names_issue(text: str, lowered: str, words: frozenset[str] | None, issue: IssueRef) -> bool:
    """Whether ``text`` names ``issue`` by its title or an alias.

    ``lowered`` is ``text.lower()``; ``words``, when ``text`` is all ASCII, holds
    every lowercased \\w run of the text that is one of a name's (else None).
    """
    for name in (issue.title, *issue.aliases):
        if not name:
            continue
        finder = _name_finder(name)
        if words is not None and finder.runs is not None:
            # Between ASCII name and ASCII text, ignoring case is ASCII case only:
            # where the pattern matches, each \w run of the name is a whole \w run
            # of the text (and its longest word is in the lowered text, so the
            # test below would pass). Set lookups spare that test and most scans.
            if not finder.runs <= words:
                continue
        elif finder.needle not in lowered:
            # A name's longest word must occur somewhere: a substring test is far
            # cheaper than a word-boundary regex scan of a long text, per issue.
            # Other text keeps this test: under re.I "ſ" matches "s" and "ı" "i",
            # so word sets could miss what the pattern finds.
            continue
        if finder.pattern.search(text):
            return True
    return False


class _NameFinder(NamedTuple):
    needle: str  # the name's longest word, lowercased
    runs: frozenset[str] | None  # its lowercased \w runs, when the name is ASCII
    pattern: re.Pattern[str]


@lru_cache(maxsize=4096)
def _name_finder(name: str) -> _NameFinder:
    # Once per name, not once per message and issue.
    needle = max(name.lower().split(), key=len, default="")
    runs = frozenset(name.lower().translate(_NOT_WORD).split()) if name.isascii() else None
    return _NameFinder(needle, runs, _name_pattern(name.split()))


def _name_pattern(words: list[str]) -> re.Pattern[str]:
    """Whole words, any whitespace between them, case-insensitive."""
    escaped = [re.escape(word) for word in words]
    if not words or not words[0][0].isascii():
        return re.compile(r"(?<!\w)" + r"\s+".join(escaped) + r"(?!\w)", re.I)
    # The same pattern, beginning with the set its first character matches: the
    # regex engine scans for a set fast, where a case-insensitive pattern, or one
    # that begins with a look back, is tried at every position (5x slower over the
    # names found in the linux-mips posts that are not ASCII). The look back,
    # checked after that character, sees the one before it.
    first = words[0][0]
    if first.isalpha():
        first = f"[{first.lower()}{first.upper()}{ASCII_FOLDS.get(first.lower(), '')}]"
    else:
        first = re.escape(first)
    rest = r"\s+".join([re.escape(words[0][1:]), *escaped[1:]])
    return re.compile(f"{first}(?<!\\w{first})(?i:{rest})(?!\\w)")


class _IssueNames(NamedTuple):
    runs: frozenset[str]  # the \w runs of every ASCII name
    by_key: dict[str, tuple[int, ...]]  # a run -> the issues (indexes) with a name keyed by it
    always: tuple[int, ...]  # issues with a name no word set rules out: not ASCII, or no \w


@lru_cache(maxsize=64)
def _names_of(issues: tuple[IssueRef, ...]) -> _IssueNames:
    runs: set[str] = set()
    by_key: dict[str, list[int]] = {}
    always: list[int] = []
    for index, issue in enumerate(issues):
        for name in (issue.title, *issue.aliases):
            finder = _name_finder(name) if name else None
            if finder is None:
                continue  # an empty name names nothing
            if not finder.runs:
                always.append(index)
                continue
            runs |= finder.runs
            # A name matches only where all its runs are words of the text; its
            # longest (usually its rarest) stands for them.
            key = max(sorted(finder.runs), key=len)
            by_key.setdefault(key, []).append(index)
    return _IssueNames(
        frozenset(runs),
        {key: tuple(dict.fromkeys(found)) for key, found in by_key.items()},
        tuple(dict.fromkeys(always)),
    )
