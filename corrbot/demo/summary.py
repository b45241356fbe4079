"""What the demo left behind and where to look: counts from the outbox and the commands to try."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from corrbot.config import load_settings
from corrbot.demo.outbox import kinds_delivered
from corrbot.model import Message, Referral, Report
from corrbot.runtime import Runtime


def summarise(config: Path, maildir: Path, echo: Callable[[str], None]) -> None:
    runtime = Runtime.build(load_settings(config))
    try:
        with runtime.sessions() as session:
            gid = runtime.group_id
            kinds = kinds_delivered(session, gid)
            reports = list(
                session.execute(
                    select(Report.key, Report.kind, Report.sent_at, Report.late)
                    .where(Report.group_id == gid, Report.sent_at.is_not(None))
                    .order_by(Report.period_end)
                )
            )
            statuses = dict(
                session.execute(
                    select(Message.status, func.count())
                    .where(Message.group_id == gid, Message.placeholder.is_(False))
                    .group_by(Message.status)
                ).all()
            )
            referrals = list(session.execute(select(Referral.state, Referral.decision)))
    finally:
        runtime.close()
    files = sum(1 for _ in (maildir / "new").glob("*")) if (maildir / "new").is_dir() else 0
    echo("")
    echo(f"Everything corrbot sent is in {maildir / 'new'}/ ({files} files, one per recipient).")
    echo("  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    received = ", ".join(f"{s or 'unprocessed'} {n}" for s, n in sorted(statuses.items(), key=str))
    echo(f"  mail received: {received}")
    digests = sum(1 for r in reports if r.kind == "digest")
    for r in reports:
        if r.kind != "digest":
            late = " (late)" if r.late else ""
            echo(f"  report {r.key} ({r.kind}) sent {r.sent_at:%Y-%m-%d %H:%M}{late}")
    echo(f"  digests sent: {digests}")
    decided = sum(1 for r in referrals if r.state != "pending")
    echo(f"  referrals: {len(referrals)}, decided by the chair: {decided}")
    c = f"corrbot --config {config}"
    echo("")
    echo("Look around:")
    echo(f"  ls {maildir / 'new'}")
    echo(f"  grep -l 'Subject:.*[Rr]eport' {maildir / 'new'}/* | head")
    echo(f"  {c} messages")
    echo(f"  {c} referrals list")
    echo(f"  {c} export mapping --format html -o {config.parent / 'mapping.html'}")
    echo(f"  {c} report preview update-report --as-of 2014-01-31T17:00")
