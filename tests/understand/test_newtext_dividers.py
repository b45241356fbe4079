"""new_text tells a signature separator, a quoted line and a divider's signature
more cheaply, with the same results.

_keep takes a "--" line as SIG_DASHES before the other checks (of a right-stripped
line, it is the only line SIG_DASHES matches, and none of the checks before it
takes one); a line without ">" is no quote; _divider_ends_text looks for a
convention only among the few lines of a signature. These tests hold each to the
check it stands for.
"""

from __future__ import annotations

import itertools

from corrbot.understand import markers as m
from corrbot.understand import quotes as q

BLANKS = ["", " ", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028", "\u3000"]


def test_sig_dashes_of_a_right_stripped_line_is_two_dashes() -> None:
    for pieces in itertools.product(["", "-", "--", "---", "x", ">", "*"], BLANKS, BLANKS):
        for line in ("".join(pieces), pieces[1] + "".join(pieces)):
            line = line.rstrip()
            assert bool(m.SIG_DASHES.match(line)) == (line == "--"), repr(line)


def test_two_dashes_are_taken_by_no_check_before_the_signature() -> None:
    assert not q._attribution(["--", "> quoted"], 0)
    assert not q._attribution(["--", "wrote:"], 0)
    assert not m.QUOTE.match("--")
    assert not m.MOBILE_SIGNATURE_ANY.match("--")


def test_a_signature_separator_ends_the_text_wherever_it_is() -> None:
    for above, below in itertools.product(["", "Hi\n", "> q\nok\n"], ["", "\nsig", "\n> x"]):
        text = f"{above}Thanks\n-- {below}"
        assert q.new_text(text) == q.new_text(f"{above}Thanks"), text
        # The loop over every line (a fence sends new_text there) agrees.
        lines = text.split("\n")
        loop = q._tidy(q._keep([line.rstrip() for line in lines], range(len(lines))))
        assert q.new_text(text) == loop, text


def test_a_line_is_quoted_as_quote_reads_it() -> None:
    shapes = ["> x", ">", "a> x", "ab>", " >", "\t> x", "x > y", "abc> ", "a>b", "-> x", "x"]
    for shape in shapes:
        for line in (shape, shape.upper(), "  " + shape):
            assert q._quoted(line) == bool(m.QUOTE.match(line)), line
