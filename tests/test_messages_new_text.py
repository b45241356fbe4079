"""`messages --format json`: new_text for every message, also those not read as posts."""

from __future__ import annotations

import json
from collections.abc import Callable

from click.testing import CliRunner

from corrbot.cli.main import cli
from corrbot.runtime import Runtime
from tests.mail import feed, make_mail


def test_held_posts_and_commands_show_their_new_text(
    db_url: str, make_runtime: Callable[..., Runtime]
) -> None:
    runtime = make_runtime(db_url)
    request = "cg-request@lists.example.org"
    feed(
        runtime,
        [
            make_mail(
                "Zed <zed@elsewhere.example>",
                "[b] Issue 3",
                "The London Action Plan matters.\n\n-- \nZed\n",
                message_id="held@elsewhere.example",
            )
        ],
    )
    feed(
        runtime,
        [
            make_mail(
                "Zed <zed@elsewhere.example>",
                "",
                "help\n\nOn Mon, 4 Nov 2013 at 10:00, Ana <ana@example.org> wrote:\n> join\n",
                to=request,
                message_id="cmd@elsewhere.example",
            )
        ],
        envelope_to=[request],
    )
    config = runtime.settings.path("corrbot.toml")
    result = CliRunner().invoke(cli, ["--config", str(config), "messages", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["message_id"]: r for r in json.loads(result.output)}
    assert rows["held@elsewhere.example"]["status"] == "held"
    assert rows["held@elsewhere.example"]["new_text"] == "The London Action Plan matters."
    assert rows["cmd@elsewhere.example"]["status"] == "command"
    assert rows["cmd@elsewhere.example"]["new_text"] == "help"
