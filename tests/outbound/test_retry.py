"""Retries: 4xx waits with a doubling backoff, gives up after retry_hours; claims are exclusive."""

from __future__ import annotations

from datetime import timedelta

from corrbot.outbound.deliver import claim, deliver_due
from corrbot.runtime import Runtime
from tests.outbound.helpers import advance, queue_mail, rows, use_relay
from tests.servers.smtp_sink import SmtpSink


def test_a_451_is_retried_after_the_backoff_then_delivered(
    outbox_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    runtime = outbox_runtime
    use_relay(runtime, smtp_sink)
    smtp_sink.refuse("ana@example.org", "451 4.7.1 Greylisted, try again later", times=1)
    queue_mail(runtime, ["ana@example.org"])
    start = runtime.clock.now()

    assert deliver_due(runtime) == 0
    entry = rows(runtime)["ana@example.org"]
    assert (entry.state, entry.attempts) == ("queued", 1)
    assert entry.last_error == "451 4.7.1 Greylisted, try again later"
    assert entry.next_attempt_at == start + timedelta(minutes=5)

    advance(runtime, minutes=4)
    assert deliver_due(runtime) == 0  # not due yet: the relay is not asked again
    assert smtp_sink.rcpt_attempts == ["ana@example.org"]

    advance(runtime, minutes=1)
    assert deliver_due(runtime) == 1
    entry = rows(runtime)["ana@example.org"]
    assert (entry.state, entry.attempts) == ("sent", 2)
    assert [m.rcpt_tos for m in smtp_sink.messages] == [["ana@example.org"]]


def test_temporary_failures_back_off_doubling_up_to_the_cap_then_expire(
    outbox_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    runtime = outbox_runtime
    use_relay(runtime, smtp_sink, retry_hours=24.0)
    smtp_sink.refuse("slow@example.org", "452 4.2.2 Mailbox full")
    queue_mail(runtime, ["slow@example.org"])
    created = runtime.clock.now()

    waits: list[timedelta] = []
    while (entry := rows(runtime)["slow@example.org"]).state in ("queued", "sending"):
        assert deliver_due(runtime) == 0
        after = rows(runtime)["slow@example.org"]
        if after.state == "queued":
            waits.append(after.next_attempt_at - runtime.clock.now())
            advance(runtime, seconds=waits[-1].total_seconds())
        assert len(waits) < 100

    minutes = [w / timedelta(minutes=1) for w in waits]
    assert minutes[:8] == [5, 10, 20, 40, 80, 160, 240, 240]
    assert set(minutes[6:]) == {240}
    assert entry.state == "expired"
    assert entry.last_error == "452 4.2.2 Mailbox full"
    assert runtime.clock.now() >= created + timedelta(hours=24)
    assert runtime.clock.now() - timedelta(minutes=240) < created + timedelta(hours=24)
    assert len(smtp_sink.rcpt_attempts) == entry.attempts == len(waits) + 1
    advance(runtime, days=3)
    assert deliver_due(runtime) == 0
    assert len(smtp_sink.rcpt_attempts) == entry.attempts


def test_a_claimed_row_is_not_taken_by_a_second_worker(outbox_runtime: Runtime) -> None:
    runtime = outbox_runtime
    queue_mail(runtime, ["ana@example.org"])
    (entry_id,) = [e.id for e in rows(runtime).values()]
    now = runtime.clock.now()

    assert claim(runtime, entry_id, now) is not None
    assert claim(runtime, entry_id, now) is None
    assert rows(runtime)["ana@example.org"].state == "sending"


def test_a_stuck_smtp_copy_is_sent_again_after_the_timeout(
    outbox_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    runtime = outbox_runtime
    use_relay(runtime, smtp_sink, sending_timeout_minutes=10.0)
    queue_mail(runtime, ["ana@example.org"])
    (entry_id,) = [e.id for e in rows(runtime).values()]
    assert claim(runtime, entry_id, runtime.clock.now()) is not None  # then the process dies

    assert deliver_due(runtime) == 0
    advance(runtime, minutes=10)
    assert deliver_due(runtime) == 1
    assert deliver_due(runtime) == 0
    assert len(smtp_sink.messages) == 1
    assert rows(runtime)["ana@example.org"].state == "sent"
