"""TaskClassifier: cue themes found by title words, determinism, speed."""

from __future__ import annotations

import time

import pytest

from corrbot.understand.classifier import TaskClassifier
from corrbot.understand.cues import theme_of
from corrbot.understand.tags import TaskRef

STANDARD = [
    TaskRef("a", "Review the identified international public policy issues"),
    TaskRef("b", "Identify existing mechanisms addressing each issue"),
    TaskRef("c", "Assess the status of those mechanisms"),
    TaskRef("d", "Identify gaps where issues are not adequately addressed"),
]


@pytest.mark.parametrize(
    ("title", "theme"),
    [
        ("Review the identified international public policy issues", "issues"),
        ("Identify existing mechanisms addressing each issue", "mechanisms"),
        ("Assess the status of those mechanisms", "status"),
        ("Identify gaps where issues are not adequately addressed", "gaps"),
        ("Compile a list of the issues", "issues"),
        ("List the forums and bodies", "mechanisms"),
        ("Evaluate how effective they are", "status"),
        ("Point out shortcomings", "gaps"),
        ("Draft the final report", None),
    ],
)
def test_theme_of(title: str, theme: str | None) -> None:
    assert theme_of(title) == theme


def test_themes_follow_titles_not_keys() -> None:
    shuffled = [
        TaskRef("x", "Identify gaps where issues are not adequately addressed"),
        TaskRef("y", "Identify existing mechanisms addressing each issue"),
    ]
    text = "There is no forum for this, and it is not addressed anywhere: a real gap."
    assert [key for key, _ in TaskClassifier(shuffled).classify(text)] == ["x"]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("I would like to propose that net neutrality be added to the list of issues.", ["a"]),
        (
            "The existing mechanisms are the five RIRs, the NRO and the IANA functions "
            "operator, which allocates blocks to the RIRs.",
            ["b"],
        ),
        (
            "The London Action Plan has been effective among its members, but I would "
            "rate its status as only partially addressing spam.",
            ["c"],
        ),
        ("There is no mechanism for this and it is not addressed anywhere.", ["d"]),
        ("Could the recording of the call be circulated to the list?", []),
        ("", []),
    ],
)
def test_standard_tasks(text: str, keys: list[str]) -> None:
    assert [key for key, _ in TaskClassifier(STANDARD).classify(text)] == keys


def test_custom_task_by_word_overlap() -> None:
    tasks = [*STANDARD, TaskRef("e", "National cybersecurity strategies", keywords=("CERT",))]
    text = "Several national cybersecurity strategies now name a CERT as the lead agency."
    found = dict(TaskClassifier(tasks).classify(text, threshold=0.3))
    assert "e" in found


def test_confidences_sorted_and_bounded() -> None:
    text = "Mechanism: London Action Plan\nStatus: partially\nGap: few developing countries"
    found = TaskClassifier(STANDARD).classify(text)
    assert [key for key, _ in found] == sorted(
        [key for key, _ in found], key=lambda k: -dict(found)[k]
    )
    assert {key for key, _ in found} == {"b", "c", "d"}
    assert all(0 < confidence < 1 for _, confidence in found)


def test_deterministic_and_fast() -> None:
    classifier = TaskClassifier(STANDARD)
    text = (
        "Thank you, Jaap. I would add that the London Action Plan has been quite "
        "effective at fostering enforcement cooperation among its members, but its "
        "membership is small and mostly from developed countries. There is no forum "
        "for developing countries, which is a gap.\n" * 3
    )
    first = classifier.classify(text)
    start = time.perf_counter()
    for _ in range(500):
        assert classifier.classify(text) == first
    per_second = 500 / (time.perf_counter() - start)
    assert per_second > 500  # the bench measures ~2,800/s on typical posts
