"""Mapping entries written as lines: ``Mechanism:``, ``Status:``, ``Gap:``.

Each ``Mechanism: NAME[; BODY]`` line opens a new entry; the ``Status:`` and
``Gap:`` lines after it (until the next ``Mechanism:``) belong to it. Status words
are normalised to the four values of the spec, so "partially addressing",
"partial" or "not addressed" are all understood; anything else reads as unknown
rather than being rejected, because the entry is still worth recording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from corrbot.understand.keywords import may_hold

MappingStatus = Literal["addressing", "partially", "not-addressing", "unknown"]


@dataclass(frozen=True)
class FoundMapping:
    """One mapping entry as written in a message."""

    mechanism: str
    body: str | None
    status: MappingStatus
    gap: str | None


# The key of the line that opens an entry: conventions.py calls find_mapping only for
# a text where a line begins with it.
KEY = "mechanism"
_LINE = re.compile(r"^\s*(" + KEY + r"|status|gap)\s*:\s*(.*?)\s*$", re.I)


def has_mapping_lines(new_text: str) -> bool:
    """Whether the text has at least one ``Mechanism:`` line with a name."""
    return bool(find_mapping(new_text))


def find_mapping(new_text: str) -> list[FoundMapping]:
    """Every mapping entry in the text, in order."""
    entries: list[FoundMapping] = []
    if not may_hold(new_text, "mechanism"):  # most posts; entries open only there
        return entries
    current: dict[str, str | None] | None = None
    for line in new_text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key == KEY:
            if current is not None:
                entries.append(_entry(current))
            name, _, body = value.partition(";")
            current = {"name": name.strip(), "body": body.strip() or None, "status": None}
            current["gap"] = None
            if not current["name"]:
                current = None
        elif current is not None and key == "status" and value:
            current["status"] = value
        elif current is not None and key == "gap" and value:
            # Several Gap lines for one mechanism are one gap text.
            previous = current["gap"]
            current["gap"] = f"{previous} {value}" if previous else value
    if current is not None:
        entries.append(_entry(current))
    return entries


def _entry(fields: dict[str, str | None]) -> FoundMapping:
    return FoundMapping(
        mechanism=fields["name"] or "",
        body=fields["body"],
        status=normalise_status(fields["status"]),
        gap=fields["gap"],
    )


def normalise_status(value: str | None) -> MappingStatus:
    """Map the words people write to one of the four statuses."""
    if not value:
        return "unknown"
    text = " ".join(re.sub(r"[^\w\s-]", " ", value.lower()).replace("-", " ").split())
    if re.match(r"(?:not\s+(?:adequately|fully|sufficiently)|inadequate)", text):
        # "not adequately addressing": the mechanism acts, but not enough.
        return "partially"
    if re.match(r"(?:not|no|none|non|does not|doesn t|unaddressed)\b", text):
        return "not-addressing"
    if re.match(r"(?:partial|partly|in part|somewhat|limited)", text):
        return "partially"
    if re.match(r"(?:addressing|addressed|addresses|adequate|adequately|fully|yes)\b", text):
        return "addressing"
    return "unknown"
