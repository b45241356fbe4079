"""What one command did, for the reply template to tell (templates/email/command-reply)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    verb: str
    line: str
    outcome: str  # a word the template knows, e.g. "ok", "not-member", "sent"
    data: dict[str, Any] = field(default_factory=dict)
    # a confirmation this command asks for: the reply then carries its Reply-To
    token: str | None = None
