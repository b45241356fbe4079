"""Words for the task classifier: tokens, a light stemmer and stop words.

Deliberately small and deterministic. The stemmer only folds the inflections
that matter for matching a message against a task title ("mechanisms",
"addressing", "identified" → "mechanism", "address", "identifi"); it is not a
linguistic stemmer and needs not be one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import cast

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# str.translate table (a str indexed by code point; code points past it are kept):
# every ASCII character that cannot be part of a token becomes a space.
_NOT_IN_TOKEN = "".join(
    chr(code) if chr(code).isalpha() or chr(code) in "'-" else " " for code in range(128)
)

_STOP_TEXT = """
a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each
few for from further had has have having he her here hers him his how i if in into is
it its itself just me more most my no nor not of off on once only or other our ours out
over own same she should so some such than that the their theirs them then there these
they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours may might must shall us one two three
however therefore thus well many much via regards best dear colleagues thanks thank
kind view think like
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Suffixes folded, longest first; each needs a stem of at least three letters left.
_SUFFIXES = (
    ("ational", "ate"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("nesses", ""),
    ("ness", ""),
    ("ments", ""),
    ("ment", ""),
    ("ings", ""),
    ("ing", ""),
    ("edly", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ed", ""),
    ("ly", ""),
    ("es", ""),
    ("s", ""),
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Fold a lowercase word to a crude stem."""
    if len(word) <= 3:
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word[-2] in "sui":
                # "address", "status", "analysis" are not plurals.
                continue
            if suffix == "es" and word[-3] not in "sxz" and not word.endswith(("ches", "shes")):
                word = word[:-1]
                break
            word = word[: len(word) - len(suffix)] + replacement
            break
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def stems(text: str) -> list[str]:
    """Stems of the content words of ``text``, in order, stop words dropped."""
    return [word for word in map(_content_stem, _TOKEN.findall(text.lower())) if word is not None]


def stem_set(text: str) -> set[str]:
    """The distinct stems of ``stems(text)``: all that word overlap needs, much cheaper.

    Tokens are deduplicated before anything else is done with them: a patch or a
    long thread repeats the same identifiers and words thousands of times.
    """
    return chunk_stems(token_chunks(text.lower()))


def token_chunks(lowered: str) -> set[str]:
    """The distinct chunks of a lowered text that hold its tokens, and every letter.

    A token holds no whitespace and none of the ASCII characters ``_NOT_IN_TOKEN``
    turns into spaces, so the tokens of a text are those of its distinct
    whitespace-separated chunks once they are spaces. The same goes for any string
    of letters (``str.isalpha``): it occurs in ``lowered`` exactly when it occurs in
    one of the chunks, so in their join by spaces, which is several times shorter
    than a patch or a long thread. The translation, the split and the set run in C.
    """
    return set(lowered.translate(_NOT_IN_TOKEN).split())


def chunk_stems(chunks: set[str]) -> set[str]:
    """``stem_set`` of the text whose ``token_chunks`` are ``chunks``."""
    found = set(map(_content_stem, _token_set(chunks)))
    found.discard(None)
    return cast(set[str], found)


def stem_clue(word_stem: str) -> str:
    """A string that every token with this stem begins with ("" when none is known).

    ``stem`` only cuts a word short and may turn its last letter "y" into "i", so all
    but the stem's last letter begin the word; ``_content_stem`` turns "’" into "'"
    first, which a clue without "'" cannot tell apart.
    """
    clue = word_stem[:-1]
    return "" if "'" in clue else clue


def _token_set(chunks: set[str]) -> set[str]:
    """``set(_TOKEN.findall(lowered))`` from the ``token_chunks`` of ``lowered``.

    A chunk of letters only (``str.isalpha``) is one whole token, and only the rest
    (with ``'``, ``-`` or other non-ASCII characters) needs the regex.
    """
    tokens = set(filter(str.isalpha, chunks))
    rest = chunks - tokens
    if rest:
        tokens.update(_TOKEN.findall(" ".join(rest)))
    return tokens


@lru_cache(maxsize=65536)
def _content_stem(token: str) -> str | None:
    # One decision per distinct token (stop word? stem?), cached: the same words
    # come back message after message.
    token = token.replace("’", "'")
    if token in STOP_WORDS or len(token) < 2:
        return None
    return stem(token)
