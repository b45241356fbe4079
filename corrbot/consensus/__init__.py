"""Consensus (SPEC "Consensus"): items, options, positions, closing, referrals, decisions.

`handle_post` runs for every accepted post, after the understand step and in the
same transaction; `close_due` runs in every `corrbot tick`.
"""

from __future__ import annotations

import logging

from corrbot.consensus.closing import close_due
from corrbot.consensus.coordinate import request_item_action
from corrbot.consensus.decision import answer_stray_decision
from corrbot.consensus.items import open_items
from corrbot.consensus.positions import handle_reply, items_above, record_position
from corrbot.consensus.reading import read_post
from corrbot.pipeline.context import MessageContext

__all__ = ["close_due", "handle_post"]

log = logging.getLogger("corrbot.consensus")


def handle_post(ctx: MessageContext) -> None:
    """Open items, add options, record positions for an accepted post."""
    if ctx.purpose != "post" or ctx.reading.get("contribution") is False:
        return  # a coordinator's tag correction is housekeeping, not a say
    reading = read_post(ctx)
    answer_stray_decision(ctx, reading.new_text)
    opened = open_items(ctx, reading)
    if opened:
        # The author already supports option A; a position they state in the
        # same post (say, "Position: abstain") is their latest word.
        stated = reading.position and reading.position.position
        if stated and stated.stance != "support":
            for item in opened:
                record_position(ctx, item, reading)
        log.info("<%s> opened %d item(s)", ctx.message.message_id, len(opened))
        return
    targets = items_above(ctx, ctx.message)
    if not targets:
        return
    request_item_action(ctx, reading, targets)
    handle_reply(ctx, reading, targets)
