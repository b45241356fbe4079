"""Every line convention of one new text, read in one call.

The understand step needs them all for each accepted post (SPEC "Conventions
inside posts"); an archive import's worker process reads them ahead
(pipeline/parse_ahead.py), so the database process only looks them up. Pure, like
the readers it calls.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from corrbot.understand.directives import (
    Decision,
    TagCorrection,
    alternatives,
    closes,
    decision,
    on_behalf_of,
    tag_correction,
)
from corrbot.understand.mapping import FoundMapping, find_mapping
from corrbot.understand.positions import PositionReading, find_position


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


def read_conventions(new_text: str) -> Conventions:
    return Conventions(
        text=new_text,
        on_behalf_of=on_behalf_of(new_text),
        alternatives=tuple(alternatives(new_text)),
        closes=closes(new_text),
        decision=decision(new_text),
        tag_correction=tag_correction(new_text),
        position=find_position(new_text),
        mapping=tuple(find_mapping(new_text)),
    )
