"""Opening items: a `PROPOSAL:` post, a `PROPOSE ISSUE:` post, each mapping entry.

Option A is the original text and its author counts as supporting it. The item
closes at the time a `Closes:` line names (a date means the end of that day in the
group's time zone), else `[consensus] window_days` after it was opened.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from corrbot.clock import to_utc_naive
from corrbot.consensus.openers import may_have_opened
from corrbot.consensus.reading import PostReading
from corrbot.model import Issue, Item, MappingEntry, Option, Position
from corrbot.pipeline.context import MessageContext
from corrbot.understand import FoundMapping
from corrbot.understand.signoff import without_signoff

# "PROPOSAL: …" or "PROPOSE ISSUE: …", after list and task tags; a "Re:" in front
# means a reply to one, which opens nothing.
_OPENER = re.compile(r"^\s*(?:\[[^\]]*\]\s*)*(proposal|propose\s+issue)\s*:\s*(.*?)\s*$", re.I)
# Lines that steer corrbot rather than state the proposal.
_DIRECTIVE = re.compile(r"^\s*(?:tasks?|issues?|closes|on\s+behalf\s+of)\s*:", re.I)


def opener(subject: str | None) -> tuple[str, str] | None:
    """("proposal" | "new-issue", title) when the subject opens an item."""
    match = _OPENER.match(subject or "")
    if not match or not match.group(2):
        return None
    kind = "proposal" if match.group(1).lower() == "proposal" else "new-issue"
    return kind, " ".join(match.group(2).split())


def closing_time(
    ctx: MessageContext, opened: dt.datetime, closes: dt.datetime | dt.date | None
) -> dt.datetime:
    """Naive UTC: the `Closes:` value in the group's time zone, else the default window."""
    zone = ZoneInfo(ctx.runtime.settings.group.timezone)
    try:
        if isinstance(closes, dt.datetime):
            local = closes if closes.tzinfo else closes.replace(tzinfo=zone)
            return to_utc_naive(local)
        if isinstance(closes, dt.date):
            # "Closes: 2013-11-22" leaves the whole of the 22nd, local time.
            end = dt.datetime.combine(closes + dt.timedelta(days=1), dt.time(), tzinfo=zone)
            return to_utc_naive(end)
    except OverflowError:
        pass  # "Closes: 9999-12-31" is no date a person meant: the window applies
    return opened + dt.timedelta(days=ctx.runtime.settings.consensus.window_days)


def option_a_text(new_text: str) -> str:
    """The proposal's own words, without the lines addressed to corrbot."""
    kept = [line for line in new_text.splitlines() if not _DIRECTIVE.match(line)]
    return "\n".join(kept).strip()


def mapping_text(issue: Issue, entry: FoundMapping) -> str:
    parts = [f"Issue {issue.number} ({issue.title}): mechanism {entry.mechanism}"]
    if entry.body:
        parts[0] += f" ({entry.body})"
    parts.append(f"status {entry.status}")
    if entry.gap:
        parts.append(f"gap: {entry.gap}")
    text = "; ".join(parts)
    return text if text.endswith((".", "!", "?")) else text + "."


def open_items(ctx: MessageContext, reading: PostReading) -> list[Item]:
    """Every item this post opens (none if it already opened them: a rerun)."""
    session, message = ctx.session, ctx.message
    if may_have_opened(session, message.id) and session.scalar(
        select(func.count()).where(Item.message_id == message.id)
    ):
        return []
    now = ctx.runtime.clock.now()
    closes_at = closing_time(ctx, now, reading.closes)
    made: list[tuple[Item, str]] = []
    found = opener(message.subject)
    if found is not None:
        kind, title = found
        # Quoted to the chair as option A: the proposal without its sign-off.
        own = without_signoff(reading.new_text, message.from_name, message.from_addr)
        text = title if kind == "new-issue" else (option_a_text(own) or title)
        made.append((_item(ctx, reading, kind, title, now, closes_at), text))
    if reading.mapping and len(reading.issues) == 1:
        issue = session.scalar(
            select(Issue).where(Issue.group_id == ctx.group.id, Issue.number == reading.issues[0])
        )
        for entry in reading.mapping if issue is not None else []:
            assert issue is not None
            title = f"#{issue.number} {issue.title}: {entry.mechanism}"
            item = _item(ctx, reading, "mapping", title, now, closes_at, issue.id)
            session.add(
                MappingEntry(
                    group_id=ctx.group.id,
                    issue_id=issue.id,
                    message_id=message.id,
                    item_id=item.id,
                    mechanism=entry.mechanism,
                    body=entry.body,
                    status=entry.status,
                    gap=entry.gap,
                    created_at=now,
                )
            )
            made.append((item, mapping_text(issue, entry)))
    for item, text in made:
        author = reading.member
        session.add(
            Option(
                item_id=item.id,
                letter="A",
                text=text,
                author_id=author.id if author else None,
                message_id=message.id,
                created_at=now,
            )
        )
        if author is not None:
            session.add(
                Position(
                    item_id=item.id,
                    member_id=author.id,
                    message_id=message.id,
                    stance="support",
                    option="A",
                    reason="",
                    stated_at=now,
                )
            )
    if made:
        session.flush()
    return [item for item, _ in made]


def _item(
    ctx: MessageContext,
    reading: PostReading,
    kind: str,
    title: str,
    now: dt.datetime,
    closes_at: dt.datetime,
    issue_id: int | None = None,
) -> Item:
    item = Item(
        group_id=ctx.group.id,
        kind=kind,
        title=title,
        message_id=ctx.message.id,
        thread_id=ctx.message.thread_id,
        author_id=reading.member.id if reading.member else None,
        issue_id=issue_id,
        opened_at=now,
        closes_at=closes_at,
        state="open",
    )
    ctx.session.add(item)
    ctx.session.flush()
    return item
