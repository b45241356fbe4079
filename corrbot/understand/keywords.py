"""Whether a text can hold a keyword, by one lowering shared by a post's readers.

The line conventions (directives.py, mapping.py) and the task lines of tags.py
are case-insensitive patterns tried line by line, each spelling a keyword
("decision", "mechanism"); almost no post holds the keyword, and a substring test
of the lowered text says so at a fraction of the cost of the line loop. A post's
new text is read by several of them in a row, and by the classifier, which lowers
it too: ``lowered`` does it once.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4)
def lowered(text: str) -> str:
    """``text.lower()``, computed once for the several readers of the same text."""
    return text.lower()


def may_hold(text: str, *words: str) -> bool:
    """False only when no case-insensitive pattern spelling one of ``words`` can
    match ``text``; each word is lowercase ASCII.

    Only an ASCII text is looked at: there, ignoring case means ASCII case only,
    so a match shows its word in the lowered text. Elsewhere "ſ" matches "s" and
    the Kelvin sign "k", which the lowered text does not show.
    """
    if not text.isascii():
        return True
    low = lowered(text)
    return any(word in low for word in words)
