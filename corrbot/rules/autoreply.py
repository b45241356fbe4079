"""Automatic mail (RFC 3834 and the usual non-standard signs): dropped, never answered.

Out-of-office subjects are matched only as whole phrases, or at the very start for
short words ("Absent:"), since a real post may well speak of the "absence" of a
mechanism.
"""

from __future__ import annotations

import re

from corrbot.pipeline.context import MessageContext
from corrbot.rules.verdict import Verdict, header_values

_PHRASES = re.compile(
    r"\b(?:out of (?:the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|"
    r"vacation (?:reply|message|notice)|away from (?:the|my) office|"
    r"abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|absence du bureau|"
    r"respuesta autom[áa]tica|fuera de la oficina|risposta automatica|fuori (?:sede|ufficio)|"
    r"automatisch antwoord|resposta autom[áa]tica|fora do escrit[óo]rio|automatiskt svar|"
    r"autosvar|automatisk svar|odpowied[źz] automatyczna|автоответ|"
    r"自动回复|自動回覆|不在办公室|رد تلقائي)",
    re.IGNORECASE,
)
# Words one of which every phrase above contains (as ASCII lowercase; "auto" stands
# for the automatic/automatique/automatica/... ones). An ASCII subject without any of
# them cannot match, and testing for them costs a tenth of the search (3.6 us a
# subject). Only for ASCII: under IGNORECASE a few non-ASCII letters (the dotless ı)
# match ASCII ones that ``str.lower`` keeps apart.
_PHRASE_WORDS = (
    "auto",
    "office",
    "vacation",
    "abwesenheitsnotiz",
    "absence",
    "oficina",
    "fuori",
    "escrit",
)
_PREFIXES = re.compile(
    r"^\s*(?:auto|autoreply|abwesend|absent|ausente|afwezig|fr[åa]nvarande|otomatik yan[ıi]t)\s*:",
    re.IGNORECASE,
)
_MARK_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
HEADERS = ("Auto-Submitted", "Precedence", *_MARK_HEADERS)  # what it reads (see chain)


def auto_reason(ctx: MessageContext) -> str | None:
    """Why this message looks automatic, or None."""
    for value in header_values(ctx, "Auto-Submitted"):
        token = value.split(";")[0].strip().lower()
        if token and token != "no":
            return f"automatic mail: Auto-Submitted: {token}"
    # An archive import (`ingest --no-deliver`) reads list copies, which the list that
    # sent them marked `Precedence: bulk|list`: that says nothing of their authors.
    for value in [] if ctx.quiet else header_values(ctx, "Precedence"):
        if value.strip().lower() in ("bulk", "junk", "list"):
            return f"automatic mail: Precedence: {value.strip().lower()}"
    for name in _MARK_HEADERS:
        if header_values(ctx, name):
            return f"automatic mail: {name} header"
    subject = ctx.message.subject or ""
    if _out_of_office(subject) or _PREFIXES.match(subject):
        return f"automatic mail: out-of-office subject {subject[:80]!r}"
    envelope = ctx.message.envelope_from
    if ctx.message.via in ("smtp", "lmtp") and envelope is not None and not envelope.strip("<> "):
        return "automatic mail: null envelope sender"
    return None


def _out_of_office(subject: str) -> bool:
    """Whether an out-of-office phrase is in the subject: ``_PHRASES.search``."""
    if subject.isascii():
        lowered = subject.lower()
        if not any(word in lowered for word in _PHRASE_WORDS):
            return False
    return _PHRASES.search(subject) is not None


def check(ctx: MessageContext) -> Verdict | None:
    reason = auto_reason(ctx)
    return Verdict("dropped", "dropped", reason) if reason else None
