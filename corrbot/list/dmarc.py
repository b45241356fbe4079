"""DMARC: when a poster's domain would fail alignment on our copies, From: becomes the list's.

A list re-sends the poster's mail from its own servers, so a domain publishing
`p=reject` (the big mailbox providers) fails DMARC at every recipient. Like mature
list managers we then write From: "Name via Group" <list address> and keep the
original in X-Original-From (and Reply-To, see distribute.py). `[group]
dmarc_rewrite` is "always", "never" or "domains" (the `dmarc_domains` list and
their subdomains); no DNS is looked up, so behaviour is predictable and testable.
"""

from __future__ import annotations

from email.headerregistry import Address

from corrbot.config import GroupSettings


def needs_rewrite(group: GroupSettings, from_addr: str) -> bool:
    if group.dmarc_rewrite == "always":
        return True
    if group.dmarc_rewrite == "never" or "@" not in from_addr:
        return False
    domain = from_addr.rpartition("@")[2].lower()
    listed = [d.strip().lower() for d in group.dmarc_domains if d.strip()]
    return any(domain == d or domain.endswith("." + d) for d in listed)


def rewritten_from(group: GroupSettings, list_address: str, name: str, from_addr: str) -> str:
    who = " ".join(name.split()) or from_addr.partition("@")[0]
    local, _, domain = list_address.rpartition("@")
    try:
        return str(Address(display_name=f"{who} via {group.name}", username=local, domain=domain))
    except (ValueError, TypeError):  # a display name the header syntax cannot carry
        return str(Address(display_name=f"via {group.name}", username=local, domain=domain))
