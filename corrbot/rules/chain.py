"""Decide a message's fate once, by an ordered chain of small rules; record it with its reason.

Order, and why:
  1. addressing (not a verdict): which of our addresses it reached, who sent it.
  2. bounces: first, because delivery reports are automatic mail too and must be
     counted, not dropped; out-of-office replies to the bounce address are dropped.
  3. loops: our own List-Id/X-Loop, or our own addresses as sender → dropped.
  4. auto-replies (Auto-Submitted, Precedence, out-of-office subjects) → dropped.
  5. confirmations, commands, owner mail → their routes.
  6. posts: members accepted; non-members, observers and DMARC failures held.
Dropped mail is kept in the archive with its reason and logged; nothing else is
silently dropped. An archive import (`ingest --no-deliver`) skips the loop check and
the `Precedence` sign: the archive holds list copies, and every message is read.
"""

from __future__ import annotations

import logging

from corrbot.pipeline.context import MessageContext
from corrbot.rules import addressing, autoreply, bounce, loops, posting, routing
from corrbot.rules.verdict import Rule, Verdict

log = logging.getLogger("corrbot.rules")

RULES: tuple[Rule, ...] = (bounce.check, loops.check, autoreply.check, routing.check)
# An imported archive is full of our own list's copies: read them, no loop check.
IMPORT_RULES = tuple(rule for rule in RULES if rule is not loops.check)
# Every header the rules read (lowercased; routing reads none). An import's worker
# sends the runner only these of a mail it need not read the body of
# (pipeline/parse_ahead.py), and header_values refuses any other of such a parse.
HEADERS_READ = frozenset(
    name.lower()
    for rule in (addressing, autoreply, bounce, loops, posting)
    for name in rule.HEADERS
)


def decide(ctx: MessageContext) -> str:
    """Set message.status/status_reason and return the route name (see pipeline/runner.py)."""
    addressing.assign(ctx)
    verdict: Verdict | None = None
    for rule in IMPORT_RULES if ctx.quiet else RULES:
        verdict = rule(ctx)
        if verdict is not None:
            break
    if verdict is None:
        verdict = posting.check(ctx)
    ctx.message.status = verdict.status
    ctx.message.status_reason = verdict.reason
    log.info(
        "<%s> %s → %s (%s)", ctx.message.message_id, ctx.purpose, verdict.status, verdict.reason
    )
    return verdict.route
