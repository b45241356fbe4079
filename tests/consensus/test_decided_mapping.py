"""A mapping item decided for another option than A: the mapping shows the option chosen.

Whole conversations through the pipeline, closing in `tick`, and the chair's
answer to the referral's confirmation address; then what the mapping export and
the documents' mapping show.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from corrbot.consensus.agreed import restated
from corrbot.export import COLUMNS, export_mapping
from corrbot.model import MappingEntry, Referral
from corrbot.reports.mapping import load_mapping
from corrbot.tick import run_tick
from tests.consensus.conftest import Group
from tests.consensus.test_closing import ENTRY, RE, SUBJECT, contested
from tests.consensus.test_decision import answer, reload


def refer_with(group: Group, *alternatives: str) -> str:
    """Ken's entry, Raj objecting with each alternative, closed and referred: the token."""
    root = group.send("ken", SUBJECT, ENTRY)
    lines = "".join(f"Alternative: {a}\n" for a in alternatives)
    group.send("raj", RE, f"I object to this entry as drafted.\n\n{lines}", reply_to=root)
    group.runtime.clock.advance(days=10)
    run_tick(group.runtime, deliver=False)
    return pending_token(group)


def pending_token(group: Group) -> str:
    with group.runtime.sessions() as session:
        referral = session.scalars(
            select(Referral).where(Referral.state == "pending").order_by(Referral.id.desc())
        ).first()
        assert referral is not None
        return referral.token


def entries(group: Group) -> list[MappingEntry]:
    with group.runtime.sessions() as session:
        return list(session.scalars(select(MappingEntry).order_by(MappingEntry.id)))


def exported(group: Group, tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "mapping.csv"
    with group.runtime.sessions() as session:
        export_mapping(
            session,
            group.runtime.group_id,
            group.runtime.renderer,
            fmt="csv",
            path=path,
            group_name="WGEC",
            now=datetime(2013, 12, 1),
        )
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def shown(group: Group, template: str) -> str:
    with group.runtime.sessions() as session:
        mapping = load_mapping(session, group.runtime.group_id)
    return group.runtime.renderer.render(template, mapping=mapping, title="T", generated="G")


def test_a_free_text_option_becomes_the_entry_as_agreed(group: Group, tmp_path: Path) -> None:
    contested(group)
    group.runtime.clock.advance(days=10)
    run_tick(group.runtime, deliver=False)
    answer(group, pending_token(group), "Decision: C\nIt records both.")
    [entry] = entries(group)
    assert entry.agreed_text == "List both the Convention and the UNODC expert group."
    [row] = exported(group, tmp_path)
    assert list(row) == list(COLUMNS)
    assert row["agreed text"] == "List both the Convention and the UNODC expert group."
    assert row["mechanism"] == "Convention on Cybercrime (Budapest Convention)"
    # Option A's status and gap were not what the WG agreed.
    assert (row["status"], row["gap"], row["consensus state"]) == ("unknown", "", "decided")
    text = " ".join(shown(group, "reports/_mapping.txt.j2").split())
    assert "Agreed: List both the Convention and the UNODC expert group." in text
    assert "forty states" not in text and "partially" not in text
    page = shown(group, "reports/_mapping.html.j2")
    assert "List both the Convention and the UNODC expert group." in page
    assert "forty states" not in page
    md = shown(group, "reports/mapping.md.j2")
    assert "as agreed: List both the Convention and the UNODC expert group," in md


def test_an_option_with_mapping_keys_replaces_the_fields_it_names(
    group: Group, tmp_path: Path
) -> None:
    token = refer_with(
        group,
        "Status: not-addressing; Gap: No instrument negotiated by all states.",
    )
    answer(group, token, "Decision: B\n")
    [entry] = entries(group)
    assert (entry.mechanism, entry.body) == (
        "Convention on Cybercrime (Budapest Convention)",
        "Council of Europe",
    )
    assert (entry.status, entry.gap) == (
        "not-addressing",
        "No instrument negotiated by all states.",
    )
    assert entry.agreed_text is None
    [row] = exported(group, tmp_path)
    assert (row["status"], row["gap"], row["agreed text"]) == (
        "not-addressing",
        "No instrument negotiated by all states.",
        "",
    )
    text = shown(group, "reports/_mapping.txt.j2")
    assert "Status:    not-addressing" in text and "Agreed:" not in text


def test_an_option_naming_two_mechanisms_gives_two_entries(group: Group, tmp_path: Path) -> None:
    token = refer_with(
        group,
        "Mechanism: Convention on Cybercrime; Council of Europe. Status: partially. "
        "Mechanism: Expert Group on Cybercrime; UNODC. Status: partially. "
        "Gap: No agreement on whether a universal instrument is needed.",
    )
    answer(group, token, "Decision: B\n")
    found = [(e.mechanism, e.body, e.status, e.gap) for e in entries(group)]
    assert found == [
        (
            "Convention on Cybercrime",
            "Council of Europe",
            "partially",
            "Ratified by about forty states.",
        ),
        (
            "Expert Group on Cybercrime",
            "UNODC",
            "partially",
            "No agreement on whether a universal instrument is needed.",
        ),
    ]
    rows = exported(group, tmp_path)
    assert [r["mechanism"] for r in rows] == [
        "Convention on Cybercrime",
        "Expert Group on Cybercrime",
    ]
    # The second entry was written by Raj, whose alternative it was.
    assert rows[1]["contributors"].startswith("Raj Menon (India)")
    assert {r["consensus state"] for r in rows} == {"decided"}


def test_deciding_a_or_returning_leaves_the_entry_as_written(group: Group) -> None:
    token = refer_with(group, "Status: not-addressing")
    original = [(e.mechanism, e.status, e.gap, e.agreed_text) for e in entries(group)]
    assert original[0][1] == "partially"
    answer(group, token, "Decision: return\nDiscuss the status again.")
    assert [(e.mechanism, e.status, e.gap, e.agreed_text) for e in entries(group)] == original
    referral, item = reload(group)
    assert (referral.state, item.state) == ("returned", "open")
    # Reopened: it closes again, still contested, and this time the chair decides B.
    group.runtime.clock.advance(days=15)
    run_tick(group.runtime, deliver=False)
    answer(group, pending_token(group), "Decision: B\n")
    [entry] = entries(group)
    assert (entry.status, entry.gap) == ("not-addressing", "Ratified by about forty states.")


def test_deciding_a_changes_nothing(lite_group: Group) -> None:
    token = refer_with(lite_group, "Status: not-addressing")
    original = [(e.mechanism, e.body, e.status, e.gap) for e in entries(lite_group)]
    answer(lite_group, token, "Decision: A\n")
    assert [(e.mechanism, e.body, e.status, e.gap) for e in entries(lite_group)] == original
    assert entries(lite_group)[0].agreed_text is None


def test_reading_the_keys_of_an_option() -> None:
    assert restated("List both the Convention and the UNODC, each as partially.") == []
    assert restated("with the status not-addressing at the international level") == []
    assert restated("Status: not addressed. Gap: none known") == [
        {"status": "not addressed", "gap": "none known"}
    ]
    assert restated("Mechanism: IGF; UN, Status: partially") == [
        {"mechanism": "IGF", "body": "UN", "status": "partially"}
    ]
    # An empty Mechanism key names nothing; a mechanism without a name adds nothing.
    assert restated("Gap: a; Gap: b; Mechanism: ; Status: x") == [{"gap": "a b", "status": "x"}]
    assert restated("Mechanism: IGF. Mechanism: ; UN. Status: x") == [
        {"mechanism": "IGF"},
        {"status": "x"},
    ]
