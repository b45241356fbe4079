"""Words for the task classifier: tokens, a light stemmer and stop words.

Deliberately small and deterministic. The stemmer only folds the inflections
that matter for matching a message against a task title ("mechanisms",
"addressing", "identified" → "mechanism", "address", "identifi"); it is not a
linguistic stemmer and needs not be one. ``ChunkBits`` tells which of a fixed
set of strings, words and stems a text holds, by its token chunks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from functools import lru_cache, reduce
from itertools import groupby
from operator import or_
from typing import cast

from corrbot.understand.keywords import lowered

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# str.translate table (a str indexed by code point; code points past it are kept):
# every ASCII character that cannot be part of a token becomes a space.
_NOT_IN_TOKEN = "".join(
    chr(code) if chr(code).isalpha() or chr(code) in "'-" else " " for code in range(128)
)
# str.translate table: the two characters besides letters in an ASCII token chunk.
_APART = str.maketrans("'-", "  ")

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


def token_chunks(lowered: str) -> frozenset[str]:
    """The distinct chunks of a lowered text that hold its tokens, and every letter.

    A token holds no whitespace and none of the ASCII characters ``_NOT_IN_TOKEN``
    turns into spaces, so the tokens of a text are those of its distinct
    whitespace-separated chunks once they are spaces. The same goes for any string
    of letters (``str.isalpha``): it occurs in ``lowered`` exactly when it occurs in
    one of the chunks, so in their join by spaces, which is several times shorter
    than a patch or a long thread. The translation, the split and the set run in C;
    the split is most of the time the tagging of a patch takes, so a post's chunks
    are made once for its readers (``chunks_of``: the issue names of tags.py, the
    classifier).
    """
    return frozenset(lowered.translate(_NOT_IN_TOKEN).split())


@lru_cache(maxsize=4)
def chunks_of(text: str) -> frozenset[str]:
    """``token_chunks`` of ``text``'s lowering (keywords.lowered), remembered by
    ``text`` for a post's several readers: hashing the post's text, which its
    readers hashed already (the lowering's cache), costs nothing, where the lowering,
    a new string, was hashed in full (0.03 s over the 10,000 linux-mips posts)."""
    return token_chunks(lowered(text))


def chunk_stems(chunks: Set[str]) -> set[str]:
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


def _token_set(chunks: Set[str]) -> set[str]:
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


class ChunkBits:
    """Which of some strings, words and stems a text holds, found chunk by chunk.

    A string (of characters ``token_chunks`` keeps, no space) occurs in a text
    exactly when it occurs in one of the text's token chunks, and a stem is in
    ``stem_set`` of the text exactly when it is in that of one of its chunks. So a
    text's answer is the union of its chunks' answers, and each distinct chunk is
    looked at once: the same words come back message after message, and a lookup
    costs less than one substring test over the text.

    A word (letters) is told in a chunk that holds it with no letter
    (``str.isalpha``) either side: exactly wherever the lowered text holds it so
    (as between two ``\\b``), since the characters around it then either end the
    chunk or are kept in it and are not letters.

    A string written "^" and letters is told where the text holds the letters with
    no letter before them: at the start of one of its runs of letters.

    Strings and words of one or two letters ("a", "in", "of") are not looked for:
    their bits are always set, as nearly every text holds them. So a set bit of a
    string or word says that the text may hold it (a reader may look further), an
    unset one that it does not; a stem's bit is exact. Nine chunks in ten then have
    no bit set (six in ten had some), and a text's answer is read from the others.

    Bit i of the answer is ``strings[i]``'s, then come the words', then the stems'.
    """

    __slots__ = (
        *("_always", "_bits", "_chunk_words", "_clues", "_limit"),
        *("_starts", "_stem_bits", "_strings", "_word_bits", "_zero"),
    )

    def __init__(
        self,
        strings: Sequence[str],
        words: Sequence[str],
        word_stems: Sequence[str],
        limit: int,
    ) -> None:
        for string in strings:
            if string.startswith("^"):
                if not string[1:].isalpha():
                    raise ValueError(f"a start must be letters: {string!r}")
            elif (
                not string
                or string.translate(_NOT_IN_TOKEN) != string
                or any(char.isspace() for char in string)
            ):
                raise ValueError(f"a string that token chunks may not hold whole: {string!r}")
        for word in words:
            if not word.isalpha():
                raise ValueError(f"a word must be letters: {word!r}")
        self._always = 0
        self._strings = []
        self._starts = []
        for index, string in enumerate(strings):
            start = string.removeprefix("^")
            if _short(start):
                self._always |= 1 << index
            elif start is string:
                self._strings.append((string, 1 << index))
            else:
                self._starts.append((start, 1 << index))
        # A word given twice has two bits, always set together: the first stands
        # for it in word_bit; a chunk that is the word gets both.
        self._word_bits: dict[str, int] = {}
        self._chunk_words: dict[str, int] = {}
        for index, word in enumerate(words, len(strings)):
            bit = 1 << index
            self._word_bits.setdefault(word, bit)
            if _short(word):
                self._always |= bit
            else:
                self._chunk_words[word] = self._chunk_words.get(word, 0) | bit
        first = len(strings) + len(words)
        self._stem_bits = {
            word_stem: 1 << index for index, word_stem in enumerate(word_stems, first)
        }
        # A chunk without the clue of any stem holds none (see stem_clue); an
        # empty clue, found everywhere, tells nothing.
        clues = {stem_clue(word_stem) for word_stem in word_stems}
        self._clues = None if "" in clues else sorted(clues)
        # The chunks seen: those with a bit set and their bits, and the others.
        self._bits: dict[str, int] = {}
        self._zero: set[str] = set()
        self._limit = limit  # chunks remembered at most; all forgotten past it

    def word_bit(self, word: str) -> int:
        """The bit of ``word`` in ``bits``' answer."""
        return self._word_bits[word]

    def string_bit(self, string: str) -> int | None:
        """The bit of ``string``, one of the strings (not a start), in ``bits``' answer;
        None for a string taken as held, whose bit tells nothing."""
        for told, bit in self._strings:
            if told == string:
                return bit
        return None

    def stem_bit(self, word_stem: str) -> int:
        """The bit of ``word_stem`` in ``bits``' answer."""
        return self._stem_bits[word_stem]

    def bits(self, chunks: frozenset[str]) -> int:
        """The bits of what the text whose ``token_chunks`` are ``chunks`` holds."""
        known, zero = self._bits, self._zero
        rest = chunks.difference(zero)
        new = rest.difference(known)
        if new:
            if len(known) + len(zero) + len(new) > self._limit:
                known.clear()
                zero.clear()
                new = rest
            found = self._new_bits(new)
            known.update((chunk, bits) for chunk, bits in found.items() if bits)
            none = [chunk for chunk, bits in found.items() if not bits]
            zero.update(none)
            rest = rest.difference(none)
        try:
            return reduce(or_, map(known.__getitem__, rest), self._always)
        except KeyError:  # forgotten meanwhile by another thread's call
            return reduce(or_, self._new_bits(chunks).values(), self._always)

    def _new_bits(self, chunks: frozenset[str]) -> dict[str, int]:
        # Most strings occur in none of a text's new chunks: one test over them all
        # leaves the few to look for chunk by chunk.
        joined = " ".join(chunks)
        strings = [(string, bit) for string, bit in self._strings if string in joined]
        starts = [(start, bit) for start, bit in self._starts if start in joined]
        words = self._chunk_words
        clues = None if self._clues is None else [clue for clue in self._clues if clue in joined]
        stem_bits = self._stem_bits
        found = {}
        for chunk in chunks:
            bits = 0
            for string, bit in strings:
                if string in chunk:
                    bits |= bit
            # A word with no letter either side is a whole run of letters: the
            # whole chunk, most often.
            runs = [chunk] if chunk.isalpha() else _letter_runs(chunk)
            for run in runs:
                bits |= words.get(run, 0)
                for start, bit in starts:
                    if run.startswith(start):
                        bits |= bit
            if clues is None or any(map(chunk.__contains__, clues)):
                for word_stem in chunk_stems({chunk}):
                    bits |= stem_bits.get(word_stem, 0)
            found[chunk] = bits
        return found


def _short(string: str) -> bool:
    """Whether ChunkBits takes ``string`` as held without looking (see there)."""
    return len(string) <= 2


def _letter_runs(chunk: str) -> list[str]:
    """The runs of letters (``str.isalpha``) of a token chunk."""
    if chunk.isascii():  # letters, "'" and "-"
        return chunk.translate(_APART).split()
    return ["".join(run) for letters, run in groupby(chunk, str.isalpha) if letters]
