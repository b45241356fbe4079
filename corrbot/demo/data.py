"""The demo's group, people and correspondence, read from the files under corrbot/demo/data/.

The files are plain CSV and TOML so that a reader can open them next to the outbox
and see what was sent; this module only reads them into typed records and writes
the demo's corrbot.toml.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

LIST_ADDRESS = "cg@lists.wgec.example"
CHAIR = "chair@wgec.example"
COORDINATOR = "coordinator@wgec.example"

# The demo's calendar follows the terms of reference of the WGEC correspondence
# group (Geneva, 8 November 2013), counted from the Monday after they were agreed.
START = datetime(2013, 11, 11, 9, 0)
DEADLINES: tuple[tuple[str, str, timedelta], ...] = (
    ("update-1", "update-report", timedelta(days=18, hours=17)),  # end of November
    ("update-2", "update-report", timedelta(days=56, hours=17)),  # beginning of January
    ("initial-output", "initial-output", timedelta(days=57, hours=17)),  # first week of January
    ("update-3", "update-report", timedelta(days=81, hours=17)),  # end of January
    ("final", "final-document", timedelta(days=93, hours=17)),  # 12 February
)


@dataclass(frozen=True)
class Person:
    key: str
    email: str
    name: str
    org: str
    country: str
    stakeholder: str


@dataclass(frozen=True)
class Mail:
    id: str
    at: datetime
    sender: str  # a person's key
    to: str  # list, request, owner, confirm
    subject: str
    body: str
    reply_to: str | None = None
    quote: str | None = None
    find: str | None = None
    sign: bool = True


OFFICERS = (
    Person(
        "chair",
        CHAIR,
        "Amb. Rafael Quintero Salas",
        "Chair, Working Group on Enhanced Cooperation",
        "UY",
        "government",
    ),
    Person(
        "coordinator",
        COORDINATOR,
        "Margaret Ainsworth",
        "Albion Telecom plc",
        "GB",
        "private-sector",
    ),
)


def deadlines() -> list[tuple[str, str, datetime]]:
    return [(key, kind, START.replace(hour=0) + offset) for key, kind, offset in DEADLINES]


def members() -> list[Person]:
    """The members an operator adds before the correspondence starts."""
    with (DATA / "members.csv").open(newline="", encoding="utf-8") as fh:
        return [Person(**row) for row in csv.DictReader(fh)]


def correspondence() -> tuple[list[Person], list[Mail]]:
    """(people who are not members at the start, the mails in sending order)."""
    with (DATA / "correspondence.toml").open("rb") as fh:
        data = tomllib.load(fh)
    people = [Person(**p) for p in data.get("person", [])]
    mails = [
        Mail(
            id=m["id"],
            at=datetime.fromisoformat(m["at"]),
            sender=m["from"],
            to=m["to"],
            subject=m.get("subject", ""),
            body=m["body"].strip("\n") + "\n",
            reply_to=m.get("reply_to"),
            quote=m.get("quote"),
            find=m.get("find"),
            sign=m.get("sign", True),
        )
        for m in data["mail"]
    ]
    mails.sort(key=lambda m: m.at)  # stable: the file's order breaks ties
    return people, mails


def issues_csv() -> Path:
    return DATA / "issues.csv"


def write_config(directory: Path, port: int) -> Path:
    """The demo group's corrbot.toml, with its database and outbox inside `directory`."""
    tasks = (
        ("a", "Review the identified international public policy issues"),
        ("b", "Identify the existing mechanisms addressing each issue"),
        ("c", "Assess the status of those mechanisms in addressing the issues"),
        ("d", "Identify the gaps where issues are not adequately addressed"),
    )
    lines = [
        "# The demo correspondence group written by `corrbot demo`; safe to edit and rerun.",
        "",
        "[group]",
        'name = "Correspondence Group of the WGEC"',
        f'list_address = "{LIST_ADDRESS}"',
        f'chair = "{CHAIR}"',
        f'chair_name = "{OFFICERS[0].name}"',
        'chair_stakeholder = "government"',
        f'coordinators = ["{COORDINATOR}"]',
        'timezone = "UTC"',
        'subject_prefix = "[CG-WGEC]"',
        "",
        "[database]",
        'url = "sqlite:///corrbot.db"',
        "",
        "[listener]",
        'protocol = "smtp"',
        'host = "127.0.0.1"',
        f"port = {port}",
        "",
        "[delivery]",
        'mode = "maildir"',
        'maildir = "outbox"',
        "",
        "[consensus]",
        "window_days = 14",
    ]
    for key, title in tasks:
        lines += ["", "[[tasks]]", f'key = "{key}"', f'title = "{title}"']
    for key, kind, due in deadlines():
        lines += ["", "[[deadlines]]", f'key = "{key}"', f'kind = "{kind}"']
        lines.append(f"due = {due.isoformat()}")
    path = directory / "corrbot.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
