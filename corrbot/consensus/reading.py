"""What the consensus step needs to know about a post, taken from the understand step.

The understand step (corrbot/pipeline/understand.py) runs first and leaves its
findings in `ctx.reading`. Where a key is missing (an older or partial understand
step), it is read here from the message with the same pure functions of
corrbot/understand, so that consensus never works from less than the post says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from corrbot.members import find_member
from corrbot.model import Issue, Member, Message, Tag
from corrbot.pipeline.context import MessageContext
from corrbot.understand import (
    FoundMapping,
    PositionReading,
    alternatives,
    closes,
    find_mapping,
    find_position,
    find_tags,
    new_text,
)
from corrbot.understand.refs import IssueRef


@dataclass
class PostReading:
    new_text: str
    member: Member | None
    issues: list[int] = field(default_factory=list)
    position: PositionReading | None = None
    mapping: list[FoundMapping] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    closes: dt.datetime | dt.date | None = None


def read_post(ctx: MessageContext) -> PostReading:
    """The post's new text, sender, issues, position, mapping lines, alternatives, closing."""
    message = ctx.message
    text = message.new_text
    if text is None:
        text = new_text(message.text_body)
    reading = ctx.reading
    issues = [int(n) for n in reading["issues"]] if "issues" in reading else _issues(ctx, text)
    if "mapping" in reading:
        mapping = list(reading["mapping"] or [])
    else:
        mapping = find_mapping(text) if len(issues) == 1 else []
    return PostReading(
        new_text=text,
        member=sender(ctx),
        issues=issues,
        position=reading["position"] if "position" in reading else find_position(text),
        mapping=mapping,
        alternatives=list(reading.get("alternatives") or [])
        if "alternatives" in reading
        else alternatives(text),
        closes=reading["closes"] if "closes" in reading else closes(text),
    )


def sender(ctx: MessageContext) -> Member | None:
    """The member who sent the post (the chain may not have looked them up)."""
    if ctx.member is not None:
        return ctx.member
    message = ctx.message
    if message.member_id is not None:
        return ctx.session.get(Member, message.member_id)
    if not message.from_addr:
        return None
    return find_member(ctx.session, ctx.group.id, message.from_addr)


def _issues(ctx: MessageContext, text: str) -> list[int]:
    """Issue numbers from the message's active tags, else read from subject and text."""
    session = ctx.session
    tagged = session.scalars(
        select(Tag.key).where(
            Tag.message_id == ctx.message.id, Tag.kind == "issue", Tag.active.is_(True)
        )
    ).all()
    if tagged:
        return sorted({int(k) for k in tagged if k.isdigit()})
    refs = [
        IssueRef(i.number, i.title, tuple(i.alias_list))
        for i in session.scalars(select(Issue).where(Issue.group_id == ctx.group.id))
    ]
    found = find_tags(ctx.message.subject or "", text, [], refs)
    return sorted({int(t.key) for t in found if t.kind == "issue"})


def parent_of(ctx: MessageContext, message: Message) -> Message | None:
    """The message this one answers: the threader's link, else In-Reply-To/References."""
    session = ctx.session
    if message.parent_id is not None:
        return session.get(Message, message.parent_id)
    for ref in [message.in_reply_to, *reversed(message.references or [])]:
        if not ref:
            continue
        found = session.scalar(
            select(Message).where(Message.group_id == ctx.group.id, Message.message_id == ref)
        )
        if found is not None and found.id != message.id:
            return found
    return None
