"""What _own_tags reads from the bits of a post's token chunks (TagLists.found) holds
for any text: whether it says "issue", and which issues it names, in a new text
that is not ASCII too (each fails when its condition in tags.py is broken)."""

from __future__ import annotations

import itertools

from corrbot.understand import issuenames, tags
from corrbot.understand.refs import IssueRef
from corrbot.understand.taglists import tag_lists
from tests.understand.test_findtags_issue_names import ASCII_ISSUES, EDGE_CHARACTERS, TASKS

# Each name with a run of three letters or more: runs of one or two are taken as
# held (ChunkBits), and a name of such runs only is never ruled out.
ISSUES = (
    IssueRef(1, "Spam and unsolicited email", ("spam",)),
    IssueRef(2, "Net neutrality", ("e-commerce", "IPv6")),
    IssueRef(6, "x86_64 builds", ("o'brien", "2024 review")),
    IssueRef(9, "Internationalised domain names", ("data protection", "IP transit")),
    IssueRef(10, "Kelvin scale", ("sitemap",)),
)
# A name's letters as re.I matches them too, where lowering does not show them.
FOLDED = (("s", "\u017f"), ("i", "\u0131"), ("I", "\u0130"), ("k", "\u212a"), ("K", "\u212a"))

SAYINGS = ["issue 3", "Issue #2", "ISSUES 5 and 6", "reissued 9", "İssue 8", "ıssue 1", "issue"]


def test_the_issue_bit_tells_whether_the_lowered_text_says_issue() -> None:
    for tasks in ((), TASKS):
        lists = tag_lists(tasks, ASCII_ISSUES)
        assert lists.issue_bit is not None
        for saying, left, right in itertools.product(SAYINGS, EDGE_CHARACTERS, EDGE_CHARACTERS):
            text = f"{left}{saying}{right}"
            said = bool(lists.found(text) & lists.issue_bit)
            assert said == ("issue" in text.lower()), text


def _plain(subject: str, body: str) -> list[tuple[str, str, str]]:
    """own_tags' issue tags by the plain searches: numbers, then names."""
    haystack = f"{subject}\n{body}"
    lowered = f"{subject.lower()}\n{body.lower()}"
    found = []
    known = {issue.number for issue in ISSUES}
    for number in tags._explicit_issue_numbers(haystack, lowered):
        if number in known:
            found.append(("issue", str(number), "explicit"))
    for issue in issuenames._named_issues(haystack, lowered, ISSUES):
        if not any(key == str(issue.number) for _, key, _ in found):
            found.append(("issue", str(issue.number), "title"))
    return list(dict.fromkeys(found))


def test_own_tags_as_the_plain_searches_around_every_name() -> None:
    named = 0
    for issue in ISSUES:
        for name in (issue.title, *issue.aliases):
            folded = [name.replace(letter, fold) for letter, fold in FOLDED if letter in name]
            for left, right in itertools.product(EDGE_CHARACTERS, repeat=2):
                texts = [f"{left}{written}{right} issue 3" for written in (name, *folded)]
                splits = [(t, "") for t in texts] + [("", t) for t in texts]
                splits += [("é", texts[0]), ("Re:", f"é{texts[0]}")]
                for (subject, body), tasks in itertools.product(splits, ((), TASKS)):
                    got = tags.own_tags(subject, body, tasks, ISSUES)
                    expected = _plain(subject, body)
                    assert [(t.kind, t.key, t.source) for t in got] == expected, (subject, body)
                    named += any(source == "title" for _, _, source in expected)
    assert named > 1000
