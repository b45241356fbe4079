"""``pattern.finditer`` found faster by searching each alternative's core first.

Python's ``re`` finds a match quickly when the pattern begins with a literal or a
character set: it skips ahead to the next place where that prefix occurs. A
pattern whose alternatives begin with ``\\b`` or a lookbehind (nearly every cue
phrase) gets no such prefix, so the whole pattern is tried at every position.

``AltScanner`` splits the pattern at its top-level ``|`` and compiles each
alternative without its leading zero-width assertions: that loose pattern has a
prefix again, and it matches wherever its alternative does (it asks less). The
nearest loose match is only a candidate; ``pattern.match`` at that position (which
still sees the text before it, so ``\\b`` and lookbehinds hold) decides. No
position before the nearest candidate can start a match, so the matches found
are exactly ``pattern.finditer``'s. A pattern that cannot be split safely is
scanned as it is.

Told also a string that holds every string of letters the text holds (the join of
its token chunks, several times shorter), the scanner leaves out each alternative
whose matches all begin with letters (``literal_starts``) that string lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator

_Search = Callable[[str, int], re.Match[str] | None]

# A backreference or a conditional names groups by number, which splitting shifts;
# a comment or verbose mode can hide a "|" or a parenthesis from the splitter.
_UNSPLITTABLE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?#")
_LOOKBEHIND = ("(?<=", "(?<!")


def split_alternatives(source: str) -> list[str] | None:
    """The top-level alternatives of a pattern's source; None if it is unbalanced."""
    parts = []
    depth = 0
    start = 0
    try:
        for index, char in _syntax(source):
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth < 0:
                    return None
            elif depth == 0:
                parts.append(source[start:index])
                start = index + 1
    except ValueError:
        return None
    if depth:
        return None
    parts.append(source[start:])
    return parts


def strip_leading_assertions(alternative: str) -> str:
    """``alternative`` without the ``\\b``, ``\\B`` and lookbehinds it begins with."""
    while True:
        if alternative.startswith(("\\b", "\\B")):
            rest = alternative[2:]
        elif alternative.startswith(_LOOKBEHIND):
            end = _group_end(alternative)
            if end is None:
                return alternative
            rest = alternative[end:]
        else:
            return alternative
        if rest.startswith(("*", "+", "?", "{")):
            # A quantified assertion: left whole, since the quantifier alone would
            # mean something else ("{2}" is a literal).
            return alternative
        alternative = rest


def loose_patterns(pattern: re.Pattern[str]) -> list[re.Pattern[str]] | None:
    """One loose pattern per alternative of ``pattern``, or None when it cannot be split."""
    if pattern.flags & re.VERBOSE or _UNSPLITTABLE.search(pattern.pattern):
        return None
    parts = split_alternatives(pattern.pattern)
    if parts is None:
        return None
    sources = list(
        dict.fromkeys(
            source for part in parts for source in by_first_letter(strip_leading_assertions(part))
        )
    )
    try:
        # The pattern's flags include any inline global ones, "(?i)" at its start.
        return [re.compile(source, pattern.flags) for source in sources]
    except re.error:
        return None


def by_first_letter(alternative: str) -> list[str]:
    """``alternative`` as one alternative per first letter of the group it begins with.

    A match of ``(?:a|b)rest`` is one of ``(?:a)rest`` or ``(?:b)rest`` at the same
    place, so the matches of the parts start where the whole's do. ``re`` finds
    a part whose branches share a letter (or more) by searching for that literal,
    several times faster than it tries the whole at each of the letters.
    """
    if not alternative.startswith("(?:"):
        return [alternative]
    end = _group_end(alternative)
    if end is None or alternative[end : end + 1] in _QUANTIFIERS:
        return [alternative]
    branches = split_alternatives(alternative[3 : end - 1])
    if branches is None or not all(
        branch[:1].isalpha() and branch[1:2] not in _QUANTIFIERS for branch in branches
    ):
        return [alternative]
    groups: dict[str, list[str]] = {}
    for branch in branches:
        groups.setdefault(branch[0], []).append(branch)
    if len(groups) == 1:
        return [alternative]
    rest = alternative[end:]
    return [f"(?:{'|'.join(group)}){rest}" for group in groups.values()]


def literal_starts(source: str) -> tuple[str, ...] | None:
    """Strings of letters one of which begins every match of ``source``; None if unknown.

    Understood: alternatives that each begin with letters (not quantified) or with
    a non-capturing group (not quantified) of such alternatives. ``source`` is
    compiled without IGNORECASE or VERBOSE, under which letters say less.
    """
    branches = split_alternatives(source)
    if branches is None:
        return None
    starts: list[str] = []
    for branch in branches:
        if branch.startswith("(?:"):
            end = _group_end(branch)
            if end is None or branch[end : end + 1] in _QUANTIFIERS:
                return None
            found = literal_starts(branch[3 : end - 1])
            if found is None:
                return None
            starts += found
            continue
        run = _letters(branch)
        if branch[len(run) : len(run) + 1] in _QUANTIFIERS:
            run = run[:-1]  # the last letter may be missing or repeated
        if not run:
            return None
        starts.append(run)
    return tuple(dict.fromkeys(starts))


class AltScanner:
    """``finditer(text)`` gives exactly ``pattern.finditer(text)``, usually faster."""

    __slots__ = ("_searches", "_starts", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        loose = loose_patterns(pattern)
        self._searches: list[_Search] | None = (
            None if loose is None else [each.search for each in loose]
        )
        # What each loose alternative's matches begin with, where that is known.
        plain = not pattern.flags & (re.IGNORECASE | re.VERBOSE)
        self._starts = [literal_starts(each.pattern) if plain else None for each in loose or ()]

    def start_strings(self) -> set[str]:
        """Every string ``finditer`` may look for in ``where``."""
        return {start for starts in self._starts if starts is not None for start in starts}

    def finditer(self, text: str, where: Container[str] | None = None) -> Iterator[re.Match[str]]:
        """The matches of the pattern in ``text``, as ``pattern.finditer`` gives them.

        ``where``, when given, holds every string of letters that ``text`` holds
        (the join of its ``token_chunks`` does, much shorter; or a container
        that holds each of ``start_strings`` the text holds): an alternative
        whose literal starts it lacks cannot match, and is not searched for.
        """
        searches = self._searches
        if searches is None:
            yield from self.pattern.finditer(text)
            return
        if where is not None:
            searches = [
                search
                for search, starts in zip(searches, self._starts, strict=True)
                if starts is None or any(map(where.__contains__, starts))
            ]
        match_at = self.pattern.match
        # The next loose match of each alternative at or after some earlier position;
        # one is searched again only once the scan has passed its start.
        nexts = [search(text, 0) for search in searches]
        pos = 0
        # Not past the end: search() would take such a pos as the end itself.
        while pos <= len(text):
            start = -1
            for index, found in enumerate(nexts):
                if found is None:
                    continue
                at = found.start()
                if at < pos:
                    found = nexts[index] = searches[index](text, pos)
                    if found is None:
                        continue
                    at = found.start()
                if start < 0 or at < start:
                    start = at
            if start < 0:
                return
            match = match_at(text, start)
            if match is None:
                pos = start + 1
                continue
            yield match
            if match.end() == start:
                # After an empty match finditer may still find a longer one at the same
                # place (r"|a" on "a"), which match() cannot ask for: let the pattern's
                # own scan go on until a non-empty match, then resume after it.
                rest = self.pattern.finditer(text, start)
                next(rest)
                for match in rest:
                    yield match
                    if match.end() > match.start():
                        break
                else:
                    return
            pos = match.end()


_QUANTIFIERS = ("?", "*", "+", "{")


def _letters(source: str) -> str:
    """The letters (``str.isalpha``) ``source`` begins with."""
    for index, char in enumerate(source):
        if not char.isalpha():
            return source[:index]
    return source


def _syntax(source: str) -> Iterator[tuple[int, str]]:
    """Each "(", ")" and "|" of ``source`` that is neither escaped nor in a class.

    Raises ValueError for a character class left open.
    """
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 1
        elif char == "[":
            index += 1
            if source.startswith("^", index):
                index += 1
            if source.startswith("]", index):
                index += 1  # a "]" first in a class is a literal
            while not source.startswith("]", index):
                if index >= len(source):
                    raise ValueError(f"unterminated character class in {source!r}")
                index += 2 if source[index] == "\\" else 1
        elif char in "()|":
            yield index, char
        index += 1


def _group_end(source: str) -> int | None:
    """The index just past the group that ``source`` begins with."""
    depth = 0
    try:
        for index, char in _syntax(source):
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return index + 1
    except ValueError:
        return None
    return None
