"""What a rule decides about a message: the route it takes, its status and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message as EmailMessage

from corrbot.pipeline.context import MessageContext


@dataclass(frozen=True)
class Verdict:
    route: str  # a route of pipeline/runner.py; any other name runs no handler
    status: str  # SPEC's message status: accepted, held, command, bounce, dropped …
    reason: str


Rule = Callable[[MessageContext], "Verdict | None"]


class HeadersRead(EmailMessage):
    """A parsed mail with only some of its headers (``names``, lowercased) and no body.

    What an import's worker sends of a mail whose body the runner does not read
    (pipeline/parse_ahead.py): the headers the rules read (chain.HEADERS_READ).
    """

    def __init__(self, names: frozenset[str]) -> None:
        super().__init__()
        self.names = names


def header_values(ctx: MessageContext, name: str) -> list[str]:
    """Every value of a header in the parsed message, as text (none when unparsed).

    As ``[str(v) for v in parsed.get_all(name)]``, from an index of the headers by
    name made once per parse: the rules ask for eight headers of every message, and
    each ``get_all`` walks all of them (a few dozen in list mail).
    """
    parsed = ctx.parsed
    if parsed is None:
        return []
    lowered = name.lower()
    if isinstance(parsed, HeadersRead) and lowered not in parsed.names:
        # A rule reading a header not in chain.HEADERS_READ: the runner's batch fails
        # and each message is processed again from its raw bytes, so nothing is wrong,
        # only slow (tests/ingress/test_read_ahead.py checks no batch does).
        raise LookupError(f"{name}: not among the headers read ahead")
    index = ctx.header_index
    if index is None or index[0] is not parsed:
        by_name: dict[str, list[tuple[str, str]]] = {}
        for header in parsed.raw_items():
            by_name.setdefault(header[0].lower(), []).append(header)
        index = ctx.header_index = (parsed, by_name)
    found = index[1].get(lowered)
    if not found:  # most headers asked for are absent
        return []
    fetch = parsed.policy.header_fetch_parse  # what get_all makes of a raw value
    return [str(fetch(key, value)) for key, value in found]
