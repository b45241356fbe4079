"""An import's rounds: each batch is stored in the transaction that processes the one
before it (one commit for both), and still stored, before those messages are
processed, when that transaction fails."""

from __future__ import annotations

import logging
import mailbox
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event, select

from corrbot import intake
from corrbot.ingress import files
from corrbot.model import Message
from corrbot.pipeline import runner
from corrbot.runtime import Runtime
from tests.mail import make_mail

BATCH = 20
MAILS = 5 * BATCH + 7  # six batches: all but the first are stored with the one before
# A reply read a batch before its parent: stored before the reply is processed, the
# parent is found; stored after, the reply would make a placeholder for it, which the
# parent then fills (a row out of arrival order).
EARLY_REPLY, LATE_PARENT = 25, 45


def _parent(n: int) -> str | None:
    if n == EARLY_REPLY:
        return f"m{LATE_PARENT}@x"
    if n == EARLY_REPLY + 1:  # the early reply is a leaf: no thread cycle
        return f"m{n - 2}@x"
    return f"m{n - 1}@x" if n else None


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "BATCH_MESSAGES", BATCH)


@pytest.fixture
def runtime(db_url: str, make_runtime: Callable[..., Runtime]) -> Runtime:
    """A runtime on each database (intake writes differently on each)."""
    return make_runtime(db_url)


def _archive(tmp_path: Path) -> list[files.Source]:
    box = mailbox.mbox(tmp_path / "archive.mbox")
    for n in range(MAILS):
        text = f"Text {n}.\n"
        box.add(
            make_mail(
                "ana@example.org", f"Note {n}", text, message_id=f"m{n}@x", in_reply_to=_parent(n)
            )
        )
    box.close()
    return files.find_sources([str(tmp_path / "archive.mbox")])


def _stored(runtime: Runtime) -> list[tuple[str, str | None, str | None, bool]]:
    with runtime.sessions() as session:
        by_id = {m.id: m.message_id for m in session.scalars(select(Message))}
        return [
            (m.message_id, m.status, by_id.get(m.parent_id or 0), m.placeholder)
            for m in session.scalars(select(Message).order_by(Message.id))
        ]


def _expected() -> list[tuple[str, str | None, str | None, bool]]:
    return [(f"m{n}@x", "accepted", _parent(n), False) for n in range(MAILS)]


def test_each_batch_is_stored_with_the_processing_of_the_one_before(
    runtime: Runtime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alone: list[int] = []
    real_store_many = files.store_many

    def counting(rt: Runtime, arrivals: list[intake.Arrival]) -> list[object]:
        alone.append(len(arrivals))
        return real_store_many(rt, arrivals)  # type: ignore[return-value]

    monkeypatch.setattr(files, "store_many", counting)
    commits: list[int] = []
    event.listen(runtime.engine, "commit", lambda _conn: commits.append(1))

    summary = files.ingest(runtime, _archive(tmp_path), no_deliver=True)

    assert (summary.read, summary.new, summary.duplicate) == (MAILS, MAILS, 0)
    assert _stored(runtime) == _expected()
    # Only the first batch (nothing to process yet) was stored in a transaction of
    # its own.
    assert alone == [BATCH]
    # Six batches: one store alone, five with a batch's processing, then the last
    # batch processed (and the quarantine count read, which commits nothing).
    assert len(commits) <= 1 + 5 + 2


def test_a_batch_that_fails_still_stores_the_next_before_its_messages_alone(
    runtime: Runtime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real_run = runner._run

    def failing(rt: Runtime, session: object, message: Message, *args: object) -> None:
        if message.message_id == "m30@x":  # in the batch processed as the third is stored
            raise RuntimeError("broken handler")
        real_run(rt, session, message, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "_run", failing)
    with caplog.at_level(logging.WARNING, logger="corrbot.pipeline"):
        summary = files.ingest(runtime, _archive(tmp_path), no_deliver=True)

    assert "processing them one by one" in caplog.text
    assert (summary.read, summary.new, summary.quarantined) == (MAILS, MAILS, 1)
    expected = _expected()
    expected[30] = ("m30@x", "quarantined", None, False)  # never threaded
    # The early reply in that batch found its parent: the next batch was stored first.
    assert _stored(runtime) == expected


def test_a_store_that_fails_in_the_batch_is_made_in_its_own_transaction(
    runtime: Runtime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    def refusing(*_args: object, **_kwargs: object) -> list[intake.StoreResult]:
        raise RuntimeError("cannot store here")

    monkeypatch.setattr(files, "store_arrivals", refusing)
    summary = files.ingest(runtime, _archive(tmp_path), no_deliver=True)

    assert (summary.read, summary.new, summary.quarantined, summary.failed) == (MAILS, MAILS, 0, 0)
    # Each batch stored after the one before was processed: the early reply made a
    # placeholder for its parent, which the parent filled (so its row is out of order).
    assert _stored(runtime) != _expected()
    assert sorted(_stored(runtime)) == sorted(_expected())
