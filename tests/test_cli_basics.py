"""The operator's commands: init, members, issues; clean one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from corrbot.cli.main import cli


@pytest.fixture
def run(sqlite_url: str, write_config: Callable[..., Path]) -> Callable[..., tuple[int, str]]:
    config = write_config(sqlite_url)

    def invoke(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--config", str(config), *args])
        assert "Traceback" not in result.output
        return result.exit_code, result.output

    return invoke


def test_init_is_safe_to_rerun(run: Callable[..., tuple[int, str]]) -> None:
    assert run("init")[0] == 0
    code, out = run("init")
    assert code == 0 and "cg@lists.example.org" in out


def test_members_add_and_list(run: Callable[..., tuple[int, str]]) -> None:
    run("init")
    code, _ = run(
        "members",
        "add",
        "Amina.Diallo@example.sn",
        "--name",
        "Amina Diallo",
        "--stakeholder",
        "government",
        "--org",
        "Ministry of Posts",
        "--country",
        "sn",
    )
    assert code == 0
    code, out = run("members", "list", "--format", "csv")
    assert code == 0
    assert "amina.diallo@example.sn,Amina Diallo,Ministry of Posts,SN,government,member" in out
    assert "chair@example.org" in out and "coordinator@example.org" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stakeholder", "media"], "stakeholder group 'media' is not one of"),
        (["--stakeholder", "government", "--role", "boss"], "role 'boss' is not one of"),
        (["--stakeholder", "government", "--country", "France"], "country 'France' is not a two"),
        (["--stakeholder", "government", "--country", "F1"], "country 'F1' is not a two"),
    ],
)
def test_members_add_rejects_bad_values(
    run: Callable[..., tuple[int, str]], args: list[str], message: str
) -> None:
    run("init")
    code, out = run("members", "add", "x@example.org", "--name", "X", *args)
    assert code != 0 and message in out


def test_commands_before_init_say_so(run: Callable[..., tuple[int, str]]) -> None:
    code, out = run("members", "list")
    assert code != 0 and "corrbot init" in out


def test_issues_import_csv_and_xlsx(run: Callable[..., tuple[int, str]], tmp_path: Path) -> None:
    run("init")
    csv_file = tmp_path / "issues.csv"
    csv_file.write_text(
        "number,title,category,aliases\n"
        "1,Administration of the root zone files and system,infrastructure,"
        "root zone;IANA functions\n"
        "2,Interconnection costs,development,\n"
    )
    assert run("issues", "import", str(csv_file))[0] == 0
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["number", "title"])
    sheet.append([3, "Spam"])
    sheet.append([2, "International interconnection costs"])
    xlsx = tmp_path / "issues.xlsx"
    book.save(xlsx)
    code, out = run("issues", "import", str(xlsx))
    assert code == 0 and "1 new, 1 updated" in out
    code, out = run("issues", "list")
    assert "root zone; IANA functions" in out
    assert "International interconnection costs" in out and "Spam" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title,category\nSpam,x\n", "missing column 'number'"),
        ("number,title\n4,Spam\n4,Cybercrime\n", "row 3: duplicate issue number 4"),
        ("number,title\nfour,Spam\n", "row 2: number 'four' is not a whole number"),
        ("number,title\n0,Spam\n", "row 2: number '0' is not 1 or more"),
        ("number,title\n-3,Spam\n", "row 2: number '-3' is not 1 or more"),
    ],
)
def test_issues_import_errors_name_the_problem(
    run: Callable[..., tuple[int, str]], tmp_path: Path, content: str, message: str
) -> None:
    run("init")
    path = tmp_path / "issues.csv"
    path.write_text(content)
    code, out = run("issues", "import", str(path))
    assert code != 0 and message in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.csv", "number,title\n1,Pol\xedtica\n".encode("latin-1"), "not UTF-8 text"),
        ("fake.xlsx", b"number,title\n1,Spam\n", "fake.xlsx: not a readable .xlsx workbook"),
        ("notes.txt", b"number,title\n", "notes.txt: expected a .csv or .xlsx file"),
    ],
)
def test_unreadable_issue_files_are_one_clean_error(
    run: Callable[..., tuple[int, str]], tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    run("init")
    path = tmp_path / name
    path.write_bytes(content)
    code, out = run("issues", "import", str(path))
    assert code == 1 and message in out and len(out.strip().splitlines()) == 1


def test_missing_issue_file_is_named_once(run: Callable[..., tuple[int, str]]) -> None:
    run("init")
    code, out = run("issues", "import", "nowhere.csv")
    assert code == 1 and out.strip() == "Error: nowhere.csv: file not found"


def test_bad_config_is_one_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[group]\nlist_address = "nope"\nchair = "c@example.org"\n')
    result = CliRunner().invoke(cli, ["--config", str(path), "init"])
    assert result.exit_code != 0
    assert "list_address is missing or not an address: 'nope'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["init"],
        ["serve"],
        ["ingest"],
        ["members", "add"],
        ["members", "list"],
        ["issues", "import"],
        ["issues", "list"],
        ["tick"],
        ["report", "preview"],
        ["export", "mapping"],
        ["referrals", "list"],
        ["messages"],
        ["demo"],
        ["archive", "export"],
    ],
)
def test_every_spec_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


@pytest.mark.parametrize(
    ("url", "shown"),
    [("nosuchdb://u:secret@host/x", "'nosuchdb://…'"), ("not a url", "'not a url'")],
)
def test_unusable_database_url_is_one_clean_error(
    write_config: Callable[..., Path], url: str, shown: str
) -> None:
    result = CliRunner().invoke(cli, ["--config", str(write_config(url)), "init"])
    assert result.exit_code == 1 and result.exception is not None
    assert isinstance(result.exception, SystemExit)  # not an uncaught error
    assert f"config: [database] url {shown} is not usable" in result.output
    assert "secret" not in result.output


def test_an_unforeseen_error_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from corrbot.cli import main as entry

    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(entry, "cli", broken)
    with pytest.raises(SystemExit) as exited:
        entry.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.strip() == "Error: KeyError: 'surprise' (corrbot -v … shows more)"


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["tick"], "--as-of ISO-DATETIME"),
        (["report", "preview"], "--as-of ISO-DATETIME"),
        (["messages"], "--since ISO-DATETIME"),
        (["export", "mapping"], "-o FILE"),
        (["archive", "export"], "-o FILE"),
        (["members", "add"], "--stakeholder GROUP"),
        (["members", "add"], "--country CC"),
        (["members", "add"], "--name NAME"),
        (["members", "add"], "--org ORG"),
    ],
)
def test_help_shows_options_as_spec_writes_them(command: list[str], shown: str) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and shown in result.output


def test_every_option_says_what_it_is_for() -> None:
    import click

    def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = []
        for name, sub in group.commands.items():
            if isinstance(sub, click.Group):
                found += commands(sub, (*path, name))
            else:
                found.append((*path, name))
        return found

    bare = []
    for path in commands(cli):
        command = cli
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        options = [p for p in command.params if isinstance(p, click.Option)]
        bare += [f"{' '.join(path)} {p.opts[0]}" for p in options if not p.help]
    assert bare == []


def test_as_of_without_an_offset_is_in_the_group_timezone(
    sqlite_url: str, write_config: Callable[..., Path]
) -> None:
    """update-1 is due 2013-11-29T17:00:00 in New York (22:00 UTC), read like the config."""
    from tests.conftest import BASE_CONFIG

    base = BASE_CONFIG.replace(
        'coordinators = ["coordinator@example.org"]',
        'coordinators = ["coordinator@example.org"]\ntimezone = "America/New_York"',
    )
    config = str(write_config(sqlite_url, base=base))

    def tick(at: str) -> str:
        result = CliRunner().invoke(cli, ["--config", config, "tick", "--as-of", at])
        assert result.exit_code == 0, result.output
        return result.output

    assert CliRunner().invoke(cli, ["--config", config, "init"]).exit_code == 0
    assert "sent 0 reports" in tick("2013-11-29T16:59:00")
    assert "sent 0 reports" in tick("2013-11-29T21:59:00+00:00")  # an offset is kept
    assert "sent 1 reports" in tick("2013-11-29T17:00:00")
    preview = CliRunner().invoke(
        cli,
        ["--config", config, "report", "preview", "update-report", "--as-of", "2013-11-29T17:00"],
    )
    assert preview.exit_code == 0 and "to 2013-11-29 17:00" in preview.output


def test_every_command_says_what_it_does_in_a_sentence() -> None:
    import click

    def walk(command: click.Command, path: str) -> list[tuple[str, str]]:
        found = [(path, (command.help or "").strip())]
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                found += walk(sub, f"{path} {name}")
        return found

    terse = [(path, text) for path, text in walk(cli, "corrbot") if len(text.split()) < 4]
    assert terse == []
