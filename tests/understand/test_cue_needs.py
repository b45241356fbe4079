"""Each cue's ``needs`` hold on real and written text: every match contains one of them.

The classifier skips a cue's pattern when none of its needs occurs in the text, so
a need that a match can lack would silently change scores. This checks every
pattern against the corpora in ../shared/corpora (read from there, never copied),
the seed texts, the labelled tagging emails and phrases written for each cue.
Edit a pattern, run this.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corrbot.understand import cues

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
MIPS = SHARED / "corpora" / "linux-mips" / "linux-mips-1k.mbox"

# At least one phrase for every pattern (and its alternatives), so that no check
# passes for want of a match; with negations, odd spacing and case.
PHRASES = """\
the issues list; a list of the issues; list of issues; issue list
we added it to the issues list; I would include spam in our list. Added to the list
as a new issue; a separate item; the single issue; issue in its own right; two separate issues
merge these, split that, renaming, reworded, reformulate, regroup them
not on our list; the scope of the current issue; title of item 3; review of the issue
categories, categorise, category; public policy issues; public policy question
the list; the current item; the item; identified as an issue
propose to add; I propose that; propose to merge
the existing mechanisms are; relevant bodies include; main forums for; following fora in
existing instruments on; relevant organisations are; relevant organizations in
main institutions for
the mechanism is the; mechanisms which exist; mechanism that clearly include
mechanisms dealing with
several mechanisms already exist; many bodies address; the relevant forums deal
should also be listed; should be listed; I would point to; i would also point to
mecanismos existentes; mécanismes existants; существуют следующие механизмы
deals with; dealing on; works with; working on; plays a role; play a role; brings together
coordinates; is relevant; are also relevant; also relevant
I would also add; it is carried out by; are carried by
include; includes; including; incluyen
effective; effectively; effectiveness; works quite well; work reliably; worked well
partially effective; partly adequate; only partially implemented; status
we assess it as; rated as weak; describe the status
evaluated as
adequately addressing; effectively addressing; fully addressing; not fully addressing
not binding; not universal; implemented; ratified; successful; success
limited effect; limited impact; limited reach; limited number; little effect; in practice
stalled; unevenly; outcome; outcomes; satisfactory
gap; gaps; lacune; lacunes; vacío; пробел
no mechanism; no real binding framework; no global forum; no body; no place; no means
no mandate; no instrument; none of the existing; aucun mécanisme; ningún mecanismo
not addressed; not adequately addressed; not sufficiently addressed; shortcoming
shortcomings; falls between; fall outside; unaddressed
lack; lacks; lacking; missing; not covered; no one; nobody; not addressed anywhere
there is no
mechanism: ICANN
  Status : partly
gap: none
NO GAP, not a mechanism, any gaps, none of these gaps, none of the existing bodies
"""
BODY_PHRASES = """\
ICANN, ITU-T, ITU, IETF, WIPO, OECD, UNESCO, UNCTAD, UNODC, Interpol, INTERPOL,
Council of Europe, RIRs, NRO, W3C, ISOC, Internet Society, FIRST, CERTs, APEC, WTO,
Human Rights Council, Special Rapporteur, GAC, GNSO, ccNSO, London Action Plan,
M3AAWG, Study Group, Unicode, OSCE, Global Network Initiative, ICPEN, Diplo,
African Union, AfNOG, Euro-IX, AFRINIC, APNIC, ARIN, LACNIC, RIPE NCC, IGF, CSTD,
IANA, Verisign, NTIA, UDRP, TRIPS, Convention 108, Budapest Convention; xICANNx
"""


def _texts() -> Iterator[str]:
    yield PHRASES
    yield from PHRASES.splitlines()
    yield BODY_PHRASES
    for folder in (ROOT / "tests" / "data" / "tagging" / "emails", SHARED / "seeds"):
        for path in sorted(folder.glob("*.txt")):
            yield path.read_text(encoding="utf-8", errors="replace")
    trimmer = SHARED / "corpora" / "reply-trimmer" / "emails"
    if trimmer.is_dir():
        for path in sorted(trimmer.iterdir()):
            yield path.read_text(encoding="utf-8", errors="replace")
    if MIPS.is_file():
        # Whole raw messages, headers and patches included: more text to match.
        yield from MIPS.read_bytes().decode("utf-8", errors="replace").split("\nFrom ")


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    """Each text with its lowered form (cues run on the lowered text, bodies on the other)."""
    return [(text, text.lower()) for text in _texts()]


def _all_cues() -> list[tuple[str, cues.Cue]]:
    named = [
        (f"{theme} {index}", cue)
        for theme, theme_cues in cues.THEMES.items()
        for index, cue in enumerate(theme_cues)
    ]
    return named + [(f"line {theme}", cue) for theme, cue in cues.LINE_CUES.items()]


def test_corpus_is_there() -> None:
    assert MIPS.is_file(), f"linux-mips corpus not found at {MIPS}"


@pytest.mark.parametrize(("name", "cue"), _all_cues(), ids=[name for name, _ in _all_cues()])
def test_every_match_holds_a_need(name: str, cue: cues.Cue, texts: list[tuple[str, str]]) -> None:
    # A need spelled differently from the pattern (a typo, another "é") is caught here.
    assert cue.needs and all(need in cue.pattern.pattern for need in cue.needs), name
    matches = 0
    for _, lowered in texts:
        for match in cue.pattern.finditer(lowered):
            matches += 1
            assert any(need in match.group() for need in cue.needs), (name, match.group())
    assert matches, f"{name}: no phrase matches; add one to PHRASES"


def test_any_body_name_finds_every_body(texts: list[tuple[str, str]]) -> None:
    _, bodies = cues.BODIES
    matches = 0
    for text, _ in texts:
        for match in bodies.finditer(text):
            matches += 1
            assert cues.ANY_BODY_NAME.match(text, match.start()), match.group()
    assert matches >= 50
