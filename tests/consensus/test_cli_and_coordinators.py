"""`corrbot referrals list`, and coordinators moving closing times by a confirmed reply."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from corrbot.cli.main import cli
from corrbot.model import Item, PendingConfirmation
from corrbot.tick import run_tick
from tests.consensus.conftest import EMAIL, Group, parsed, text
from tests.consensus.test_closing import RE, SUBJECT, contested
from tests.consensus.test_decision import answer, referred


def config_of(group: Group) -> Path:
    found = list(Path(group.runtime.settings.path(".")).glob("corrbot.toml"))
    assert found, "the test config is written next to the database"
    return found[0]


def run(group: Group, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config_of(group)), "referrals", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_referrals_list_shows_options_holders_and_state(lite_group: Group) -> None:
    group = lite_group
    assert "No item has been referred." in run(group, "list")
    referral = referred(group)
    table = run(group, "list")
    assert "no-consensus" in table and "pending" in table
    assert "Raj Menon" in table and "Ola Moreau" in table
    answer(group, referral.token, "Decision: C\nAgreed.")
    rows = list(csv.DictReader(io.StringIO(run(group, "list", "--format", "csv"))))
    assert [r["option"] for r in rows] == ["A", "B", "C"]
    assert all(r["state"] == "decided" and r["decision"] == "C" for r in rows)
    assert all(r["decided_at"].startswith("2013-") for r in rows)  # its own column
    assert "Raj Menon" in rows[0]["objectors"] and "Ana Carvalho" in rows[1]["supporters"]
    [found] = json.loads(run(group, "list", "--format", "json"))
    assert found["state"] == "decided" and found["note"] == "Agreed."
    c = found["options"][2]
    assert c["letter"] == "C"
    assert {p["stakeholder"] for p in c["supporters"]} == {
        "academic-technical",
        "intergovernmental",
    }
    holders = [p for o in found["options"] for k in ("supporters", "objectors") for p in o[k]]
    assert holders and all("on_behalf_of" in p for p in holders)


def closes_at(group: Group) -> datetime:
    with group.runtime.sessions() as session:
        return session.scalars(select(Item)).one().closes_at


def pending_item_tokens(group: Group) -> list[PendingConfirmation]:
    with group.runtime.sessions() as session:
        return list(
            session.scalars(select(PendingConfirmation).where(PendingConfirmation.action == "item"))
        )


def test_a_coordinator_extends_an_item_after_confirming(group: Group) -> None:
    root = group.send("ken", SUBJECT, "Mechanism: London Action Plan\nStatus: partially\n")
    assert closes_at(group) == datetime(2013, 10, 15, 9, 0)
    group.send("coord", RE, "More time is needed.\nCloses: 2013-10-31\n", reply_to=root)
    # Nothing changes until the coordinator's own address confirms.
    assert closes_at(group) == datetime(2013, 10, 15, 9, 0)
    [request] = [e for e in group.outbox("confirm") if e.recipient == EMAIL["coord"]]
    [pending] = pending_item_tokens(group)
    assert str(parsed(request)["Reply-To"]) == group.runtime.addresses.confirm(pending.token)
    assert "2013-11-01 00:00" in text(request)
    # A member's Closes: line in a reply is not a request.
    group.send("sam", RE, "Closes: 2013-10-02\n", reply_to=root)
    assert len(pending_item_tokens(group)) == 1
    # A forged confirmation changes nothing; the real one does.
    answer(group, pending.token, "yes", who="sam", sender=f"Coral <{EMAIL['sam']}>")
    assert closes_at(group) == datetime(2013, 10, 15, 9, 0)
    answer(group, pending.token, "yes", who="coord")
    assert closes_at(group) == datetime(2013, 11, 1, 0, 0)
    notices = group.outbox("notice")
    assert EMAIL["lea"] in {e.recipient for e in notices}
    group.runtime.clock.advance(days=20)
    assert run_tick(group.runtime, deliver=False).closed == 0


def test_a_coordinator_closes_an_item_early(group: Group) -> None:
    contested(group)
    group.send("coord", RE, "Closes: now\n", reply_to="m1.ken@test.example")
    [pending] = pending_item_tokens(group)
    answer(group, pending.token, "Confirmed.", who="coord")
    assert run_tick(group.runtime, deliver=False).closed == 1
    with group.runtime.sessions() as session:
        assert session.scalars(select(Item.state)).one() == "referred"


def test_tick_as_of_closes_and_refers_once(lite_group: Group) -> None:
    group = lite_group
    contested(group)
    config = str(config_of(group))
    runner = CliRunner()
    early = runner.invoke(cli, ["--config", config, "tick", "--as-of", "2013-10-10T12:00"])
    assert early.exit_code == 0, early.output
    assert "closed 0 items" in early.output
    for expected in ("closed 1 items", "closed 0 items"):
        result = runner.invoke(cli, ["--config", config, "tick", "--as-of", "2013-10-11T08:00"])
        assert result.exit_code == 0, result.output
        assert expected in result.output
    chair = [e for e in group.outbox("referral") if e.recipient == EMAIL["chair"]]
    assert len(chair) == 1
