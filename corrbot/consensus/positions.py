"""Replies within an item's thread: alternatives (options B, C…) and positions.

A reply counts for the items opened by the nearest message above it in its
thread that opened any (walked up parent by parent, without recursion). Only open
items take new options and positions: what was said after an item closed cannot
change how it closed. Every position is kept; the member's latest one counts.
"""

from __future__ import annotations

import logging
import re
import string

from sqlalchemy import func, select

from corrbot.consensus.openers import may_have_opened, none_opened
from corrbot.consensus.reading import PostReading, parent_of
from corrbot.model import Item, Message, Option, Position
from corrbot.pipeline.context import MessageContext
from corrbot.understand.signoff import without_signoff

log = logging.getLogger("corrbot.consensus")

# A thread deeper than this is a loop in broken References, not a conversation.
MAX_DEPTH = 500
# The lines that state the position or steer corrbot: the rest of the new text is
# the member's reason.
_VOTE_LINE = re.compile(
    r"^\s*(?:[+-]1|0|(?:position|alternative|closes|tasks?|issues?|on\s+behalf\s+of)\s*:.*)"
    r"\s*[.!]?\s*$",
    re.I,
)


def items_above(ctx: MessageContext, message: Message) -> list[Item]:
    """The items opened by the nearest message above `message` that opened any."""
    if none_opened(ctx.session):
        return []
    seen: set[int] = {message.id}
    current = parent_of(ctx, message)
    while current is not None and current.id not in seen and len(seen) < MAX_DEPTH:
        seen.add(current.id)
        if may_have_opened(ctx.session, current.id):
            found = list(
                ctx.session.scalars(
                    select(Item).where(Item.message_id == current.id).order_by(Item.id)
                )
            )
            if found:
                return found
        current = parent_of(ctx, current)
    return []


def reason_text(new_text: str) -> str:
    """The member's own words around the position line, for quoting in a referral."""
    kept = [line for line in new_text.splitlines() if not _VOTE_LINE.match(line)]
    return "\n".join(kept).strip()


def next_letter(ctx: MessageContext, item: Item) -> str | None:
    letters = set(ctx.session.scalars(select(Option.letter).where(Option.item_id == item.id)))
    return next((c for c in string.ascii_uppercase if c not in letters), None)


def add_alternatives(ctx: MessageContext, item: Item, reading: PostReading) -> list[str]:
    """Each `Alternative:` line becomes the item's next option; returns the letters."""
    now = ctx.runtime.clock.now()
    added = []
    for text in reading.alternatives:
        letter = next_letter(ctx, item)
        if letter is None:
            log.info("<%s> item %d has no letter left", ctx.message.message_id, item.id)
            break
        ctx.session.add(
            Option(
                item_id=item.id,
                letter=letter,
                text=text,
                author_id=reading.member.id if reading.member else None,
                message_id=ctx.message.id,
                created_at=now,
            )
        )
        ctx.session.flush()
        added.append(letter)
    return added


def record_position(ctx: MessageContext, item: Item, reading: PostReading) -> bool:
    """Store the sender's stated position on `item`; False if there is none to store."""
    found = reading.position.position if reading.position else None
    member = reading.member
    if found is None or member is None:
        return False
    if found.option is not None:
        exists = ctx.session.scalar(
            select(func.count()).where(Option.item_id == item.id, Option.letter == found.option)
        )
        if not exists:
            log.info(
                "<%s> position on item %d names option %s, which it does not have",
                ctx.message.message_id,
                item.id,
                found.option,
            )
            return False
    ctx.session.add(
        Position(
            item_id=item.id,
            member_id=member.id,
            message_id=ctx.message.id,
            stance=found.stance,
            option=found.option,
            reason=reason_text(
                without_signoff(
                    reading.new_text, ctx.message.from_name or member.name, ctx.message.from_addr
                )
            ),
            stated_at=ctx.runtime.clock.now(),
        )
    )
    return True


def handle_reply(ctx: MessageContext, reading: PostReading, targets: list[Item]) -> None:
    """Alternatives and the position of a post, on the open items it answers."""
    session, mid = ctx.session, ctx.message.id
    if session.scalar(select(func.count()).where(Position.message_id == mid)) or (
        session.scalar(select(func.count()).where(Option.message_id == mid))
    ):
        return  # already recorded (a rerun)
    # Open until its closing time, not until the tick that closes it: a replayed
    # archive is read in one go, and a live reply can land between the two.
    now = ctx.runtime.clock.now()
    open_items = [
        i for i in targets if i.state == "open" and (i.closes_at is None or now <= i.closes_at)
    ]
    if targets and not open_items and (reading.alternatives or reading.position):
        log.info("<%s> answers a closed item: not counted", ctx.message.message_id)
    # Several items from one message (mapping entries): an alternative is written
    # against one text, so it goes to the first; a position goes to them all.
    if open_items and reading.alternatives:
        add_alternatives(ctx, open_items[0], reading)
    for item in open_items:
        record_position(ctx, item, reading)
