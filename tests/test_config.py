"""The config: the example loads as is; every problem is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from corrbot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_loads_as_is() -> None:
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.group.list_address == "cg@lists.example.org"
    assert [t.key for t in settings.tasks] == ["a", "b", "c", "d"]
    assert {d.kind for d in settings.deadlines} == {
        "update-report",
        "initial-output",
        "final-document",
    }
    assert settings.listener.port == 8025
    assert settings.delivery.mode == "maildir"
    # relative paths resolve against the config file's folder, not the cwd
    assert settings.database_url == f"sqlite:///{ROOT / 'var' / 'corrbot.db'}"
    assert settings.path(settings.delivery.maildir) == ROOT / "var" / "outbox"


GOOD = """
[group]
list_address = "cg@lists.example.org"
chair = "chair@example.org"
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("[group.x]\n", "config: unknown key 'x' in [group]"),
        ("[nonsense]\n", "config: unknown section or key 'nonsense'"),
        (
            '[[deadlines]]\nkey = "u1"\nkind = "update-report"\ndue = "29 November"\n',
            "config: [[deadlines]] due = '29 November' is not a valid date-time",
        ),
        (
            '[[deadlines]]\nkey = "u1"\nkind = "weekly"\ndue = 2013-11-29\n',
            "config: [[deadlines]] kind = 'weekly' is not one of",
        ),
        ('[listener]\nport = "x"\n', "config: [listener] port = 'x' is not a valid integer"),
        ('[listener]\nprotocol = "pop3"\n', "config: [listener] protocol = 'pop3' is not one of"),
        ("[consensus]\nwindow_days = 0\n", "config: [consensus] window_days 0 must be at least 1"),
    ],
)
def test_each_problem_is_one_line(tmp_path: Path, extra: str, expected: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD + extra)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert any(line.startswith(expected) for line in str(info.value).splitlines()), info.value


def test_missing_list_address_and_bad_stakeholder_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[group]\nchair = "c@example.org"\nchair_stakeholder = "diplomats"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    lines = str(info.value).splitlines()
    assert any("list_address is missing" in line for line in lines)
    assert any("chair_stakeholder 'diplomats' is not one of" in line for line in lines)


def test_unreadable_files_give_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[group\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(bad)


def test_secrets_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD + '[imap]\nhost = "imap.example.org"\npassword_env = "CG_PW"\n')
    settings = load_settings(path)
    assert settings.imap is not None
    monkeypatch.setenv("CG_PW", "s3cret")
    assert settings.secret(settings.imap.password_env) == "s3cret"
    monkeypatch.delenv("CG_PW")
    assert settings.secret(settings.imap.password_env) is None
