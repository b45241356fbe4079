"""Who a contribution is from: the member who sent it and, with a line
``On behalf of: ORGANISATION``, the organisation it also speaks for.

The member's name, organisation and stakeholder group live on the Member row;
the message keeps only the link (``member_id``) and the ``on_behalf_of`` text, so
reports attribute every contribution to exactly the sender it came from.
"""

from __future__ import annotations

from corrbot.members import find_member
from corrbot.model import Member
from corrbot.pipeline.context import MessageContext


def attribute(ctx: MessageContext, organisation: str | None) -> Member | None:
    """Link the message to its sender's membership and record ``On behalf of:``.

    ``organisation``: what the new text's ``On behalf of:`` line names, if any.
    """
    message = ctx.message
    member = ctx.member
    if member is None and message.from_addr:
        member = find_member(ctx.session, ctx.group.id, message.from_addr)
    if member is not None:
        ctx.member = member
        message.member_id = member.id
    # The column holds 300 characters; a longer line is someone's prose, cut not lost.
    message.on_behalf_of = organisation[:300] if organisation else None
    return member


def is_coordinator(ctx: MessageContext, member: Member | None) -> bool:
    """Whether the sender's address is a coordinator's (the config or the membership)."""
    sender = (ctx.message.from_addr or "").strip().lower()
    if not sender:
        return False
    configured = {c.strip().lower() for c in ctx.runtime.settings.group.coordinators}
    if sender in configured:
        return True
    return member is not None and member.role == "coordinator" and member.email == sender
