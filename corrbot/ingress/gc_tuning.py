"""Fewer garbage collections while an archive is imported.

CPython runs a young-generation collection every 700 net allocations of tracked
objects: every few messages of an import, whose ORM rows, parsed mail and readings
are freed by reference counting nearly all. On linux-mips those collections (and
the older generations' walks over every object loaded at start-up) cost about a
tenth of the runner's time and of the workers', which inherit the setting when
they are forked. For the length of an import the threshold is raised and the
objects alive at its start are set aside (``gc.freeze``); collections still run,
so cyclic garbage stays bounded (peak memory of the 10,000-message benchmark
+1 %), and the old setting returns afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

IMPORT_THRESHOLD = 50_000  # young-generation threshold during an import (default 700)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collection threshold and freeze what is alive, for the block."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(IMPORT_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
