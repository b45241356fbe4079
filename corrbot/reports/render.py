"""Turn collected report data into an email: subject, text and HTML from templates.

Templates are `templates/reports/<kind>.subject.j2`, `.txt.j2` and `.html.j2`
(operators may override any of them from `[reports] template_dir`). Times are shown
in the group's time zone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.model import Member
from corrbot.outbound.compose import Attachment, Outgoing
from corrbot.runtime import Runtime

DEFAULT_FORMAT = "%Y-%m-%d %H:%M %Z"


def time_formatter(zone: str) -> Callable[..., str]:
    """A template helper: naive UTC datetime → text in the group's time zone."""
    tz = ZoneInfo(zone)

    # Cached: a long report shows each post's time in the text and in the HTML part.
    @functools.lru_cache(maxsize=200_000)
    def when(value: datetime | None, fmt: str = DEFAULT_FORMAT) -> str:
        if value is None:
            return "-"
        return value.replace(tzinfo=UTC).astimezone(tz).strftime(fmt)

    return when


@dataclass
class Rendered:
    subject: str
    text: str
    html: str | None


def base_context(runtime: Runtime, *, kind: str, key: str, now: datetime) -> dict[str, Any]:
    group = runtime.settings.group
    return {
        "group_name": group.name,
        "list_address": runtime.addresses.post,
        "request_address": runtime.addresses.request,
        "kind": kind,
        "key": key,
        "now": now,
        "due": now,
        "late": False,
        "when": time_formatter(group.timezone),
    }


def render(runtime: Runtime, template: str, context: dict[str, Any]) -> Rendered:
    """Render `reports/<template>` without sending (previews, tests, benchmarks)."""
    base = f"reports/{template}"
    subject = runtime.renderer.subject(base, **context)
    text, html = runtime.renderer.render_pair(base, **context)
    return Rendered(subject, text, html)


def report_recipients(runtime: Runtime) -> list[str]:
    """The Chair, the coordinators and the list, once each, in that order (the To: header)."""
    group = runtime.settings.group
    wanted = [group.chair, *group.coordinators, runtime.addresses.post]
    return list(dict.fromkeys(a.strip().lower() for a in wanted if a and a.strip()))


def report_envelope(session: Session, runtime: Runtime) -> list[str]:
    """Who gets a copy: the To: addresses, then every active member not among them.

    The copy to the list address is the list's record of the report; the members'
    copies are what reaches the list (the list address does not send a report on:
    corrbot's own mail coming back to it is a loop and is dropped).
    """
    shown = report_recipients(runtime)
    members = session.scalars(
        select(Member.email)
        .where(Member.group_id == runtime.group_id, Member.status == "active")
        .order_by(Member.id)
    )
    return list(dict.fromkeys([*shown, *(m.strip().lower() for m in members)]))


def outgoing(
    runtime: Runtime,
    template: str,
    context: dict[str, Any],
    *,
    to: Sequence[str],
    key: str,
    attachments: Sequence[Attachment] = (),
) -> Outgoing:
    """The email for a report; From the owner address so that replies reach the coordinators."""
    base = f"reports/{template}"
    return Outgoing(
        template=base,
        context=context,
        to=list(to),
        from_addr=runtime.addresses.owner,
        from_name=runtime.settings.group.name,
        subject=runtime.renderer.subject(base, **context),
        headers={
            # The copy sent to the list address must not come back in as a post.
            "X-Loop": runtime.addresses.post,
            "List-Id": f"<{runtime.addresses.post.replace('@', '.')}>",
            "X-Corrbot-Report": key,
        },
        attachments=attachments,
    )
