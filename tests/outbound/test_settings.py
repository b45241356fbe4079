"""The [delivery] retry keys: defaults, and a clear error naming a bad value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corrbot.config import ConfigError, parse_settings

GROUP = {"list_address": "cg@lists.example.org", "chair": "chair@example.org"}


def _parse(delivery: dict[str, Any]) -> Any:
    return parse_settings({"group": GROUP, "delivery": delivery}, Path("/srv/corrbot"))


def test_retry_keys_have_defaults_and_can_be_set() -> None:
    default = _parse({}).delivery
    assert (default.retry_first_minutes, default.retry_max_minutes) == (5.0, 240.0)
    assert (default.retry_hours, default.sending_timeout_minutes) == (48.0, 30.0)
    tuned = _parse({"retry_first_minutes": 1, "retry_hours": 120}).delivery
    assert (tuned.retry_first_minutes, tuned.retry_hours) == (1.0, 120.0)


def test_a_retry_key_that_is_not_positive_is_named() -> None:
    with pytest.raises(ConfigError, match=r"\[delivery\] sending_timeout_minutes = 0"):
        _parse({"sending_timeout_minutes": 0})
