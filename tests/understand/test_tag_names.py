"""find_tags' issue tags equal the plain scans its shortcuts stand for.

``tags.py`` skips the issue-number and name patterns when cheap tests show they
cannot match (set lookups of words on ASCII text, substring tests elsewhere). Here
the straightforward scans are written out and compared on names and texts that
probe the shortcuts: case, whitespace and word boundaries, punctuation inside
names, and the characters that match ASCII letters under re.I ("ſ", "ı", "İ",
the Kelvin sign).
"""

from __future__ import annotations

import random
import re

from corrbot.understand.tags import IssueRef, find_tags

ISSUES = [
    IssueRef(1, "Spam", ("unsolicited commercial email", "ſpam")),
    IssueRef(2, "Data protection and privacy rights", ("privacy", "data\tprotection")),
    IssueRef(3, "Multilingualism", ("IDN", "(IDN)", "internationalized domain names")),
    IssueRef(4, "IP addressing", ("IPv6", "AI", "a")),
    IssueRef(5, "e-mail abuse", ("x86_64", "C++ & co", "_", "  ", "")),
    IssueRef(6, "\u212aelvin scale", ("İstanbul accord", "ıp rights")),
    IssueRef(7, "Straße", ("STRASSE", "naïve résumé", "ΣΑΣ")),
    IssueRef(12, "Consumer rights", ("consumer protection",)),
]
SWAPS = [("s", "ſ"), ("i", "ı"), ("i", "İ"), ("k", "\u212a"), ("ss", "ß"), ("e", "é")]
EDGES = ["", "", " ", "\n", "x", "_", "1", "-", "(", ")", ".", "é", "#", "'"]
EXTRAS = ["issue 12", "Issues 3 and 4", "#4", "&#12;", "#12a", "ıssue 2", "ISSUE #7", "and"]
# Where a look-alike letter makes the pattern match though the lowered text does not
# spell the name's words (or the reverse).
CASES = [
    "ſpam and spammers",
    "ıp addressing",
    "IP ADDRESSİNG",
    "\u212aelvin scale",
    "kelvin scale",
    "İstanbul accord",
    "istanbul accord",
    "STRAßE",
    "strasse",
    "ıssue 12 on consumer rıghts",
]


def _texts() -> list[str]:
    names = [name for issue in ISSUES for name in (issue.title, *issue.aliases) if name]
    rnd = random.Random(5)
    texts = list(CASES)
    for _ in range(1500):
        parts = []
        for _ in range(rnd.randint(1, 6)):
            name = rnd.choice([rnd.choice(names), rnd.choice(EXTRAS)])
            name = rnd.choice([name, name.upper(), name.lower(), name.swapcase()])
            if rnd.random() < 0.3:
                old, new = rnd.choice(SWAPS)
                name = name.replace(old, new, 1)
            if rnd.random() < 0.3:
                name = name.replace(" ", rnd.choice(["  ", "\n", "\t", "", "-"]))
            parts.append(rnd.choice(EDGES) + name + rnd.choice(EDGES))
        texts.append(rnd.choice([" ", "\n", ", "]).join(parts))
    return texts


def _reference(subject: str, text: str) -> list[tuple[str, str]]:
    haystack = f"{subject}\n{text}"
    hits = [
        (m.start(), int(m.group(1)))
        for m in re.finditer(r"(?<![\w&#])#(\d{1,4})(?![\w;])", haystack)
    ]
    word = (
        r"\bissues?\s+(?:no\.?\s*|number\s+)?#?(\d{1,4}(?:\s*(?:,|and|&|et|y|or)\s*#?\d{1,4})*)\b"
    )
    for match in re.finditer(word, haystack, re.I):
        hits += [(match.start(), int(number)) for number in re.findall(r"\d+", match.group(1))]
    known = {issue.number for issue in ISSUES}
    found: list[tuple[str, str]] = []
    for _, number in sorted(hits, key=lambda hit: hit[0]):
        if number in known and (str(number), "explicit") not in found:
            found.append((str(number), "explicit"))
    for issue in ISSUES:
        for name in (issue.title, *issue.aliases):
            needle = max(name.lower().split(), key=len, default="")
            words = r"\s+".join(re.escape(w) for w in name.split())
            if (
                name
                and needle in haystack.lower()
                and re.search(r"(?<!\w)" + words + r"(?!\w)", haystack, re.I)
                and not any(key == str(issue.number) for key, _ in found)
            ):
                found.append((str(issue.number), "title"))
    return found


def test_issue_tags_equal_the_plain_scans() -> None:
    titled = 0
    for index, text in enumerate(_texts()):
        subject = text[:12] if index % 3 else ""
        got = [(tag.key, tag.source) for tag in find_tags(subject, text, [], ISSUES)]
        assert got == _reference(subject, text), (subject, text)
        titled += any(source == "title" for _, source in got)
    assert titled > 500  # the names are found often enough for this to mean something
