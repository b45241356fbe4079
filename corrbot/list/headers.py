"""Edit a message's header block at the byte level, leaving its body exactly as it came.

Re-generating a parsed message would re-encode bodies, re-fold headers and choke
on broken MIME; a list copy must carry the poster's body and MIME structure
untouched. Only line endings are made CRLF, as on the wire.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email import policy
from email.header import Header, decode_header, make_header

_SEPARATOR = re.compile(rb"\r?\n\r?\n")
_EOL = re.compile(rb"\r\n|\n|\r(?!\n)")


class HeaderBlock:
    """The header fields of one raw message, in order, and its body bytes."""

    def __init__(self, raw: bytes) -> None:
        found = _SEPARATOR.search(raw)
        head, body = (raw[: found.start()], raw[found.end() :]) if found else (raw, b"")
        self.body = _EOL.sub(b"\r\n", body)
        self.fields: list[bytes] = []
        for line in _EOL.split(head):
            if line[:1] in (b" ", b"\t") and self.fields:
                self.fields[-1] += b"\r\n" + line
            elif line.strip():
                self.fields.append(line)

    @staticmethod
    def name_of(field: bytes) -> str:
        return field.split(b":", 1)[0].strip().decode("ascii", "replace").lower()

    def get(self, name: str) -> bytes | None:
        """The first field of that name, whole ("From: …"), or None."""
        wanted = name.lower()
        return next((f for f in self.fields if self.name_of(f) == wanted), None)

    def value(self, name: str) -> str:
        """The decoded text of the first field of that name ("" when absent)."""
        field = self.get(name)
        if field is None:
            return ""
        return decode_value(field.split(b":", 1)[1])

    def remove(self, *names: str) -> None:
        drop = {n.lower() for n in names}
        self.fields = [f for f in self.fields if self.name_of(f) not in drop]

    def put(self, name: str, value: str) -> None:
        """Replace every field of that name by one, where the first was (else at the end)."""
        wanted = name.lower()
        where = next((i for i, f in enumerate(self.fields) if self.name_of(f) == wanted), None)
        self.remove(name)
        if where is None:
            self.add(name, value)
        else:
            self.fields.insert(where, fold(name, value))

    def add(self, name: str, value: str) -> None:
        self.fields.append(fold(name, value))

    def add_raw(self, field: bytes) -> None:
        self.fields.append(field)

    def renamed(self, name: str, new_name: str) -> bytes | None:
        """The first field of `name` under another name, its value byte for byte."""
        field = self.get(name)
        return new_name.encode("ascii") + b":" + field.split(b":", 1)[1] if field else None

    def as_bytes(self, extra: Sequence[bytes] = ()) -> bytes:
        return b"\r\n".join([*self.fields, *extra]) + b"\r\n\r\n" + self.body


def fold(name: str, value: str) -> bytes:
    """One header field, RFC 2047-encoded where needed and folded, without the final CRLF."""
    value = re.sub(r"[\r\n]+", " ", value)
    plain = f"{name}: {value}"
    if plain.isascii() and (len(plain) <= 78 or " " not in value.strip()):
        # A long URI stays on the header line: folding it would only add a leading space.
        return plain.encode("ascii")
    try:
        header = policy.SMTP.header_factory(name, value)
        folded: str = header.fold(policy=policy.SMTP)
    except Exception:  # a value the structured parser rejects still goes out, as text
        folded = f"{name}: {Header(value, 'utf-8').encode()}"
    return folded.rstrip("\r\n").encode("ascii", "replace")


def decode_value(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    unfolded = re.sub(r"\r?\n[ \t]+", " ", text).strip()
    try:
        return str(make_header(decode_header(unfolded)))
    except (ValueError, LookupError, UnicodeError):
        return unfolded
