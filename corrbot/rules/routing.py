"""Mail to the group's service addresses: confirmations, commands and the owner address.

An archive import (`ingest --no-deliver`) records what such mail was but acts on
none of it: no one is answered, joined or forwarded years later.
"""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext
from corrbot.rules.verdict import Verdict

_ROUTES = {
    "confirm": Verdict("confirm", "command", "reply to a confirmation request"),
    "request": Verdict("command", "command", "mail to the request address"),
    "owner": Verdict("owner", "accepted", "to the owner address: forwarded to the coordinators"),
}


def check(ctx: MessageContext) -> Verdict | None:
    verdict = _ROUTES.get(ctx.purpose)
    if verdict is None:
        return None
    if ctx.message.no_deliver:
        return Verdict("none", verdict.status, f"archive import ({ctx.purpose}): not acted on")
    return verdict
