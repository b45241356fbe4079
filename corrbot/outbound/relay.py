"""Delivery mode "smtp": hand each outbox row to the configured relay with smtplib.

One SMTP transaction per row (one recipient each): a refusal then concerns exactly
one row, so per-recipient state stays right without parsing partial acceptances.
The connection is opened on the first copy of a pass and reused for up to
`recipients_per_connection` copies. The password comes from the environment
variable named by `password_env`, never from the file.

Any problem reaching the relay (refused connection, TLS, login) raises
`Unavailable`, so the worker stops the pass instead of failing every row alike.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from types import TracebackType

from corrbot.config import DeliverySettings
from corrbot.model import OutboxEntry
from corrbot.outbound.transport import (
    TemporaryFailure,
    Unavailable,
    reply_text,
    smtp_failure,
)

# Per socket operation; far below sending_timeout_minutes, so a slow relay never
# makes a copy look abandoned while it is still being sent.
TIMEOUT_SECONDS = 60.0


class SmtpRelay:
    def __init__(self, settings: DeliverySettings, password: str | None, helo_name: str) -> None:
        self.settings = settings
        self.password = password
        self.helo_name = helo_name
        self._smtp: smtplib.SMTP | None = None
        self._sent_on_connection = 0
        self._context: ssl.SSLContext | None = None

    def _tls(self) -> ssl.SSLContext:
        # Loading the system's trusted certificates takes ~15 ms: once per pass, not
        # once per connection, and not at all when the relay is plain SMTP.
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

    def __enter__(self) -> SmtpRelay:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            with contextlib.suppress(OSError):
                smtp.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.username and self.password is None:
            raise Unavailable(
                f"[delivery] username is set but the environment variable "
                f"{s.password_env!r} named by password_env holds no password"
            )
        smtp: smtplib.SMTP | None = None
        try:
            if s.ssl:
                smtp = smtplib.SMTP_SSL(
                    s.host, s.port, self.helo_name, timeout=TIMEOUT_SECONDS, context=self._tls()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, self.helo_name, timeout=TIMEOUT_SECONDS)
            smtp.ehlo_or_helo_if_needed()
            if s.starttls and not s.ssl:
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, self.password or "")
        except smtplib.SMTPResponseException as exc:
            _discard(smtp)
            reply = reply_text(exc.smtp_code, exc.smtp_error)
            raise Unavailable(f"relay {self.where} answered {reply}") from None
        except (OSError, smtplib.SMTPException) as exc:
            _discard(smtp)
            raise Unavailable(f"cannot use relay {self.where}: {exc}") from None
        self._sent_on_connection = 0
        return smtp

    def send(self, entry: OutboxEntry) -> None:
        if self._smtp is not None and self._sent_on_connection >= max(
            1, self.settings.recipients_per_connection
        ):
            self._close()
        if self._smtp is None:
            self._smtp = self._connect()
        smtp = self._smtp
        options = _mail_options(smtp, entry)
        try:
            smtp.sendmail(entry.envelope_from, [entry.recipient], entry.raw, options)
        except smtplib.SMTPRecipientsRefused as exc:
            # After a 421 to RCPT smtplib has closed the socket: the next copy reconnects.
            if smtp.sock is None:
                self._smtp = None
            ((code, text),) = exc.recipients.values()
            raise smtp_failure(code, text) from None
        except smtplib.SMTPResponseException as exc:
            # Sender refused, DATA refused, or 421 "closing": the reply decides.
            if smtp.sock is None:
                self._smtp = None
            raise smtp_failure(exc.smtp_code, exc.smtp_error) from None
        except (OSError, smtplib.SMTPException) as exc:
            # A dropped connection: if it dropped after our final dot, the relay may
            # have taken the copy, and the retry sends it again (see deliver.py).
            self._smtp = None
            _discard(smtp)
            raise TemporaryFailure(f"connection to relay {self.where} lost: {exc}") from None
        self._sent_on_connection += 1


def _mail_options(smtp: smtplib.SMTP, entry: OutboxEntry) -> list[str]:
    options: list[str] = []
    if not (entry.envelope_from.isascii() and entry.recipient.isascii()):
        if not smtp.has_extn("smtputf8"):
            raise smtp_failure(553, "relay does not offer SMTPUTF8, needed for this address")
        options.append("SMTPUTF8")
    if not entry.raw.isascii() and smtp.has_extn("8bitmime"):
        options.append("BODY=8BITMIME")
    return options


def _discard(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()
