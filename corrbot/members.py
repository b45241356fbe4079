"""Membership changes shared by the CLI (an operator's action) and email commands."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.clock import Clock
from corrbot.config import ROLES, check_stakeholder
from corrbot.model import Member


class MemberError(ValueError):
    """A membership change that cannot be made; the message names the bad value."""


# session.info key of the per-transaction lookup cache (see remember_members).
_CACHE = "corrbot.members.by_address"


def remember_members(session: Session) -> None:
    """Let ``find_member`` answer repeated lookups in this session from memory.

    The pipeline looks the same sender up several times per message (addressing,
    attribution, consensus). The runner turns this on for one transaction only (a
    message, or a batch of an archive import) and the session ends with it, so a
    member who joins in another transaction is seen by the next one. Within the
    transaction, ``add_member`` keeps the cache right.
    """
    session.info[_CACHE] = {}


def find_member(session: Session, group_id: int, email: str) -> Member | None:
    address = email.strip().lower()
    cache: dict[tuple[int, str], Member | None] | None = session.info.get(_CACHE)
    key = (group_id, address)
    if cache is not None and key in cache:
        member = cache[key]
        # A row deleted or expunged since is not an answer; look again.
        if member is None or (member in session and member not in session.deleted):
            return member
    found = session.scalar(
        select(Member).where(Member.group_id == group_id, Member.email == address)
    )
    if cache is not None:
        cache[key] = found
    return found


def preload_members(session: Session, group_id: int, emails: Iterable[str]) -> None:
    """Look these senders up in one query for ``find_member`` (when it remembers)."""
    cache: dict[tuple[int, str], Member | None] | None = session.info.get(_CACHE)
    if cache is None:
        return
    wanted = {email.strip().lower() for email in emails} - {a for g, a in cache if g == group_id}
    if not wanted:
        return
    found: dict[tuple[int, str], Member | None] = {(group_id, a): None for a in wanted}
    rows = session.scalars(
        select(Member).where(Member.group_id == group_id, Member.email.in_(sorted(wanted)))
    )
    found.update(((group_id, row.email), row) for row in rows)
    cache.update(found)


def add_member(
    session: Session,
    group_id: int,
    clock: Clock,
    *,
    email: str,
    name: str,
    stakeholder: str,
    role: str = "member",
    org: str | None = None,
    country: str | None = None,
) -> Member:
    """Add or re-activate a member; an existing member's details are updated."""
    address = email.strip().lower()
    if "@" not in address or " " in address:
        raise MemberError(f"{email!r} is not an email address")
    problem = check_stakeholder(stakeholder)
    if problem:
        raise MemberError(problem)
    if role not in ROLES:
        raise MemberError(f"role {role!r} is not one of {', '.join(ROLES)}")
    code = (country or "").strip()
    if code and not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise MemberError(f"country {country!r} is not a two-letter country code such as FR")
    member = find_member(session, group_id, address)
    if member is None:
        member = Member(group_id=group_id, email=address, joined_at=clock.now())
        session.add(member)
        cache = session.info.get(_CACHE)
        if cache is not None:
            cache[(group_id, address)] = member
    member.name = name
    member.stakeholder = stakeholder
    member.role = role
    member.org = org
    member.country = code.upper() or None
    member.status = "active"
    member.left_at = None
    session.flush()
    return member


def active_members(session: Session, group_id: int) -> list[Member]:
    return list(
        session.scalars(
            select(Member)
            .where(Member.group_id == group_id, Member.status != "left")
            .order_by(Member.id)
        )
    )
