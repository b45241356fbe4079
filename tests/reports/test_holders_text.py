"""How the reports word things: who holds an option (with "on behalf of"), and counts."""

from __future__ import annotations

import pytest

from corrbot.holders import Holder, OptionHolders
from corrbot.templating import Renderer


def person(name: str, stakeholder: str, behalf: str = "") -> Holder:
    return Holder(name, f"{name.split()[0].lower()}@example.org", "", stakeholder, behalf, "")


@pytest.mark.parametrize("kind", ["txt", "html"])
def test_holders_written_on_behalf_of_an_organisation_say_so(kind: str) -> None:
    option = OptionHolders(
        "B",
        "Map data protection first",
        supporters=[
            person("Carol Silva", "civil-society", "Civil Society Coalition"),
            person("Ana Lima", "civil-society"),
            person("Alice Roy", "government"),
        ],
    )
    env = Renderer().env
    macros = env.get_template(f"reports/_items.{kind}.j2").module
    shown = str(macros.holders(option.grouped(option.supporters)))  # type: ignore[attr-defined]
    plain = shown.replace("<em>", "").replace("</em>", "")
    assert plain == (
        "government: Alice Roy; "
        "civil-society: Carol Silva (on behalf of Civil Society Coalition), Ana Lima"
    )


@pytest.mark.parametrize(("issues", "said"), [(1, "of 1 issue"), (3, "of 3 issues")])
def test_the_initial_output_subject_counts_issues_in_good_english(issues: int, said: str) -> None:
    from types import SimpleNamespace

    doc = SimpleNamespace(mapping=[object()] * issues)
    subject = Renderer().subject(
        "reports/initial-output", group_name="CG", key="initial", doc=doc, late=False
    )
    assert subject == f"[CG] Initial output initial: the draft mapping {said}"
