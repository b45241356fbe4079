"""The fast paths of own_tags find what the plain patterns find.

Issue names are looked for by patterns that begin with the set of characters
their first letter matches, only for the issues one of whose name keys is a word
of the text; ``#12``, ``Issue 12`` and ``Task:`` lines by patterns the regex
engine can look for by a literal. Each is checked against the plain pattern on
the corpora of test_cue_needs.py and on text written to hit its edges.
"""

from __future__ import annotations

import itertools
import re

import pytest

from corrbot.understand import issuenames, tags
from corrbot.understand.refs import IssueRef
from tests.understand.test_cue_needs import _texts

NAMES = [
    "Spam",
    "spam and unsolicited email",
    "e-commerce",
    "Net neutrality",
    "IPv6",
    "C++",
    "!!",
    "I",
    "k8s",
    "]x",
    "-x",
    "\\y",
    "^z",
    "Kelvin scale",
    "café",
    "éclair",
    "İstanbul",
]
# The plain pattern tags._task_lines stands for (its Task: lines, matched from ^).
_TASK_LINE = re.compile(r"^\s*tasks?\s*:\s*(.+?)\s*$", re.I | re.M)

ISSUES = (
    IssueRef(1, "Spam and unsolicited email", ("spam", "")),
    IssueRef(2, "Net neutrality", ("e-commerce", "IPv6")),
    IssueRef(3, "C++", ("!!", "   ")),
    IssueRef(4, "Café policy", ("éclair", "İstanbul")),
    IssueRef(5, "I", ("k8s", "Kelvin scale", "a_b")),
    IssueRef(2, "IPv6 transition"),
)
WRITTEN = [
    "spam",
    "SPAM and\tunsolicited\nemail",
    "ſpam ıpv6 İpv6 \u212a8s \u212aelvin scale",
    "xspam spamx _spam spam_ 9spam spam9 -spam- (spam)",
    "e-commerce ecommerce E-COMMERCE",
    "net  neutrality net\nneutrality netneutrality",
    "C++ c++x xc++ !! a!! I i ı İ",
    "]x -x \\y ^z a]x",
    "CAFÉ café cafés éclair ÉCLAIR İstanbul istanbul",
    "#12 #4 &#12; #12a #12; ##3 a#3 #0012 #12345",
    "issue 3 Issues 3, 4 and 7 issue no. 5 ISSUE #9 ıssue 2 iſſue 4 tissue 5 issues6",
    "Task: b\n  TASKS : c, d \n\n\nTask: a\ntask:\nTaſk: d\nTas\u212a: c",
    "\n\nTask: b",
    "Task: a\n\n  Task: c",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    written = [*WRITTEN, " ".join(WRITTEN), "\n".join(WRITTEN)]
    # The corpora's first texts: every pattern is tried on each, the plain ones slowly.
    return [*written, *(w.upper() for w in written), *itertools.islice(_texts(), 300)]


@pytest.mark.parametrize("name", NAMES)
def test_name_pattern_finds_what_the_plain_pattern_finds(name: str, texts: list[str]) -> None:
    plain = re.compile(
        r"(?<!\w)" + r"\s+".join(re.escape(word) for word in name.split()) + r"(?!\w)", re.I
    )
    fast = issuenames._name_finder(name).pattern
    for text in texts:
        for variant in (text, f"{name}{text}{name}", f"{name.upper()} {text} {name.lower()}"):
            expected = [m.span() for m in plain.finditer(variant)]
            assert [m.span() for m in fast.finditer(variant)] == expected, variant[:200]


def test_named_issues_in_ascii_text_are_the_names_found(texts: list[str]) -> None:
    named = 0
    for text in texts:
        for variant in (text, f"spam {text} ipv6", f"{text}\nC++"):
            if not variant.isascii():
                continue
            lowered = variant.lower()
            expected = [
                issue
                for issue in ISSUES
                if any(
                    issuenames._name_finder(name).pattern.search(variant)
                    for name in (issue.title, *issue.aliases)
                    if name
                )
            ]
            found = issuenames._named_issues(variant, lowered, ISSUES)
            assert found == expected, variant[:200]
            assert issuenames._named_issues(variant, lowered, list(ISSUES)) == expected
            named += len(found)
    assert named > 100


def test_issue_names_keys() -> None:
    names = issuenames._names_of(tuple(ISSUES))
    assert names.always == (2, 3)  # "!!" and "   " have no word; "café" is not ASCII
    assert names.by_key["spam"] == (0,)
    assert names.by_key["unsolicited"] == (0,)
    assert names.by_key["ipv6"] == (1,) and names.by_key["transition"] == (5,)  # the longest
    assert "and" not in names.by_key and "and" in names.runs
    assert issuenames._names_of(tuple(ISSUES)) is names


def test_hash_issue_word_and_task_lines(texts: list[str]) -> None:
    plain_hash = re.compile(r"(?<![\w&#])#(\d{1,4})(?![\w;])")
    for text in texts:
        expected = [(m.start(), m.group(1)) for m in plain_hash.finditer(text)]
        assert [(m.start(), m.group(1)) for m in tags._HASH.finditer(text)] == expected
        lowered = text.lower()
        expected_words = [m.span() for m in tags._ISSUE_WORD.finditer(text)]
        assert [m.span() for m in tags._issue_words(text, lowered)] == expected_words
        expected_lines = [m.group(1) for m in _TASK_LINE.finditer(text)]
        assert tags._task_lines(text) == expected_lines, text[:200]


def test_issue_any_case() -> None:
    for text in ("ISSUE", "ıssue", "İSSUE", "iſſue", "issue"):
        assert tags._ISSUE_ANY_CASE.search(f"x {text} y")
    assert not tags._ISSUE_ANY_CASE.search("isue tissu")
