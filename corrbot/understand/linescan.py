"""The lines of a body that ``quotes._keep`` must judge one by one.

Any other line is the sender's plain text whatever surrounds it, so ``_keep`` copies
runs of them unread. Judging every line with the markers themselves was what made
reading a patch archive slow; the patterns here are cheaper and match every line a
marker or an attribution could start on (and some more, which only cost time): one
search over the text for line starts, which gives a run of plain quoted lines as
one, and a few more for the words without which no attribution matches (which skip
what an attribution starting above a run cannot reach of it).
"""

from __future__ import annotations

import re

from corrbot.understand import keywords
from corrbot.understand import markers as m
from corrbot.understand.keyed import searches

# The words HEADER_FROM, FORWARD, MOBILE_SIGNATURE and DISCLAIMER_START can begin
# with (after the blanks, "*", "-", ">", "(" or "<" they allow before them), cut
# short where that keeps the pattern wider than the marker. A word added to a
# marker must be added here (tests/understand/test_quotes_fast.py checks).
_HEADER_END = r"\s*\*?\s*[:：]"
_OUTLOOK = r"\s+\[?outlook"
_LEADS: tuple[str, ...] = (
    *(
        name + _HEADER_END
        for name in (
            *("from", "de", "von", "da", "van", "från", "fra", "od", "от", "від"),
            *("发件人", "發件人", "寄件者", "من"),
        )
    ),
    *(start for start in m.FORWARD_STARTS if not start.startswith(m.DASHES)),
    *(
        word + r"\s"
        for word in (
            *("sent", "envoyé", "enviado", "gesendet", "verzonden", "inviato", "skickat"),
            *("sendt", "wysłane", "отправлено", "надіслано"),
        )
    ),
    *(r"vo[nm]\s+meinem", "diese nachricht", "from my "),
    *(word + _OUTLOOK for word in ("get", "téléchargez", "obtener", "holen sie sich")),
    *("从我的", "從我的", "发自我的", "發自我的", "أرسلت من "),
    r"this\s+(?:e-?mail|message|communication|transmission)",
    *(r"the\s+information", "confidential", "disclaimer", r"if\s+you\s+are"),
    *(r"ce\s+(?:message|courriel)", r"le\s+présent", r"avis\s+de", r"aviso\s+de"),
    *(r"este\s+(?:mensaje|correo)", r"diese\s+(?:e-?mail|nachricht)", r"dieses\s+e-?mail"),
    *("vertraulich", r"это\s", "конфиденциально"),
)


def _by_first_letter(leads: tuple[str, ...], lowered: bool = False) -> str:
    """``(?i:lead|…)``, but split on the first letter so most lines fail at once.

    Under IGNORECASE an ASCII letter matches only its two cases among ASCII
    characters; a line starting with any other character tries every lead. With
    ``lowered``, the leads as they are, for the lowered text of an ASCII text (where
    they read what IGNORECASE reads in the text, and a lead starting with a
    character outside ASCII matches nothing).
    """
    rests: dict[str, list[str]] = {}
    for lead in leads:
        rests.setdefault(lead[0], []).append(lead[1:])
    cases = {
        first: first if lowered else first + first.upper() for first in rests if first.isascii()
    }
    flags = "?:" if lowered else "?i:"
    # A branch starting with a literal character is passed over at once when the
    # line's differs (with a class, re calls the class's test): one per case.
    branches = [
        f"{case}({flags}{'|'.join(rests[first])})" for first in cases for case in cases[first]
    ]
    firsts = "".join(cases.values())
    if not lowered:
        branches.append(f"(?=[^\\x00-\\x7f])(?i:{'|'.join(leads)})")
        firsts += "\\x80-\\U0010ffff"
    # re tries the branches one after the other: one class first rejects a letter
    # no lead starts with in one step.
    return f"(?=[{firsts}])(?:" + "|".join(branches) + ")"


_FORWARD_LEADS = tuple(start for start in m.FORWARD_STARTS if not start.startswith(m.DASHES))
_DASHED = "|".join(
    start.removeprefix(m.DASHES) for start in m.FORWARD_STARTS if start.startswith(m.DASHES)
)
# What \s matches but "\n", spelled out so that other characters can share a class
# with it (re has no difference of classes). No blank is above U+3000 (the tests
# check).
_BLANKS = re.escape("".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != "\n"))


def _after_blanks(lowered: bool) -> str:
    """Wider than each of QUOTE, SIG_DASHES, DIVIDER, HEADER_FROM, FORWARD_ANY,
    DISCLAIMER_START and MOBILE_SIGNATURE_ANY (but its "… from mobile", see
    _MOBILE_END), each read from the first non-blank character of a line on (no
    branch starts with a blank, so the blanks need not be given back); with
    ``lowered``, in the lowered text of an ASCII text (see _by_first_letter).

    Each branch starts with what a line must start with to take it, which is
    faster. A lead starts with a letter, never with a blank, ">", "*", "-", "(" or
    "<", so the run of those before it is taken whole ("*+"): nothing to give back
    on the removed lines of a patch ("-\\t\\tfoo").
    """
    word = _by_first_letter(_LEADS, lowered)
    # Of the markers, only FORWARD_ANY lets a dash come before a word (its _EDGE_L):
    # after one, only its words (not the removed line of a patch's "-\\tstatic").
    forward_word = _by_first_letter(_FORWARD_LEADS, lowered)
    dashed = f"(?{'' if lowered else 'i'}:{_DASHED})"
    letters = "a-z" if lowered else "A-Za-z"
    starts = letters if lowered else letters + "\\x80-\\U0010ffff"
    # A line of dashes ("-- ", "-----") or one a dashed forward marker starts
    # ("--- Forwarded message ---"): the first dash, blanks, ">" and "*" up to the
    # last dash, each run taken whole and read within the line: then nothing is
    # given back, where a run that went on into the lines below ("-\\n-\\n-") was
    # given back a character at a time, each time trying the forward words.
    dashes = rf"(?:[{_BLANKS}>*]*+-)++(?:[{_BLANKS}*]*+$|[{_BLANKS}]*+{dashed})"
    return (
        r"(?:>"
        rf"|-(?:{dashes}|[\s>*\-]*+{forward_word})"
        rf"|\*[\s>*\-]*(?:--|\*\*|___|===|~~~|{word})"
        rf"|[(<][\s(<]*+{word}|___|===|~~~"
        rf"|(?=[{starts}])(?:[{letters}]{{1,12}}+>|{word}))"
    )


_MARKER_START = re.compile(r"\s*+" + _after_blanks(False))
# A line quotes._keep drops as a plain quote (QUOTE, and not QUOTE again once
# lstrip(" >*-") took its marks), read at a line start in the whole text: only
# spaces before the first ">" (lstrip keeps a tab, and "\t> x" is a quote again),
# and never a "\n" as a blank. tests/understand/test_newtext_runs.py holds it to
# quotes' own test.
_PLAIN = re.compile(r"(?= *>)[ >*\-]*+(?![^\S\n]*(?:>|[A-Za-z]{1,12}>(?!\S)))")
# Over "\n" + text: the "\n" before a line _MARKER_START matches. Read from the
# line's start, in a look-ahead, the marker pattern still matches (MULTILINE for its
# "$"); where it runs on into the next line it may match more, which only costs
# time, and the next "\n" is still there to find. _MARKED_FIRST is the same for the
# first line (at the start of the text); the _ASCII pair reads the lowered text of
# an ASCII text, where no branch tells cases apart (half as many, and literals
# where IGNORECASE compares lowered characters).
_MARKED, _MARKED_FIRST, _MARKED_ASCII, _MARKED_FIRST_ASCII = (
    re.compile(before + rf"[^\S\n]*+{_after_blanks(lowered)}" + after, re.MULTILINE)
    for lowered in (False, True)
    for before, after in (("\n(?=", ")"), ("", ""))
)
# The "\n" that ends a run of plain quoted lines.
_RUN_END = re.compile(rf"\n(?!{_PLAIN.pattern})")
# The one mobile signature that may start with anything ends with this.
_MOBILE_END = re.compile(r"mobile\s*$", re.IGNORECASE | re.MULTILINE)
# The same in a lowered text without ASCII_FOLDS, where it reads what IGNORECASE
# reads in the text (its letters lower one to one, and no other character lowers
# to one of them); "mobile" is looked for with the attribution words.
_MOBILE = "mobile"
_MOBILE_LOWERED = re.compile(r"mobile\s*$", re.MULTILINE)

# attribution_match tries a pattern only when one of its words is in the lowercased
# line; the "@" of the date-then-address pattern is narrowed to its closing address.
_NEEDS = tuple(sorted({word for needs in m.ATTRIBUTION_NEEDS for word in needs} - {"@"}))


_SEARCHES = searches(tuple(word for word in (*_NEEDS, _MOBILE) if " " not in word))
_ASCII_SEARCHES = searches(
    tuple(word for word in (*_NEEDS, _MOBILE) if word.isascii() and " " not in word)
)
# Each with its key when that is not ASCII: such a pass is skipped when the text
# lacks the key, which is quicker to look for than to make the pass.
_KEYED = tuple(
    (search, "" if search.pattern[0].isascii() else search.pattern[0]) for search in _SEARCHES
)
_ASCII_KEYED = tuple((search, "") for search in _ASCII_SEARCHES)
# A word with a space can be split where a client wrapped the line: the next line
# then starts with what follows a space. Each such part is looked for once, for
# both: a line starting with it (after blanks), and the words that end on it.
_PARTS: dict[str, tuple[str, ...]] = {
    part: tuple(word.removesuffix(part) for word in _NEEDS if word.endswith(" " + part))
    for word in _NEEDS
    for part in word.split(" ")[1:]
}

# The date-then-address pattern also needs a year before the address.
# "\d{4}", but starting with one digit: a search skips to the next (see markers).
_YEAR = re.compile(r"\d\d{3}")


class Suspects(list[int]):
    """Indices of the lines to judge, ascending; an index may come twice.

    ``marked`` holds those a marker may start on: any other was picked only as the
    possible first line of an attribution. ``runs`` maps the first line of each run
    of plain quoted lines to the line after the run (the others need not be in the
    list): all of them are dropped, decided once.
    """

    def __init__(self, marked: list[int], runs: dict[int, int]) -> None:
        super().__init__(marked)
        self.marked = set(marked)
        self.runs = runs


def suspects(text: str, lines: list[str], reach: int) -> Suspects | None:
    """The lines that need judging (None: all of them).

    ``lines`` is ``text`` split at "\\n", each right-stripped; ``reach`` is the most
    physical lines an attribution joins.
    """
    # Not keywords.lowered: its cache hashes the whole text, which nothing else here
    # needs (no one else lowers this copy of it).
    lowered = text.lower()
    if len(lowered) != len(text):
        # A capital whose lowercase is longer ("İ"): offsets in the two would differ.
        return None
    marked, runs, bounds = _marked(text, lowered)
    reads = _reads(text, bounds, reach)
    words, mobiles = _words(text, lowered, reads)
    if keywords.folds_ascii(text):
        # IGNORECASE without a literal to skip to tries every character.
        mobiles = [hit.start() for read in reads for hit in _MOBILE_END.finditer(text, *read)]
    else:
        mobiles = [at for at in mobiles if _MOBILE_LOWERED.match(lowered, at)]
    if mobiles:
        marked += _line_numbers(text, mobiles)
    judged = Suspects(marked, runs)
    ends = _line_numbers(text, words)
    judged += _attribution_starts(lines, ends, reach, None)
    if "@" in text:
        hits = [hit.start() for read in reads for hit in m.ADDRESS_END.finditer(text, *read)]
        judged += _attribution_starts(lines, _line_numbers(text, hits), reach, _YEAR)
    judged.sort()  # sorted runs: merged in linear time
    return judged


def _marked(text: str, lowered: str) -> tuple[list[int], dict[int, int], list[tuple[int, int]]]:
    """The lines _MARKER_START matches (and a few more), a run of plain quoted lines
    as its first line, in order; the runs (see Suspects); and where each run starts
    and ends in ``text`` (its first character, the "\\n" after it or the end).

    One search over the text instead of a match per line: most lines are neither,
    and most quoted lines come in runs. An ASCII text is read in ``lowered``
    (``text.lower()``), with the same offsets.
    """
    first, after = _MARKED_FIRST, _MARKED
    if text.isascii():
        text, first, after = lowered, _MARKED_FIRST_ASCII, _MARKED_ASCII
    judged: list[int] = []
    runs: dict[int, int] = {}
    bounds: list[tuple[int, int]] = []
    line = last = 0
    start = 0 if first.match(text) else _after(after.search(text))
    while start >= 0:
        line += text.count("\n", last, start)
        last = start
        judged.append(line)
        if not _PLAIN.match(text, start):
            start = _after(after.search(text, start))
            continue
        end = _RUN_END.search(text, start)
        stop = end.start() if end else len(text)
        line += text.count("\n", start, stop) + 1
        last = stop + 1
        runs[judged[-1]] = line
        bounds.append((start, stop))
        start = _after(after.search(text, stop))
    return judged, runs, bounds


def _after(newline: re.Match[str] | None) -> int:
    """Where the line after a ``_MARKED`` hit starts (-1: no hit)."""
    return newline.start() + 1 if newline else -1


def _reads(text: str, bounds: list[tuple[int, int]], reach: int) -> list[tuple[int, int]]:
    """The stretches of ``text`` (start, end) that the searches for attribution words
    and addresses read: all but each run of plain quoted lines from its ``reach``-th
    line on.

    An attribution never starts on a plain quoted line (``_keep`` drops it first),
    and one starting above the run joins at most its first ``reach`` - 1 lines.
    """
    reads: list[tuple[int, int]] = []
    done = 0
    for start, stop in bounds:
        skip = start
        for _ in range(reach - 1):
            skip = text.find("\n", skip, stop) + 1
            if not skip:
                break
        else:
            reads.append((done, skip))
            done = stop
    reads.append((done, len(text)))
    return reads


def _words(text: str, lowered: str, reads: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Offsets in ``text`` (within ``reads``) of the words an attribution pattern
    cannot match without, and of "mobile"."""
    found: list[int] = []
    mobiles: list[int] = []
    for search, key in _ASCII_KEYED if text.isascii() else _KEYED:
        if key and key not in lowered:
            continue
        for read in reads:
            # Overlapping hits are missed, but they are on the line of the first.
            for hit in search.finditer(lowered, *read):
                at = hit.start()
                (mobiles if lowered.startswith(_MOBILE, at) else found).append(at)
    for part, heads in _PARTS.items():
        for begin, end in reads:
            at = lowered.find(part, begin, end)
            while at >= 0:
                start = lowered.rfind("\n", 0, at) + 1
                if lowered.endswith(heads, 0, at) or lowered[start:at].isspace() or start == at:
                    found.append(at)
                at = lowered.find(part, at + 1, end)
    return found, mobiles


def _line_numbers(text: str, offsets: list[int]) -> list[int]:
    numbers: list[int] = []
    line = last = 0
    for offset in sorted(offsets):
        line += text.count("\n", last, offset)
        last = offset
        numbers.append(line)
    return numbers


def _attribution_starts(
    lines: list[str], ends: list[int], reach: int, needed: re.Pattern[str] | None
) -> list[int]:
    """Lines from which an attribution joining a line in ``ends`` may start.

    With ``needed``, the joined lines must also match it somewhere.
    """
    starts: list[int] = []
    # Whether ``needed`` finds a line, by index: the lines before neighbouring ends
    # ("Signed-off-by: A <a@b.c>", "Cc: …") are read back from each of them.
    held: dict[int, bool] = {}
    for end in ends:
        i, joined, found = end, 0, needed is None
        while i >= 0 and joined < reach:
            if lines[i]:
                if not found and needed is not None:
                    if i not in held:
                        held[i] = needed.search(lines[i]) is not None
                    found = held[i]
                if found:
                    starts.append(i)
                joined += 1
            i -= 1
    starts.sort()
    return starts
