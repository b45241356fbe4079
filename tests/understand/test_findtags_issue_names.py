"""named_issues, which rules names out by the bits of a post's token chunks, finds
what the plain search (_named_issues, itself held to the plain patterns in
test_tags_fast.py) finds: on ASCII text by NameBits, on other text by that search.
The bits are those of a group's TagLists, with a classifier (its ChunkBits tells
the cues' words too) and without."""

from __future__ import annotations

import itertools
import re
import sys

import pytest

from corrbot.understand import issuenames
from corrbot.understand.keywords import folds_ascii
from corrbot.understand.refs import IssueRef, TaskRef
from corrbot.understand.taglists import tag_lists
from tests.understand.test_cue_needs import _texts
from tests.understand.test_tags_fast import ISSUES, WRITTEN

# All ASCII, each name with a letter: the chunks rule names out.
ASCII_ISSUES = (
    IssueRef(1, "Spam and unsolicited email", ("spam", "")),
    IssueRef(2, "Net neutrality", ("e-commerce", "IPv6")),
    IssueRef(3, "C++", ("IDN", "Kelvin scale")),
    IssueRef(5, "I", ("k8s", "a_b")),
    IssueRef(2, "IPv6 transition"),
    IssueRef(6, "x86_64 builds", ("o'brien", "2024 review")),
    IssueRef(8, "e", ("a-b-c", "under_score", "spam's filter")),
    IssueRef(9, "Internationalised domain names", ("data protection", "IP transit")),
)
# Names without a letter, or not ASCII: looked for by the plain search.
MORE_ISSUES = (*ISSUES, *ASCII_ISSUES, IssueRef(7, "ſpam filters", ("42", "O’Brien")))
EDGES = [
    "x86_64 builds; X86_64  BUILDS; x86_64builds; _x86_64 builds",
    "o'brien o’brien O'Brien's obrien 42 142 42nd",
    "spam filters; SPAM filters; data protection, data-protection, data_protection",
    "ip transit; IP-transit; ip\ttransit; iptransit",
    "e e-mail a-b-c xa-b-c a-b-cx under_score under-score 2024 review",
    "Internationalised domain names; IDN; idns; internationalized\ndomain names",
    "ipv6 ipv6-only ipv6s -ipv6- 'ipv6' ipv4 v6",
    "the spam's filter: e-commerce's net-neutrality; c++ k8s k8ss",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    written = [*WRITTEN, *EDGES, " ".join(EDGES), "\n".join(WRITTEN + EDGES)]
    corpus = list(itertools.islice(_texts(), 400))
    return [*written, *(w.upper() for w in written), *(w.title() for w in written), *corpus]


TASKS = (
    TaskRef("a", "Review the identified issues", keywords=("issue list",)),
    TaskRef("b", "Identify the existing mechanisms"),
)


def _named(subject: str, text: str, issues: tuple[IssueRef, ...]) -> list[IssueRef]:
    haystack = f"{subject}\n{text}"
    lowered = f"{subject.lower()}\n{text.lower()}"
    named = []
    for tasks in ((), TASKS):
        lists = tag_lists(tasks, issues)
        names = lists.names
        # As tags.py reads them: only where the subject is ASCII and lowering hides
        # no character (see named_issues).
        found = lists.found(text) if subject.isascii() and not folds_ascii(text) else None
        named.append(issuenames.named_issues(haystack, lowered, issues, subject, names, found))
    assert named[0] == named[1]
    return named[0]


@pytest.mark.parametrize(
    "issues", [ASCII_ISSUES, ISSUES, MORE_ISSUES], ids=["ascii", "tags_fast", "more"]
)
def test_named_issues_as_the_plain_search(texts: list[str], issues: tuple[IssueRef, ...]) -> None:
    named = 0
    for text in texts:
        splits = ((text, ""), ("", text), (text[:40], text[40:]), ("ipv6", text), ("Spam", text))
        for subject, body in splits:
            haystack = f"{subject}\n{body}"
            expected = issuenames._named_issues(haystack, haystack.lower(), issues)
            assert _named(subject, body, issues) == expected, haystack[:200]
            named += len(expected)
    assert named > 200


def test_the_chunks_rule_out_only_ascii_names_with_letters() -> None:
    assert issuenames.letter_runs_of(ASCII_ISSUES) is not None
    assert issuenames.letter_runs_of(ISSUES) is None  # "café"
    assert issuenames.letter_runs_of((IssueRef(1, "42"),)) is None


# Around a name: ASCII, and letters, marks, spaces and characters of ASCII_FOLDS
# that are not (a new text holding one of those is not ruled out by its bits).
EDGE_CHARACTERS = ["", " ", "x", "9", "_", "-", "'", "é", "É", "«", "\u00a0", "\u2028", "ß"]
EDGE_CHARACTERS += ["\u0130", "\u0131", "\u017f", "\u212a", "\u0307", "²", "写", "Σ"]


def test_lowering_makes_a_letter_of_no_other_character() -> None:
    # What named_issues relies on in a new text that is not ASCII: the characters
    # around a name's runs of letters, which \\w does not match, lower to no letter.
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if not re.match(r"\w", char):
            assert not any(each.isalpha() for each in char.lower()), hex(code)


@pytest.mark.parametrize("issues", [ASCII_ISSUES, MORE_ISSUES], ids=["ascii", "more"])
def test_each_edge_is_named_or_ruled_out_as_the_plain_search(
    issues: tuple[IssueRef, ...],
) -> None:
    # Every name at the edges of a word: alone, glued to letters, digits, "-", "'".
    for issue in issues:
        for name in (issue.title, *issue.aliases):
            for left, right in itertools.product(EDGE_CHARACTERS, repeat=2):
                text = f"{left}{name}{right}"
                for subject, body in (("", text), (text, ""), ("é", text), (text, "é")):
                    haystack = f"{subject}\n{body}"
                    expected = issuenames._named_issues(haystack, haystack.lower(), issues)
                    assert _named(subject, body, issues) == expected, haystack
