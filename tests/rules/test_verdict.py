"""header_values answers as ``get_all`` does, from its index of the parse's headers."""

from __future__ import annotations

from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path
from typing import Any, cast

import pytest

from corrbot.ingress.files import read_mbox
from corrbot.pipeline.context import MessageContext
from corrbot.rules.verdict import header_values

MIPS = (
    Path(__file__).resolve().parents[3] / "shared" / "corpora" / "linux-mips" / "linux-mips-1k.mbox"
)
NAMES = ("Received", "received", "To", "CC", "Precedence", "List-Id", "X-Loop", "Subject", "Nope")


def _context(parsed: EmailMessage | None) -> MessageContext:
    none = cast(Any, None)  # header_values reads only the parse
    return MessageContext(runtime=none, session=none, group=none, message=none, parsed=parsed)


def _expected(parsed: EmailMessage, name: str) -> list[str]:
    return [str(v) for v in parsed.get_all(name) or []]


def test_every_header_of_the_corpus_reads_as_get_all_gives_it() -> None:
    if not MIPS.exists():
        pytest.skip("../shared/corpora is not here")
    with MIPS.open("rb") as fh:
        for raw in read_mbox(fh):
            parsed = BytesParser(policy=compat32).parsebytes(raw)
            ctx = _context(parsed)
            for name in (*NAMES, *parsed.keys()):
                assert header_values(ctx, name) == _expected(parsed, name)


def test_8bit_values_repeated_names_and_a_new_parse() -> None:
    first = BytesParser(policy=compat32).parsebytes(
        b"X-Loop: a\nSubject: caf\xc3\xa9\nx-loop: B\nX-LOOP: c\n\nbody"
    )
    ctx = _context(first)
    assert header_values(ctx, "x-Loop") == ["a", "B", "c"]
    assert header_values(ctx, "Subject") == _expected(first, "Subject")
    second = BytesParser(policy=compat32).parsebytes(b"X-Loop: d\n\nbody")
    ctx.parsed = second  # the index follows the parse it was made of
    assert header_values(ctx, "X-Loop") == ["d"]
    ctx.parsed = None
    assert header_values(ctx, "X-Loop") == []
