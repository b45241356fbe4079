"""Which of the group's addresses a message reached (SPEC "Addresses"), and who sent it.

The envelope recipients decide; mail without one of ours in its envelope (an
imported file) falls back to Delivered-To, X-Original-To, To and Cc, like IMAP
mail. When several of our addresses were reached at once, one wins, in the order
bounces, confirm, request, post, owner: a bounce is never answered, a confirmation
or command is what the sender meant, and coordinators read the list anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import getaddresses

from corrbot.addresses import RECIPIENT_HEADERS, ListAddresses, Purpose
from corrbot.members import find_member
from corrbot.pipeline.context import MessageContext
from corrbot.rules.verdict import header_values

_PRIORITY: tuple[Purpose, ...] = ("bounces", "confirm", "request", "post", "owner")
HEADERS = RECIPIENT_HEADERS  # what it reads (see chain)


def best(addresses: ListAddresses, recipients: list[str]) -> tuple[Purpose, str | None] | None:
    found = [c for c in (addresses.classify(r) for r in recipients if r) if c is not None]
    for purpose in _PRIORITY:
        for candidate in found:
            if candidate[0] == purpose:
                return candidate
    return None


def first_in_headers(
    read: Callable[[str], tuple[Purpose, str | None] | None],
) -> tuple[Purpose, str | None] | None:
    """The first answer ``read`` gives for the recipient headers, in their order
    (None when none does)."""
    for name in RECIPIENT_HEADERS:
        found = read(name)
        if found is not None:
            return found
    return None


def from_headers(
    addresses: ListAddresses, values: Callable[[str], list[str]]
) -> tuple[Purpose, str | None] | None:
    """best() of the first recipient header that names one of the addresses (values:
    by name)."""
    return first_in_headers(
        lambda name: best(addresses, [addr for _, addr in getaddresses(values(name))])
    )


def _from_headers(ctx: MessageContext) -> tuple[Purpose, str | None] | None:
    addresses = ctx.runtime.addresses
    ahead = ctx.ahead
    # An import's worker worked it out ahead (parse_ahead.py) for the addresses it was
    # given (none without Refs): its answer holds for those only.
    if ahead is not None and ahead.refs is not None and ahead.refs.addresses == addresses:
        return ahead.addressed
    return from_headers(addresses, lambda name: header_values(ctx, name))


def assign(ctx: MessageContext) -> None:
    """Set ctx.purpose/detail (default: a post) and ctx.member from the sender."""
    found = best(ctx.runtime.addresses, list(ctx.message.envelope_to or []))
    if found is None:
        found = _from_headers(ctx)
    ctx.purpose, ctx.detail = found or ("post", None)
    ctx.message.purpose = ctx.purpose
    sender = ctx.message.from_addr
    ctx.member = find_member(ctx.session, ctx.group.id, sender) if sender else None
    if ctx.member is not None:
        ctx.message.member_id = ctx.member.id
