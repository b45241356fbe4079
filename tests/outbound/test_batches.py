"""Batched delivery: concurrent workers, a relay lost mid-batch, a crash, bulk queuing of copies.

The relay is the real SmtpRelay talking to a real SMTP sink; where a test needs a
fault at an exact copy it wraps the real transport (stop the sink, or die like a
killed process) and lets everything else run as in production.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import TracebackType

import pytest
from sqlalchemy import func, select

from corrbot.clock import FixedClock
from corrbot.db import transaction
from corrbot.model import OutboxEntry
from corrbot.outbound import deliver
from corrbot.outbound.deliver import BATCH, deliver_due
from corrbot.outbound.queue import Copy, enqueue_copies
from corrbot.outbound.transport import Transport
from corrbot.runtime import Runtime
from tests.outbound.helpers import BOUNCES, advance, queue_mail, rows, use_relay
from tests.servers.smtp_sink import Received, SmtpSink


def recipients(n: int, prefix: str = "m") -> list[str]:
    return [f"{prefix}{i:04d}@example.org" for i in range(n)]


def received_by(*sinks: SmtpSink) -> Counter[str]:
    """How many copies each recipient got, over every sink (a relay restarted is a new sink)."""
    got: list[Received] = [m for sink in sinks for m in sink.messages]
    return Counter(rcpt for m in got for rcpt in m.rcpt_tos)


class Wrapped:
    """The real transport of a pass, with `before(n)` / `after(n)` run around its n-th send.

    Only faults and pauses are injected; the copy itself still goes through the real
    relay, and the delivery worker's own logic runs unchanged.
    """

    def __init__(
        self,
        inner: Transport,
        before: Callable[[int], None] | None = None,
        after: Callable[[int], None] | None = None,
    ) -> None:
        self.inner = inner
        self.idempotent = getattr(inner, "idempotent", False)
        self.before = before
        self.after = after
        self.count = 0

    def send(self, entry: OutboxEntry) -> None:
        self.count += 1
        if self.before is not None:
            self.before(self.count)
        self.inner.send(entry)
        if self.after is not None:
            self.after(self.count)

    def __enter__(self) -> Wrapped:
        self.inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.inner.__exit__(exc_type, exc, tb)


Wrap = Callable[[Runtime, Transport], Transport]


@pytest.fixture
def wrap_transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Wrap], None]]:
    """Make deliver_due use `wrap(runtime, real_transport)` for its passes."""
    real = deliver.transport_for

    def install(wrap: Wrap) -> None:
        monkeypatch.setattr(deliver, "transport_for", lambda rt: wrap(rt, real(rt)))

    yield install


class Crash(KeyboardInterrupt):
    """The process dies (a BaseException: nothing in the worker may swallow it)."""


# 1. Two workers at once -------------------------------------------------------------


def test_two_workers_at_once_send_each_copy_exactly_once(
    outbox_runtime: Runtime,
    smtp_sink: SmtpSink,
    wrap_transport: Callable[[Wrap], None],
) -> None:
    first = outbox_runtime
    use_relay(first, smtp_sink)
    everyone = recipients(300)
    queue_mail(first, everyone, key="post-1")
    clock = first.clock
    assert isinstance(clock, FixedClock)
    second = Runtime.build(first.settings, FixedClock(clock.at))
    workers = [first, second]

    # Each worker, on its first copy, waits until the other has begun sending too:
    # both then hold claimed batches at the same time (no overlap would prove nothing).
    started = {id(rt): threading.Event() for rt in workers}

    def meet(rt: Runtime) -> Callable[[int], None]:
        (other,) = [w for w in workers if w is not rt]

        def before(n: int) -> None:
            if n == 1:
                started[id(rt)].set()
                started[id(other)].wait(timeout=20)

        return before

    wrap_transport(lambda rt, inner: Wrapped(inner, before=meet(rt)))

    sent: dict[int, int] = {}
    errors: list[BaseException] = []
    gate = threading.Barrier(2)

    def work(rt: Runtime) -> None:
        try:
            gate.wait(timeout=20)
            sent[id(rt)] = deliver_due(rt)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(rt,)) for rt in workers]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        second.close()

    assert errors == []
    assert all(started[id(rt)].is_set() for rt in workers)
    assert sorted(sent) == sorted(id(rt) for rt in workers)
    assert all(n > 0 for n in sent.values())  # both workers really delivered a share
    assert sum(sent.values()) == 300
    got = received_by(smtp_sink)
    assert got == Counter(everyone)  # every recipient, exactly once
    after = rows(first)
    assert {e.state for e in after.values()} == {"sent"}
    assert {e.attempts for e in after.values()} == {1}
    assert deliver_due(first) == 0
    assert len(smtp_sink.messages) == 300


# 2. The relay goes down in the middle of a batch -------------------------------------


def test_relay_down_mid_batch_requeues_the_untried_copies_without_an_attempt(
    outbox_runtime: Runtime, wrap_transport: Callable[[Wrap], None]
) -> None:
    runtime = outbox_runtime
    relay = SmtpSink().start()
    stopped: list[bool] = []
    use_relay(runtime, relay)
    everyone = recipients(2 * BATCH + 20)
    queue_mail(runtime, everyone, key="post-2")
    down_after = BATCH + 20  # inside the second batch

    def stop_relay(n: int) -> None:
        if n == down_after:
            relay.stop()  # the relay dies with our connection open
            stopped.append(True)

    wrap_transport(lambda rt, inner: Wrapped(inner, after=stop_relay))
    start = runtime.clock.now()
    try:
        assert deliver_due(runtime) == down_after
    finally:
        if not stopped:
            relay.stop()

    state = rows(runtime)
    sent = everyone[:down_after]
    assert all(state[r].state == "sent" for r in sent)
    assert received_by(relay) == Counter(sent)
    in_flight, found_down, *untried = [state[r] for r in everyone[down_after:]]
    assert {e.state for e in (in_flight, found_down, *untried)} == {"queued"}
    # The copy whose connection died was tried: it counts and waits its backoff.
    assert in_flight.attempts == 1
    assert in_flight.next_attempt_at > start
    assert in_flight.last_error is not None and "lost" in in_flight.last_error
    # The next copy met the refused connection and paused the pass: like in
    # test_relay, it pays one attempt and keeps the reason. The rest of the claimed
    # batch and the batch never claimed are back as they were: due now, no attempt.
    assert found_down.attempts == 1
    assert found_down.next_attempt_at > start
    assert found_down.last_error is not None and "cannot use relay" in found_down.last_error
    assert len(untried) == len(everyone) - down_after - 2
    assert {(e.attempts, e.next_attempt_at) for e in untried} == {(0, start)}

    wrap_transport(lambda rt, inner: inner)
    with SmtpSink(port=relay.port) as back:
        use_relay(runtime, back)
        advance(runtime, minutes=runtime.settings.delivery.retry_first_minutes)
        assert deliver_due(runtime) == len(everyone) - down_after
        assert deliver_due(runtime) == 0

    assert received_by(relay, back) == Counter(everyone)  # nobody gets two copies
    assert {e.state for e in rows(runtime).values()} == {"sent"}


# 3. A crash right after the relay took a copy ----------------------------------------


def test_a_crash_after_the_relay_took_a_copy_resends_at_most_that_copy(
    outbox_runtime: Runtime,
    smtp_sink: SmtpSink,
    wrap_transport: Callable[[Wrap], None],
) -> None:
    runtime = outbox_runtime
    use_relay(runtime, smtp_sink)
    everyone = recipients(2 * BATCH + 10)
    queue_mail(runtime, everyone, key="post-3")
    k = BATCH + 7  # the relay has accepted copy k; the process dies before recording it

    def die(n: int) -> None:
        if n == k:
            raise Crash

    wrap_transport(lambda rt, inner: Wrapped(inner, after=die))
    with pytest.raises(Crash):
        deliver_due(runtime)

    assert received_by(smtp_sink) == Counter(everyone[:k])
    state = rows(runtime)
    assert all(state[r].state == "sent" for r in everyone[: k - 1])
    assert state[everyone[k - 1]].state == "sending"

    wrap_transport(lambda rt, inner: inner)
    # Until the dead worker's claim lapses, only the batch it never claimed goes out.
    assert deliver_due(runtime) == len(everyone) - 2 * BATCH
    lease = runtime.settings.delivery.sending_timeout_minutes
    advance(runtime, minutes=lease - 1)
    assert deliver_due(runtime) == 0
    advance(runtime, minutes=1)
    assert deliver_due(runtime) == 2 * BATCH - (k - 1)

    got = received_by(smtp_sink)
    assert set(got) == set(everyone)
    twice = [r for r, n in got.items() if n > 1]
    assert twice == [everyone[k - 1]]  # only the copy in flight, and only once more
    assert got[everyone[k - 1]] == 2
    assert {e.state for e in rows(runtime).values()} == {"sent"}


# 4. Queuing a post's copies in bulk ----------------------------------------------------


def _copies(addresses: list[str], tag: bytes) -> list[Copy]:
    return [
        Copy(recipient=a, raw=b"Subject: hi\r\n\r\n" + tag + b"\r\n", envelope_from=BOUNCES)
        for a in addresses
    ]


def test_enqueue_copies_queues_each_recipient_once_across_chunks(
    outbox_runtime: Runtime,
) -> None:
    runtime = outbox_runtime
    everyone = recipients(1234)
    # Already queued under the same key: some in each 500-key chunk, and the last one.
    early = [*everyone[::7], everyone[-1]]
    clock = runtime.clock

    def queue(copies: list[Copy], key: str = "post-4") -> int:
        with transaction(runtime.sessions) as session:
            return enqueue_copies(
                session,
                runtime.group_id,
                clock,
                copies=copies,
                message_id="post-4@lists.example.org",
                kind="post",
                dedupe_key=key,
            )

    assert queue(_copies(early, b"first")) == len(early)
    # The same recipients again, spelled differently and listed twice, among new ones.
    shouted = [a.upper() for a in everyone[:3]]
    later = _copies(everyone + shouted + [f"  {everyone[5]} "], b"second")
    advance(runtime, minutes=1)

    assert queue(later) == len(everyone) - len(early)
    assert queue(later) == 0  # a rerun adds nothing
    assert queue(_copies(early, b"first")) == 0

    with runtime.sessions() as session:
        counts = session.execute(
            select(
                OutboxEntry.dedupe_key, func.lower(OutboxEntry.recipient), func.count()
            ).group_by(OutboxEntry.dedupe_key, func.lower(OutboxEntry.recipient))
        ).all()
        entries = list(session.scalars(select(OutboxEntry)))
    assert len(entries) == len(everyone)
    assert {(key, rcpt) for key, rcpt, _ in counts} == {(f"post-4|{a}", a) for a in everyone}
    assert {n for _, _, n in counts} == {1}
    by_rcpt = {e.recipient.lower(): e for e in entries}
    # Rows already queued were kept as they were, not replaced by the later copy.
    assert all(by_rcpt[a].raw.endswith(b"first\r\n") for a in early)
    assert all(by_rcpt[a].created_at == clock.now() - timedelta(minutes=1) for a in early)
    new = [a for a in everyone if a not in set(early)]
    assert all(by_rcpt[a].raw.endswith(b"second\r\n") for a in new)
    assert {by_rcpt[a].state for a in everyone} == {"queued"}
    assert all(by_rcpt[a].next_attempt_at == clock.now() for a in new)

    # Another post to the same people is another key: all its copies are queued.
    assert queue(_copies(everyone[:600], b"other"), key="post-5") == 600


def test_a_421_mid_batch_defers_only_that_copy(
    outbox_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    runtime = outbox_runtime
    use_relay(runtime, smtp_sink)
    everyone = recipients(BATCH + 10)
    closing = everyone[BATCH - 5]
    smtp_sink.refuse(closing, "421 4.3.2 Service shutting down", times=1)
    queue_mail(runtime, everyone, key="post-7")

    assert deliver_due(runtime) == len(everyone) - 1

    state = rows(runtime)
    assert [r for r in everyone if state[r].state != "sent"] == [closing]
    assert (state[closing].state, state[closing].attempts) == ("queued", 1)
    assert state[closing].last_error == "421 4.3.2 Service shutting down"
    advance(runtime, minutes=runtime.settings.delivery.retry_first_minutes)
    assert deliver_due(runtime) == 1
    assert received_by(smtp_sink) == Counter(everyone)
