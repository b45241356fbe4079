"""find_tags: explicit tags, issue titles and aliases, then the classifier."""

from __future__ import annotations

import pytest

from corrbot.understand.tags import FoundTag, IssueRef, TaskRef, find_tags

TASKS = [
    TaskRef("a", "Review the identified international public policy issues"),
    TaskRef("b", "Identify existing mechanisms addressing each issue"),
    TaskRef("c", "Assess the status of those mechanisms"),
    TaskRef("d", "Identify gaps where issues are not adequately addressed"),
]
ISSUES = [
    IssueRef(3, "Internet stability, security and cybercrime", ("cybercrime",)),
    IssueRef(4, "Spam", ("unsolicited commercial email",)),
    IssueRef(11, "Data protection and privacy rights", ("privacy", "data protection")),
    IssueRef(12, "Consumer rights"),
    IssueRef(13, "Multilingualism", ("IDN", "internationalized domain names")),
]


def _tags(subject: str, text: str) -> list[tuple[str, str, str]]:
    return [(t.kind, t.key, t.source) for t in find_tags(subject, text, TASKS, ISSUES)]


EXPLICIT = [
    ("subject tag", "[b] Spam", "Thanks.", [("task", "b", "explicit"), ("issue", "4", "title")]),
    ("subject tag uppercase", "Re: [B] x", "", [("task", "b", "explicit")]),
    ("two subject tags", "[b][c] x", "", [("task", "b", "explicit"), ("task", "c", "explicit")]),
    ("task line", "Re: x", "Task: d\n\nText.", [("task", "d", "explicit")]),
    ("tasks line", "Re: x", "Tasks: b, c", [("task", "b", "explicit"), ("task", "c", "explicit")]),
    ("unknown task key ignored", "[z] Re: x", "Task: q", []),
    ("list prefix is not a task", "[CG] x", "", []),
    ("hash issue", "Re: #12 follow-up", "", [("issue", "12", "explicit")]),
    ("issue word", "Re: x", "On Issue 12, I would add", [("issue", "12", "explicit")]),
    ("issue hash word", "Re: x", "issue #3 is broad", [("issue", "3", "explicit")]),
    (
        "issues list",
        "Merge issues 4 and 12",
        "",
        [("issue", "4", "explicit"), ("issue", "12", "explicit")],
    ),
    ("unknown issue ignored", "Re: #99", "Issue 42", []),
    ("html entity is not an issue", "Re: x", "caf&#12; ok", []),
    ("title match", "Re: x", "On consumer rights we see", [("issue", "12", "title")]),
    ("alias match", "Re: x", "Support for IDN in email", [("issue", "13", "title")]),
    ("alias needs a whole word", "Re: x", "IDNA2008 and Spammers", []),
    ("title wrapped over lines", "Re: x", "data\nprotection", [("issue", "11", "title")]),
]


@pytest.mark.parametrize(
    ("label", "subject", "text", "expected"), EXPLICIT, ids=[c[0] for c in EXPLICIT]
)
def test_find_tags_explicit_and_titles(
    label: str, subject: str, text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert _tags(subject, text) == expected


def test_explicit_issue_wins_over_title_and_no_duplicates() -> None:
    tags = _tags("[b] Spam", "Issue 4: spam again. #4. Spam.")
    assert tags == [("task", "b", "explicit"), ("issue", "4", "explicit")]


def test_classifier_only_without_explicit_task() -> None:
    text = (
        "There is no forum in which these charges are discussed, and the issue is not "
        "addressed anywhere today. This is a clear gap."
    )
    auto = find_tags("Re: interconnection", text, TASKS, ISSUES)
    assert auto == [FoundTag("task", "d", "classifier", auto[0].confidence)]
    assert 0.5 <= auto[0].confidence < 1.0
    tagged = find_tags("Re: [b] interconnection", text, TASKS, ISSUES)
    assert [(t.key, t.source) for t in tagged] == [("b", "explicit")]


def test_explicit_issue_does_not_block_the_classifier() -> None:
    text = "Issue 4\n\nThe existing mechanisms are the London Action Plan and the OECD toolkit."
    tags = find_tags("Re: x", text, TASKS, ISSUES)
    assert [(t.kind, t.key, t.source) for t in tags] == [
        ("issue", "4", "explicit"),
        ("task", "b", "classifier"),
    ]


def test_order_is_deterministic() -> None:
    text = "Tasks: c, b\n#12 and #4; privacy; spam"
    first = find_tags("[d] x", text, TASKS, ISSUES)
    assert first == find_tags("[d] x", text, TASKS, ISSUES)
    assert [t.key for t in first] == ["d", "c", "b", "12", "4", "11"]


def test_threshold_passes_through() -> None:
    text = "I would add the OECD to the mechanisms."
    assert find_tags("x", text, TASKS, ISSUES, threshold=0.99) == []


def test_no_tasks_no_classifier() -> None:
    assert find_tags("x", "There is a gap: no forum addresses it.", [], []) == []
