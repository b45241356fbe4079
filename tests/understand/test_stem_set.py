"""stem_set gives exactly the set of stems (its own tokenising must agree with the regex)."""

from __future__ import annotations

import pytest

from corrbot.understand.textwords import stem_set, stems

TEXTS = [
    "",
    "Mechanisms addressing the identified issues; don’t re-state “gaps”!",
    "int foo_bar2(struct mips_cpu *cpu) { return CPU_ID_Ⅻ + x²; } // café naïve İstanbul",
    "a\u2028b\x1cc\u3000d\x85e x’’y --z-- 'q' -- ’",
]


@pytest.mark.parametrize("text", TEXTS)
def test_stem_set_is_the_set_of_stems(text: str) -> None:
    assert stem_set(text) == set(stems(text))
