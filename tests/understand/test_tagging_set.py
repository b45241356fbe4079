"""The labelled emails in tests/data/tagging: explicit tags exact, classifier precise.

Figures are computed by bench/tagging.py (run it to see them all).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "tagging.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_tagging", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_labelled_set() -> None:
    bench = _bench()
    report = bench.evaluate()
    assert report.messages >= 60
    # Explicit tags are never wrong and never missed.
    assert report.explicit_exact == report.messages, report.explicit.wrong
    # The classifier is tuned for precision; recall is reported, with a floor.
    assert report.classifier.precision >= 0.8, report.classifier.wrong
    assert report.holdout.precision >= 0.8, report.holdout.wrong
    assert report.classifier.recall >= 0.6, report.classifier.wrong
