"""Delivery mode "smtp" against a real SMTP sink: one transaction per copy, login, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from corrbot.outbound.deliver import deliver_due
from corrbot.runtime import Runtime
from tests.outbound.helpers import BOUNCES, advance, queue_mail, rows, use_relay
from tests.servers.ports import free_port
from tests.servers.smtp_sink import SmtpSink, self_signed_cert


def test_each_copy_goes_to_the_relay_with_the_envelope_and_exact_bytes(
    outbox_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    runtime = outbox_runtime
    use_relay(runtime, smtp_sink)
    queue_mail(runtime, ["ana@example.org", "bo@example.net"])

    assert deliver_due(runtime) == 2

    got = sorted(smtp_sink.messages, key=lambda m: m.rcpt_tos)
    assert [(m.mail_from, m.rcpt_tos) for m in got] == [
        (BOUNCES, ["ana@example.org"]),
        (BOUNCES, ["bo@example.net"]),
    ]
    raw = rows(runtime)["ana@example.org"].raw
    assert all(m.data == raw for m in got)  # dot-stuffing undone, nothing rewritten
    assert deliver_due(runtime) == 0
    assert len(smtp_sink.messages) == 2


def test_a_refused_recipient_fails_alone_and_is_never_retried(
    outbox_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    runtime = outbox_runtime
    use_relay(runtime, smtp_sink)
    smtp_sink.refuse("gone@example.org", "550 5.1.1 No such user here")
    queue_mail(runtime, ["gone@example.org", "ana@example.org"])

    assert deliver_due(runtime) == 1

    by_rcpt = rows(runtime)
    assert by_rcpt["ana@example.org"].state == "sent"
    gone = by_rcpt["gone@example.org"]
    assert gone.state == "failed"
    assert gone.last_error == "550 5.1.1 No such user here"
    advance(runtime, days=1)
    assert deliver_due(runtime) == 0
    assert smtp_sink.rcpt_attempts.count("gone@example.org") == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_uses_the_password_from_the_environment(
    outbox_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = outbox_runtime
    with SmtpSink(credentials=("cg", "s3cret")) as sink:
        use_relay(runtime, sink, username="cg", password_env="TEST_CORRBOT_SMTP_PASSWORD")
        queue_mail(runtime, ["ana@example.org"])

        monkeypatch.delenv("TEST_CORRBOT_SMTP_PASSWORD", raising=False)
        assert deliver_due(runtime) == 0  # no password: nothing sent, nothing lost
        entry = rows(runtime)["ana@example.org"]
        assert entry.state == "queued"
        assert "TEST_CORRBOT_SMTP_PASSWORD" in (entry.last_error or "")

        monkeypatch.setenv("TEST_CORRBOT_SMTP_PASSWORD", "wrong")
        advance(runtime, minutes=5)
        assert deliver_due(runtime) == 0
        assert (rows(runtime)["ana@example.org"].last_error or "").startswith("relay 127.0.0.1:")

        monkeypatch.setenv("TEST_CORRBOT_SMTP_PASSWORD", "s3cret")
        advance(runtime, minutes=10)
        assert deliver_due(runtime) == 1
        assert [m.login for m in sink.messages] == ["cg"]


def test_a_relay_that_is_down_pauses_delivery_until_it_is_back(
    outbox_runtime: Runtime,
) -> None:
    runtime = outbox_runtime
    port = free_port()
    use_relay(runtime, host="127.0.0.1", port=port)
    queue_mail(runtime, ["ana@example.org", "bo@example.net"])

    assert deliver_due(runtime) == 0
    # One copy paid for the failed connection; the other was not even tried.
    assert sorted(e.attempts for e in rows(runtime).values()) == [0, 1]
    assert {e.state for e in rows(runtime).values()} == {"queued"}

    with SmtpSink(port=port) as sink:
        advance(runtime, minutes=5)
        assert deliver_due(runtime) == 2
        assert sorted(r for m in sink.messages for r in m.rcpt_tos) == [
            "ana@example.org",
            "bo@example.net",
        ]


def test_starttls_is_used_and_the_relay_certificate_is_checked(
    outbox_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = outbox_runtime
    cert, key = self_signed_cert(tmp_path)
    with SmtpSink(tls=(cert, key)) as sink:
        use_relay(runtime, sink, starttls=True)
        queue_mail(runtime, ["ana@example.org"])

        # Not (yet) trusted: the copy waits rather than go out over an unchecked link.
        assert deliver_due(runtime) == 0
        assert "CERTIFICATE_VERIFY_FAILED" in (rows(runtime)["ana@example.org"].last_error or "")

        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the sink's own certificate
        advance(runtime, minutes=5)
        assert deliver_due(runtime) == 1
        assert [m.rcpt_tos for m in sink.messages] == [["ana@example.org"]]
