"""`corrbot messages` and `corrbot archive export`, driven as a user would, on both databases."""

from __future__ import annotations

import csv
import io
import json
import mailbox
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import delete, select

from corrbot.archive import unescape_mboxrd
from corrbot.cli.main import cli
from corrbot.db import transaction
from corrbot.members import add_member
from corrbot.model import Item, Member, Message, Position, RawBlob, Tag
from corrbot.runtime import Runtime
from tests.mail import feed, make_mail
from tests.pipeline.conftest import by_message_id

FIELDS = [
    "message_id",
    "date",
    "from",
    "subject",
    "status",
    "parent_message_id",
    "thread_root_message_id",
    "tasks",
    "issues",
    "position",
]
ANA, BO = "Ana <ana@example.org>", "Bo Li <bo@example.org>"


def run(tmp_path: Path, *args: str) -> Result:
    config = tmp_path / "corrbot.toml"  # written by make_runtime
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def seed(runtime: Runtime) -> None:
    """A thread of two, an unrelated post and a quarantined one; tags and a position set."""
    with transaction(runtime.sessions) as session:
        for email, name in (("ana@example.org", "Ana"), ("bo@example.org", "Bo Li")):
            add_member(
                session,
                runtime.group_id,
                runtime.clock,
                email=email,
                name=name,
                stakeholder="academic-technical",
            )
    feed(
        runtime,
        [
            make_mail(
                ANA,
                "Spam mechanisms",
                "Start.",
                message_id="a@x",
                date=datetime(2013, 10, 2, 10, 0),
            ),
            make_mail(
                BO,
                "Re: Spam mechanisms",
                "Hello.\n\n> Start.\n",
                message_id="b@x",
                in_reply_to="a@x",
                date=datetime(2013, 10, 3, 8, 0),
            ),
            b"garbage without headers\n",
            make_mail(ANA, "Other", "Text.", message_id="c@x", date=datetime(2013, 11, 5, 9, 0)),
        ],
    )
    rows = by_message_id(runtime)
    with transaction(runtime.sessions) as session:
        # Whatever the reading step found is replaced by what this test states.
        ids = [rows[k].id for k in ("a@x", "b@x", "c@x")]
        session.execute(delete(Position).where(Position.message_id.in_(ids)))
        session.execute(delete(Tag).where(Tag.message_id.in_(ids)))
        session.add_all(
            [
                Tag(message_id=rows["b@x"].id, kind="task", key="c", source="explicit"),
                Tag(message_id=rows["b@x"].id, kind="task", key="b", source="inherited"),
                Tag(
                    message_id=rows["b@x"].id,
                    kind="task",
                    key="d",
                    source="classifier",
                    active=False,
                ),
                Tag(message_id=rows["b@x"].id, kind="issue", key="12", source="explicit"),
                Tag(message_id=rows["b@x"].id, kind="issue", key="3", source="title"),
            ]
        )
        bo = session.scalars(select(Member).where(Member.email == "bo@example.org")).one()
        item = Item(
            group_id=runtime.group_id,
            kind="proposal",
            title="Spam mechanisms",
            message_id=rows["a@x"].id,
            opened_at=runtime.clock.now(),
            closes_at=runtime.clock.now() + timedelta(days=14),
        )
        session.add(item)
        session.flush()
        session.add(
            Position(
                item_id=item.id,
                member_id=bo.id,
                message_id=rows["b@x"].id,
                stance="object",
                option="B",
                stated_at=runtime.clock.now(),
            )
        )


def test_messages_json_has_the_spec_fields(rt: Runtime, tmp_path: Path) -> None:
    seed(rt)
    result = run(tmp_path, "messages", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [list(row) for row in rows] == [[*FIELDS, "new_text"]] * 4
    by_id = {row["message_id"]: row for row in rows}
    assert [row["message_id"] for row in rows][:2] == ["a@x", "b@x"]
    assert by_id["b@x"] == {
        "message_id": "b@x",
        "date": "2013-10-03T08:00:00",
        "from": "bo@example.org",
        "subject": "Re: Spam mechanisms",
        "status": "accepted",
        "parent_message_id": "a@x",
        "thread_root_message_id": "a@x",
        "tasks": "b c",
        "issues": "3 12",
        "position": "object B",
        "new_text": "Hello.",
    }
    assert by_id["a@x"]["parent_message_id"] == ""
    assert by_id["a@x"]["thread_root_message_id"] == "a@x"
    assert by_id["a@x"]["position"] == ""
    [garbage] = [row for row in rows if row["message_id"].startswith("sha256-")]
    assert garbage["status"] == "quarantined"
    assert garbage["from"] == "" and garbage["thread_root_message_id"] == ""


def test_messages_csv_and_table(rt: Runtime, tmp_path: Path) -> None:
    seed(rt)
    result = run(tmp_path, "messages", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(FIELDS)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    as_json = json.loads(run(tmp_path, "messages", "--format", "json").stdout)
    assert rows == [{k: v for k, v in row.items() if k != "new_text"} for row in as_json]

    table = run(tmp_path, "messages")
    assert table.exit_code == 0, table.output
    header = table.stdout.splitlines()[0].split()
    assert header == FIELDS
    assert any(line.startswith("b@x ") and "object B" in line for line in table.stdout.splitlines())


def test_messages_since_filters_by_date(rt: Runtime, tmp_path: Path) -> None:
    seed(rt)
    result = run(tmp_path, "messages", "--format", "json", "--since", "2013-10-03T08:00:00")
    assert result.exit_code == 0, result.output
    # The quarantined mail has no Date: the time it was received (2013-10-01) stands in.
    assert [row["message_id"] for row in json.loads(result.stdout)] == ["b@x", "c@x"]
    aware = run(tmp_path, "messages", "--format", "json", "--since", "2013-11-05T10:00+01:00")
    assert [row["message_id"] for row in json.loads(aware.stdout)] == ["c@x"]


def test_messages_bad_since_is_one_clean_line(rt: Runtime, tmp_path: Path) -> None:
    result = run(tmp_path, "messages", "--since", "last tuesday")
    assert result.exit_code != 0
    assert "'last tuesday'" in result.output
    assert "Traceback" not in result.output


def test_messages_are_in_arrival_order_even_when_a_parent_comes_late(
    rt: Runtime, tmp_path: Path
) -> None:
    feed(rt, [make_mail(BO, "Re: Plan", "Reply.", message_id="child@x", in_reply_to="p@x")])
    assert isinstance(rt.clock.now(), datetime)
    rt.clock.advance(minutes=5)  # type: ignore[attr-defined]
    feed(rt, [make_mail(ANA, "Plan", "Parent.", message_id="p@x")])
    rows = json.loads(run(tmp_path, "messages", "--format", "json").stdout)
    assert [row["message_id"] for row in rows] == ["child@x", "p@x"]
    assert rows[0]["parent_message_id"] == "p@x"
    assert rows[0]["thread_root_message_id"] == "p@x"


def test_archive_export_gives_back_the_exact_bytes(rt: Runtime, tmp_path: Path) -> None:
    tricky = (
        b"From: Ana <ana@example.org>\r\nSubject: From lines\r\nMessage-ID: <t@x>\r\n\r\n"
        b"From here on it gets tricky.\r\n>From an escaped line\r\n>>From twice\r\n"
        b"From\r\n\r\nFrom the end\r\n"
    )
    raws = [
        make_mail(ANA, "First", "Plain body.\n", message_id="1@x"),
        tricky,
        "From: bo@example.org\nSubject: Grüße\nMessage-ID: <u@x>\n\nÄ 8-bit body\n".encode(),
        b"\x00\x01 garbage, quarantined but kept\n",
    ]
    for raw in raws:
        feed(rt, [raw])
        rt.clock.advance(seconds=1)  # type: ignore[attr-defined]
    out = tmp_path / "archive.mbox"
    result = run(tmp_path, "archive", "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    box = mailbox.mbox(str(out), create=False)
    got = [
        unescape_mboxrd(box.get_bytes(key)) for key in box.iterkeys()
    ]  # keys: iterating a mailbox gives messages
    assert got == raws
    with rt.sessions() as session:
        assert session.query(Message).filter(Message.placeholder.is_(False)).count() == 4


def test_archive_export_to_an_unwritable_path(rt: Runtime, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "a.mbox"
    result = run(tmp_path, "archive", "export", "-o", str(target))
    assert result.exit_code != 0
    assert str(target) in result.output
    assert "Traceback" not in result.output


def test_exported_archive_ingests_into_a_new_store_byte_for_byte(
    rt: Runtime, tmp_path: Path, make_runtime: Callable[..., Runtime]
) -> None:
    raws = [
        make_mail(ANA, "One", "From the start.\n", message_id="1@x"),
        make_mail(BO, "Re: One", ">From quoted\nFrom again\n", message_id="2@x", in_reply_to="1@x"),
        b"From: a@example.org\r\nMessage-ID: <3@x>\r\n\r\nends with a blank line\r\n\r\n",
    ]
    feed(rt, raws)
    out = tmp_path / "archive.mbox"
    assert run(tmp_path, "archive", "export", "-o", str(out)).exit_code == 0
    # A second, empty store (the config file now names it), filled from the export.
    second = make_runtime(f"sqlite:///{tmp_path / 'second.db'}")
    result = run(tmp_path, "ingest", "--no-deliver", str(out))
    assert result.exit_code == 0, result.output
    with second.sessions() as session:
        stored = sorted(session.scalars(select(RawBlob.data)))
    assert stored == sorted(raws)
