"""The group's addresses (SPEC "Addresses") and what a recipient address is for.

For list address cg@lists.example.org: cg@ posts, cg-request@ commands, cg-owner@
the coordinators, cg-bounces@ (VERP cg-bounces+user=host@) bounces, and
cg-confirm+TOKEN@ confirmations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Purpose = Literal["post", "request", "owner", "bounces", "confirm"]
# Mail without an envelope naming the group (read from a mailbox or a file): the
# headers its recipient is read from, in this order (SPEC "Addresses").
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")


@dataclass(frozen=True)
class ListAddresses:
    local: str
    domain: str

    @classmethod
    def of(cls, list_address: str) -> ListAddresses:
        local, _, domain = list_address.strip().lower().rpartition("@")
        return cls(local, domain)

    @property
    def post(self) -> str:
        return f"{self.local}@{self.domain}"

    def _suffixed(self, suffix: str, detail: str | None = None) -> str:
        extra = f"+{detail}" if detail else ""
        return f"{self.local}-{suffix}{extra}@{self.domain}"

    @property
    def request(self) -> str:
        return self._suffixed("request")

    @property
    def owner(self) -> str:
        return self._suffixed("owner")

    @property
    def bounces(self) -> str:
        return self._suffixed("bounces")

    def verp(self, recipient: str) -> str:
        """The envelope sender for one recipient, so a bounce names the member."""
        return self._suffixed("bounces", recipient.lower().replace("@", "="))

    def confirm(self, token: str) -> str:
        return self._suffixed("confirm", token)

    def classify(self, address: str) -> tuple[Purpose, str | None] | None:
        """What a recipient address is for, and its detail (token or VERP address).

        None when the address is not one of the group's, as is any whose text after the
        last "@", lowercased, is not the domain: the import's worker counts on that to
        leave unparsed the headers that cannot hold the domain (pipeline/parse_ahead.py).
        """
        local, _, domain = address.strip().strip("<>").lower().rpartition("@")
        if domain != self.domain:
            return None
        base, _, detail = local.partition("+")
        if base == self.local and not detail:
            return ("post", None)
        for purpose in ("request", "owner", "bounces", "confirm"):
            if base == f"{self.local}-{purpose}":
                if purpose == "bounces" and detail:
                    return ("bounces", _unverp(detail))
                if purpose == "confirm":
                    return ("confirm", detail or None)
                return (purpose, None) if not detail else None
        return None


def _unverp(detail: str) -> str:
    user, sep, host = detail.rpartition("=")
    return f"{user}@{host}" if sep else detail
