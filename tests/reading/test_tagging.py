"""Tags written for posts fed through the pipeline: explicit, titles and aliases,
the classifier with its confidence, inheritance by replies, quotes ignored."""

from __future__ import annotations

from tests.mail import feed, make_mail
from tests.reading.conftest import ANA, KOFI, Group_


def test_explicit_task_and_issue_tags(group: Group_) -> None:
    raw = make_mail(
        ANA,
        "[b] Mechanisms for Issue 12",
        "Dear colleagues,\n\nFor #3 I will write separately.\nTask: c\n\nBest,\nAna\n",
    )
    [row] = feed(group.runtime, [raw])
    assert group.active(row) == {
        ("task", "b"): "explicit",
        ("task", "c"): "explicit",
        ("issue", "12"): "explicit",
        ("issue", "3"): "explicit",
    }


def test_unknown_keys_and_numbers_are_not_tags(group: Group_) -> None:
    raw = make_mail(ANA, "[q] About issue 99", "Task: z\nSee #42 in the tracker.\n")
    [row] = feed(group.runtime, [raw])
    assert not any(kind == "issue" for kind, _ in group.active(row))
    assert ("task", "q") not in group.active(row)


def test_issue_title_and_alias_tag(group: Group_) -> None:
    raw = make_mail(
        KOFI,
        "Thoughts from Accra",
        "In our region transborder data flows are mostly governed by bilateral deals,\n"
        "and the rollout of IDNs has been slow.\n",
    )
    [row] = feed(group.runtime, [raw])
    active = group.active(row)
    assert active[("issue", "3")] == "title"
    assert active[("issue", "12")] == "title"
    assert ("issue", "1") not in active  # "Spam" appears nowhere


def test_classifier_tag_with_confidence(group: Group_) -> None:
    raw = make_mail(
        KOFI,
        "Spam",
        "There is no mechanism for this and it is not addressed anywhere.\n",
    )
    [row] = feed(group.runtime, [raw])
    tags = group.tags(row)
    source, confidence, active = tags[("task", "d")]
    assert (source, active) == ("classifier", True)
    threshold = group.runtime.settings.tagging.classifier_threshold
    assert threshold <= confidence < 1.0
    assert ("issue", "1") in tags  # the subject names the issue's title


def test_classifier_stays_quiet_when_a_task_is_explicit(group: Group_) -> None:
    raw = make_mail(
        KOFI,
        "[a] Spam",
        "There is no mechanism for this and it is not addressed anywhere.\n",
    )
    [row] = feed(group.runtime, [raw])
    assert {key for (kind, key) in group.active(row) if kind == "task"} == {"a"}


def test_classifier_below_threshold_tags_nothing(group: Group_) -> None:
    raw = make_mail(ANA, "Call", "Could the recording of the call be circulated to the list?\n")
    [row] = feed(group.runtime, [raw])
    assert group.tags(row) == {}


def test_reply_without_tags_inherits_parent_tags(group: Group_) -> None:
    parent = make_mail(ANA, "[b] Mechanisms for #12", "Mechanisms, please.\n", message_id="p1@x")
    reply = make_mail(
        KOFI,
        "Re: your mail",
        "Agreed, thanks.\n\nOn Wed, 2 Oct 2013 at 10:00, Ana <ana@gov.example.br> wrote:\n"
        "> [b] Mechanisms for #12\n> Task: c\n",
        message_id="r1@x",
        in_reply_to="p1@x",
    )
    grandchild = make_mail(ANA, "Re: your mail", "Indeed.\n", in_reply_to="r1@x")
    rows = feed(group.runtime, [parent, reply, grandchild])
    expected = {("task", "b"): "inherited", ("issue", "12"): "inherited"}
    assert group.active(rows[1]) == expected
    assert group.active(rows[2]) == expected
    # The quoted "Task: c" is not the reply's own tag.
    assert ("task", "c") not in group.tags(rows[1])


def test_reply_with_own_tags_does_not_inherit(group: Group_) -> None:
    parent = make_mail(ANA, "[b] Mechanisms for #12", "Mechanisms, please.\n", message_id="p2@x")
    reply = make_mail(KOFI, "Re: Mechanisms", "On Issue 3 instead.\n", in_reply_to="p2@x")
    rows = feed(group.runtime, [parent, reply])
    active = group.active(rows[1])
    assert active[("issue", "3")] == "explicit"
    assert ("issue", "12") not in active
    assert ("task", "b") not in active


def test_new_text_is_stored_without_quotes_and_signature(group: Group_) -> None:
    body = (
        "I support the text as drafted.\n\n"
        "On 1 Oct 2013, at 09:12, Ana <ana@gov.example.br> wrote:\n> Please comment.\n\n"
        "-- \nKofi Mensah\nOpen Net Africa\n"
    )
    [row] = feed(group.runtime, [make_mail(KOFI, "Re: text", body)])
    assert group.message(row).new_text == "I support the text as drafted."


def test_html_only_post_is_read(group: Group_) -> None:
    html = (
        "<html><body><p>Task: d</p><p>Nothing covers this.</p>"
        "<blockquote><p>Task: a</p><p>+1</p></blockquote></body></html>"
    )
    raw = make_mail(KOFI, "Gaps", "", html=html)
    [row] = feed(group.runtime, [raw])
    assert group.message(row).new_text == "Task: d\n\nNothing covers this."
    assert {key for (kind, key) in group.active(row) if kind == "task"} == {"d"}


def test_reply_read_before_its_parent_inherits_when_the_parent_arrives(group: Group_) -> None:
    reply = make_mail(KOFI, "Re: your mail", "Agreed, thanks.\n", in_reply_to="late@x")
    [reply_row] = feed(group.runtime, [reply])
    assert group.active(reply_row) == {}
    parent = make_mail(ANA, "[c] Status of #1", "Partially addressed.\n", message_id="late@x")
    feed(group.runtime, [parent])
    assert group.active(reply_row) == {("task", "c"): "inherited", ("issue", "1"): "inherited"}
