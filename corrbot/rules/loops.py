"""Mail the list itself sent, coming back: our List-Id or X-Loop, or one of our addresses.

corrbot's own copies and reports carry `X-Loop: <list address>` and the List-Id,
so a member whose mailbox forwards to the list cannot start a storm.
"""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext
from corrbot.rules.verdict import Verdict, header_values

HEADERS = ("List-Id", "X-Loop")  # what it reads (see chain)


def list_id(post_address: str) -> str:
    """The RFC 2919 identifier of the list: cg@lists.example.org -> cg.lists.example.org."""
    return post_address.replace("@", ".")


def check(ctx: MessageContext) -> Verdict | None:
    addresses = ctx.runtime.addresses
    ours = f"<{list_id(addresses.post)}>"
    if any(ours in v.lower() for v in header_values(ctx, "List-Id")):
        return Verdict("dropped", "dropped", "loop: carries our own List-Id")
    if any(v.strip().lower() == addresses.post for v in header_values(ctx, "X-Loop")):
        return Verdict("dropped", "dropped", "loop: carries our own X-Loop")
    sender = ctx.message.from_addr or ""
    if sender and addresses.classify(sender) is not None:
        return Verdict("dropped", "dropped", f"loop: sent from the list's own address {sender}")
    envelope = (ctx.message.envelope_from or "").strip("<> ").lower()
    if envelope and addresses.classify(envelope) is not None:
        return Verdict("dropped", "dropped", f"loop: envelope sender is our own {envelope}")
    return None


def list_id_value(name: str, post_address: str) -> str:
    """The List-Id header value: "Group name" <cg.lists.example.org>."""
    phrase = name.replace("\\", "").replace('"', "")
    return f'"{phrase}" <{list_id(post_address)}>'
