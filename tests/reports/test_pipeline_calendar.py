"""End to end: real mail through the whole pipeline (chain, threading, tags, mapping
entries, positions), then the ToR deadlines by `tick --as-of`.

This test relies on the other parts of the pipeline reading the mail (SPEC
"Conventions inside posts"); the report-focused tests put rows in the store instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from corrbot.cli.main import cli
from corrbot.db import transaction
from corrbot.issue_list import import_issues
from corrbot.members import add_member
from corrbot.runtime import Runtime
from tests.mail import feed, make_mail
from tests.reports.seed import ISSUES, PEOPLE, report_mail, text_of
from tests.reports.test_calendar import CALENDAR


def _send(
    runtime: Runtime,
    when: datetime,
    sender: str,
    subject: str,
    body: str,
    mid: str,
    reply_to: str | None = None,
) -> None:
    runtime.clock.at = when  # type: ignore[attr-defined]
    name = next((p[1] for p in PEOPLE if p[0] == sender), "Someone")
    feed(
        runtime,
        [
            make_mail(
                f"{name} <{sender}>", subject, body, message_id=mid, date=when, in_reply_to=reply_to
            )
        ],
    )


def test_a_calendar_over_real_mail(
    make_runtime: Callable[..., Runtime], sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url, CALENDAR)
    with transaction(runtime.sessions) as session:
        for email, name, stakeholder, org in PEOPLE:
            add_member(
                session,
                runtime.group_id,
                runtime.clock,
                email=email,
                name=name,
                stakeholder=stakeholder,
                org=org,
            )
        import_issues(session, runtime.group_id, ISSUES)
    d = datetime
    _send(
        runtime,
        d(2013, 10, 8, 14),
        "marilia@nupef.org.br",
        "[b] Issue 3: the London Action Plan",
        "Dear colleagues,\n\nOn behalf of: Best Bits coalition\n\n"
        "Mechanism: London Action Plan; international enforcement network\n"
        "Status: partially\nGap: Few developing countries take part\n\nBest regards,\nMarília\n",
        "lap@nupef.org.br",
    )
    _send(
        runtime,
        d(2013, 10, 9, 8),
        "k.weber@telco.example.de",
        "Re: [b] Issue 3: the London Action Plan",
        "+1\n\nThe LAP has been useful for operators.\n\n> Mechanism: London Action Plan\n",
        "lap-re@telco.example.de",
        reply_to="lap@nupef.org.br",
    )
    _send(
        runtime,
        d(2013, 10, 20, 16),
        "ines.duarte@ulisboa.example.pt",
        "Travel next week",
        "I am travelling next week and will read the list on my return.\n",
        "q@ulisboa.example.pt",
    )
    _send(
        runtime,
        d(2013, 10, 21, 9),
        "outsider@example.net",
        "[b] Issue 3",
        "I am not a member.\n",
        "outsider@example.net",
    )
    runner = CliRunner()
    config = str(tmp_path / "corrbot.toml")
    for when in ("2013-11-29T17:00:00", "2013-11-29T17:00:00"):
        result = runner.invoke(cli, ["--config", config, "tick", "--as-of", when])
        assert result.exit_code == 0, result.output
    rows = report_mail(runtime, "update-1")
    officers = ["cg@lists.example.org", "chair@example.org", "coordinator@example.org"]
    # Every member gets a copy too: the list address does not pass corrbot's own mail on.
    assert [r.recipient for r in rows] == sorted({*officers, *(p[0] for p in PEOPLE)})
    text = text_of(rows[0])
    assert "Contributions in the period: 3 accepted posts" in text
    listed = set(re.findall(r"<([^<>\s]+)>\r?$", text, re.M))
    assert {"lap@nupef.org.br", "lap-re@telco.example.de", "q@ulisboa.example.pt"} <= listed
    assert "outsider@example.net" not in listed
    section = text.split("1. CONTRIBUTIONS")[1].split("2. MAPPING")[0]
    assert "Task (b) Identify the existing mechanisms" in section
    assert "Issue #3 Spam (2)" in section  # the reply inherits its parent's tags
    assert "on behalf of Best Bits coalition [civil-society]" in section
    assert "Untagged (no task or issue named): 1 post" in section
    mapping = text.split("2. MAPPING")[1].split("3. ITEMS")[0]
    assert "London Action Plan (international enforcement network): partially" in mapping
    assert "Gap: Few developing countries take part" in mapping
    for when in ("2014-01-03T17:00:00", "2014-01-07T17:00:00"):
        assert runner.invoke(cli, ["--config", config, "tick", "--as-of", when]).exit_code == 0
    assert "Contributions in the period: 0 accepted posts" in text_of(
        report_mail(runtime, "update-2")[0]
    )
    initial = text_of(report_mail(runtime, "initial-output")[0])
    assert "- Mechanism: London Action Plan" in initial
