"""Typed settings read from the TOML file of SPEC.md, validated with one line per problem.

`load_settings` never raises anything but `ConfigError`, whose message lists every
problem found, one per line, naming the key and the offending value.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

STAKEHOLDER_GROUPS = (
    "government",
    "private-sector",
    "civil-society",
    "academic-technical",
    "intergovernmental",
)
ROLES = ("member", "observer", "coordinator", "chair")
DEADLINE_KINDS = ("update-report", "initial-output", "final-document")


class ConfigError(Exception):
    """The configuration cannot be used; the message has one line per problem."""


@dataclass
class GroupSettings:
    name: str = "Correspondence Group"
    list_address: str = ""
    chair: str = ""
    coordinators: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    subject_prefix: str | None = None  # None: "[<name>]"
    reply_to: str = "list"  # "list", "sender" or "none"
    archive_url: str | None = None
    dmarc_rewrite: str = "domains"  # "always", "domains" or "never"
    dmarc_domains: list[str] = field(
        default_factory=lambda: ["yahoo.com", "aol.com", "gmail.com", "outlook.com", "hotmail.com"]
    )
    chair_name: str = "Chair"
    chair_stakeholder: str = "intergovernmental"


@dataclass
class DatabaseSettings:
    url: str = "sqlite:///var/corrbot.db"


@dataclass
class ListenerSettings:
    protocol: str = "smtp"
    host: str = "127.0.0.1"
    port: int = 8025
    max_message_bytes: int = 10 * 1024 * 1024


@dataclass
class ImapSettings:
    host: str = ""
    port: int = 993
    ssl: bool = True
    starttls: bool = False
    username: str = ""
    password_env: str = "CORRBOT_IMAP_PASSWORD"
    folder: str = "INBOX"
    move_to: str | None = None  # None: set `flag` instead of moving
    flag: str = "\\Seen"  # \Seen, \Flagged or a keyword such as $Corrbot
    batch_size: int = 100
    poll_seconds: float = 60.0  # when the server has no IDLE
    idle_seconds: float = 600.0  # IDLE re-issued this often: servers end it after ~30 min
    tls_verify: bool = True
    ca_file: str | None = None  # extra CA (or a self-signed certificate) to trust
    timeout_seconds: float = 60.0  # a silent server after this long counts as gone
    reconnect_seconds: float = 1.0  # first wait after a failure, then doubled...
    reconnect_max_seconds: float = 300.0  # ...up to this


@dataclass
class DeliverySettings:
    mode: str = "maildir"
    maildir: str = "var/outbox"
    host: str = "127.0.0.1"
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str | None = None
    recipients_per_connection: int = 100
    retry_hours: float = 48.0  # a temporarily failing copy expires this long after queuing
    retry_first_minutes: float = 5.0  # wait after the first temporary failure, then doubled
    retry_max_minutes: float = 240.0  # the doubling stops here
    sending_timeout_minutes: float = 30.0  # a copy claimed this long ago, unfinished, is retried
    bounce_threshold: int = 3
    # bounces further apart than this do not add up: the count starts again (Mailman's
    # bounce_info_stale_after), so a member is not dropped for a bounce a month
    bounce_stale_days: float = 7.0


@dataclass
class ConsensusSettings:
    window_days: int = 14


@dataclass
class TaggingSettings:
    classifier_threshold: float = 0.5


@dataclass
class CommandSettings:
    replies_per_hour: int = 5
    token_days: int = 7


@dataclass
class ReportSettings:
    digest_hour: int = 7
    template_dir: str | None = None
    tick_seconds: int = 60


@dataclass
class TaskSettings:
    key: str = ""
    title: str = ""
    description: str = ""
    keywords: list[str] = field(default_factory=list)


@dataclass
class DeadlineSettings:
    key: str = ""
    kind: str = ""
    due: datetime = datetime(1970, 1, 1)


@dataclass
class Settings:
    group: GroupSettings = field(default_factory=GroupSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    listener: ListenerSettings = field(default_factory=ListenerSettings)
    imap: ImapSettings | None = None
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    consensus: ConsensusSettings = field(default_factory=ConsensusSettings)
    tagging: TaggingSettings = field(default_factory=TaggingSettings)
    commands: CommandSettings = field(default_factory=CommandSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)
    tasks: list[TaskSettings] = field(default_factory=list)
    deadlines: list[DeadlineSettings] = field(default_factory=list)
    base_dir: Path = field(default_factory=Path.cwd)

    def path(self, value: str) -> Path:
        """A path from the file, relative to the config file's folder."""
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    @property
    def database_url(self) -> str:
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith("sqlite:////"):
            rest = url[len(prefix) :]
            if rest and not rest.startswith(":memory:"):
                return prefix + str(self.path(rest))
        return url

    def secret(self, env_name: str | None) -> str | None:
        """Secrets come from the environment, named in the file, never from the file."""
        return os.environ.get(env_name) if env_name else None


def _type_ok(value: Any, hint: Any) -> tuple[bool, Any]:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _type_ok(value, args[0])
    if origin is list:
        (inner,) = typing.get_args(hint)
        if not isinstance(value, list):
            return False, value
        checked = [_type_ok(v, inner) for v in value]
        return all(ok for ok, _ in checked), [v for _, v in checked]
    if hint is datetime:
        if isinstance(value, datetime):
            return True, value
        if isinstance(value, date):
            return True, datetime.combine(value, time())
        if isinstance(value, str):
            try:
                return True, datetime.fromisoformat(value)
            except ValueError:
                return False, value
        return False, value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return True, float(value)
    if hint is int and isinstance(value, bool):
        return False, value
    return isinstance(value, hint), value


def _build(cls: type, table: Any, where: str, errors: list[str]) -> Any:
    if not isinstance(table, dict):
        errors.append(f"config: [{where}] must be a table, got {table!r}")
        return cls()
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            errors.append(f"config: unknown key {key!r} in [{where}]")
            continue
        ok, converted = _type_ok(value, hints[key])
        if not ok:
            errors.append(f"config: [{where}] {key} = {value!r} is not a valid {_name(hints[key])}")
            continue
        values[key] = converted
    return cls(**values)


def _name(hint: Any) -> str:
    return {datetime: "date-time", str: "string", int: "integer", bool: "boolean"}.get(
        hint, str(hint).replace("typing.", "")
    )


_SECTIONS: dict[str, type] = {
    "group": GroupSettings,
    "database": DatabaseSettings,
    "listener": ListenerSettings,
    "imap": ImapSettings,
    "delivery": DeliverySettings,
    "consensus": ConsensusSettings,
    "tagging": TaggingSettings,
    "commands": CommandSettings,
    "reports": ReportSettings,
}


def parse_settings(data: dict[str, Any], base_dir: Path) -> Settings:
    errors: list[str] = []
    settings = Settings(base_dir=base_dir)
    for key, value in data.items():
        if key in _SECTIONS:
            setattr(settings, key, _build(_SECTIONS[key], value, key, errors))
        elif key in ("tasks", "deadlines"):
            cls = TaskSettings if key == "tasks" else DeadlineSettings
            if not isinstance(value, list):
                errors.append(f"config: [[{key}]] must be an array of tables")
                continue
            setattr(settings, key, [_build(cls, v, f"[{key}]", errors) for v in value])
        else:
            errors.append(f"config: unknown section or key {key!r}")
    errors.extend(validate(settings))
    if errors:
        raise ConfigError("\n".join(errors))
    return settings


def validate(s: Settings) -> list[str]:
    errors: list[str] = []
    g = s.group
    if not g.list_address or "@" not in g.list_address:
        errors.append(
            f"config: [group] list_address is missing or not an address: {g.list_address!r}"
        )
    if not g.chair or "@" not in g.chair:
        errors.append(f"config: [group] chair is missing or not an address: {g.chair!r}")
    errors += [
        f"config: [group] coordinators entry {c!r} is not an address"
        for c in g.coordinators
        if "@" not in c
    ]
    try:
        ZoneInfo(g.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"config: [group] timezone {g.timezone!r} is not a known time zone")
    if g.chair_stakeholder not in STAKEHOLDER_GROUPS:
        errors.append(
            f"config: [group] chair_stakeholder {g.chair_stakeholder!r} is not one of "
            + ", ".join(STAKEHOLDER_GROUPS)
        )
    _choice(errors, "group", "reply_to", g.reply_to, ("list", "sender", "none"))
    _choice(errors, "group", "dmarc_rewrite", g.dmarc_rewrite, ("always", "domains", "never"))
    _choice(errors, "listener", "protocol", s.listener.protocol, ("smtp", "lmtp"))
    _choice(errors, "delivery", "mode", s.delivery.mode, ("maildir", "smtp"))
    for key in (
        "retry_hours",
        "retry_first_minutes",
        "retry_max_minutes",
        "sending_timeout_minutes",
    ):
        if getattr(s.delivery, key) <= 0:
            errors.append(f"config: [delivery] {key} = {getattr(s.delivery, key)} must be positive")
    if s.imap is not None:
        errors.extend(_imap_errors(s.imap))
    if s.consensus.window_days < 1:
        errors.append(
            f"config: [consensus] window_days {s.consensus.window_days} must be at least 1"
        )
    seen_tasks: set[str] = set()
    for t in s.tasks:
        if not t.key or not t.key.isalnum() or not t.key.islower():
            errors.append(
                f"config: [[tasks]] key {t.key!r} must be a lower-case letter such as 'a'"
            )
        if t.key in seen_tasks:
            errors.append(f"config: [[tasks]] key {t.key!r} appears twice")
        seen_tasks.add(t.key)
        if not t.title:
            errors.append(f"config: [[tasks]] {t.key!r} has no title")
    seen_deadlines: set[str] = set()
    for d in s.deadlines:
        if not d.key:
            errors.append("config: [[deadlines]] entry without a key")
        if d.key in seen_deadlines:
            errors.append(f"config: [[deadlines]] key {d.key!r} appears twice")
        seen_deadlines.add(d.key)
        _choice(errors, "[deadlines]", "kind", d.kind, DEADLINE_KINDS)
        if d.due == datetime(1970, 1, 1):
            errors.append(f"config: [[deadlines]] {d.key!r} has no due date")
    return errors


def _imap_errors(imap: ImapSettings) -> list[str]:
    errors: list[str] = []
    if not imap.host:
        errors.append("config: [imap] host is missing")
    if imap.ssl and imap.starttls:
        errors.append("config: [imap] ssl and starttls are both true: choose one")
    flag = imap.flag
    if flag not in ("\\Seen", "\\Flagged") and (
        not flag or flag.startswith("\\") or any(c in flag for c in ' (){%*"]\\')
    ):
        errors.append(
            f"config: [imap] flag = {flag!r} must be \\Seen, \\Flagged or a keyword like $Corrbot"
        )
    for key in ("batch_size", "poll_seconds", "idle_seconds", "timeout_seconds"):
        if getattr(imap, key) <= 0:
            errors.append(f"config: [imap] {key} = {getattr(imap, key)} must be positive")
    if imap.reconnect_seconds <= 0 or imap.reconnect_max_seconds < imap.reconnect_seconds:
        errors.append(
            "config: [imap] reconnect_seconds must be positive and at most reconnect_max_seconds"
        )
    return errors


def _choice(
    errors: list[str], section: str, key: str, value: str, allowed: tuple[str, ...]
) -> None:
    if value not in allowed:
        errors.append(f"config: [{section}] {key} = {value!r} is not one of {', '.join(allowed)}")


def load_settings(path: str | Path) -> Settings:
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config: file not found: {p}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {p} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"config: cannot read {p}: {exc.strerror}") from None
    return parse_settings(data, p.resolve().parent)


def check_stakeholder(value: str) -> str | None:
    """The error line for a bad stakeholder group, or None."""
    if value in STAKEHOLDER_GROUPS:
        return None
    return f"stakeholder group {value!r} is not one of {', '.join(STAKEHOLDER_GROUPS)}"
