"""A sender's sign-off at the end of their text ("Best regards,\\nAna"), for quoting.

``new_text`` keeps a sign-off written without a "-- " separator, as the reply
corpus we follow does: in general nothing tells it from a last short paragraph.
Where the words are quoted back to the chair (option A, an objector's reason) we
also know who wrote them, and a last paragraph of a few short lines that names the
sender is their sign-off, not their argument.
"""

from __future__ import annotations

_MAX_LINES = 4
_MAX_LENGTH = 60


def without_signoff(text: str, name: str | None, address: str | None = None) -> str:
    """The text without a last paragraph that only signs it with the sender's name."""
    words = _name_words(name, address)
    paragraphs = text.rstrip().split("\n\n")
    if len(paragraphs) < 2 or not words:
        return text.strip()
    last = [line.strip() for line in paragraphs[-1].splitlines() if line.strip()]
    if len(last) > _MAX_LINES or any(len(line) > _MAX_LENGTH for line in last):
        return text.strip()
    at = next((i for i, line in enumerate(last) if _signs(line, words)), None)
    # Before the name at most a closing ("Best regards,", "Thanks"); after it, a
    # title or an organisation. "We should wait.\nAna" keeps its sentence.
    if at is None or at > 1 or (at == 1 and not _closing(last[0])):
        return text.strip()
    return "\n\n".join(paragraphs[:-1]).strip()


def _name_words(name: str | None, address: str | None) -> set[str]:
    words = {w.strip(".,").lower() for w in (name or "").split() if len(w.strip(".,")) > 1}
    if address and "@" in address:
        local = address.split("@", 1)[0].lower()
        words.update(part for part in local.replace("_", ".").split(".") if len(part) > 1)
    return words


def _signs(line: str, words: set[str]) -> bool:
    """A line made of the sender's name, perhaps with initials or a dash: "– Ana C."."""
    tokens = [t.strip(".,-–—/").lower() for t in line.split()]
    tokens = [t for t in tokens if t]
    if not tokens or len(tokens) > 4 or not any(t in words for t in tokens):
        return False
    return all(t in words or len(t) <= 2 for t in tokens)


def _closing(line: str) -> bool:
    """A valediction: a few words, not a sentence ("Best regards,", "Thanks!")."""
    return len(line.split()) <= 3 and not line.endswith((".", "?", ":", ";"))
