"""Cue phrases for the four standard ToR tasks, used by the task classifier.

A correspondence group's terms of reference nearly always ask for the same four
things: review the issues (a), list the mechanisms that exist for each (b),
assess their status (c) and find the gaps (d). People discuss each in
recognisable phrases; these lists were written from the working-group reports,
not fitted to labelled data. Each cue is (weight, pattern); patterns run on the
lowercased new text. A theme applies to a task when its title speaks of that
theme (see ``theme_of``), whatever the task's key.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterator
from typing import NamedTuple

from corrbot.understand.altscan import AltScanner, split_alternatives
from corrbot.understand.textwords import stem_set

# Words a cue's matches hold (see Cue.words): all of one of these tuples.
_Words = tuple[tuple[str, ...], ...]


class Cue(NamedTuple):
    """A cue phrase: its weight, its pattern and the words one of which it needs."""

    weight: float
    pattern: re.Pattern[str]
    # Every text the pattern matches contains one of these (tests/understand/
    # test_cue_needs.py checks it on the corpora): a text with none of them is
    # skipped, since a substring test costs a fraction of a regex scan that
    # cannot start with a literal. Edit them with the pattern.
    needs: tuple[str, ...]
    # The pattern's matches found about twice as fast (see altscan.py); built by
    # _cues for the cues the classifier counts, None in cues only searched once.
    scanner: AltScanner | None = None
    # Every match also holds all the words of one of these, each with no letter
    # (str.isalpha) either side (where the pattern has \b or \s around it), or
    # for "^" and letters, those with no letter before them ("rate" in "rated"), or
    # for "~" and a need, that need anywhere: a finer need than ``needs`` ("work"
    # is in "network", "rate" in "generate"), checked with it. Empty when not known.
    # tests/understand/test_cue_words.py checks them on the same texts.
    words: tuple[tuple[str, ...], ...] = ()

    def may_match(self, text: str) -> bool:
        """False only when the pattern cannot match ``text`` (none of its needs occurs).

        Needs are letters, so ``text`` may also be the join of the ``token_chunks``
        (textwords.py) of the text the pattern runs on.
        """
        return any(map(text.__contains__, self.needs))

    def finditer(self, text: str, where: Container[str] | None = None) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, by the scanner when there is one (which skips
        alternatives that cannot match, by ``where``: see AltScanner.finditer)."""
        if self.scanner is None:
            return self.pattern.finditer(text)
        return self.scanner.finditer(text, where)


STRONG, MEDIUM, WEAK = 2.0, 1.0, 0.4
# A cue phrase right after a negation says the opposite ("no existing mechanism").
NEGATED = re.compile(r"(?:\bno|\bany|\bnot|\bnone\s+of\s+(?:the|these))\s+$")
# Bodies people name when they list mechanisms; matched case-sensitively on the
# original text, since "FIRST" and "GAC" are also ordinary words in lowercase.
_BODIES = (
    r"ICANN|ITU(?:-[TDR])?|IETF|WIPO|OECD|UNESCO|UNCTAD|UNODC|Interpol|INTERPOL|"
    r"Council\s+of\s+Europe|RIRs?|NRO|W3C|ISOC|Internet\s+Society|FIRST|CERTs?|APEC|WTO|"
    r"Human\s+Rights\s+Council|Special\s+Rapporteur|GAC|GNSO|ccNSO|London\s+Action\s+Plan|"
    r"M3AAWG|Study\s+Group|Unicode|OSCE|Global\s+Network\s+Initiative|ICPEN|Diplo|"
    r"African\s+Union|AfNOG|Euro-IX|AFRINIC|APNIC|ARIN|LACNIC|RIPE\s+NCC|IGF|CSTD|IANA|"
    r"Verisign|NTIA|UDRP|TRIPS|Convention\s+\d+|Budapest\s+Convention"
)


_Item = tuple[float, tuple[str, ...], str] | tuple[float, tuple[str, ...], str, str]


def _cues(*items: _Item) -> tuple[Cue, ...]:
    cues = []
    for weight, needs, source, *more in items:
        _check_needs(needs)
        words = _words(more[0]) if more else ()
        _check_needs(tuple(word.lstrip("~^") for each in words for word in each))
        pattern = re.compile(source)
        cues.append(Cue(weight, pattern, needs, AltScanner(pattern), words))
    return tuple(cues)


def _words(spec: str) -> _Words:
    """Cue.words from their spelling: "a|b c; d" is ("a", "c"), ("b", "c"), ("d",),
    each "|" a choice of one word, the words of a tuple in the order the pattern
    needs them."""
    return tuple(
        words
        for each in spec.split(";")
        for words in itertools.product(*(word.split("|") for word in each.split()))
    )


def _check_needs(needs: tuple[str, ...]) -> None:
    # See Cue.may_match: a need with another character could be missed.
    for need in needs:
        if not need.isalpha():
            raise ValueError(f"a cue's need must be letters only: {need!r}")


THEMES: dict[str, tuple[Cue, ...]] = {
    # Each cue: (weight, needs, pattern[, words]). Each alternative of the pattern spells
    # out one of the needs; where it spells several, the one rarest in ordinary
    # mail (the linux-mips corpus) was taken, so that more texts skip the scan.
    "issues": _cues(
        (
            STRONG,
            ("issue",),
            r"\bissues?\s+list\b|\blist\s+of\s+(?:the\s+)?issues\b",
            "issue|issues list",
        ),
        (
            STRONG,
            ("list",),
            r"\b(?:add|added|adding|include|included)\b[^.]{0,60}\b(?:to|in|on)\s+"
            r"(?:the|our)\s+(?:issues?\s+)?list\b",
            "add|added|adding|include|included list",
        ),
        (
            STRONG,
            ("issue", "item"),
            r"\b(?:as\s+a\s+|a\s+|the\s+)(?:new|separate|single)\s+(?:issue|item)\b|"
            r"\bissue\s+in\s+its\s+own\s+right\b|\btwo\s+(?:separate\s+)?issues\b",
            "new|separate|single issue|item; issue right; two issues",
        ),
        (
            STRONG,
            ("merg", "split", "renam", "reword", "reformulat", "regroup"),
            r"\b(?:merg|split|renam|reword|reformulat|regroup)\w*",
        ),
        (
            STRONG,
            ("list", "issue", "item"),
            r"\bnot\s+on\s+(?:our|the)\s+list\b|\b(?:title|scope)\s+of\s+(?:the\s+)?"
            r"(?:current\s+)?(?:issue|item)\b|\breview\s+of\s+(?:the\s+)?issue",
            "not on list; title|scope of issue|item; review of",
        ),
        (
            MEDIUM,
            ("categor", "policy"),
            r"\bcategor(?:y|ies|ise|ize)\b|\bpublic\s+policy\s+(?:issue|question)s?\b",
            "category|categories|categorise|categorize; public policy",
        ),
        (
            MEDIUM,
            ("list", "item", "identified"),
            r"\bthe\s+list\b|\bthe\s+(?:current\s+)?item\b|\bidentified\s+as\s+an\s+issue",
            "the list; the item; identified as an",
        ),
        (
            MEDIUM,
            ("propose",),
            r"\bpropose\s+(?:to\s+)?(?:add|that|to\s+merge)\b",
            "propose add|that|merge",
        ),
    ),
    "mechanisms": _cues(
        # A list being introduced: "the existing mechanisms are", "relevant bodies include".
        (
            STRONG,
            ("mechanism", "bodies", "forum", "fora", "instrument", "organi", "institutions"),
            r"\b(?:existing|relevant|main|following)\s+(?:mechanisms?|bodies|"
            r"forums?|fora|instruments?|organi[sz]ations|institutions)\s+(?:\w+\s+){0,5}"
            r"(?:are|include|includes|for|on|in)\b",
            (
                "existing|relevant|main|following mechanism|mechanisms|bodies|forum|forums|"
                "fora|instrument|instruments|organisations|organizations|institutions"
            ),
        ),
        (
            STRONG,
            ("mechanism",),
            r"\bmechanisms?\s+(?:\w+\s+){0,4}(?:are|is)\s+(?:the|:)|"
            r"\bmechanisms?\s+(?:(?:that|which)\s+(?:\w+\s+){0,3})?(?:include|exist|dealing\s+with)\b",
            "mechanism|mechanisms",
        ),
        (
            STRONG,
            ("mechanisms", "bodies", "forums"),
            r"\b(?:several|many|the\s+relevant)\s+(?:mechanisms|bodies|forums)\s+"
            r"(?:already\s+)?(?:exist|address|deal)",
            "several|many|relevant mechanisms|bodies|forums",
        ),
        (
            STRONG,
            ("listed", "point"),
            r"\bshould\s+(?:also\s+)?be\s+listed\b|\bi\s+would\s+(?:also\s+)?point\s+to\b",
            "should be listed; i would point to",
        ),
        (
            STRONG,
            ("mecanismos", "canismes", "механизмы"),
            r"mecanismos\s+existentes|mécanismes\s+existants|"
            r"существуют\s+следующие\s+механизмы",
        ),
        (
            MEDIUM,
            ("deal", "work", "role", "together", "coordinates", "relevant"),
            r"\b(?:deals?|dealing|works?|working)\s+(?:with|on)\b|\bplays?\s+a\s+role\b|"
            r"\bbrings?\s+together\b|\bcoordinates\b|\b(?:is|are|also)\s+(?:also\s+)?relevant\b",
            (
                "deal|deals|dealing|work|works|working with|on; play|plays a role; "
                "bring|brings together; coordinates; is|are|also relevant"
            ),
        ),
        (
            MEDIUM,
            ("would", "carried"),
            r"\bi\s+would\s+(?:also\s+)?add\b|\b(?:is|are)\s+carried\s+(?:out\s+)?by\b",
            "i would add; is|are carried by",
        ),
        (
            WEAK,
            ("includ", "incluyen"),
            r"\binclud(?:e|es|ing)\b|\bincluyen\b",
            "include|includes|including|incluyen",
        ),
    ),
    "status": _cues(
        (
            STRONG,
            ("effective", "well", "reliably"),
            r"\beffective(?:ly|ness)?\b|\bworks?\s+(?:quite\s+)?(?:well|reliably)\b|"
            r"\bworked\s+well\b",
            "effective|effectively|effectiveness; work|works well|reliably; worked well",
        ),
        (
            STRONG,
            ("partly", "partially", "status"),
            r"\b(?:partially|partly|only\s+partially)\s+(?:effective|adequate|addressing|"
            r"satisfactory|implemented)\b|\bstatus\b",
            "partially|partly effective|adequate|addressing|satisfactory|implemented; status",
        ),
        (
            STRONG,
            ("assess", "evaluate", "rate", "describe"),
            r"\b(?:assess|assessment|evaluate|rate|describe)\w*\b[^.]{0,60}\b(?:as|status)\b",
            "^assess|^evaluate|^rate|^describe as|status",
        ),
        (
            STRONG,
            ("addressing",),
            r"(?<!not\s)\b(?:adequately|effectively|fully)\s+addressing\b",
            "adequately|effectively|fully addressing",
        ),
        (
            MEDIUM,
            ("binding", "universal", "implemented", "ratified", "success"),
            r"\bnot\s+(?:binding|universal)\b|\b(?:implemented|ratified|successful|success)\b",
            "not binding|universal; implemented|ratified|successful|success",
        ),
        (
            MEDIUM,
            ("limited", "little", "practice", "stalled", "unevenly", "outcome", "satisfactory"),
            r"\blimited\s+(?:effect|impact|reach|number)|\blittle\s+effect\b|\bin\s+practice\b|"
            r"\bstalled\b|\bunevenly\b|\boutcomes?\b|\bsatisfactory\b",
            "limited; little effect; in practice; stalled|unevenly|outcome|outcomes|satisfactory",
        ),
    ),
    "gaps": _cues(
        (STRONG, ("gap", "lacune", "vac", "пробел"), r"\bgaps?\b|\blacune|\bvacío|\bпробел"),
        (
            STRONG,
            (
                *("mechanism", "forum", "body", "framework", "instrument", "place", "means"),
                *("mandate", "existing", "aucun", "mecanismo"),
            ),
            r"\bno\s+(?:\w+\s+){0,2}(?:mechanism|forum|body|framework|"
            r"instrument|place|means|mandate)\b|\bnone\s+of\s+the\s+existing\b|"
            r"aucun\s+mécanisme|ningún\s+mecanismo",
            (
                "no mechanism|forum|body|framework|instrument|place|means|mandate; none "
                "of the existing; ~aucun; ~mecanismo"
            ),
        ),
        (
            STRONG,
            ("addressed", "shortcoming", "fall"),
            r"\bnot\s+(?:adequately\s+|sufficiently\s+)?addressed\b|\bshortcomings?\b|"
            r"\bfalls?\s+(?:between|outside)\b|\bunaddressed\b",
            "not addressed; shortcoming|shortcomings|unaddressed; fall|falls between|outside",
        ),
        (
            MEDIUM,
            ("lack", "missing", "covered", "one", "nobody", "addressed", "there"),
            r"\black(?:s|ing)?\b|\bmissing\b|\bnot\s+covered\b|\bno\s+one\b|\bnobody\b|"
            r"\bnot\s+addressed\s+anywhere\b|\bthere\s+is\s+no\b",
            (
                "lack|lacks|lacking|missing|nobody; not covered; no one; there is no; "
                "not addressed anywhere"
            ),
        ),
    ),
}
BODIES = (WEAK, re.compile(r"\b(?:" + _BODIES + r")\b"))  # on the original text
# Its matches, found by searching for each first letter's names (see altscan.py).
BODY_SCANNER = AltScanner(BODIES[1])
# Wherever BODIES names a body, the lowered text holds one of these words with no
# letter either side (a word of each name, the rarest in ordinary mail) or the
# text one of BODY_MARKS (a name with a digit, a name that is a common word).
# tests/understand/test_classifier_bounds.py checks each name; edit them with _BODIES.
BODY_WORDS = (
    *("icann", "itu", "ietf", "wipo", "oecd", "unesco", "unctad", "unodc", "interpol"),
    *("europe", "rir", "rirs", "nro", "isoc", "society", "cert", "certs", "apec", "wto"),
    *("rights", "rapporteur", "gac", "gnso", "ccnso", "london", "aawg", "study", "unicode"),
    *("osce", "initiative", "icpen", "diplo", "african", "afnog", "euro", "afrinic"),
    *("apnic", "arin", "lacnic", "ncc", "igf", "cstd", "iana", "verisign", "ntia", "udrp"),
    *("trips", "convention", "budapest"),
)
BODY_MARKS = ("W3C", "FIRST")
# A mark as BODIES finds it (\b either side), looked for once a substring test found one.
BODY_MARK = re.compile(r"\b(?:" + "|".join(BODY_MARKS) + r")\b")
_check_needs(BODY_WORDS)


def _by_first_letter(alternatives: str) -> str:
    """The alternation ``alternatives``, its branches grouped by their first letter.

    A position whose character starts no name then fails in one test instead of
    one per name; it matches where the plain alternation matches (maybe by another
    branch), which is all a search for whether a name occurs asks.
    """
    branches = split_alternatives(alternatives)
    if branches is None or not all(
        branch[:1].isalnum() and branch[1:2] not in ("*", "+", "?", "{") for branch in branches
    ):
        raise ValueError(f"not an alternation of names: {alternatives!r}")
    rests: dict[str, list[str]] = {}
    for branch in branches:
        rests.setdefault(branch[0], []).append(branch[1:])
    return "|".join(f"{first}(?:{'|'.join(rest)})" for first, rest in rests.items())


# The same names anywhere, even inside a word: whenever BODIES finds a name this
# finds one too, and being a plain alternation it is scanned several times faster,
# so the rare text that names a body pays for both and every other text for this only.
ANY_BODY_NAME = re.compile(_by_first_letter(_BODIES))


def _names_holding(key: str) -> re.Pattern[str]:
    """The names of _BODIES whose spelling holds ``key`` (in any case), as one pattern
    that finds them anywhere, as ANY_BODY_NAME does."""
    branches = split_alternatives(_BODIES) or []
    return re.compile("|".join(name for name in branches if key.lower() in name.lower()))


# By each of BODY_WORDS and BODY_MARKS, the names that hold it: a text holding only
# some of them names a body only if the names of those find one (each a literal
# search), where ANY_BODY_NAME tries every capital letter and "c".
BODY_NAMES = {key: _names_holding(key) for key in (*BODY_WORDS, *BODY_MARKS)}

# Mapping lines say outright which task they serve.
LINE_CUES: dict[str, Cue] = {
    "mechanisms": Cue(2 * STRONG, re.compile(r"^\s*mechanism\s*:", re.M), ("mechanism",)),
    "status": Cue(2 * STRONG, re.compile(r"^\s*status\s*:", re.M), ("status",)),
    "gaps": Cue(2 * STRONG, re.compile(r"^\s*gap\s*:", re.M), ("gap",)),
}
_check_needs(tuple(need for cue in LINE_CUES.values() for need in cue.needs))


def theme_of(title: str) -> str | None:
    """Which standard theme a task title speaks of, by its words (not its key)."""
    words = stem_set(title)
    if (
        words & {"gap", "shortcom", "unaddress"}
        or {"not", "adequat"} <= set(title.lower().split()) | words
    ):
        return "gaps"
    if words & {"status", "assess", "effectiv", "evaluat"}:
        return "status"
    if words & {"mechanism", "forum", "bodi", "institut", "instrument"}:
        return "mechanisms"
    if "issu" in words and words & {"review", "identifi", "list", "compil"}:
        return "issues"
    return None
