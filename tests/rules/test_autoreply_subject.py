"""The out-of-office subject test answers as ``_PHRASES.search`` does, quick words or not."""

from __future__ import annotations

import random
import re

from corrbot.rules.autoreply import _PHRASES, _out_of_office

# One subject per alternative of _PHRASES, as written there (ASCII and not).
PHRASES = [
    "out of office",
    "Out of the Office",
    "automatic reply",
    "autoreply",
    "Auto-Reply",
    "auto response",
    "vacation reply",
    "Vacation Notice",
    "away from my office",
    "Abwesenheitsnotiz",
    "Automatische Antwort",
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
    "risposta automatica",
    "fuori sede",
    "fuori ufficio",
    "automatisch antwoord",
    "resposta automática",
    "fora do escritório",
    "fora do escritorio",
    "automatiskt svar",
    "autosvar",
    "automatisk svar",
    "odpowiedź automatyczna",
    "odpowiedz automatyczna",
    "автоответ",
    "自动回复",
    "自動回覆",
    "不在办公室",
    "رد تلقائي",
]
# Letters IGNORECASE matches to others that str.lower keeps apart (dotless ı, long ſ,
# the Kelvin sign), and near misses.
ODD = ["ı", "ſ", "K", "İ", "é", "x", "-", " ", "_", "1"]


def _variants(rng: random.Random, phrase: str) -> list[str]:
    cased = "".join(c.upper() if rng.random() < 0.5 else c for c in phrase)
    odd = list(phrase)
    odd[rng.randrange(len(odd))] = rng.choice(ODD)
    short = phrase[: rng.randrange(len(phrase))]
    return [
        phrase,
        cased,
        f"Re: [PATCH] {cased} (was: x)",
        f"x{phrase}",
        f"{phrase}s",
        "".join(odd),
        f"Re: {''.join(odd)} here",
        short,
        f"{short}ı",
    ]


def test_every_phrase_and_its_variants_read_as_the_search() -> None:
    rng = random.Random(7)
    subjects = ["", " ", "Re: [PATCH v2] MIPS: fix the office build", "AUTOSVAR", "Autosvar!"]
    for _ in range(40):
        for phrase in PHRASES:
            subjects.extend(_variants(rng, phrase))
    found = 0
    for subject in subjects:
        expected = _PHRASES.search(subject) is not None
        assert _out_of_office(subject) is expected, subject
        found += expected
    assert found > len(subjects) // 3  # the test does see matches


def test_an_ascii_letter_ignorecase_matches_only_as_lower_does() -> None:
    # Why the quick words are looked for in the lowered subject only when it is ASCII.
    letters = set("".join(w for w in PHRASES if w.isascii()).lower()) - {" ", "-"}
    for letter in letters:
        for code in range(0x80):
            matches = re.fullmatch(letter, chr(code), re.IGNORECASE) is not None
            assert matches is (chr(code).lower() == letter)
