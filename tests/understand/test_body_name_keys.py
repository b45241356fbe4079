"""The bodies' term looks for the names that hold a body word or mark the text holds
(cues.BODY_NAMES), not for all names: wherever BODIES names a body, those names
find one, on every spelling of every name and on the corpora. A mark counts only
where BODIES could find it (cues.BODY_MARK), and BODY_SCANNER finds what BODIES
finds."""

from __future__ import annotations

from corrbot.understand import altscan, cueevidence, cues
from corrbot.understand.textwords import ChunkBits, token_chunks
from tests.understand.test_classifier_bounds import _name_instances
from tests.understand.test_cue_needs import _texts

_BITS = ChunkBits(cueevidence.STRINGS, cueevidence.WORDS, [], 1 << 16)


def _may_name(text: str) -> bool:
    where = cueevidence.Found(_BITS.bits(token_chunks(text.lower())))
    return cueevidence._may_name_a_body(text, where)


def test_every_spelling_of_every_name() -> None:
    branches = altscan.split_alternatives(cues._BODIES)
    assert branches is not None
    for branch in branches:
        for name in _name_instances(branch):
            for text in (name, f"({name})", f"x-{name}'s", f"«{name}» and", f"é {name}"):
                assert cues.BODIES[1].search(text), text
                assert _may_name(text), (branch, text)


def test_on_the_corpora() -> None:
    named = ruled_out = 0
    for text in _texts():
        if cues.BODIES[1].search(text):
            assert _may_name(text), text[:200]
            named += 1
        ruled_out += cues.ANY_BODY_NAME.search(text) is not None and not _may_name(text)
    assert named > 10
    assert ruled_out > 10  # where ANY_BODY_NAME would have been searched in vain


def test_a_name_is_looked_for_only_by_its_words() -> None:
    assert cues.BODY_NAMES["study"].search("the Study Group met")
    assert not cues.BODY_NAMES["study"].search("ICANN and the GAC")
    assert not _may_name("a study of the ICANNs")  # "icann" not apart: not looked for
    assert _may_name("a study of ICANN")
    # Without the text's bits, every name is looked for.
    assert cueevidence._may_name_a_body("xICANNx", None)


def test_body_scanner_finds_what_bodies_finds() -> None:
    scanner, pattern = cues.BODY_SCANNER, cues.BODIES[1]
    assert scanner._searches is not None  # split, not scanned as it is
    found = 0
    for text in [*_texts(), "xICANNx ICANN, W3C FIRST_USER FIRST. RIRs RIR ITU-T ITU-Tx"]:
        names = [match.group() for match in scanner.finditer(text)]
        assert names == pattern.findall(text), text[:200]
        found += len(names)
    assert found > 50


def test_a_mark_counts_only_apart() -> None:
    bits = ChunkBits(cueevidence.STRINGS, cueevidence.WORDS, (), 1)
    for text, kept in (
        ("W3C", True),
        ("the FIRST.", True),
        ("FIRST_USER_ADDR", False),
        ("xW3C", False),
        ("W3Cx FIRST2", False),
    ):
        # plan is told the bits of the text's words (a mark's word among them)
        planned = cueevidence.plan("mechanisms", bits.bits(token_chunks(text.lower())), text)
        assert any(part.cue is None for part in planned.parts) == kept, text
        assert bool(cues.BODIES[1].search(text)) == kept, text
