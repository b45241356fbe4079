"""An archive import reads its list's own copies: the chain skips only the loop check there."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from corrbot.db import transaction
from corrbot.intake import store_message
from corrbot.model import Message
from corrbot.pipeline.runner import process_pending
from corrbot.runtime import Runtime
from tests.mail import LIST, make_mail

OURS = [{"List-Id": "Test <cg.lists.example.org>"}, {"X-Loop": LIST}]


def _fate(runtime: Runtime, headers: dict[str, str], no_deliver: bool) -> tuple[str, str]:
    raw = make_mail("ana@example.org", "Re: a post", "text", headers=headers)
    with transaction(runtime.sessions) as session:
        row_id = store_message(
            session,
            runtime.group_id,
            raw,
            via="file" if no_deliver else "smtp",
            clock=runtime.clock,
            envelope_to=[LIST],
            no_deliver=no_deliver,
        ).row_id
    process_pending(runtime)
    with runtime.sessions() as session:
        found = session.scalars(select(Message).where(Message.id == row_id)).one()
        return found.status or "", found.status_reason or ""


@pytest.mark.parametrize("headers", OURS)
def test_our_own_copy_is_a_loop_live_and_read_in_an_import(
    runtime: Runtime, headers: dict[str, str]
) -> None:
    assert _fate(runtime, headers, no_deliver=False)[0] == "dropped"
    assert _fate(runtime, headers, no_deliver=True) == (
        "accepted",
        "archive import: not moderated",
    )


def test_an_import_still_drops_automatic_mail(runtime: Runtime) -> None:
    headers = {"Auto-Submitted": "auto-replied", **OURS[0]}
    assert _fate(runtime, headers, no_deliver=True)[0] == "dropped"
