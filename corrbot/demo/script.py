"""`corrbot demo`: build the example group and play its correspondence through corrbot.

The steps are an operator's and the participants' own: `corrbot init`, `corrbot
issues import` and adding members (operator), then every mail sent over SMTP to
corrbot's real listener, and time moved through the terms of reference with the
same `corrbot tick --as-of` a replaying operator would type. Nothing is inserted in
the database behind corrbot's back except the members an operator would add.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import click

from corrbot.clock import FixedClock
from corrbot.config import load_settings
from corrbot.db import transaction
from corrbot.demo import data
from corrbot.demo.listener import running_listener
from corrbot.demo.mailer import Mailer
from corrbot.demo.outbox import find_request
from corrbot.members import add_member
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.demo")

MARKER = ".corrbot-demo"


class DemoError(Exception):
    """The demo cannot go on; the message says why (shown without a traceback)."""


@dataclass
class DemoResult:
    directory: Path
    config: Path
    maildir: Path
    mails_sent: int
    ticks: int


def free_port() -> int:
    # The listener cannot bind port 0 (aiosmtpd), so find a free one first.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare(directory: Path) -> Path:
    """An empty folder for the demo; a previous demo's folder is cleared, nothing else is."""
    directory = directory.expanduser().resolve()
    if directory.exists():
        if not directory.is_dir():
            raise DemoError(f"{directory} exists and is not a folder")
        if any(directory.iterdir()) and not (directory / MARKER).exists():
            raise DemoError(f"{directory} is not empty and was not made by `corrbot demo`")
        for child in directory.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("made by `corrbot demo`; rerunning the demo clears it\n")
    return directory


def corrbot(config: Path, *args: str) -> str:
    """Run one corrbot command in this process, exactly as the command line does."""
    from corrbot.cli.main import cli

    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            cli.main(["--config", str(config), *args], prog_name="corrbot", standalone_mode=False)
    except click.ClickException as exc:
        raise DemoError(f"corrbot {' '.join(args)}: {exc.format_message()}") from None
    return out.getvalue().strip()


def tick_points(first: datetime, last: datetime) -> list[datetime]:
    """When the scheduler would have run: each morning after the digest hour, and
    at every deadline, from the first mail to the day after the final document."""
    points = {due for _key, _kind, due in data.deadlines()}
    day = first.replace(hour=7, minute=30)
    while day <= last + timedelta(days=1):
        points.add(day)
        day += timedelta(days=1)
    return sorted(points)


def setup_group(config: Path, people: list[data.Person]) -> None:
    """The operator's part: initialise, import the issue list, add the members."""
    corrbot(config, "init")
    corrbot(config, "issues", "import", str(data.issues_csv()))
    runtime = Runtime.build(load_settings(config), FixedClock(data.START - timedelta(days=3)))
    try:
        with transaction(runtime.sessions) as session:
            roles = {"chair": "chair", "coordinator": "coordinator"}
            for p in people:
                add_member(
                    session,
                    runtime.group_id,
                    runtime.clock,
                    email=p.email,
                    name=p.name,
                    stakeholder=p.stakeholder,
                    role=roles.get(p.key, "member"),
                    org=p.org,
                    country=p.country,
                )
    finally:
        runtime.close()


def run_demo(directory: Path, echo: Callable[[str], None] = click.echo) -> DemoResult:
    directory = prepare(directory)
    config = data.write_config(directory, free_port())
    members = [*data.OFFICERS, *data.members()]
    newcomers, mails = data.correspondence()
    people = {p.key: p for p in [*members, *newcomers]}
    echo(f"Building the demo group in {directory}")
    setup_group(config, members)
    echo(f"  {len(members)} members, {len(data.deadlines())} deadlines, issue list imported")

    settings = load_settings(config)
    clock = FixedClock(mails[0].at)
    runtime = Runtime.build(settings, clock)
    maildir = settings.path(settings.delivery.maildir)
    points = iter(tick_points(mails[0].at, data.deadlines()[-1][2]))
    pending = next(points, None)
    ticks = 0

    def tick(at: datetime) -> None:
        nonlocal ticks
        summary = corrbot(config, "tick", "--as-of", at.isoformat())
        ticks += 1
        deadline = next((k for k, _kind, due in data.deadlines() if due == at), None)
        if deadline:
            echo(f"  {at:%Y-%m-%d %H:%M} deadline {deadline}: {summary}")

    def ticks_until(moment: datetime) -> Iterator[datetime]:
        nonlocal pending
        while pending is not None and pending <= moment:
            yield pending
            pending = next(points, None)

    try:
        with running_listener(runtime) as (host, port):
            echo(f"  corrbot's {settings.listener.protocol.upper()} listener on {host}:{port}")
            mailer = Mailer(host, port, runtime.addresses.domain)
            for mail in mails:
                for at in ticks_until(mail.at):
                    tick(at)
                sender = people[mail.sender]
                if mail.to == "confirm":
                    tick(mail.at - timedelta(minutes=1))  # deliver what they answer
                clock.at = mail.at
                problem = send_one(mailer, mail, sender, runtime, maildir)
                if problem:
                    echo(f"  ! {problem}")
                tick(mail.at)
            echo(f"  {len(mailer.sent)} mails sent through the listener")
        for at in ticks_until(datetime.max):
            tick(at)
    finally:
        runtime.close()
    return DemoResult(directory, config, maildir, len(mails), ticks)


def send_one(
    mailer: Mailer, mail: data.Mail, sender: data.Person, runtime: Runtime, maildir: Path
) -> str | None:
    """Send one mail of the script; a reason when it cannot be sent (it is skipped)."""
    addresses = runtime.addresses
    parent = mailer.sent.get(mail.reply_to) if mail.reply_to else None
    if mail.to == "confirm":
        request = find_request(maildir, sender.email, mail.find)
        if request is None:
            return (
                f"{mail.id} skipped: no mail to {sender.email} asking for a confirmation "
                f"about {mail.find!r} is in the outbox"
            )
        to = request.confirm_address() or addresses.request
        subject = mail.subject or f"Re: {request.subject}"
        # Like a mail client: the request is quoted under the answer.
        quoted = "\n".join(f"> {line}".rstrip() for line in request.text().splitlines())
        mail = replace(mail, body=f"{mail.body}\n-- \n{sender.name}\n\n{quoted}\n", sign=False)
        msg = mailer.build(mail, sender, to, subject=subject)
        del msg["In-Reply-To"]
        msg["In-Reply-To"] = f"<{request.message_id}>"
        msg["References"] = f"<{request.message_id}>"
    else:
        destinations = {
            "list": addresses.post,
            "request": addresses.request,
            "owner": addresses.owner,
        }
        if mail.to not in destinations:
            raise DemoError(f"{mail.id}: unknown destination {mail.to!r}")
        to = destinations[mail.to]
        msg = mailer.build(mail, sender, to, parent=parent)
    mailer.send(mail, msg, sender, to)
    return None
