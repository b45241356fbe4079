"""What the chair's decision on a mapping item makes of its mapping entry.

Option A is the entry as its author wrote it, so deciding A changes nothing. Any
other option is an `Alternative:` line, free text a person wrote. When it restates
the entry with the mapping's own keys (`Mechanism: NAME[; BODY]`, `Status: …`,
`Gap: …`, which on an `Alternative:` line usually follow each other on one line),
those keys take effect: the first entry the option describes is the item's own
entry, and the keys it names replace option A's while the others stay; each
further `Mechanism:` adds an entry for the same issue. When the option names none
of the keys, no field can be read from it without guessing, so its text is kept as
the entry's agreed text and the mapping shows that text as the entry's content.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.model import Item, MappingEntry, Option
from corrbot.understand.mapping import normalise_status

log = logging.getLogger("corrbot.consensus")

# A key counts where a word starts: "Status:" yes, "non-status:" no.
_KEY = re.compile(r"(?<![\w-])(mechanism|status|gap)\s*:", re.I)
# What separates one key's value from the next key on a single line; a gap is
# prose and keeps its full stop.
_TRAILING = re.compile(r"[\s.;,]+$")
_TRAILING_PROSE = re.compile(r"[\s;,]+$")


def restated(text: str) -> list[dict[str, str]]:
    """The entries an option's text writes with the mapping keys, in order.

    Each dict holds only the keys named (mechanism, body, status, gap); the first
    may lack a mechanism (it amends the item's own entry). Empty for free text.
    """
    found: list[tuple[str, str]] = []
    matches = list(_KEY.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        key = match.group(1).lower()
        trailing = _TRAILING_PROSE if key == "gap" else _TRAILING
        value = " ".join(trailing.sub("", text[match.end() : end]).split())
        if value:
            found.append((key, value))
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for key, value in found:
        if key == "mechanism":
            if current:
                entries.append(current)
            name, _, body = value.partition(";")
            current = {"mechanism": name.strip()} if name.strip() else {}
            if current and body.strip():
                current["body"] = body.strip()
        elif key == "gap" and "gap" in current:
            current["gap"] += " " + value  # several Gap keys are one gap text
        else:
            current[key] = value
    if current:
        entries.append(current)
    return entries


def apply_decision(session: Session, item: Item, letter: str, now: datetime) -> None:
    """Make the mapping entry of a decided mapping item show option `letter`."""
    if item.kind != "mapping" or letter == "A":
        return
    entry = session.scalars(
        select(MappingEntry).where(MappingEntry.item_id == item.id).order_by(MappingEntry.id)
    ).first()
    option = session.scalars(
        select(Option).where(Option.item_id == item.id, Option.letter == letter)
    ).first()
    if entry is None or option is None:
        return
    entries = restated(option.text)
    if not entries:
        entry.agreed_text = " ".join(option.text.split())
        log.info("mapping entry %d: agreed as the text of option %s", entry.id, letter)
        return
    _amend(entry, entries[0])
    for fields in entries[1:]:
        if "mechanism" not in fields:
            continue  # "Mechanism: ;" names no mechanism: nothing to add
        added = MappingEntry(
            group_id=entry.group_id,
            issue_id=entry.issue_id,
            # The alternative's message: its author contributed this entry.
            message_id=option.message_id or entry.message_id,
            item_id=item.id,
            mechanism="",
            status="unknown",
            created_at=now,
        )
        _amend(added, fields)
        session.add(added)
    session.flush()
    log.info("mapping entry %d: option %s applied (%d entries)", entry.id, letter, len(entries))


def _amend(entry: MappingEntry, fields: dict[str, str]) -> None:
    if "mechanism" in fields:
        entry.mechanism = fields["mechanism"]
        entry.body = fields.get("body")  # the body belongs to the mechanism named
    if "status" in fields:
        entry.status = normalise_status(fields["status"])
    if "gap" in fields:
        entry.gap = fields["gap"]
    entry.agreed_text = None
