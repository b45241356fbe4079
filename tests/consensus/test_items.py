"""Opening items and stating positions, read back from the store."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from corrbot.model import Item, MappingEntry, Option, Position
from tests.consensus.conftest import Group

ENTRY = """Dear colleagues,

Mechanism: IDN ccTLD Fast Track Process; ICANN
Status: addressing
Gap: Variant characters are not handled yet.
"""


def items(group: Group) -> list[Item]:
    with group.runtime.sessions() as session:
        return list(session.scalars(select(Item).order_by(Item.id)))


def options(group: Group, item_id: int) -> list[tuple[str, str]]:
    with group.runtime.sessions() as session:
        return [
            (o.letter, o.text)
            for o in session.scalars(
                select(Option).where(Option.item_id == item_id).order_by(Option.letter)
            )
        ]


def positions(group: Group, item_id: int) -> list[tuple[str, str, str | None]]:
    with group.runtime.sessions() as session:
        return [
            (str(p.member_id), p.stance, p.option)
            for p in session.scalars(
                select(Position).where(Position.item_id == item_id).order_by(Position.id)
            )
        ]


def test_mapping_entry_opens_an_item_supported_by_its_author(group: Group) -> None:
    group.send("ken", "[b] #1 IDN Fast Track", ENTRY)
    [item] = items(group)
    assert item.kind == "mapping" and item.state == "open"
    assert "IDN ccTLD Fast Track Process" in item.title
    # No Closes: line: the default window of 14 days.
    assert item.closes_at == datetime(2013, 10, 15, 9, 0)
    [(letter, text)] = options(group, item.id)
    assert letter == "A" and "status addressing" in text and "Variant characters" in text
    assert [(s, o) for _, s, o in positions(group, item.id)] == [("support", "A")]
    with group.runtime.sessions() as session:
        entry = session.scalars(select(MappingEntry)).one()
        assert entry.item_id == item.id and entry.status == "addressing"


def test_proposal_and_proposed_issue_open_items(group: Group) -> None:
    group.send(
        "ana", "PROPOSAL: Group the mapping by category", "Please group it.\nCloses: 2013-10-20"
    )
    group.send("lea", "PROPOSE ISSUE: Mass surveillance", "It affects trust.\nTask: a")
    proposal, new_issue = items(group)
    assert (proposal.kind, proposal.title) == ("proposal", "Group the mapping by category")
    # A Closes: date leaves the whole day (group time zone UTC here).
    assert proposal.closes_at == datetime(2013, 10, 21, 0, 0)
    assert options(group, proposal.id) == [("A", "Please group it.")]
    assert (new_issue.kind, new_issue.title) == ("new-issue", "Mass surveillance")
    assert options(group, new_issue.id) == [("A", "Mass surveillance")]


def test_a_reply_opens_nothing_and_positions_go_to_the_nearest_item_above(group: Group) -> None:
    root = group.send("ana", "PROPOSAL: Group the mapping by category", "Please group it.")
    alt = group.send(
        "raj",
        "Re: PROPOSAL: Group the mapping by category",
        "Alternative: One table only.\n",
        reply_to=root,
    )
    # Two levels down: still the same item; the option it names exists.
    group.send("sam", "Re: PROPOSAL: Group the mapping by category", "+1 B\n", reply_to=alt)
    group.send("lea", "Re: PROPOSAL: Group the mapping by category", "-1\nToo rigid.", reply_to=alt)
    group.send(
        "lea", "Re: PROPOSAL: Group the mapping by category", "I support it now.", reply_to=root
    )
    [item] = items(group)
    assert options(group, item.id) == [("A", "Please group it."), ("B", "One table only.")]
    stated = [(s, o) for _, s, o in positions(group, item.id)]
    # The author's support, Sam's +1 B, then Léa's objection and her later support:
    # every position is kept.
    assert stated == [("support", "A"), ("support", "B"), ("object", None), ("support", None)]


def test_closes_is_read_in_the_group_time_zone(group: Group) -> None:
    group.runtime.settings.group.timezone = "Europe/Paris"
    group.send("ana", "PROPOSAL: Meet in Geneva", "Closes: 2013-10-20")
    [item] = items(group)
    # The end of 20 October in Paris (CEST, UTC+2) is 22:00 UTC.
    assert item.closes_at == datetime(2013, 10, 20, 22, 0)


def test_consensus_reads_the_post_itself_when_the_understand_step_left_nothing(
    lite_group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corrbot.pipeline import understand

    monkeypatch.setattr(understand, "understand", lambda ctx: None)
    group = lite_group
    root = group.send("ken", "[b] #1 IDN Fast Track", ENTRY)
    group.send(
        "raj", "Re: [b] #1 IDN Fast Track", "-1\nAlternative: Not addressing.", reply_to=root
    )
    [item] = items(group)
    assert item.kind == "mapping"
    assert options(group, item.id)[1] == ("B", "Not addressing.")
    assert [(s, o) for _, s, o in positions(group, item.id)] == [("support", "A"), ("object", None)]


def test_an_impossible_closing_date_falls_back_to_the_window(lite_group: Group) -> None:
    lite_group.send("ana", "PROPOSAL: Forever", "Closes: 9999-12-31")
    [item] = items(lite_group)
    assert item.closes_at == datetime(2013, 10, 15, 9, 0)
