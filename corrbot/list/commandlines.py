"""Read the commands in a mail to cg-request@ (SPEC "Email commands").

Commands come from the Subject (without Re:/Fwd: and list tags) and then from the
first non-empty lines of the body; reading stops at the first line that is not a
command, at a quote or a signature, or at "end"/"thanks". Each verb counts once
per mail: when the Subject and the body both say `join`, the one with more words
wins (the body's "join civil-society Ana" over a bare "subscribe"). `join` and
`leave` exclude each other; the first one written counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corrbot.config import STAKEHOLDER_GROUPS
from corrbot.understand.subject import clean_subject

VERBS = {
    "help": "help",
    "info": "help",
    "join": "join",
    "subscribe": "join",
    "leave": "leave",
    "unsubscribe": "leave",
    "confirm": "confirm",
    "issues": "issues",
    "status": "status",
    "whoami": "whoami",
    "digest": "digest",
}
_STOP = ("end", "stop", "thanks", "thank", "thx", "--")
_MAX_COMMANDS = 10

# Spellings people use for the stakeholder groups; the canonical name is the value.
_ALIASES = {
    **{g: g for g in STAKEHOLDER_GROUPS},
    **{g.replace("-", " "): g for g in STAKEHOLDER_GROUPS},
    **{g.replace("-", "_"): g for g in STAKEHOLDER_GROUPS},
    "academic and technical": "academic-technical",
    "academic & technical": "academic-technical",
    "technical": "academic-technical",
    "academic": "academic-technical",
    "academia": "academic-technical",
    "business": "private-sector",
    "industry": "private-sector",
    "civil": "civil-society",
    "igo": "intergovernmental",
    "intergovernmental organisation": "intergovernmental",
    "intergovernmental organization": "intergovernmental",
    "govt": "government",
    "gov": "government",
}


@dataclass(frozen=True)
class Command:
    verb: str
    args: tuple[str, ...]
    line: str


@dataclass
class CommandMail:
    commands: list[Command] = field(default_factory=list)
    unknown: str | None = None  # the line that stopped reading, if any
    ignored: list[Command] = field(default_factory=list)


def parse_line(line: str) -> Command | None:
    words = line.strip().split()
    if not words:
        return None
    verb = VERBS.get(words[0].lower().strip(":.,;!?"))
    return Command(verb, tuple(words[1:]), line.strip()) if verb else None


def read(subject: str | None, body: str | None) -> CommandMail:
    found = CommandMail()
    raw: list[Command] = []
    subject_line = clean_subject(subject or "")
    from_subject = parse_line(subject_line)
    if from_subject:
        raw.append(from_subject)
    for line in (body or "").splitlines():
        text = line.strip()
        if not text:
            continue
        if text.startswith(">") or line.rstrip() == "--" or line.startswith("-- "):
            break
        if text.lower().strip(".,!") in _STOP or text.split()[0].lower().strip(".,!") in _STOP:
            break
        command = parse_line(text)
        if command is None:
            found.unknown = text[:200]  # told in the reply: it may be a mistyped command
            break
        raw.append(command)
        if len(raw) >= _MAX_COMMANDS:
            break
    if not raw and found.unknown is None and subject_line:
        found.unknown = subject_line[:200]
    _merge(raw, found)
    return found


def _merge(raw: list[Command], found: CommandMail) -> None:
    best: dict[str, Command] = {}
    order: list[str] = []
    for command in raw:
        held = best.get(command.verb)
        if held is None:
            best[command.verb] = command
            order.append(command.verb)
        elif len(command.args) > len(held.args):
            best[command.verb] = command
    if "join" in best and "leave" in best:
        later = "leave" if order.index("join") < order.index("leave") else "join"
        found.ignored.append(best.pop(later))
        order.remove(later)
    found.commands = [best[verb] for verb in order]


def stakeholder_in(words: list[str]) -> tuple[str | None, int]:
    """The stakeholder group the first words name (up to three), and how many words it took."""
    lowered = [w.lower().strip(".,;:()") for w in words]
    for size in (3, 2, 1):
        if len(lowered) >= size:
            name = _ALIASES.get(" ".join(lowered[:size]))
            if name:
                return name, size
    return None, 0


def stakeholder_named(text: str) -> str | None:
    """The one stakeholder group a reply names on its first lines, else None.

    Looks at each line of the sender's own text until one names a group; a line
    naming two different groups is ambiguous and names none.
    """
    for line in text.splitlines():
        words = re.findall(r"[\w&-]+", line.lower())
        names = set()
        for i in range(len(words)):
            name, _ = stakeholder_in(words[i:])
            if name:
                names.add(name)
        if len(names) == 1:
            return names.pop()
        if names:
            return None
    return None


def token_of(args: tuple[str, ...]) -> str:
    return re.sub(r"[^0-9a-z_-]", "", args[0].lower()) if args else ""
