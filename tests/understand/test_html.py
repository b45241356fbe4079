"""html_to_text: block structure, quotes as ``> `` lines, no scripts or styles."""

from __future__ import annotations

import pytest

from corrbot.understand.html import html_to_text

CASES = [
    ("paragraphs", "<p>First point.</p><p>Second point.</p>", "First point.\n\nSecond point."),
    ("br", "Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
    ("divs", "<div>Dear all,</div><div>+1</div>", "Dear all,\n+1"),
    (
        "blockquote",
        "<div>Agreed.</div><blockquote><p>Original</p><p>text</p></blockquote>",
        "Agreed.\n\n> Original\n\n> text",
    ),
    ("nested blockquote", "<blockquote>a<blockquote>b</blockquote></blockquote>", "> a\n> > b"),
    (
        "script and style dropped",
        "<style>p {color: red}</style><p>Text</p><script>alert(1)</script>",
        "Text",
    ),
    ("entities", "<p>Caf&eacute; &amp; r&eacute;sum&#233; &lt;ok&gt;</p>", "Café & résumé <ok>"),
    ("whitespace collapsed", "<p>one\n   two\tthree</p>", "one two three"),
    ("list items", "<ul><li>ICANN</li><li>ITU</li></ul>", "- ICANN\n- ITU"),
    (
        "pre keeps lines",
        "<pre>Mechanism: X\nStatus: partially</pre>",
        "Mechanism: X\nStatus: partially",
    ),
    ("empty", "", ""),
]


@pytest.mark.parametrize(("label", "html", "expected"), CASES, ids=[c[0] for c in CASES])
def test_html_to_text(label: str, html: str, expected: str) -> None:
    assert html_to_text(html) == expected


def test_outlook_html_reply() -> None:
    html = """<html><body><div class=WordSection1>
<p class=MsoNormal>We support option B.<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<div style='border:none;border-top:solid #E1E1E1 1.0pt'><p class=MsoNormal><b>From:</b> Coordinator
&lt;coordinator@example.org&gt;<br><b>Sent:</b> Monday, November 18, 2013 10:02 AM<br>
<b>To:</b> cg@lists.example.org<br><b>Subject:</b> [CG] PROPOSAL: spam</p></div>
<p>Original proposal.</p></div></body></html>"""
    text = html_to_text(html)
    assert text.startswith("We support option B.")
    assert "From: Coordinator <coordinator@example.org>" in text
    assert "Subject: [CG] PROPOSAL: spam" in text
