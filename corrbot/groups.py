"""Load the group from the config into the store: `corrbot init` runs this, safely again.

The config is the truth for the group's name, tasks, deadlines, chair and
coordinators; members who joined by email and imported issues are left alone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.clock import Clock, to_utc_naive
from corrbot.config import Settings
from corrbot.model import Deadline, Group, Member, Task


def sync_group(session: Session, settings: Settings, clock: Clock) -> Group:
    address = settings.group.list_address.strip().lower()
    group = session.scalar(select(Group).where(Group.list_address == address))
    if group is None:
        group = Group(name=settings.group.name, list_address=address, created_at=clock.now())
        session.add(group)
        session.flush()
    group.name = settings.group.name
    _sync_tasks(session, group, settings)
    _sync_deadlines(session, group, settings)
    _sync_officers(session, group, settings, clock)
    return group


def _sync_tasks(session: Session, group: Group, settings: Settings) -> None:
    existing = {t.key: t for t in session.scalars(select(Task).where(Task.group_id == group.id))}
    for spec in settings.tasks:
        task = existing.get(spec.key) or Task(group_id=group.id, key=spec.key)
        task.title = spec.title
        task.description = spec.description
        task.keywords = ";".join(spec.keywords)
        session.add(task)


def _sync_deadlines(session: Session, group: Group, settings: Settings) -> None:
    existing = {
        d.key: d for d in session.scalars(select(Deadline).where(Deadline.group_id == group.id))
    }
    for spec in settings.deadlines:
        deadline = existing.get(spec.key) or Deadline(group_id=group.id, key=spec.key)
        deadline.kind = spec.kind
        deadline.due = to_utc_naive(_in_zone(spec.due, settings.group.timezone))
        session.add(deadline)


def _in_zone(value: datetime, zone: str) -> datetime:
    # A due date without an offset is local to the group's time zone.
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))


def _sync_officers(session: Session, group: Group, settings: Settings, clock: Clock) -> None:
    officers = [(settings.group.chair, "chair")]
    officers += [(c, "coordinator") for c in settings.group.coordinators]
    for email, role in officers:
        address = email.strip().lower()
        member = session.scalar(
            select(Member).where(Member.group_id == group.id, Member.email == address)
        )
        if member is None:
            name = settings.group.chair_name if role == "chair" else address.split("@")[0]
            member = Member(
                group_id=group.id,
                email=address,
                name=name,
                stakeholder=settings.group.chair_stakeholder,
                joined_at=clock.now(),
            )
        member.role = role
        member.status = "active" if member.status == "left" else member.status
        session.add(member)
