"""Line patterns that mark where quoted or non-authored text begins in a reply.

Kept apart from the algorithm in ``quotes.py`` so the (long, multilingual) lists
can grow without touching the logic. Every pattern is matched against one line,
or against a few physical lines joined by spaces when a client wrapped a long
attribution line ("On …, X <x@y>\\nwrote:"). linescan.py keeps a cheaper
pattern for the words a marker may begin with: a word added here goes there too.
"""

from __future__ import annotations

import re

from corrbot.understand.keyed import searches

_I = re.IGNORECASE

# A quoted line: "> text", ">> text", "  > text", and supercite "Richard> text",
# "C> text" (a short name or initials glued to the bracket).
QUOTE = re.compile(r"^\s*(?:>|[A-Za-z]{1,12}>(?=\s|$))")

# The attribution line a client writes above the text it quotes. Each pattern is
# anchored on the verb at the end, which keeps prose such as "On this day I wrote
# something" out (a date or an address is also required for multi-line joins).
_EDGE_L = r"^[\s>*\-]*"
_EDGE_R = r"[\s.:：>*\-]*$"
# What _EDGE_R takes of an ASCII line.
_EDGE_R_ASCII = ".:>*-" + "".join(filter(str.isspace, map(chr, range(128))))
# The end of the date-then-address pattern below, from the "@" of the address on.
_ADDRESS_FROM_AT = r"@[^@<>\s]+\.[^@<>\s]+>:?"
# Two patterns below that end on anything, slow to fail on a long line.
_WROTE_ON = r".+?\bwrote\s+on\s.+"
_DATE_ADDRESS = r".*\d{4}.{1,80}<\s*[^@<>\s]+" + _ADDRESS_FROM_AT
# Each pattern with the words it cannot match without (any one of them, in the
# lowercased line) and, when it ends on a word, the words it can end on (before
# _EDGE_R; none: it ends on anything, or on words no ASCII line holds, the only
# lines checked), so that a line is tried only against patterns that can match.
# Where the verb ends the line, ".+" rather than ".+?" finds it from the end in a
# few steps (both match the same lines).
_ATTRIBUTION_SPECS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    # English: "On <date>, <who> wrote:", "At 6/16/2016 08:32 PM, you wrote:"
    (
        ("wrote", "writes", "said", "says"),
        ("wrote", "writes", "said", "says"),
        r"(?:on|at)\s.+\b(?:wrote|writes|said|says)",
    ),
    (("writes",), ("writes",), r"in message\s.+\bwrites"),
    (("wrote",), (), _WROTE_ON),
    (("wrote",), ("wrote",), r".+@[\w.-]+\.\w{2,}\b.*\bwrote"),
    (("wrote", "schrieb"), ("wrote", "schrieb"), r".+\svia\s.+\s(?:wrote|schrieb)"),
    # A name alone, at most four words: "Alice wrote:", "Jean-Luc Dupont a écrit :"
    # (quotes.py asks that quoted lines follow; longer is prose: "I agree with
    # what Alice wrote:")
    (
        ("wrote", "écrit", "escribió", "escreveu", "schrieb", "написал"),
        ("wrote", "écrit", "escribió", "escreveu", "schrieb", "написал", "написала"),
        r"(?:[\w.'’-]+\s+){0,3}[\w.'’-]+\s+(?:wrote|a\s+écrit|escribió|escreveu|schrieb|"
        r"написала?)\s*[:：]",
    ),
    # French, Spanish, Portuguese, Italian, Dutch
    (("écrit", "a dit"), ("écrit", "dit"), r"le\s.+\b(?:a\s+écrit|nous\s+a\s+dit)"),
    (("escribió",), ("escribió",), r"(?:el|on)\s.+\bescribió"),
    (("escreveu",), ("escreveu",), r"em\s.+\bescreveu"),
    (("scritto",), ("scritto",), r"il\s.+\bha\s+scritto"),
    (("geschreven", "schreef"), (), r"op\s.+?\b(?:het\s+volgende\s+geschreven|schreef.*)"),
    # German, Scandinavian, Polish
    (("schrieb",), (), r"am\s.+?\b(?:schrieb.*|geschrieben|schrieben\s+sie)"),
    (("schrieb",), (), r".+\bschrieb\s+am\s.+"),
    (("skrev",), (), r"(?:den|søn\.|man\.|tir\.|ons\.|tor\.|fre\.|lør\.)\s.+\bskrev\b.*"),
    (("napisał",), (), r"(?:dnia|dňa)?.*\d.+\bnapisał(?:\(a\))?"),
    # Russian, Ukrainian
    (("написал", "пише", "писал"), (), r".*\d.+\b(?:написал|написала|написал\(а\)|пише|писал)"),
    # Chinese: "在 2016年12月12日，… 写道：" and Traditional "寫道"
    (("写道", "寫道"), (), r"在.+(?:写道|寫道)"),
    (("写道", "寫道"), (), r".+于.+(?:写道|寫道)"),
    # Arabic: "في <date>، كتب <who>:"
    (("كتب",), (), r"في\s.+\s?كتب.*"),
    (("كتب",), (), r".+\s?كتب\s?:"),
    # Date then sender address, with no verb (Gmail in some locales):
    # "2015-10-18 0:17 GMT+03:00 Matt <m@x.org>:", "2013/7/20 sam <s@x.org>"
    (("@",), (), _DATE_ADDRESS),
    (("gmt",), (), r"20\d\d-\d\d-\d\d \d\d?:\d\d GMT[+-]\d\d:\d\d [\w\s]+"),
)
ATTRIBUTION = [re.compile(_EDGE_L + p + _EDGE_R, _I) for _, _, p in _ATTRIBUTION_SPECS]
ATTRIBUTION_NEEDS = [needs for needs, _, _ in _ATTRIBUTION_SPECS]
_ENDS = [ends for _, ends, _ in _ATTRIBUTION_SPECS]
# A line that can close that pattern, found in a whole text: "@" is the only word
# it needs, too common to look for alone (see linescan.py).
ADDRESS_END = re.compile(_ADDRESS_FROM_AT + _EDGE_R, _I | re.MULTILINE)


# Each word with the patterns that need it: a word is looked for once per line.
_NEEDED_BY: tuple[tuple[str, tuple[int, ...]], ...] = tuple(
    (word, tuple(i for i, needs in enumerate(ATTRIBUTION_NEEDS) if word in needs))
    for word in dict.fromkeys(word for needs in ATTRIBUTION_NEEDS for word in needs)
)


def _ascii_tries(
    ending: bool,
) -> tuple[tuple[int, tuple[str, ...], re.Pattern[str] | None], ...]:
    """The patterns an ASCII line may match, with the words (one needed) and the
    gate (a search over the lowered line that must find something) of each; with
    ``ending``, those ending on a word, else those ending on anything.

    A pattern none of whose words is ASCII cannot match an ASCII line.
    """
    return tuple(
        (i, ascii_needs, _ASCII_GATES.get(pattern))
        for i, (needs, ends, pattern) in enumerate(_ATTRIBUTION_SPECS)
        if bool(ends) == ending
        for ascii_needs in [tuple(filter(str.isascii, needs))]
        if ascii_needs and (not ending or any(map(str.isascii, ends)))
    )


# What the lowered ASCII line must hold besides a word, where the pattern is slow
# to fail on a long line (the extensions of an attribution over quoted text):
# "wrote on" (its "\s" are ASCII in an ASCII line), and the ">" closing an address,
# which, with only _EDGE_R after it, is among what rstrip(_EDGE_R_ASCII) takes.
_ASCII_GATES: dict[str, re.Pattern[str]] = {
    _WROTE_ON: re.compile(r"wrote\s+on\s"),
    _DATE_ADDRESS: re.compile(r">[" + re.escape(_EDGE_R_ASCII) + r"]*$"),
}
_ASCII_ANY_END = _ascii_tries(False)
# The word a pattern ends on, on an ASCII line, to what it adds to _ASCII_ANY_END.
# No ASCII end word ends another, so a line ends on one at most.
_ASCII_BY_END: dict[str, tuple[tuple[int, tuple[str, ...], re.Pattern[str] | None], ...]] = {
    word: tuple(t for t in _ascii_tries(True) if word in _ENDS[t[0]]) + _ASCII_ANY_END
    for word in dict.fromkeys(w for ends in _ENDS for w in ends if w.isascii())
}
_ASCII_END_WORDS = tuple(_ASCII_BY_END)


def attribution_match(line: str, lowered: str | None = None) -> bool:
    """Whether any ATTRIBUTION pattern matches, trying only those whose words occur.

    ``lowered`` is ``line.lower()``, when the caller has it.
    """
    if lowered is None:
        lowered = line.lower()
    if not line.isascii():
        tried = {i for word, needed_by in _NEEDED_BY if word in lowered for i in needed_by}
        return any(ATTRIBUTION[i].match(line) for i in sorted(tried))
    # Lowering an ASCII line shows what IGNORECASE matches in it: a pattern that
    # ends on a word matches only if the line ends on it. Most lines an attribution
    # is extended over ("…, X wrote: > text") end on another, and are tried against
    # the few patterns that end on anything.
    end = lowered.rstrip(_EDGE_R_ASCII)
    tries = _ASCII_ANY_END
    if end.endswith(_ASCII_END_WORDS):
        tries = _ASCII_BY_END[next(w for w in _ASCII_END_WORDS if end.endswith(w))]
    for i, needs, gate in tries:
        # Loops, not any() over a generator: this runs for every line joined.
        for word in needs:
            if word in lowered:
                break
        else:
            continue
        if (gate is None or gate.search(lowered)) and ATTRIBUTION[i].match(line):
            return True
    return False


# Every ATTRIBUTION pattern needs one of these words (or a year and an address
# later on the line); checked first because it is cheap. The words are matched
# as substrings of the lowercased line: one regex alternation scanned at every
# position of every line was the costliest step on patch mail.
ATTRIBUTION_WORDS = re.compile(
    "wrote|writes|said|says|écrit|a dit|escribió|escreveu|scritto|geschreven|schreef|"
    "schrieb|geschrieben|skrev|napisał|написал|пише|писал|写道|寫道|كتب|gmt"
)
# The same words as a few keyed alternatives (see keyed.py): each is tried only
# where its key is, where ATTRIBUTION_WORDS tried a word at every character that
# begins one ("e", "a", "n", ...).
_HINT_WORDS = re.compile(
    "|".join(p.pattern for p in searches(tuple(ATTRIBUTION_WORDS.pattern.split("|"))))
)
# "\d{4}.{0,100}@", read up to the first "@" (or end of line) and not given back:
# a later "@" is further, and backing off finds no "@" the run passed over. A
# search whose pattern starts with one digit (not a repeat) skips to the next digit
# without a try at each character.
_YEAR_THEN_ADDRESS = re.compile(r"\d\d{3}[^@\n]{0,100}+@")
ATTRIBUTION_HINT = re.compile(ATTRIBUTION_WORDS.pattern + r"|\d{4}.{0,100}@", _I)


def attribution_hint(line: str, lowered: str | None = None) -> bool:
    """``ATTRIBUTION_HINT.search(line)``, but several times faster (``lowered`` is
    ``line.lower()``, when the caller has it)."""
    if _HINT_WORDS.search(line.lower() if lowered is None else lowered):
        return True
    return "@" in line and _YEAR_THEN_ADDRESS.search(line) is not None


# Begin the forwarded or original message: everything after is someone else's.
# Each is read after _EDGE_L; DASHES starts those that start with dashes.
DASHES = r"-{2,}\s*"
FORWARD_STARTS: tuple[str, ...] = (
    r"begin forwarded message\s*:",
    DASHES + r"(?:forwarded|original|reply)\s+message\s*-{2,}",
    DASHES + r"(?:message\s+(?:transféré|d'origine|original)|message\s+réexpédié)\s*-{2,}",
    r"début du message (?:transféré|réexpédié)\s*:",
    DASHES + r"(?:ursprüngliche|weitergeleitete)\s+nachricht\s*-{2,}",
    r"anfang der weitergeleiteten (?:nachricht|e-mail)\s*:",
    DASHES + r"mensaje\s+(?:original|reenviado)\s*-{2,}",
    r"inicio del mensaje reenviado\s*:",
    DASHES + r"mensagem\s+(?:original|encaminhada)\s*-{2,}",
    DASHES + r"(?:исходное|пересылаемое|пересланное)\s+сообщение\s*-{2,}",
    DASHES + r"(?:原始邮件|原始郵件|转发邮件|轉寄郵件|转发的邮件)\s*-{2,}",
    DASHES + r"(?:الرسالة الأصلية|رسالة محولة|رسالة معاد توجيهها)\s*-{2,}",
    DASHES + r"(?:messaggio\s+originale|messaggio\s+inoltrato)\s*-{2,}",
    DASHES + r"(?:oorspronkelijk|doorgestuurd)\s+bericht\s*-{2,}",
)
# All of them in one pattern, reading the edge once. _EDGE_L takes dashes too, so
# "-{2,}" after it is the same as "--": given back one at a time by the edge for
# each of a dozen "-{2,}", a long line of dashes (a wrapped diffstat) took
# thousands of steps per line.
FORWARD_ANY = re.compile(
    _EDGE_L
    + r"(?:--\s*(?:"
    + "|".join(f"(?:{s.removeprefix(DASHES)})" for s in FORWARD_STARTS if s.startswith(DASHES))
    + ")|"
    + "|".join(f"(?:{s})" for s in FORWARD_STARTS if not s.startswith(DASHES))
    + ")",
    _I,
)

# Header lines of an embedded message (Outlook, Apple Mail, forwards), per language.
_HEADER_NAMES = (
    "from|sent|date|to|cc|bcc|subject|reply-to|"
    "de|envoyé|date|à|objet|cc|"  # French
    "enviado|fecha|para|asunto|"  # Spanish
    "von|gesendet|datum|an|betreff|"  # German
    "da|inviato|data|a|oggetto|risposta|"  # Italian
    "van|verzonden|aan|onderwerp|"  # Dutch
    "från|skickat|till|ämne|fra|sendt|til|emne|"  # Scandinavian
    "od|wysłano|do|temat|"  # Polish
    "от|отправлено|дата|кому|копия|тема|від|надіслано|"  # Russian, Ukrainian
    "发件人|發件人|寄件者|发送时间|發送時間|寄件日期|收件人|抄送|主题|主旨|"  # Chinese
    "من|تم الإرسال|التاريخ|إلى|نسخة|الموضوع"  # Arabic
)
HEADER = re.compile(r"^\s*\*?\s*(?:" + _HEADER_NAMES + r")\s*\*?\s*[:：]\s*\*?\s*\S", _I)
# The line that opens such a block names the sender.
HEADER_FROM = re.compile(
    r"^\s*\*?\s*(?:from|de|von|da|van|från|fra|od|от|від|发件人|發件人|寄件者|من)\s*\*?\s*[:：]",
    _I,
)

# Evidence that a line was written by a mail client, not a person: a time of day,
# an address or a GMT offset. Prose such as "On 12 November the Chair wrote:" lacks it.
CLIENT_EVIDENCE = re.compile(r"\d{1,2}[:.h]\d\d|@|\bGMT\b|mailto:", _I)
# Weaker evidence, enough when quoted lines follow: any year or date digits.
DATE_EVIDENCE = re.compile(r"\d")

# The conventional signature separator ("-- "), some clients drop the space.
SIG_DASHES = re.compile(r"^--\s*$")
# Divider lines ("_____", "-----", "=====") that may precede a signature or header.
DIVIDER = re.compile(r"^\s*\*?(?:_{3,}|-{3,}|={3,}|\*{3,}|~{3,})\*?\s*$")

# One-line signatures added by mobile clients and webmail, many languages.
MOBILE_SIGNATURE = [
    re.compile(p, _I)
    for p in (
        r"^[\s(<]*(?:sent|envoyé|enviado|gesendet|verzonden|inviato|skickat|sendt|wysłane|"
        r"отправлено|надіслано)\s+(?:from|via|with|by|depuis|de|desde|von|met|da|dal|"
        r"från|fra|z|с|из|з)\b.{0,80}$",
        r"^[\s(<]*(?:sent|envoyé|enviado)\s+(?:from|depuis|desde)\b.{0,80}$",
        r"^\s*(?:von|vom)\s+meinem\s+.{0,60}gesendet\.?\s*$",
        r"^\s*diese nachricht wurde von meinem .{0,80}gesendet\.?\s*$",
        r"^\s*(?:get|téléchargez|obtener|holen sie sich)\s+(?:\[)?outlook\b.{0,80}$",
        r"^\s*\S.{0,30}\bfrom (?:my )?mobile\s*$",
        r"^\s*from my (?:iphone|ipad|android|mobile|blackberry|phone)\b.{0,30}$",
        r"^\s*(?:从我的|從我的|发自我的|發自我的).{0,30}$",
        r"^\s*أرسلت من .{0,40}$",
        r"^\s*(?:envoyé|enviado|inviato|gesendet)\s+(?:de|depuis|desde|da|von)\s+mon\b.{0,60}$",
    )
]
# All of them in one pattern: one match call per line instead of ten.
MOBILE_SIGNATURE_ANY = re.compile("|".join(f"(?:{p.pattern})" for p in MOBILE_SIGNATURE), _I)

# First line of a legal disclaimer paragraph; the paragraph must also name
# confidentiality or a recipient to count (see quotes._disclaimer).
DISCLAIMER_START = re.compile(
    r"^\s*(?:\*+\s*)?(?:this\s+(?:e-?mail|message|communication|transmission)|"
    r"the\s+information\s+(?:contained|in\s+this)|confidential|disclaimer|"
    r"if\s+you\s+are\s+not\s+the\s+intended|ce\s+(?:message|courriel)|le\s+présent|"
    r"avis\s+de\s+confidentialit|este\s+(?:mensaje|correo)|aviso\s+de\s+confidencialidad|"
    r"diese\s+(?:e-?mail|nachricht)|dieses\s+e-?mail|vertraulich|"
    r"это\s+(?:сообщение|письмо)|конфиденциально)",
    _I,
)
DISCLAIMER_WORDS = re.compile(
    r"confiden|privilege|intended recipient|addressee|destinataire|destinatario|"
    r"vertraulich|empfänger|конфиденциал|адресат",
    _I,
)
