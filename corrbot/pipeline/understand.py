"""Read an accepted post: its new text, tags, sender, position, mapping entries, directives.

The pure rules live in ``corrbot/understand/``; this handler applies them to one
message, writes what belongs to the message itself (``new_text``, ``member_id``,
``on_behalf_of``, Tag rows) and leaves the rest in ``ctx.reading`` for
``consensus.handle_post``, which turns it into items, options and positions.

``ctx.reading`` keys (always all present after this handler):

- ``new_text`` (str): the sender's own text, quotes and signature removed.
- ``contribution`` (bool): False for a coordinator's tag correction (a reply made
  of ``Tag:``/``Untag:`` lines, see retag.py): it has no tags, position or
  mapping of its own, and later handlers should not count it as a contribution.
- ``tags`` (list[FoundTag]): the message's active tags, with their sources.
- ``tasks`` (list[str]): task keys tagged; ``issues`` (list[int]): issue numbers.
- ``parent`` (Message | None): the message this one answers, when stored.
- ``member`` (Member | None): the sender's membership (also ``ctx.member``).
- ``on_behalf_of`` (str | None): the organisation of an ``On behalf of:`` line.
- ``position`` (PositionReading | None): the stance read from the new text; None
  when there is none *or* when lines contradict each other (then the sender was
  told why, and ``position_conflict`` (str | None) says which lines).
- ``alternatives`` (list[str]): ``Alternative:`` lines, in order.
- ``closes`` (date | None): the date of a ``Closes:`` line.
- ``decision`` (Decision | None): a ``Decision: B`` / ``Decision: return`` line
  (only the chair's reply to a referral counts; consensus checks that).
- ``mapping`` (list[FoundMapping]): mapping entries, only when the message is
  tagged with exactly one issue (otherwise empty, and the sender was told);
  ``mapping_issue`` (int | None) is that issue's number and ``mapping_issue_id``
  (int | None) its Issue row id.
- ``tag_correction`` (TagCorrection | None): the ``Tag:``/``Untag:`` lines of a
  reply (acted on only for a coordinator, through a confirmation token).
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.model import Issue, Message
from corrbot.pipeline import tagging
from corrbot.pipeline.attribution import attribute, is_coordinator
from corrbot.pipeline.body import bodies
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.found_tags import note_found
from corrbot.pipeline.notices import reply
from corrbot.pipeline.parse_ahead import Refs
from corrbot.pipeline.retag import request_retag
from corrbot.understand import (
    FoundMapping,
    FoundTag,
    IssueRef,
    PositionReading,
    TaskRef,
    new_text,
)
from corrbot.understand.conventions import Conventions, read_conventions

log = logging.getLogger("corrbot.understand")
# What tagging reads with: the group's tasks and issues (tagging.tag_refs), the threshold.
_TagRefs = tuple[tuple[TaskRef, ...], tuple[IssueRef, ...], float]
# session.info key: the last worker's Refs found to hold the transaction's (_same_refs)
_SAME_REFS = "corrbot.understand.same_refs"
_CORRECTION_LINE = re.compile(r"^[ \t]*(?:un)?tags?[ \t]*:.*$", re.I | re.M)


def understand(ctx: MessageContext) -> None:
    """Read the message and fill ``ctx.reading`` (keys in the module docstring)."""
    message = ctx.message
    ahead = ctx.ahead.own if ctx.ahead is not None else None
    own = ahead if ahead is not None else new_text(*bodies(ctx))
    message.new_text = own
    lines = _conventions(ctx, own)
    reading = ctx.reading
    reading.update(
        new_text=own,
        contribution=True,
        tags=[],
        tasks=[],
        issues=[],
        position=None,
        position_conflict=None,
        alternatives=list(lines.alternatives),
        closes=lines.closes,
        decision=lines.decision,
        mapping=[],
        mapping_issue=None,
        mapping_issue_id=None,
    )
    member = attribute(ctx, lines.on_behalf_of)
    parent = tagging.parent_of(ctx.session, message)
    correction = lines.tag_correction
    reading.update(member=member, on_behalf_of=message.on_behalf_of, parent=parent)
    reading["tag_correction"] = correction
    if correction is not None and parent is not None:
        if is_coordinator(ctx, member):
            # Housekeeping, not a contribution: its Tag lines are about the parent.
            reading["contribution"] = False
            tagging.write_tags(ctx.session, message.id, [])
            request_retag(ctx, correction, parent)
            log.info(
                "<%s> tag correction requested for <%s>", message.message_id, parent.message_id
            )
            return
        reply(ctx, "retag-refused", {"problem": "not-coordinator", "unknown": []})
    # Refused or stray Tag:/Untag: lines are not acted on: not even as "#3" mentions.
    _tag(ctx, _CORRECTION_LINE.sub("", own) if correction else own, parent)
    _position(ctx, lines.position)
    _mapping(ctx, list(lines.mapping))


def _conventions(ctx: MessageContext, own: str) -> Conventions:
    """The lines of the new text, as the import's worker read them when it read this text."""
    ahead = ctx.ahead.conventions if ctx.ahead is not None else None
    return ahead if ahead is not None and ahead.text == own else read_conventions(own)


def _tag(ctx: MessageContext, own: str, parent: Message | None) -> None:
    session = ctx.session
    inherited = tagging.active_tags(session, parent.id) if parent is not None else []
    tasks, issues = tagging.tag_refs(session, ctx.group.id)
    threshold = ctx.runtime.settings.tagging.classifier_threshold
    subject = ctx.message.subject or ""
    refs = (tasks, issues, threshold)
    found = _found_ahead(ctx, subject, own, refs)
    if found is not None:
        note_found(session, ctx.message.id, subject, own, refs, found)
    tags = tagging.choose_tags(subject, own, tasks, issues, threshold, inherited, found)
    written = tagging.write_tags(session, ctx.message.id, tags)
    # Replies read before this message arrived inherited nothing from it yet.
    tagging.reinherit_children(session, ctx.message.id, tasks, issues, threshold)
    _publish(ctx, written)


def _found_ahead(
    ctx: MessageContext, subject: str, own: str, refs: _TagRefs
) -> list[FoundTag] | None:
    """``find_tags`` of these arguments as the import's worker read it, if it did."""
    ahead = ctx.ahead
    if ahead is None or ahead.tags_for != (subject, own) or ahead.refs is None:
        return None
    # The worker's reading counts only if it read exactly what we would.
    return ahead.tags if _same_refs(ctx.session, ahead.refs, refs) else None


def _same_refs(session: Session, read: Refs, refs: _TagRefs) -> bool:
    """Whether the worker's ``read`` holds ``refs``.

    Remembered for the last pair found the same (all of it immutable): a batch's
    readings share one Refs and the transaction's tuples stay the same objects
    (tagging.tag_refs), so the refs compare item by item as the same objects, where
    comparing their values took 2 us a message for the example group.
    """
    last: tuple[Refs, _TagRefs] | None = session.info.get(_SAME_REFS)
    if last is not None and last[0] is read and last[1] == refs:
        return True
    if (read.tasks, read.issues, read.threshold) != refs:
        return False
    session.info[_SAME_REFS] = (read, refs)
    return True


def _publish(ctx: MessageContext, tags: list[FoundTag]) -> None:
    ctx.reading["tags"] = tags
    ctx.reading["tasks"] = [tag.key for tag in tags if tag.kind == "task"]
    ctx.reading["issues"] = [int(tag.key) for tag in tags if tag.kind == "issue"]


def _position(ctx: MessageContext, found: PositionReading) -> None:
    if found.position is not None:
        ctx.reading["position"] = found
    elif found.conflict:
        ctx.reading["position_conflict"] = found.conflict
        reply(ctx, "position-conflict", {"conflict": found.conflict})


def _mapping(ctx: MessageContext, entries: list[FoundMapping]) -> None:
    if not entries:
        return
    issues: list[int] = ctx.reading["issues"]
    if len(issues) != 1:
        reply(ctx, "mapping-issue", {"issues": issues, "entries": entries})
        return
    issue_id = ctx.session.scalar(
        select(Issue.id).where(Issue.group_id == ctx.group.id, Issue.number == issues[0])
    )
    ctx.reading.update(mapping=entries, mapping_issue=issues[0], mapping_issue_id=issue_id)
