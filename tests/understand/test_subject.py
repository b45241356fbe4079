"""clean_subject and normalise_subject."""

from __future__ import annotations

import pytest

from corrbot.understand.subject import clean_subject, normalise_subject

CLEAN = [
    ("Re: Mechanisms for spam", "Mechanisms for spam"),
    ("RE: Re: re: Mechanisms for spam", "Mechanisms for spam"),
    ("Fwd: FW: Statement", "Statement"),
    ("AW: WG: Lücken", "Lücken"),
    ("TR: RE: Mécanismes existants", "Mécanismes existants"),
    ("RV: Re: Brechas", "Brechas"),
    ("Ответ: Re: Механизмы", "Механизмы"),
    ("回复：转发: 多语种", "多语种"),
    ("Re[2]: Gaps", "Gaps"),
    ("Re: [Correspondence Group] Re: [CG] Gaps", "Gaps"),
    ("[Correspondence Group] [b] Re: Spam", "[b] Spam"),
    ("[b] Spam: who is already working on it", "[b] Spam: who is already working on it"),
    ("Re: [c] Root zone", "[c] Root zone"),
    ("PROPOSAL: add an issue on net neutrality", "PROPOSAL: add an issue on net neutrality"),
    ("Re: PROPOSE ISSUE: Mass surveillance", "PROPOSE ISSUE: Mass surveillance"),
    ("  Re:   Issue   #12  ", "Issue #12"),
    ("Report (fwd)", "Report"),
    ("", ""),
]


@pytest.mark.parametrize(("subject", "expected"), CLEAN)
def test_clean_subject(subject: str, expected: str) -> None:
    assert clean_subject(subject) == expected


NORMAL = [
    ("Re: [CG] [b] Spam:  Who   is working on it", "spam: who is working on it"),
    ("[b] Re: Spam: who is working on it", "spam: who is working on it"),
    ("AW: SPAM: WHO IS WORKING ON IT", "spam: who is working on it"),
    ("Re: PROPOSAL: Merge issues 9 and 12", "proposal: merge issues 9 and 12"),
]


@pytest.mark.parametrize(("subject", "expected"), NORMAL)
def test_normalise_subject(subject: str, expected: str) -> None:
    assert normalise_subject(subject) == expected


def test_replies_normalise_alike() -> None:
    original = "[CG] [d] Gaps in consumer rights"
    replies = ["Re: [CG] [d] Gaps in consumer rights", "AW: RE: [d] Gaps in Consumer Rights"]
    assert {normalise_subject(s) for s in replies} == {normalise_subject(original)}
