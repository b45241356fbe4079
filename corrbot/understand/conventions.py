"""Every line convention of one new text, read in one call.

The understand step needs them all for each accepted post (SPEC "Conventions
inside posts"); an archive import's worker process reads them ahead
(pipeline/parse_ahead.py), so the database process only looks them up. Pure, like
the readers it calls.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from corrbot.understand import directives, mapping
from corrbot.understand.directives import (
    Decision,
    TagCorrection,
    alternatives,
    closes,
    decision,
    on_behalf_of,
    tag_correction,
)
from corrbot.understand.keywords import LineStarts, folds_ascii, lowered
from corrbot.understand.mapping import FoundMapping, find_mapping
from corrbot.understand.positions import (
    VOTE_KEYS,
    PositionReading,
    find_position,
    newlines_only,
    position_at,
)


@dataclass(frozen=True)
class Conventions:
    text: str  # the new text they were read from
    on_behalf_of: str | None
    alternatives: tuple[str, ...]
    closes: datetime.date | None
    decision: Decision | None
    tag_correction: TagCorrection | None
    position: PositionReading
    mapping: tuple[FoundMapping, ...]


# Where a line can begin that a reader reads: after blanks, one of the readers'
# keys. Looked for in the lowered text, which the classifier lowers anyway
# (keywords.lowered), so the keys are literals the engine rejects most lines with
# at their first character: with (?i:) keys the search took five times as long,
# with a key that begins with a group ("(?:un)?tags?") one and a half. No key
# starts with a blank, so the blanks are taken whole ("*+"): none is given back to
# try the keys again (a fifth of the search on indented lines of code).
_OTHER_KEYS = "|".join([*directives.KEYS, mapping.KEY])
_STARTS = LineStarts("[^\\S\\n]*+(?:" + VOTE_KEYS + "|" + _OTHER_KEYS + ")")
_OTHER_START = re.compile("[^\\S\\n]*+(?:" + _OTHER_KEYS + ")")


def read_conventions(new_text: str) -> Conventions:
    starts = _line_starts(new_text)
    if starts is None:  # every reader reads the whole text
        return _read_each(new_text)
    position = position_at(new_text, starts)
    # Fewer than 1 post in 250 has a line the other readers read (34 of the 10,000
    # linux-mips ones); each of them is a loop over the text's lines.
    if any(_OTHER_START.match(lowered(new_text), start) for start in starts):
        return _read_each(new_text, position)
    return Conventions(new_text, None, (), None, None, None, position, ())  # a position only


def _line_starts(text: str) -> list[int] | None:
    """Where the lines a reader may read begin; ``None`` unless the lowered text
    shows them.

    That is when "\\n" is the only line boundary, as the readers split lines, and no
    character is one re.I matches with another ASCII letter: lowering shows those
    as no ASCII letter (and "İ" as two characters), so a key would be missed.
    """
    if not newlines_only(text) or folds_ascii(text):
        return None
    return _STARTS(lowered(text))


def _read_each(new_text: str, position: PositionReading | None = None) -> Conventions:
    return Conventions(
        text=new_text,
        on_behalf_of=on_behalf_of(new_text),
        alternatives=tuple(alternatives(new_text)),
        closes=closes(new_text),
        decision=decision(new_text),
        tag_correction=tag_correction(new_text),
        position=find_position(new_text) if position is None else position,
        mapping=tuple(find_mapping(new_text)),
    )
