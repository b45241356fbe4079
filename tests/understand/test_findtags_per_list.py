"""refs.PerList builds once per list of refs: by value, and by identity for the
last tuple; a list changed in place gets what its new value builds."""

from __future__ import annotations

from corrbot.understand import tags
from corrbot.understand.refs import IssueRef, PerList, TaskRef


def test_by_value_and_by_identity() -> None:
    built: list[tuple[int, ...]] = []

    def build(numbers: tuple[int, ...]) -> int:
        built.append(numbers)
        return sum(numbers)

    total = PerList(build)
    first = (1, 2)
    assert total(first) == 3 and total(first) == 3
    assert total((1, 2)) == 3  # an equal tuple: by value
    assert total([1, 2]) == 3
    assert built == [(1, 2)]
    assert total((4,)) == 4 and total(first) == 3
    assert built == [(1, 2), (4,)]
    total.cache_clear()
    assert total(first) == 3 and len(built) == 3


def test_a_list_changed_in_place_is_read_again() -> None:
    total = PerList(sum)
    numbers = [1, 2]
    assert total(numbers) == 3
    numbers.append(4)
    assert total(numbers) == 7


def test_tagging_reads_the_changed_lists() -> None:
    tasks = [TaskRef("a", "Identify the gaps")]
    issues = [IssueRef(1, "Spam")]
    assert [tag.key for tag in tags.find_tags("[a] x", "#1 spam", tasks, issues)] == ["a", "1"]
    tasks[0] = TaskRef("b", "Identify the gaps")
    issues[0] = IssueRef(2, "Spam")
    found = tags.find_tags("[b] x", "#2 spam; the gaps", tasks, issues)
    assert [(tag.key, tag.source) for tag in found] == [("b", "explicit"), ("2", "explicit")]
    assert tags.explicit_task_keys("[a, b]", "", tasks) == ["b"]
