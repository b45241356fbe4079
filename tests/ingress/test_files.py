"""`corrbot ingest`: .eml, mbox and Maildir, streamed, counted, and idempotent."""

from __future__ import annotations

import io
import mailbox
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from corrbot.cli.main import cli
from corrbot.ingress.files import read_mbox
from corrbot.model import Message, RawBlob
from corrbot.runtime import Runtime
from tests.mail import make_mail

MakeRuntime = Callable[..., Runtime]
CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"


def _run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), "ingest", *args])
    return result.exit_code, result.output


def _archive(tmp_path: Path) -> tuple[Path, Path, Path, list[bytes]]:
    mails = [
        make_mail(
            "alice@example.org", f"Post {n}", f"Body {n}\nFrom here on\n", message_id=f"m{n}@x"
        )
        for n in range(6)
    ]
    eml = tmp_path / "one.eml"
    eml.write_bytes(mails[0])
    box = mailbox.mbox(tmp_path / "archive.mbox")
    for raw in mails[1:4]:
        box.add(raw)
    box.flush()
    maildir = mailbox.Maildir(tmp_path / "md")
    for raw in mails[4:]:
        maildir.add(raw)
    maildir.flush()
    return eml, tmp_path / "archive.mbox", tmp_path / "md", mails


def test_ingest_eml_mbox_and_maildir_then_again_only_duplicates(
    db_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    runtime = make_runtime(db_url)
    config = tmp_path / "corrbot.toml"
    eml, mbox, maildir, mails = _archive(tmp_path)

    code, output = _run(config, "--no-deliver", str(eml), str(mbox), str(maildir))
    assert (code, output.strip()) == (0, "read 6, new 6, duplicate 0, quarantined 0")
    with runtime.sessions() as session:
        rows = session.scalars(select(Message).order_by(Message.id)).all()
        assert [r.message_id for r in rows] == [f"m{n}@x" for n in range(6)]
        assert {r.via for r in rows} == {"file"}
        assert all(r.no_deliver and r.stage == "processed" for r in rows)
        # An mbox gives back the message as it was before it was put in the box.
        blob = session.get(RawBlob, rows[2].sha256)
        assert blob is not None and blob.data == mails[2]

    code, output = _run(config, str(mbox), str(maildir), str(eml))
    assert (code, output.strip()) == (0, "read 6, new 0, duplicate 6, quarantined 0")


def test_missing_file_is_one_line_naming_it_and_nothing_is_stored(
    sqlite_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    eml, _, _, _ = _archive(tmp_path)
    code, output = _run(tmp_path / "corrbot.toml", str(eml), str(tmp_path / "nope.mbox"))
    assert code != 0
    assert output.strip().splitlines() == [
        f"Error: {tmp_path / 'nope.mbox'}: no such file or folder"
    ]
    (tmp_path / "plain").mkdir()
    code, output = _run(tmp_path / "corrbot.toml", str(tmp_path / "plain"))
    assert code != 0 and "not a Maildir" in output and "Traceback" not in output
    with runtime.sessions() as session:
        assert session.scalars(select(Message)).all() == []


def test_an_empty_file_holds_no_message(
    sqlite_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    (tmp_path / "empty.mbox").write_bytes(b"")
    (tmp_path / "blank.eml").write_bytes(b"\n\n")
    code, output = _run(
        tmp_path / "corrbot.toml", str(tmp_path / "empty.mbox"), str(tmp_path / "blank.eml")
    )
    assert (code, output.strip()) == (0, "read 0, new 0, duplicate 0, quarantined 0")
    with runtime.sessions() as session:
        assert session.scalars(select(Message)).all() == []


def test_mboxrd_unescapes_from_lines_and_separates_on_from_lines() -> None:
    data = (
        b"From a@x Thu Jan  1 00:00:00 1970\n"
        b"Subject: one\n\n>From the start\n>>From deeper\nplain\n\n"
        b"From b@x Thu Jan  1 00:00:00 1970\n"
        b"Subject: two\n\nlast line\n"
    )
    assert list(read_mbox(io.BytesIO(data))) == [
        b"Subject: one\n\nFrom the start\n>From deeper\nplain\n",
        b"Subject: two\n\nlast line\n",
    ]


def test_mbox_is_streamed_memory_does_not_grow_with_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "big.mbox"
    body = b"".join(b"line %d of a long message body\n" % n for n in range(300))  # ~10 kB
    with path.open("wb") as fh:
        for n in range(3000):  # ~30 MB
            fh.write(
                b"From x@y Thu Jan  1 00:00:00 1970\nMessage-ID: <%d@x>\n\n" % n + body + b"\n"
            )
    tracemalloc.start()
    try:
        with path.open("rb") as fh:
            count = sum(1 for _ in read_mbox(fh))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 3000
    assert peak < 1_000_000  # one message at a time, not 30 MB


def test_real_corpora_ingest_without_loss(
    sqlite_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url)
    sources = [CORPORA / "linux-mips" / "linux-mips-1k.mbox", CORPORA / "malformed" / "mail-parser"]
    emls = sorted(str(p) for p in sources[1].glob("*.eml"))
    code, output = _run(tmp_path / "corrbot.toml", "--no-deliver", str(sources[0]), *emls)
    assert code == 0, output
    expected = sum(1 for _ in mailbox.mbox(sources[0])) + len(emls)
    counts = dict(part.strip().split(" ") for part in output.strip().split(","))
    read = int(counts["read"])
    assert read == expected
    with runtime.sessions() as session:
        rows = session.scalars(select(Message).where(Message.placeholder.is_(False))).all()
    assert len(rows) == int(counts["new"]) == read - int(counts["duplicate"])
    quarantined = [r for r in rows if r.status == "quarantined"]
    assert len(quarantined) == int(counts["quarantined"])
    assert all(r.stage == "processed" for r in rows)
