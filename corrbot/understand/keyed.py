"""Patterns that find any of a set of words in a few fast passes over a text.

re skips to the next place a pattern's first, literal, character occurs about as
fast as str.find; a pattern that may start with any of several characters is tried
at each of them. linescan finds the attribution words in a body with these passes,
and markers.attribution_hint the same words in a line with their alternation.
"""

from __future__ import annotations

import re


def searches(words: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """A few patterns that together find each of ``words``, one pass over a text each.

    re skips to the next place a pattern's first, literal, character occurs about as
    fast as str.find, and a pass costs much the same whatever that character: so
    the words share as few passes as they can. Each is keyed on the first character
    of some word that most of the others also contain before their last character
    ("s": "said", "schrieb", "escreveu"); a word is found from its key on, and what
    comes before the key is read back only when the next character is right.
    """
    passes: list[re.Pattern[str]] = []
    left = list(words)
    while left:
        key = max(sorted({word[0] for word in left}), key=lambda c: sum(_keyed(w, c) for w in left))
        # The words' ends grouped by the character after the key: re passes over a
        # group whose first character differs at once, where it tried each end.
        groups: dict[str, list[str]] = {}
        for word in left:
            if _keyed(word, key):
                after, rest = _after_key(word, key)
                groups.setdefault(after, []).append(rest)
        ends = [re.escape(after) + f"(?:{'|'.join(rests)})" for after, rests in groups.items()]
        passes.append(re.compile(re.escape(key) + "(?:" + "|".join(ends) + ")"))
        left = [word for word in left if not _keyed(word, key)]
    return tuple(passes)


def _keyed(word: str, key: str) -> bool:
    return key in word[:-1] or word == key


def _after_key(word: str, key: str) -> tuple[str, str]:
    """The character of ``word`` after its first ``key`` ("": none) and the pattern
    of the rest (re checks the key and that character first)."""
    at = word.index(key)
    if at + 1 == len(word):
        return "", ""
    # A look behind is slower than a literal: it comes after the next character.
    behind = f"(?<={re.escape(word[: at + 2])})" if at else ""
    return word[at + 1], behind + re.escape(word[at + 2 :])
