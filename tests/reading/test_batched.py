"""Posts read many to a transaction (an archive import's batches) come out as read one by one.

Within a batch, tagging and consensus answer from what the transaction already
holds (pipeline/tag_rows.py, consensus/openers.py); these are the cases where a
stale answer would show: a parent, a late parent or an item from the same batch.
"""

from __future__ import annotations

from sqlalchemy import select

from corrbot.model import Item, Position
from corrbot.pipeline.runner import process_pending
from tests.mail import feed, make_mail
from tests.reading.conftest import ANA, KOFI, Group_


def _batched(group: Group_, raws: list[bytes]) -> list[int]:
    ids = feed(group.runtime, raws, process=False)
    assert process_pending(group.runtime, batch=50) == len(ids)
    return ids


def test_a_reply_inherits_from_a_parent_in_the_same_batch(group: Group_) -> None:
    parent = make_mail(ANA, "[b] Mechanisms for #12", "Mechanisms, please.\n", message_id="bp@x")
    reply = make_mail(KOFI, "Re: Mechanisms", "Agreed.\n", message_id="br@x", in_reply_to="bp@x")
    deeper = make_mail(ANA, "Re: Mechanisms", "Indeed.\n", in_reply_to="br@x")
    ids = _batched(group, [parent, reply, deeper])
    expected = {("task", "b"): "inherited", ("issue", "12"): "inherited"}
    assert group.active(ids[1]) == expected
    assert group.active(ids[2]) == expected


def test_a_late_parent_in_the_same_batch_passes_its_tags_down(group: Group_) -> None:
    # The reply comes first: its parent is a placeholder when the reply is read,
    # then the parent arrives and is read later in the same transaction.
    reply = make_mail(KOFI, "Re: your mail", "Agreed, thanks.\n", in_reply_to="lp@x")
    parent = make_mail(ANA, "[c] Status of #1", "Partially addressed.\n", message_id="lp@x")
    ids = _batched(group, [reply, parent])
    assert group.active(ids[0]) == {("task", "c"): "inherited", ("issue", "1"): "inherited"}


def test_a_position_counts_for_an_item_proposed_earlier_in_the_same_batch(
    group: Group_,
) -> None:
    proposal = make_mail(
        ANA, "PROPOSAL: Group the mapping", "Please group it.\n", message_id="ip@x"
    )
    reply = make_mail(KOFI, "Re: PROPOSAL: Group the mapping", "-1\n", in_reply_to="ip@x")
    again = make_mail(
        ANA, "Re: PROPOSAL: Group the mapping", "Position: abstain\n", in_reply_to="ip@x"
    )
    ids = _batched(group, [proposal, reply, again])
    with group.runtime.sessions() as session:
        [item] = session.scalars(select(Item).where(Item.message_id == ids[0]))
        stances = [
            (p.message_id, p.stance)
            for p in session.scalars(
                select(Position).where(Position.item_id == item.id).order_by(Position.id)
            )
        ]
    assert stances == [(ids[0], "support"), (ids[1], "object"), (ids[2], "abstain")]


def test_a_position_counts_for_an_item_proposed_in_an_earlier_transaction(
    group: Group_,
) -> None:
    proposal = make_mail(ANA, "PROPOSAL: Publish the list", "Publish it.\n", message_id="ep@x")
    [first] = _batched(group, [proposal])
    reply = make_mail(KOFI, "Re: PROPOSAL: Publish the list", "+1\n", in_reply_to="ep@x")
    other = make_mail(KOFI, "Unrelated", "+1\n")
    ids = _batched(group, [reply, other])
    with group.runtime.sessions() as session:
        rows = list(session.scalars(select(Position).order_by(Position.id)))
    assert [(p.message_id, p.stance) for p in rows] == [(first, "support"), (ids[0], "support")]
