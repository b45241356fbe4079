"""The chair's decision by email: recorded, announced; forgeries and wrong tokens refused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from corrbot.model import Issue, Item, Referral
from corrbot.tick import run_tick
from tests.consensus.conftest import EMAIL, Group, parsed, text
from tests.consensus.test_closing import contested


def referred(group: Group) -> Referral:
    contested(group)
    group.runtime.clock.advance(days=10)
    run_tick(group.runtime, deliver=False)
    with group.runtime.sessions() as session:
        return session.scalars(select(Referral)).one()


def answer(group: Group, token: str, body: str, who: str = "chair", **kw: str) -> str:
    address = group.runtime.addresses.confirm(token)
    return group.send(who, "Re: Referral to the Chair", body, to=address, **kw)


def reload(group: Group) -> tuple[Referral, Item]:
    with group.runtime.sessions() as session:
        referral = session.scalars(select(Referral).order_by(Referral.id.desc())).first()
        assert referral is not None
        item = session.get(Item, referral.item_id)
        assert item is not None
        return referral, item


def refusals(group: Group, recipient: str) -> list[str]:
    return [text(e) for e in group.outbox("reply") if e.recipient == recipient]


def test_the_chairs_decision_is_recorded_and_announced(group: Group) -> None:
    referral = referred(group)
    group.runtime.clock.advance(days=2)
    answer(group, referral.token, "Decision: C\n\nOption C records the disagreement.\n-- \nChris")
    referral, item = reload(group)
    assert (referral.state, referral.decision) == ("decided", "C")
    assert referral.note == "Option C records the disagreement."
    assert referral.decided_at == datetime(2013, 10, 13, 9, 0)
    assert item.state == "decided"
    sent = group.outbox("decision")
    assert {e.recipient for e in sent} == set(EMAIL.values())
    member_copy = next(e for e in sent if e.recipient == EMAIL["lea"])
    assert "Decision on referral" in str(parsed(member_copy)["Subject"])
    body = text(member_copy)
    assert "option C" in body and "Option C records the disagreement." in body
    assert "UNODC expert group" in body


def test_a_forged_decision_is_refused_and_changes_nothing(group: Group) -> None:
    referral = referred(group)
    # Raj writes to the chair's confirmation address with the chair's name.
    answer(group, referral.token, "Decision: B\n", who="raj", sender=f"Chair <{EMAIL['raj']}>")
    # Someone with the chair's From but a made-up token.
    answer(group, "made-up-token", "Decision: B\n")
    after, item = reload(group)
    assert (after.state, after.decision, item.state) == ("pending", None, "referred")
    assert group.outbox("decision") == []
    assert refusals(group, EMAIL["raj"]) and refusals(group, EMAIL["chair"])
    # The real chair can still answer with the real token.
    answer(group, referral.token, "Decision: B\n")
    assert reload(group)[0].decision == "B"


def test_a_reply_without_a_decision_gets_a_polite_answer_and_can_be_retried(
    group: Group,
) -> None:
    referral = referred(group)
    answer(group, referral.token, "Thank you, I will put this to the group on Monday.\n")
    answer(group, referral.token, "Decision: F\n")
    assert reload(group)[0].state == "pending"
    replies = refusals(group, EMAIL["chair"])
    assert len(replies) == 2
    assert "Decision: B" in replies[0] and "no option F" in replies[1]
    answer(group, referral.token, "Decision: return\nPlease discuss the scope again.")
    after, item = reload(group)
    assert (after.state, after.decision, after.note) == (
        "returned",
        "return",
        "Please discuss the scope again.",
    )
    # Returned: open again for a new window, and it takes positions again.
    assert item.state == "open" and item.closed_at is None
    assert item.closes_at == datetime(2013, 10, 25, 9, 0)
    group.send("raj", "Re: [b] #2", "+1 C\n", reply_to="m1.ken@test.example")
    group.runtime.clock.advance(days=15)
    assert run_tick(group.runtime, deliver=False).closed == 1
    _, item = reload(group)
    assert item.state == "consensus"


def test_an_accepted_new_issue_joins_the_issue_list(group: Group) -> None:
    root = group.send("ana", "PROPOSE ISSUE: Mass surveillance", "It affects trust.")
    group.send(
        "lea",
        "Re: PROPOSE ISSUE: Mass surveillance",
        "Alternative: Mass surveillance and trust in the Internet\n+1 B\n",
        reply_to=root,
    )
    group.runtime.clock.advance(days=15)
    run_tick(group.runtime, deliver=False)
    referral, _ = reload(group)
    answer(group, referral.token, "Decision: B\nAdded at the third meeting.")
    with group.runtime.sessions() as session:
        issue = session.scalars(select(Issue).order_by(Issue.number.desc())).first()
        assert issue is not None
        assert (issue.number, issue.title) == (4, "Mass surveillance and trust in the Internet")
        assert issue.added_by_referral_id == referral.id
    announced = next(e for e in group.outbox("decision") if e.recipient == EMAIL["ken"])
    assert "#4: Mass surveillance and trust in the Internet" in text(announced)


def test_a_decision_written_to_the_list_is_not_counted_and_the_chair_is_told(
    group: Group,
) -> None:
    referral = referred(group)
    group.send("chair", "Re: Referral to the Chair", "Decision: B\n")
    assert reload(group)[0].state == "pending"
    [reply] = refusals(group, EMAIL["chair"])
    assert "reply to the referral email" in " ".join(reply.split())
    answer(group, referral.token, "Decision: B\n")
    assert reload(group)[0].decision == "B"
