"""What the understand step hands on (ctx.reading) and the replies it sends:
positions in new text only, contradictions, mapping lines and their issue, attribution."""

from __future__ import annotations

from tests.mail import feed, make_mail
from tests.reading.conftest import ANA, KOFI, Group_, body_of


def test_position_and_directives_are_read(group: Group_) -> None:
    reading = group.read(
        make_mail(
            ANA,
            "Re: PROPOSAL: add IDNs",
            "Dear colleagues,\n\nPosition: support option B\n"
            "Alternative: add IDNs under infrastructure\nCloses: 2013-12-15\n",
        )
    )
    position = reading["position"]
    assert position is not None and position.position is not None
    assert (position.position.stance, position.position.option) == ("support", "B")
    assert reading["alternatives"] == ["add IDNs under infrastructure"]
    assert str(reading["closes"]) == "2013-12-15"
    assert reading["contribution"] is True
    assert reading["position_conflict"] is None


def test_quoted_vote_is_not_a_position(group: Group_) -> None:
    reading = group.read(
        make_mail(
            KOFI,
            "Re: PROPOSAL: add IDNs",
            "Thanks for circulating this, I will consult at home first.\n\n"
            "On Wed, 2 Oct 2013 at 10:00, Ana <ana@gov.example.br> wrote:\n> +1\n> I support\n",
        )
    )
    assert reading["position"] is None
    assert group.replies("position-conflict") == []


def test_contradictory_positions_get_a_reply_and_no_position(group: Group_) -> None:
    raw = make_mail(KOFI, "Re: PROPOSAL: add IDNs", "+1\n\nOn reflection:\n-1\n")
    reading = group.read(raw)
    assert reading["position"] is None
    assert "contradictory" in (reading["position_conflict"] or "")
    [(recipient, mail)] = group.replies("position-conflict")
    assert recipient == "kofi@ngo.example.org"
    assert mail["Auto-Submitted"] == "auto-replied"
    body = body_of(mail)
    assert "no position was recorded" in body
    assert "'+1' says support" in body and "'-1' says object" in body


def test_conflict_reply_is_sent_once(group: Group_) -> None:
    raw = make_mail(KOFI, "Re: PROPOSAL", "I support this.\n-1\n", message_id="c1@x")
    feed(group.runtime, [raw])
    feed(group.runtime, [raw])
    assert len(group.replies("position-conflict")) == 1


def test_mapping_with_one_issue_is_handed_on(group: Group_) -> None:
    reading = group.read(
        make_mail(
            ANA,
            "Mechanisms for Issue 1",
            "Mechanism: London Action Plan; LAP\nStatus: partially\nGap: few members\n\n"
            "Mechanism: M3AAWG\nStatus: addressing\n",
        )
    )
    assert reading["issues"] == [1]
    assert reading["mapping_issue"] == 1 and reading["mapping_issue_id"] is not None
    assert [(e.mechanism, e.body, e.status) for e in reading["mapping"]] == [
        ("London Action Plan", "LAP", "partially"),
        ("M3AAWG", None, "addressing"),
    ]
    assert group.replies("mapping-issue") == []


def test_mapping_in_a_reply_uses_the_inherited_issue(group: Group_) -> None:
    feed(group.runtime, [make_mail(ANA, "Mechanisms for #3", "Please add.\n", message_id="m@x")])
    reading = group.read(
        make_mail(
            KOFI, "Re: Mechanisms", "Mechanism: APEC CBPR\nStatus: partially\n", in_reply_to="m@x"
        )
    )
    assert reading["mapping_issue"] == 3 and len(reading["mapping"]) == 1


def test_mapping_without_single_issue_gets_a_reply(group: Group_) -> None:
    lines = "Mechanism: London Action Plan\nStatus: partially\n"
    none = group.read(make_mail(ANA, "Mechanisms", lines))
    two = group.read(make_mail(KOFI, "Mechanisms for #1 and #12", lines))
    assert none["mapping"] == [] and two["mapping"] == []
    replies = dict(group.replies("mapping-issue"))
    assert set(replies) == {"ana@gov.example.br", "kofi@ngo.example.org"}
    to_ana = body_of(replies["ana@gov.example.br"])
    to_kofi = body_of(replies["kofi@ngo.example.org"])
    assert "not tagged with any issue" in to_ana
    assert "#1, #12" in to_kofi and "exactly one issue" in to_kofi


def test_attribution_to_member_and_organisation(group: Group_) -> None:
    raw = make_mail(
        KOFI,
        "[a] Net neutrality",
        "On behalf of: African Civil Society Caucus\n\nWe propose net neutrality as an issue.\n",
    )
    [row] = feed(group.runtime, [raw])
    message = group.message(row)
    assert message.on_behalf_of == "African Civil Society Caucus"
    with group.runtime.sessions() as session:
        from corrbot.model import Member

        member = session.get(Member, message.member_id)
        assert member is not None and member.email == "kofi@ngo.example.org"
        assert member.org == "Open Net Africa"


def test_non_member_has_no_member_link(group: Group_) -> None:
    [row] = feed(group.runtime, [make_mail("x@elsewhere.example", "Hello", "Hi all.\n")])
    message = group.message(row)
    assert message.member_id is None and message.on_behalf_of is None


def test_quoted_on_behalf_of_does_not_count(group: Group_) -> None:
    body = (
        "Agreed.\n\nOn 2 Oct 2013, at 10:00, Kofi <kofi@ngo.example.org> wrote:\n"
        "> On behalf of: African Civil Society Caucus\n"
    )
    [row] = feed(group.runtime, [make_mail(ANA, "Re: x", body)])
    assert group.message(row).on_behalf_of is None
