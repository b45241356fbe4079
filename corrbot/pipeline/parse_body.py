"""A message's readable text and its attachments, walking the MIME tree without recursion.

The standard library's ``walk()`` recurses (``yield from`` per level), so a
deliberately deep MIME tree could exhaust the stack; this walk keeps its own stack.
Which text counts: every inline ``text/plain`` part in order; in a
``multipart/alternative`` the plain version when there is one, else the HTML one,
turned into text (block quotes become ``> `` lines so quote stripping still works).
Parts with a file name or an ``attachment`` disposition, other media types and
forwarded messages are listed as attachments (file name, type, decoded size).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message as EmailMessage
from typing import Any

from corrbot.pipeline.parse_headers import clean, decode_words, header_text, mime_view
from corrbot.pipeline.parse_mime import Mime, decoded_payload, mime_of, parts_of
from corrbot.pipeline.parse_text import decode_bytes
from corrbot.understand.html import html_to_text


@dataclass
class Body:
    text: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


@dataclass
class _Candidate:
    group: int  # parts of one multipart/alternative share a group
    html: bool
    text: str


def read_body(msg: EmailMessage) -> Body:
    body = Body()
    candidates: list[_Candidate] = []
    stack: list[tuple[EmailMessage, int]] = [(msg, 0)]
    serial = 0  # gives every part its own group unless an alternative says otherwise
    while stack:
        part, group = stack.pop()
        # Every accessor below reads the part's MIME headers only: see mime_view.
        part = mime_view(part)
        mime = mime_of(part)
        serial += 1
        body.defects.extend(type(d).__name__ for d in getattr(part, "defects", ()))
        ctype = mime.content_type
        payload = parts_of(part, mime)
        if payload is not None:
            if ctype.startswith("message/"):
                body.attachments.append(_forwarded(mime, payload))
                continue
            child_group = serial if ctype == "multipart/alternative" else group
            # The parser only puts parts in a multipart's list; the isinstance also
            # pins the type, which mypy otherwise infers differently from run to run.
            stack.extend(
                (child, child_group)
                for child in reversed(payload)
                if isinstance(child, EmailMessage)
            )
            continue
        filename = _shown_name(mime.filename)
        disposition = mime.disposition
        is_text = ctype in ("text/plain", "text/html") or ctype.startswith("multipart/")
        data = _decoded(part, mime, body)
        if is_text and disposition != "attachment" and not filename:
            text, defect = decode_bytes(data, mime.charset)
            if defect:
                body.defects.append(f"body: {defect}")
            html = ctype == "text/html"
            candidates.append(
                _Candidate(group or serial, html, html_to_text(text) if html else text)
            )
        else:
            body.attachments.append({"filename": filename, "type": ctype, "size": len(data)})
    body.text = clean("\n".join(_chosen(candidates)))
    body.defects = list(dict.fromkeys(body.defects))
    return body


def _chosen(candidates: list[_Candidate]) -> list[str]:
    """Per alternative group, the plain versions if any, else the HTML ones; in order."""
    has_plain = {c.group for c in candidates if not c.html}
    return [c.text for c in candidates if not c.html or c.group not in has_plain]


def _decoded(part: EmailMessage, mime: Mime, body: Body) -> bytes:
    try:
        data = decoded_payload(part, mime)
    except Exception as exc:
        body.defects.append(f"body: undecodable transfer encoding ({type(exc).__name__})")
        return b""
    if isinstance(data, bytes):
        return data
    return str(data or "").encode("utf-8", "surrogateescape")


def _shown_name(name: str | None) -> str | None:
    if not name:
        return None
    return clean(decode_words(str(name)))[:300] or None


def _forwarded(mime: Mime, payload: list[Any]) -> dict[str, Any]:
    inner = payload[0] if payload else None
    try:
        size = len(inner.as_bytes()) if isinstance(inner, EmailMessage) else 0
    except Exception:
        size = 0
    name = _shown_name(mime.filename)
    if name is None and isinstance(inner, EmailMessage):
        name = header_text(inner, "Subject")[:300] or None
    return {"filename": name, "type": mime.content_type, "size": size}
