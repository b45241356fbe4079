"""An import runs with fewer garbage collections, and leaves the setting as it was."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from corrbot.ingress import files
from corrbot.ingress.gc_tuning import IMPORT_THRESHOLD, fewer_collections
from corrbot.intake import header_date
from corrbot.runtime import Runtime
from tests.mail import make_mail


def test_the_threshold_is_raised_in_the_block_and_restored_after_an_error() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold()[0] == IMPORT_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.get_freeze_count() > frozen  # what was alive is set aside
        raise RuntimeError("an import that fails")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_ingest_reads_its_messages_with_fewer_collections(
    db_url: str,
    make_runtime: Callable[..., Runtime],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = make_runtime(db_url)
    eml = tmp_path / "one.eml"
    eml.write_bytes(make_mail("alice@example.org", "Post", "Body\n", message_id="gc@x"))
    seen: list[int] = []

    def watched(raw: bytes) -> datetime | None:
        seen.append(gc.get_threshold()[0])
        return header_date(raw)

    monkeypatch.setattr(files, "header_date", watched)
    before = gc.get_threshold()
    summary = files.ingest(runtime, files.find_sources([str(eml)]), no_deliver=True)
    assert summary.new == 1
    assert seen == [IMPORT_THRESHOLD]
    assert gc.get_threshold() == before
