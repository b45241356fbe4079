"""What every command shares: loading the config, building the runtime, clean errors."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from corrbot.clock import Clock, FixedClock, SystemClock, to_utc_naive
from corrbot.config import ConfigError, Settings, load_settings
from corrbot.runtime import NotInitialised, Runtime

F = TypeVar("F", bound=Callable[..., Any])


def config_path(ctx: click.Context) -> str:
    root = ctx.find_root()
    given = root.params.get("config")
    return str(given or os.environ.get("CORRBOT_CONFIG") or "corrbot.toml")


def settings_of(ctx: click.Context) -> Settings:
    try:
        return load_settings(config_path(ctx))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def runtime_of(ctx: click.Context, clock: Clock | None = None) -> Runtime:
    settings = settings_of(ctx)
    try:
        runtime = Runtime.build(settings, clock)
    except ArgumentError as exc:  # NoSuchModuleError too: an unknown dialect or driver
        url = settings.database_url  # shown without what follows the scheme: a password
        shown = url.split("://", 1)[0] + "://…" if "://" in url else url
        raise click.ClickException(
            f"config: [database] url {shown!r} is not usable: {exc}"
        ) from None
    ctx.call_on_close(runtime.close)
    return runtime


def parse_as_of(value: str | None, zone: str = "UTC") -> Clock:
    """`--as-of`: without an offset, a time in the group's zone, as the deadlines are."""
    if not value:
        return SystemClock()
    try:
        at = datetime.fromisoformat(value)
        return FixedClock(to_utc_naive(at if at.tzinfo else at.replace(tzinfo=ZoneInfo(zone))))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date-time", param_hint="--as-of"
        ) from None


def user_errors(func: F) -> F:
    """Turn the errors a user can cause into one clean line, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NotInitialised as exc:
            raise click.ClickException(str(exc)) from None
        except (OperationalError, ProgrammingError) as exc:
            logging.getLogger("corrbot.cli").debug("database error", exc_info=True)
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(
                f"database error: {first} (has `corrbot init` been run?)"
            ) from None

    return wrapper  # type: ignore[return-value]
