"""markers.attribution_match tries on an ASCII line only the patterns that can end
where the line ends, and its patterns read ".+" where the verb ends the line; these
tests hold it to trying every pattern whose words occur, with ".+?"."""

from __future__ import annotations

import itertools
import re

import pytest

from corrbot.understand import markers as m

ATTRIBUTIONS = [
    "On Mon, Nov 18, 2013 at 10:02 AM, Coordinator <coordinator@example.org> wrote:",
    "On Tue, Jun 12, 2018 at 01:40:30PM +0800, Songjun Wu wrote",
    "At 6/16/2016 08:32 PM, you wrote:",
    "On Thu, 2019-11-14 at 10:00 +0100, Bob said:",
    "On Mon, Alice says",
    "In message <abc@def.org> Bob writes:",
    "Bob wrote on Mon, 12 Nov 2013:",
    "Alice <a@b.org> wrote:",
    "Bob via Group <g@x.org> wrote:",
    "Hans via Gruppe <g@x.de> schrieb:",
    "Alice wrote:",
    "Ana Carvalho escreveu:",
    "Jean-Luc Dupont a écrit :",
    "Le 18 nov. 2013, Jean nous a dit :",
    "Le lun. 18 nov. 2013 à 10:02, Jean <j@x.fr> a écrit :",
    "El 18/11/2013, Juan <j@x.es> escribió:",
    "Em 18/11/2013, João <j@x.pt> escreveu:",
    "Il 18/11/2013, Mario <m@x.it> ha scritto:",
    "Op 18-11-2013 schreef Jan <j@x.nl>:",
    "Am 18.11.2013 um 10:02 schrieb Hans <h@x.de>:",
    "Den 18. nov. 2013 skrev Ola <o@x.no>:",
    "18.11.2013 10:02, Иван <i@x.ru> написала:",
    "2015-10-18 0:17 GMT+03:00 Matt <m@x.org>:",
    "2013/7/20 sam <s@x.org>",
    "I agree with what Alice wrote:",
    "On this day I wrote something",
]
TAILS = ["", ":", " :", " >", " > ", ":\t", " -- *", " > quoted text", " > On Mon, Bob wrote:"]


def _plain(line: str) -> bool:
    # Every pattern whose words occur, with a lazy ".+?" before the verb.
    lowered = line.lower()
    return any(
        re.compile(pattern.pattern.replace(r".+\b", r".+?\b"), re.I).match(line)
        for pattern, needs in zip(m.ATTRIBUTION, m.ATTRIBUTION_NEEDS, strict=True)
        if any(word in lowered for word in needs)
    )


def _shapes(line: str) -> list[str]:
    return [line, line.upper(), line.lower(), line.title(), "> " + line, line.replace(" ", "\t")]


@pytest.mark.parametrize("attribution", ATTRIBUTIONS)
def test_attribution_match_matches_what_every_pattern_matched(attribution: str) -> None:
    for shape, tail in itertools.product(_shapes(attribution), TAILS):
        for line in (shape + tail, shape + tail + " " + attribution):
            assert m.attribution_match(line) == _plain(line), line


@pytest.mark.parametrize(
    "line",
    [
        "Alice wrıtes:",  # a dotless i, which IGNORECASE takes for "i"
        "On Mon, Alice ſaid:",
        "On Mon, Alice WRITES:\u00a0",
        "Alice wrote:\x1c",
        "Alice wrote :：",
    ],
)
def test_lines_that_are_not_ascii_are_tried_as_before(line: str) -> None:
    assert m.attribution_match(line) == _plain(line)
