"""Whether a text can hold a keyword, by one lowering shared by a post's readers.

The line conventions (directives.py, mapping.py) and the task lines of tags.py
are case-insensitive patterns tried line by line, each spelling a keyword
("decision", "mechanism"); almost no post holds the keyword, and a substring test
of the lowered text says so at a fraction of the cost of the line loop. A post's
new text is read by several of them in a row, and by the classifier, which lowers
it too: ``lowered`` does it once. ``LineStarts`` finds the lines a reader may
read by one search, for the readers that look at line starts only.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=4)
def lowered(text: str) -> str:
    """``text.lower()``, computed once for the several readers of the same text."""
    return text.lower()


# The characters other than themselves that re.I matches an ASCII letter with,
# by that letter ("İ" and "ı" match "i", the Kelvin sign "k", "ſ" "s"). Lowering
# shows none of them as that letter, and "İ" lowers to two characters.
ASCII_FOLDS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
_FOLDING = "".join(ASCII_FOLDS.values())


def may_hold(text: str, *words: str) -> bool:
    """False only when no case-insensitive pattern spelling one of ``words`` can
    match ``text``; each word is lowercase ASCII.

    Ignoring case, an ASCII letter matches only its two cases and the characters
    of ASCII_FOLDS, so without those a match shows its word in the lowered text.
    A text holding one of them is not looked at. Posts that are not ASCII are not
    rare (1,140 of the 10,000 linux-mips ones).
    """
    if folds_ascii(text):
        return True
    low = lowered(text)
    return any(word in low for word in words)


def folds_ascii(text: str) -> bool:
    """Whether ``text`` holds a character of ASCII_FOLDS (which lowering hides)."""
    return not text.isascii() and _folds(text)


@lru_cache(maxsize=4)
def _folds(text: str) -> bool:
    # A post's new text is asked about for several keywords in a row.
    return any(char in text for char in _FOLDING)


class LineStarts:
    """Where the lines begin that ``start`` (a pattern) matches from their beginning,
    in a text whose only line boundary is "\\n".

    The pattern is looked for after each "\\n", a literal the regex engine finds by
    a fast search (a ``^`` is tried at every position), and on the first line alone.
    """

    def __init__(self, start: str, flags: int = 0) -> None:
        self._first = re.compile(start, flags)
        self._after = re.compile("\\n" + start, flags)

    def __call__(self, text: str) -> list[int]:
        starts = [0] if self._first.match(text) else []
        starts += [match.start() + 1 for match in self._after.finditer(text)]
        return starts

    def any_in(self, text: str) -> bool:
        """Whether there is such a line (the first found ends the search)."""
        return bool(self._first.match(text) or self._after.search(text))
