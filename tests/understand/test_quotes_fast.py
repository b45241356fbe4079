"""quotes.py's fast path gives what judging every line gives (see linescan.py).

linescan picks the lines _keep must judge with patterns meant to be wider than the
markers; these tests hold it to that on marker lines in many shapes, and compare
the fast path with the line-by-line loop on mixed texts.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from corrbot.understand import linescan
from corrbot.understand.quotes import _MAX_ATTRIBUTION_LINES, _keep, _tidy
from tests.understand.test_newtext_scans import MARKERS as MARKER_PATTERNS

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "reply-trimmer" / "emails"

MARKERS = [
    "---------- Forwarded message ---------",
    "Begin forwarded message:",
    "-----Original Message-----",
    "-------- Message d'origine --------",
    "Début du message réexpédié :",
    "--- Ursprüngliche Nachricht ---",
    "Anfang der weitergeleiteten Nachricht:",
    "----- Mensaje original -----",
    "-------- Исходное сообщение --------",
    "------------------ 原始邮件 ------------------",
    "----- الرسالة الأصلية -----",
    "> -----Original Message-----",
    "* --- Forwarded message ---",
    "- > begin forwarded message:",
    "From: Alice <a@b.c>",
    "*From:* Alice <mailto:a@b.c>",
    "De : Coordinateur <c@x.org>",
    "Von: Hans",
    "发件人: 张三",
    "من: أحمد",
    "От: Иван",
    "  *  from *: x",
    "____",
    "-----",
    "=====",
    "*****",
    "~~~~~",
    "*----*",
    "-- ",
    "--",
    "This email is confidential and may be privileged.",
    "** This message is confidential",
    "If you are not the intended recipient, delete it.",
    "Ce message est confidentiel.",
    "Diese E-Mail ist vertraulich.",
    "Это сообщение конфиденциально.",
    "The information contained in this e-mail is privileged",
    "Sent from my iPhone",
    "(Sent from my phone)",
    "<Sent from Yahoo Mail>",
    "Envoyé de mon iPad",
    "Von meinem iPhone gesendet",
    "Diese Nachricht wurde von meinem Android-Gerät gesendet.",
    "Get Outlook for iOS",
    "Téléchargez Outlook pour iOS",
    "从我的iPhone发送",
    "أرسلت من iPhone",
    "+foo from my mobile",
    "x from mobile",
    "> quoted",
    "Richard> text",
    "  > quoted",
]
ATTRIBUTIONS = [
    "On Mon, Nov 18, 2013 at 10:02 AM, Coordinator <coordinator@example.org> wrote:",
    "Alice wrote:",
    "Jean-Luc Dupont a écrit :",
    "Le 18 nov. 2013, Jean nous a dit :",
    "Am 18.11.2013 um 10:02 schrieb Hans <h@x.de>:",
    "Op 18-11-2013 schreef Jan <j@x.nl>:",
    "Den 18. nov. 2013 skrev Ola <o@x.no>:",
    "18.11.2013 10:02, Иван <i@x.ru> написал:",
    "在 2013年11月18日，张三 <z@x.cn> 写道：",
    "في 18 نوفمبر 2013، كتب أحمد <a@x.eg>:",
    "2015-10-18 0:17 GMT+03:00 Matt <m@x.org>:",
    "2013/7/20 sam <s@x.org>",
]
OTHER = [
    "",
    "   ",
    "Hi Thomas,",
    "Thanks for the patch.",
    "+\tif (x)",
    "-\treturn 0;",
    "@@ -1,2 +1,3 @@",
    "--- a/arch/mips/Kconfig",
    "Signed-off-by: Paul Burton <paul.burton@mips.com>",
    "```",
    "Position: support",
    "Best regards,",
    "Olga",
]


def _shapes(line: str) -> list[str]:
    shapes = [line, line.upper(), line.lower(), line.title(), "  " + line, "\t" + line]
    return [shape.rstrip() for shape in shapes]


def _wider(line: str) -> bool:
    return bool(linescan._MARKER_START.match(line) or linescan._MOBILE_END.search(line))


def test_every_lead_starts_with_a_letter() -> None:
    # _by_first_letter branches on it.
    assert all(lead[0].isalpha() for lead in linescan._LEADS)


@pytest.mark.parametrize("line", [shape for line in MARKERS for shape in _shapes(line)])
def test_a_line_a_marker_matches_is_judged(line: str) -> None:
    if any(marker.match(line) for marker in MARKER_PATTERNS):
        assert _wider(line)


def _both(text: str) -> tuple[str, str]:
    lines = text.split("\n")
    judged = linescan.suspects(text, lines, _MAX_ATTRIBUTION_LINES)
    fast = _tidy(_keep(lines, range(len(lines)) if judged is None else judged, False))
    return fast, _tidy(_keep(lines, range(len(lines))))


def _texts() -> list[str]:
    pool = MARKERS + ATTRIBUTIONS + OTHER
    rnd = random.Random(7)
    texts = []
    for _ in range(3000):
        lines = []
        for _ in range(rnd.randint(1, 14)):
            line = rnd.choice(pool)
            if rnd.random() < 0.2 and " " in line:
                # A wrapped line.
                cut = rnd.choice([i for i, c in enumerate(line) if c == " "])
                lines += [line[:cut], line[cut + 1 :]]
            else:
                lines.append(rnd.choice(_shapes(line)))
        texts.append("\n".join(line.rstrip() for line in lines))
    return texts


def test_the_fast_path_gives_what_the_line_loop_gives() -> None:
    for text in _texts():
        if "```" not in text and "~~~" not in text:  # fences: new_text takes the loop
            fast, slow = _both(text)
            assert fast == slow, text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="reply-trimmer corpus not present")
def test_the_fast_path_on_the_corpus() -> None:
    for path in sorted(CORPUS.iterdir()):
        text = "\n".join(line.rstrip() for line in path.read_text().split("\n"))
        if "```" not in text and "~~~" not in text:
            fast, slow = _both(text)
            assert fast == slow, path.name
