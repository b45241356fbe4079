"""Closing in `tick`: consensus, referral with options and holders, exactly once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from corrbot.consensus import close_due
from corrbot.model import Item, PendingConfirmation, Referral
from corrbot.tick import run_tick
from tests.consensus.conftest import EMAIL, Group, html, parsed, text

ENTRY = """Dear colleagues,

Mechanism: Convention on Cybercrime (Budapest Convention); Council of Europe
Status: partially
Gap: Ratified by about forty states.
Closes: 2013-10-10
"""
SUBJECT = "[b] #2 Council of Europe Convention on Cybercrime"
RE = "Re: " + SUBJECT


def state(group: Group) -> list[tuple[str, str]]:
    with group.runtime.sessions() as session:
        return [(i.kind, i.state) for i in session.scalars(select(Item).order_by(Item.id))]


def referrals(group: Group) -> list[Referral]:
    with group.runtime.sessions() as session:
        return list(session.scalars(select(Referral).order_by(Referral.id)))


def contested(group: Group) -> None:
    """The conversation of the demo: an entry, an objection with B, support, C."""
    root = group.send("ken", SUBJECT, ENTRY)
    raj = group.send(
        "raj",
        RE,
        "I object to this entry as drafted.\n\nA regional convention is not international."
        "\n\nAlternative: List it as a regional instrument, not-addressing.\n",
        reply_to=root,
    )
    group.send("sam", RE, "Position: support option A\n\nIt is factual.", reply_to=raj)
    group.send("ana", RE, "Position: support option B\n", reply_to=raj)
    ola = group.send(
        "ola",
        RE,
        "Alternative: List both the Convention and the UNODC expert group.\n\n"
        "Position: support option C\n",
        reply_to=root,
    )
    group.send("ken", RE, "I support option C as well.\n", reply_to=ola)


def test_an_uncontested_mapping_entry_reaches_consensus(group: Group) -> None:
    root = group.send("ken", SUBJECT, ENTRY)
    group.send("sam", RE, "+1\n", reply_to=root)
    group.runtime.clock.advance(days=8)  # 2013-10-09: not yet closing
    assert run_tick(group.runtime, deliver=False).closed == 0
    group.runtime.clock.advance(days=2)
    assert run_tick(group.runtime, deliver=False).closed == 1
    assert state(group) == [("mapping", "consensus")]
    assert referrals(group) == []
    assert group.outbox("referral") == []


def test_a_contested_entry_is_referred_with_three_options_and_its_holders(group: Group) -> None:
    contested(group)
    group.runtime.clock.advance(days=10)
    assert run_tick(group.runtime, deliver=False).closed == 1
    assert state(group) == [("mapping", "referred")]
    [referral] = referrals(group)
    assert referral.reason == "no-consensus" and referral.state == "pending"

    sent = group.outbox("referral")
    chair = [e for e in sent if e.recipient == EMAIL["chair"]]
    assert len(chair) == 1
    msg = parsed(chair[0])
    token = referral.token
    assert str(msg["Reply-To"]) == group.runtime.addresses.confirm(token)
    assert "Cybercrime" in str(msg["Subject"])
    body = text(chair[0])
    # Three options, each with its text and its holders grouped by stakeholder group.
    option_a = body.index("Option A:")
    option_b = body.index("Option B:")
    option_c = body.index("Option C:")
    assert option_a < option_b < option_c
    a, b, c = body[option_a:option_b], body[option_b:option_c], body[option_c:]
    assert "Council of Europe" in a and "regional instrument" in b and "UNODC expert group" in c
    assert "private-sector: Sam Whitfield (Telco plc)" in a
    assert "government: Raj Menon (India)" in a.split("Objected to by")[1]
    assert "A regional convention is not international." in a  # the reason, quoted
    assert "government: Ana Carvalho (Brazil)" in b
    # Ken (the author) moved to C; his latest position counts, once.
    assert "academic-technical: Ken Sato (APNIC)" in c and "Ken Sato" not in a
    assert "intergovernmental: Ola Moreau (UNODC)" in c
    assert "Decision: A" in body and "Decision: return" in body
    assert "Raj Menon" in html(chair[0]) and token in html(chair[0])

    # The coordinator and the members get copies without the token.
    others = [e for e in sent if e.recipient != EMAIL["chair"]]
    assert {e.recipient for e in others} == {
        EMAIL[k] for k in ("coord", "ana", "raj", "sam", "lea", "ken", "ola")
    }
    for entry in others:
        assert token not in entry.raw.decode("utf-8", "replace")
        assert "Reply-To" not in parsed(entry)
    with group.runtime.sessions() as session:
        pending = session.scalars(
            select(PendingConfirmation).where(PendingConfirmation.action == "decision")
        ).one()
        assert (pending.action, pending.email, pending.token) == ("decision", EMAIL["chair"], token)


def test_an_objector_who_later_supports_withdraws_the_objection(group: Group) -> None:
    root = group.send("ken", SUBJECT, ENTRY)
    objection = group.send("raj", RE, "-1\nNot international.", reply_to=root)
    group.send("raj", RE, "+1\nHaving read the replies, I withdraw.", reply_to=objection)
    group.runtime.clock.advance(days=10)
    run_tick(group.runtime, deliver=False)
    assert state(group) == [("mapping", "consensus")]


def test_a_proposed_issue_that_reaches_consensus_is_referred_as_a_recommendation(
    group: Group,
) -> None:
    root = group.send("ana", "PROPOSE ISSUE: Mass surveillance", "It affects trust.")
    group.send("lea", "Re: PROPOSE ISSUE: Mass surveillance", "+1\n", reply_to=root)
    group.runtime.clock.advance(days=15)
    run_tick(group.runtime, deliver=False)
    assert state(group) == [("new-issue", "referred")]
    [referral] = referrals(group)
    assert referral.reason == "recommendation"
    [chair] = [e for e in group.outbox("referral") if e.recipient == EMAIL["chair"]]
    assert str(parsed(chair)["Subject"]) == "Recommendation to the Chair: Mass surveillance"


def test_tick_twice_changes_nothing_the_second_time(group: Group) -> None:
    contested(group)
    group.runtime.clock.advance(days=10)
    run_tick(group.runtime, deliver=False)
    before = [(e.dedupe_key, e.recipient) for e in group.outbox()]
    assert run_tick(group.runtime, deliver=False).closed == 0
    assert [(e.dedupe_key, e.recipient) for e in group.outbox()] == before
    assert len(referrals(group)) == 1


def test_two_ticks_at_once_close_each_item_once(group: Group) -> None:
    contested(group)
    group.send("ana", "PROPOSAL: Meet monthly", "Closes: 2013-10-05")
    group.runtime.clock.advance(days=10)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            counts.append(close_due(group.runtime))
        except BaseException as exc:  # reported below, with the thread's own error
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(counts) == 2
    assert len(referrals(group)) == 1
    chair = [e for e in group.outbox("referral") if e.recipient == EMAIL["chair"]]
    assert len(chair) == 1


def test_a_crash_between_closing_and_sending_sends_the_referral_exactly_once(
    group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing and queuing are one transaction: a crash loses both, a rerun does both."""
    from corrbot.consensus import mail

    contested(group)
    group.runtime.clock.advance(days=10)
    real = mail.to_group

    def crash(*args: object, **kwargs: object) -> int:
        raise RuntimeError("power cut after the chair's copy was queued")

    monkeypatch.setattr(mail, "to_group", crash)
    with pytest.raises(RuntimeError):
        close_due(group.runtime)
    # Nothing of the closing survived: the item is open, nothing is queued.
    assert state(group) == [("mapping", "open")]
    assert referrals(group) == [] and group.outbox("referral") == []

    monkeypatch.setattr(mail, "to_group", real)
    assert run_tick(group.runtime, deliver=False).closed == 1
    assert run_tick(group.runtime, deliver=False).closed == 0
    sent = group.outbox("referral")
    assert len([e for e in sent if e.recipient == EMAIL["chair"]]) == 1
    assert len(sent) == len({e.recipient for e in sent}) == 8
    assert len(referrals(group)) == 1
