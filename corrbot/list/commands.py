"""Answer mail to cg-request@: run its commands and reply once, from a template.

One reply per mail, whatever it asked, with `Auto-Submitted: auto-replied`; when a
`join` or `leave` needs confirming, that reply is the confirmation request and its
Reply-To is cg-confirm+TOKEN@. `confirm TOKEN` is carried out by pipeline/confirm.py,
which answers for itself. A mail without any command gets the help text. Past the
hourly reply limit for its sender a mail is recorded but neither acted on nor
answered, so a loop or a forged sender cannot make us flood anyone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from corrbot.list import info, mailing, membership, ratelimit
from corrbot.list.commandlines import Command, read, token_of
from corrbot.list.results import Result
from corrbot.pipeline import confirm
from corrbot.pipeline.context import MessageContext

log = logging.getLogger("corrbot.list")

Handler = Callable[[MessageContext, Command], Result]

HANDLERS: dict[str, Handler] = {
    "help": info.help_,
    "issues": info.issues,
    "status": info.status,
    "whoami": info.whoami,
    "digest": info.digest,
    "join": membership.request_join,
    "leave": membership.request_leave,
}


def answer(ctx: MessageContext) -> None:
    sender = ctx.message.from_addr
    if not sender:
        ctx.message.status_reason = "command without a sender address: not answered"
        return
    if not ratelimit.allow(ctx, sender):
        log.info("<%s> %s", ctx.message.message_id, ctx.message.status_reason)
        return
    mail = read(ctx.message.subject, ctx.message.text_body)
    results: list[Result] = []
    for command in mail.commands:
        if command.verb == "confirm":
            done = confirm.perform(ctx, token_of(command.args))
            log.info("<%s> confirm command: %s", ctx.message.message_id, done)
            continue
        results.append(HANDLERS[command.verb](ctx, command))
    if not results and any(c.verb == "confirm" for c in mail.commands):
        return  # the confirmation answered for itself
    verbs = " ".join(r.verb for r in results) or "none (help sent)"
    note = f"commands: {verbs}"
    if mail.unknown:
        note = f"{note}; stopped at: {mail.unknown[:60]}"
    ctx.message.status_reason = note
    token = next((r.token for r in results if r.token), None)
    mailing.reply(
        ctx,
        "command-reply",
        dedupe_key=f"command:{ctx.message.id}",
        kind="confirm" if token else "reply",
        reply_to=ctx.runtime.addresses.confirm(token) if token else None,
        subject=_subject(ctx, results, token),
        results=results,
        unknown=mail.unknown,
        ignored=mail.ignored,
        token=token,
        show_help=not results or any(r.verb == "help" for r in results),
    )


def _subject(ctx: MessageContext, results: list[Result], token: str | None) -> str:
    name = ctx.runtime.settings.group.name
    if token:
        # Short enough not to be folded: some clients mangle a folded Subject on reply.
        # "confirm TOKEN" first: a reply sent to cg-request@ instead still confirms.
        verb = next(r.verb for r in results if r.token)
        return f"confirm {token} ({verb})"
    return mailing.re_subject(ctx.message.subject, f"Your commands to {name}")
