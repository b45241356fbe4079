"""The mapping documents (initial output, final document) and the files attached to them.

Each is the mapping (every issue in order with its entries), plus, for the final
document, every referred item with its options, holders and decision. The same
content goes out as .xlsx, .html and .md attachments, so the Chair can forward a
file rather than an email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from corrbot.model import Referral
from corrbot.outbound.compose import Attachment
from corrbot.reports.items import ItemView, load_items
from corrbot.reports.mapping import IssueMapping, load_mapping
from corrbot.templating import Renderer


@dataclass(slots=True)
class MappingDoc:
    mapping: list[IssueMapping]
    referred: list[ItemView]

    @property
    def entries(self) -> int:
        return sum(len(i.entries) for i in self.mapping)

    @property
    def agreed(self) -> int:
        return sum(1 for i in self.mapping for e in i.entries if e.state == "consensus")

    @property
    def open(self) -> int:
        return sum(1 for i in self.mapping for e in i.entries if e.state == "open")


def collect_document(session: Session, group_id: int, kind: str) -> MappingDoc:
    referred = (
        load_items(session, group_id, Referral.id.is_not(None), order="closed")
        if kind == "final-document"
        else []
    )
    return MappingDoc(load_mapping(session, group_id), referred)


def _referral_rows(doc: MappingDoc) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for item in doc.referred:
        ref = item.referral
        assert ref is not None
        for o in item.options:
            rows.append(
                [
                    item.title,
                    item.issue_number or "",
                    o.letter,
                    o.text,
                    "; ".join(f"{h.name} ({h.stakeholder})" for h in o.supporters),
                    "; ".join(f"{h.name} ({h.stakeholder})" for h in o.objectors),
                    ref.state,
                    ref.decision or "",
                    ref.note,
                ]
            )
    return rows


def attachments(
    renderer: Renderer, doc: MappingDoc, *, kind: str, key: str, group_name: str, now: datetime
) -> list[Attachment]:
    from corrbot.export import html_page, xlsx_bytes

    title = f"{group_name}: {'final document' if kind == 'final-document' else 'initial output'}"
    generated = f"Deadline {key}, as of {now:%Y-%m-%d %H:%M} UTC."
    extra: dict[str, tuple[tuple[str, ...], list[list[str | int]]]] = {}
    if kind == "final-document":
        header = ("item", "issue", "option", "text", "support", "object", "state", "decision")
        extra["Referred items"] = ((*header, "note"), _referral_rows(doc))
    md = renderer.render(
        "reports/mapping.md.j2",
        mapping=doc.mapping,
        referred=doc.referred,
        title=title,
        generated=generated,
    )
    page = html_page(renderer, doc.mapping, title=title, generated=generated)
    return [
        Attachment(
            f"{key}-mapping.xlsx",
            xlsx_bytes(doc.mapping, extra),
            "application",
            "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Attachment(f"{key}-mapping.html", page.encode("utf-8"), "text", "html"),
        Attachment(f"{key}-mapping.md", md.encode("utf-8"), "text", "markdown"),
    ]
