"""The text that counts: a reply without its quotes, forwarded parts and signature.

The algorithm reads the reply top-down, line by line, deciding for each line
whether it is the sender's own text. Quoted lines (``>``) are dropped wherever they
are, so an inline reply keeps the sender's lines interleaved between the quotes. A
client's attribution ("On …, X wrote:") is dropped; when no quote follows it (the
Outlook or Gmail "top-posting" style, where the old mail is pasted unquoted below)
everything from there on is someone else's and is cut. The same cut happens at a
forwarded or original-message marker, at an embedded header block ("From:/Sent:/
To:/Subject:"), at a "-- " signature separator and at a legal disclaimer. When such
a marker comes before any text of the sender's (a bare forward), only the marker
and its headers are removed and the forwarded body is what counts.

Most lines of a patch archive are none of these. Outside code fences, a line that
is not blank, a quote or a marker, and that cannot start an attribution (one of
the attribution words must be within the lines it joins), is kept as it is
whatever surrounds it. linescan.py finds every other line with cheaper patterns
that match a superset of them; only those are judged here and runs of the rest
are copied, so the result is the same as judging each line, in a fraction of the
time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from corrbot.understand import linescan
from corrbot.understand import markers as m
from corrbot.understand.html import html_to_text

# Gmail's tracking mark and zero-width characters that make a blank line look full.
_INVISIBLE = re.compile("[\u1427\u200b\u200c\u200d\u2060\ufeff]")
# A line that carries a corrbot convention: never treat it as a signature.
_CONVENTION = re.compile(
    r"^\s*(?:(?:tasks?|issues?|position|mechanism|status|gap|alternative|closes|decision|"
    r"on behalf of|tag|untag)\s*:|[+-]1\s*$|0\s*$)",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_WORD = re.compile(r"\w")
_MAX_ATTRIBUTION_LINES = 4
# A line a wrapped attribution may start with: an opening word, a year, a time or
# an address. One search of the three alternatives tried them at every position;
# apart, the word is matched at the start only and the digits found by a search
# that skips to the next digit.
_OPENER_WORD = re.compile(r"[\s>*-]*(?:on|at|le|el|em|am|op|il|den|dnia|在|في)\s", re.IGNORECASE)
_OPENER_DIGITS = re.compile(r"\d(?:\d{3}|:\d\d)")
# Three letters then a full stop, or ! or ?, at the end: only the last four
# characters are searched (see _ends_sentence), since searching a whole line is slow.
_SENTENCE_END = re.compile(r"(?:[^\W\d]{3}[.!?]|[!?])$")
_MAX_SIGNATURE_LINES = 6
# A removed line of a patch ("-foo", not the "--" of a separator).
_PATCH_MINUS = re.compile(r"-[^-]")


def new_text(text: str | None, html: str | None = None) -> str:
    """Return the sender's own text of a message body (plain text, else HTML)."""
    # isspace() is strip()'s test, without copying the text.
    if text is None or not text or text.isspace():
        text = html_to_text(html) if html else ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() and not _latin1(text):
        text = _INVISIBLE.sub("", text)
    lines = list(map(str.rstrip, text.split("\n")))
    fenced = _has_fence_mark(text) and any(map(_FENCE.match, lines))
    # Inside a code fence a marker is kept as text: only the line loop knows.
    judged = None if fenced else linescan.suspects(text, lines, _MAX_ATTRIBUTION_LINES)
    return _tidy(_keep(lines, range(len(lines)) if judged is None else judged, fenced))


def _latin1(text: str) -> bool:
    """Whether ``text`` is all Latin-1 (then none of _INVISIBLE is in it): a copy for
    most, where the search reads every character."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _has_fence_mark(text: str) -> bool:
    # A single character is looked for as fast as memchr, a longer string at a
    # fraction of that speed, and most mail has neither "`" nor "~".
    return ("`" in text and "```" in text) or ("~" in text and "~~~" in text)


class Kept(list[str]):
    """Kept lines in order; ``gaps`` holds where a removed stretch was (ascending:
    before the line at that index, or at the end), which _tidy marks with one blank
    line."""

    def __init__(self) -> None:
        super().__init__()
        self.gaps: list[int] = []

    def gap(self) -> None:
        self.gaps.append(len(self))


def _keep(lines: list[str], judged: Sequence[int], fenced: bool = True) -> Kept:
    """Kept lines in order, with the removed stretches (see Kept).

    Lines not in ``judged`` (ascending) are plain text: kept as they are, but for
    the runs of plain quoted lines of linescan.Suspects. Without ``fenced``, no line
    is a code fence.
    """
    out = Kept()
    suspects = judged if isinstance(judged, linescan.Suspects) else None
    runs = suspects.runs if suspects else {}
    has_text = False
    in_code = False
    i = 0
    for judge in judged:
        if judge < i:
            # Taken with an earlier line; if that was an attribution or a header
            # block, a run of quoted lines may go on past it.
            if runs.get(judge, 0) > i:
                out.gap()
                i = runs[judge]
            continue
        if judge > i:
            run = lines[i:judge]
            out += run
            has_text = has_text or any(run)
            i = judge
        if i in runs:
            # Each of them would be dropped as a plain quoted line below; so many
            # gaps are one to _tidy.
            out.gap()
            i = runs[i]
            continue
        line = lines[i]
        fence = fenced and _FENCE.match(line) is not None
        if fence:
            in_code = not in_code
        if in_code or fence:
            out.append(line)
            has_text = True
            i += 1
            continue
        if not line.strip():
            out.append("")
            i += 1
            continue
        # linescan picks most lines only as the possible start of an attribution:
        # then none of the markers matches it (nor a quote, which its runs hold).
        marked = suspects is None or i in suspects.marked
        if marked and line == "--":
            # SIG_DASHES (of a right-stripped line), which no check below it takes
            # first: nearly every patch has one, told without them.
            return out
        if marked and m.QUOTE.match(line) and not m.QUOTE.match(line.lstrip(" >*-")):
            # A plain quoted line: no attribution starts here (see _attribution),
            # so the quote rule below drops it.
            out.gap()
            i += 1
            continue
        if marked and line.startswith("+") and not m.MOBILE_SIGNATURE_ANY.match(line):
            # A patch's added line: of the markers below, only a mobile signature can
            # start with "+" (none of the others, nor an attribution), so it is text.
            out.append(line)
            has_text = True
            i += 1
            continue
        span = _attribution(lines, i)
        if span:
            following = _next_nonblank(lines, i + span)
            quoted = following is not None and bool(m.QUOTE.match(lines[following]))
            if quoted or not has_text:
                out.gap()
                i += span
                continue
            return out
        if not marked:
            out.append(line)
            has_text = True
            i += 1
            continue
        if m.QUOTE.match(line):
            out.gap()
            i += 1
            continue
        if m.SIG_DASHES.match(line):
            return out
        if m.MOBILE_SIGNATURE_ANY.match(line):
            out.gap()
            i += 1
            continue
        block = _embedded_start(lines, i)
        if block:
            if has_text:
                return out
            out.gap()
            i += block
            continue
        if m.DIVIDER.match(line) and _divider_ends_text(lines, i, judged):
            return out
        if has_text and _disclaimer(lines, i):
            return out
        out.append(line)
        has_text = True
        i += 1
    out += lines[i:]
    return out


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for j in range(start, len(lines)):
        if lines[j].strip():
            return j
    return None


def _attribution(lines: list[str], i: int) -> int:
    """How many physical lines from ``i`` form a client's attribution (0: none)."""
    if m.QUOTE.match(lines[i]) and not m.QUOTE.match(lines[i].lstrip(" >*-")):
        # "> On …, X wrote:" inside a quote: the quote rule removes it anyway.
        return 0
    first = lines[i].strip()
    if len(first) > 200 or first.startswith(("+", "@@")) or _PATCH_MINUS.match(first):
        # Too long for a client's line, or a line of a patch.
        return 0
    # A wrapped attribution starts with a date or an address, never with the end
    # of a sentence ("This is my 3rd point." must not join the line below it).
    may_wrap = _opens(first) and not _ends_sentence(first)
    # What the first line holds the joins hold too: then the hint holds for each.
    hinted = m.attribution_hint(first)
    if not may_wrap:
        # No line joins it: it is an attribution alone or none.
        return int(hinted and _matched(first, lines, i + 1, True))
    parts: list[str] = []
    size = -1  # the length of the join
    found = 0
    j = i
    while j < len(lines) and len(parts) < _MAX_ATTRIBUTION_LINES:
        part = lines[j].strip()
        if part:
            # Joining wrapped lines must not swallow prose: only when the join
            # looks like a client's line (a digit or an address somewhere).
            if parts and _ends_sentence(parts[-1]):
                break
            parts.append(part)
            size += len(part) + 1
            if size > 300:
                break
            # Keep extending: "…<addr>" may match before the "> wrote:" line.
            if _matched(" ".join(parts), lines, j + 1, hinted):
                found = j - i + 1
        elif len(parts) == 1 and j - i > 2:
            break
        j += 1
    return found


def _opens(first: str) -> bool:
    return "@" in first or bool(_OPENER_DIGITS.search(first) or _OPENER_WORD.match(first))


def _matched(joined: str, lines: list[str], after: int, hinted: bool) -> bool:
    """The join is an attribution (``hinted``: its hint is known to hold)."""
    lowered = joined.lower()
    if not hinted and not m.attribution_hint(joined, lowered):
        return False
    return m.attribution_match(joined, lowered) and _evidence(joined, lines, after)


def _ends_sentence(text: str) -> bool:
    # Most lines end on none of the three, told without a search.
    return text.endswith((".", "!", "?")) and _SENTENCE_END.search(text[-4:]) is not None


def _evidence(joined: str, lines: list[str], after: int) -> bool:
    """A client wrote this line: a date when quotes follow, a time or address otherwise."""
    following = _next_nonblank(lines, after)
    if following is not None and m.QUOTE.match(lines[following]):
        # A line ending in a colon right above the quote introduces it, with or
        # without a date ("On Mon, Alice wrote:", "Alice wrote:").
        return bool(
            m.DATE_EVIDENCE.search(joined)
            or " via " in joined
            or joined.rstrip(" >*").endswith((":", "："))
        )
    return bool(m.CLIENT_EVIDENCE.search(joined))


def _embedded_start(lines: list[str], i: int) -> int:
    """Lines taken by a forward marker or header block starting at ``i`` (0: none)."""
    line = lines[i]
    start = i
    if m.FORWARD_ANY.match(line):
        i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines) or not m.HEADER.match(lines[i]):
            return i - start
    elif not m.HEADER_FROM.match(line):
        return 0
    # A header block: From plus at least two more headers before a blank line.
    j = i
    headers = 0
    while j < len(lines) and lines[j].strip() and j - i < 12:
        if m.HEADER.match(lines[j]):
            headers += 1
        j += 1
    if headers < 3 and start == i:
        return 0
    return j - start


def _divider_ends_text(lines: list[str], i: int, judged: Sequence[int]) -> bool:
    """A divider followed by a short signature, or by an embedded header block."""
    following = _next_nonblank(lines, i + 1)
    if following is None:
        return True
    # The judged lines from ``following`` on, walked along with the lines below
    # (a patch's diffstat, most often) instead of looked up for each.
    at = bisect_left(judged, following)
    if at < len(judged) and judged[at] == following and _embedded_start(lines, following):
        return True
    signature: list[str] = []
    for j in range(following, len(lines)):
        line = lines[j]
        if not line.strip():
            continue
        while at < len(judged) and judged[at] < j:
            at += 1
        # A line linescan did not pick is plain: none of the three (and it is faster),
        # but for the quoted lines of its runs.
        if _quoted(line) or (
            at < len(judged)
            and judged[at] == j
            and (_attribution(lines, j) or _embedded_start(lines, j))
        ):
            break
        signature.append(line)
        if len(signature) > _MAX_SIGNATURE_LINES:
            return False
    # A line of a convention is the sender's, so no signature's. Looked for once the
    # lines are known to be few (a patch's "---" is followed by more): such a line
    # gave False where it came, as a line too many does.
    return not any(map(_CONVENTION.match, signature))


def _quoted(line: str) -> bool:
    # Most lines hold no ">", told without a match.
    return ">" in line and m.QUOTE.match(line) is not None


def _disclaimer(lines: list[str], i: int) -> bool:
    if not m.DISCLAIMER_START.match(lines[i]):
        return False
    paragraph = []
    for line in lines[i:]:
        if not line.strip():
            break
        paragraph.append(line)
    return bool(m.DISCLAIMER_WORDS.search(" ".join(paragraph)))


def _tidy(kept: Kept) -> str:
    """Join kept lines: one blank line where text was removed, no ragged ends."""
    gaps = kept.gaps
    lines = kept[: gaps[0]] if gaps else kept[:]
    for at, gap in enumerate(gaps):
        while lines and not lines[-1].strip():
            lines.pop()
        stop = gaps[at + 1] if at + 1 < len(gaps) else len(kept)
        # After a gap, blank lines are dropped up to the first line of text.
        for first in range(gap, stop):
            if kept[first].strip():
                if lines:
                    lines.append("")
                lines += kept[first:stop]
                break
    # Trailing lines without a letter or digit are dividers or tracking marks.
    while lines and not _WORD.search(lines[-1]) and not _FENCE.match(lines[-1]):
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)
