"""Who holds which option: one reading for the referral, `referrals list` and the reports."""

from __future__ import annotations

from sqlalchemy import select

from corrbot.holders import OptionHolders, holders_by_item, option_holders
from corrbot.model import Item
from corrbot.reports.items import load_items
from tests.consensus.conftest import Group

SUBJECT = "Re: PROPOSAL: Group the mapping by category"


def who(holders: list[OptionHolders]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Per option: each stance's holders by stakeholder group, names only."""
    return [
        (
            f"{o.letter} {stance}",
            [(g, [h.name for h in hs]) for g, hs in o.grouped(getattr(o, stance))],
        )
        for o in holders
        for stance in ("supporters", "objectors", "abstainers")
    ]


def test_latest_position_counts_and_groups_follow_the_stakeholder_table(group: Group) -> None:
    root = group.send("ana", "PROPOSAL: Group the mapping by category", "Please group it.")
    group.send("raj", SUBJECT, "Alternative: One table only.\n", reply_to=root)
    group.send("sam", SUBJECT, "+1 B\n", reply_to=root)
    group.send("lea", SUBJECT, "-1\nToo rigid.", reply_to=root)
    group.send("ken", SUBJECT, "-1\nOn behalf of: APNIC\nCategories overlap.", reply_to=root)
    group.send("ola", SUBJECT, "0\n", reply_to=root)
    group.send("lea", SUBJECT, "I support it now.", reply_to=root)
    with group.runtime.sessions() as session:
        item = session.scalars(select(Item)).one()
        referral = option_holders(session, item)
        [report] = load_items(session, group.runtime.group_id)
        assert holders_by_item(session, []) == {}

    # The referral email and the report read the same holders, the same way.
    assert report.options == referral
    assert who(referral) == [
        # Léa's later support replaces her objection; groups in SPEC's order
        # (government before civil-society), not alphabetical.
        ("A supporters", [("government", ["Ana Carvalho"]), ("civil-society", ["Léa Dubois"])]),
        ("A objectors", [("academic-technical", ["Ken Sato"])]),
        ("A abstainers", [("intergovernmental", ["Ola Moreau"])]),
        ("B supporters", [("private-sector", ["Sam Whitfield"])]),
        ("B objectors", []),
        ("B abstainers", []),
    ]
    [ken] = referral[0].objectors
    # What the chair is shown about an objection: for whom, and why.
    assert (ken.email, ken.org, ken.on_behalf_of) == ("ken@uni.example", "APNIC", "APNIC")
    assert "Categories overlap." in ken.reason


def test_sign_offs_are_not_quoted_to_the_chair(group: Group) -> None:
    root = group.send(
        "ana", "PROPOSAL: Group the mapping by category", "Please group it.\n\nBest regards,\nAna"
    )
    group.send("ken", SUBJECT, "-1\nCategories overlap.\n\nCheers,\nKen", reply_to=root)
    with group.runtime.sessions() as session:
        item = session.scalars(select(Item)).one()
        [option] = option_holders(session, item)
    assert option.text == "Please group it."
    [ken] = option.objectors
    assert ken.reason.endswith("Categories overlap.")
