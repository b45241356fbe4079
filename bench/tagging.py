"""Precision and recall of task tagging on the labelled emails in tests/data/tagging.

Run: ``.venv/bin/python bench/tagging.py``. Figures printed:

- explicit tags (``[b]``, ``Task: b``, ``#4``, ``Issue 4``): exact per message;
- the automatic classifier alone, on every message's new text (explicit tags
  ignored), against the tasks a coordinator would tag: micro precision and
  recall, per task and overall;
- what ``find_tags`` finally gives (explicit when present, else the classifier);
- classification speed.

The test suite (tests/understand/test_tagging_set.py) asserts on ``evaluate()``.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corrbot.understand.classifier import TaskClassifier  # noqa: E402
from corrbot.understand.quotes import new_text  # noqa: E402
from corrbot.understand.tags import IssueRef, TaskRef, find_tags  # noqa: E402

DATA = ROOT / "tests" / "data" / "tagging"
# Emails 069 onwards were written after the classifier's cue lists were adjusted
# once on 001-068; they are the honest, held-out estimate (see the data README).
HOLDOUT_FROM = "069"


@dataclass(frozen=True)
class Labelled:
    name: str
    subject: str
    body: str
    gold_tasks: frozenset[str]
    explicit: frozenset[str]


@dataclass
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positive + self.false_negative
        return self.true_positive / gold if gold else 1.0

    def add(self, name: str, predicted: set[str], gold: frozenset[str]) -> None:
        self.true_positive += len(predicted & gold)
        self.false_positive += len(predicted - gold)
        self.false_negative += len(gold - predicted)
        if predicted != gold:
            self.wrong.append(f"{name}: got {sorted(predicted)} want {sorted(gold)}")


@dataclass
class Report:
    messages: int
    explicit: Counts
    explicit_exact: int
    classifier: Counts
    per_task: dict[str, Counts]
    combined: Counts
    holdout: Counts
    per_second: float


def load_setup() -> tuple[list[TaskRef], list[IssueRef]]:
    setup = json.loads((DATA / "setup.json").read_text(encoding="utf-8"))
    tasks = [TaskRef(t["key"], t["title"]) for t in setup["tasks"]]
    issues = [IssueRef(i["number"], i["title"], tuple(i["aliases"])) for i in setup["issues"]]
    return tasks, issues


def load_emails() -> list[Labelled]:
    emails = []
    for path in sorted((DATA / "emails").glob("*.txt")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        headers = {}
        for line in head.splitlines():
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        emails.append(
            Labelled(
                name=path.stem,
                subject=headers["subject"],
                body=body,
                gold_tasks=frozenset(headers["x-gold-tasks"].split()),
                explicit=frozenset(headers["x-explicit"].split()),
            )
        )
    return emails


def evaluate() -> Report:
    tasks, issues = load_setup()
    emails = load_emails()
    classifier = TaskClassifier(tasks)
    explicit, classified, combined, holdout = Counts(), Counts(), Counts(), Counts()
    per_task = {task.key: Counts() for task in tasks}
    exact = 0
    texts = []
    for email in emails:
        text = new_text(email.body)
        texts.append(text)
        tags = find_tags(email.subject, text, tasks, issues)
        written = {
            tag.key if tag.kind == "task" else f"#{tag.key}"
            for tag in tags
            if tag.source == "explicit"
        }
        explicit.add(email.name, written, email.explicit)
        exact += written == email.explicit
        predicted = {key for key, _ in classifier.classify(text)}
        classified.add(email.name, predicted, email.gold_tasks)
        if email.name >= HOLDOUT_FROM:
            holdout.add(email.name, predicted, email.gold_tasks)
        for key, counts in per_task.items():
            counts.add(email.name, predicted & {key}, email.gold_tasks & {key})
        final = {tag.key for tag in tags if tag.kind == "task"}
        combined.add(email.name, final, email.gold_tasks)
    start = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for text in texts:
            classifier.classify(text)
    elapsed = time.perf_counter() - start
    return Report(
        len(emails),
        explicit,
        exact,
        classified,
        per_task,
        combined,
        holdout,
        rounds * len(texts) / elapsed,
    )


def main() -> None:
    report = evaluate()
    print(f"labelled messages: {report.messages}")
    e = report.explicit
    print(
        f"explicit tags: {report.explicit_exact}/{report.messages} messages exact, "
        f"precision {e.precision:.3f}, recall {e.recall:.3f}"
    )
    c = report.classifier
    print(
        f"classifier (all messages, explicit tags ignored): precision {c.precision:.3f}, "
        f"recall {c.recall:.3f} (tp {c.true_positive}, fp {c.false_positive}, "
        f"fn {c.false_negative})"
    )
    for key, counts in report.per_task.items():
        print(f"  task {key}: precision {counts.precision:.3f}, recall {counts.recall:.3f}")
    h = report.holdout
    print(
        f"classifier on held-out emails {HOLDOUT_FROM}+: precision {h.precision:.3f}, "
        f"recall {h.recall:.3f} (tp {h.true_positive}, fp {h.false_positive}, "
        f"fn {h.false_negative})"
    )
    f = report.combined
    print(
        f"find_tags tasks (explicit, else classifier): precision {f.precision:.3f}, "
        f"recall {f.recall:.3f}"
    )
    print(f"classifier speed: {report.per_second:,.0f} messages/s")
    if "-v" in sys.argv:
        print("classifier disagreements:")
        for line in c.wrong:
            print("  " + line)
        for line in e.wrong:
            print("  explicit " + line)


if __name__ == "__main__":
    main()
