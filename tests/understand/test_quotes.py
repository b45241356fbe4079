"""new_text on replies written the way a correspondence group writes them."""

from __future__ import annotations

import pytest

from corrbot.understand.quotes import new_text

CASES: list[tuple[str, str, str]] = [
    (
        "gmail top-posting, English",
        """Dear colleagues,

Our delegation supports the proposal to list the Budapest Convention under
issue 3, with the caveat that many states have not acceded to it.

Position: support

Best regards,
Olga Petrova

On Mon, Nov 18, 2013 at 10:02 AM, Coordinator <coordinator@example.org> wrote:

> Dear members,
>
> Please find below a proposed mapping entry for issue 3.
>
> Mechanism: Convention on Cybercrime; Council of Europe
> Position: support
""",
        """Dear colleagues,

Our delegation supports the proposal to list the Budapest Convention under
issue 3, with the caveat that many states have not acceded to it.

Position: support

Best regards,
Olga Petrova""",
    ),
    (
        "inline reply keeps the answers between the quotes",
        """Jaap, thanks. Answers inline.

> 1. Should the London Action Plan be listed under spam?

Yes. It is the main enforcement network.

> 2. Is its status "addressing"?

No, I would say partially: its membership is small.

> 3. Any gap?

Cooperation with developing countries.
""",
        """Jaap, thanks. Answers inline.

Yes. It is the main enforcement network.

No, I would say partially: its membership is small.

Cooperation with developing countries.""",
    ),
    (
        "French Outlook header block",
        """Chers collègues,

La délégation de la France appuie la proposition B.

Cordialement,
Jean Dupont

De : Coordinateur <coordinator@example.org>
Envoyé : lundi 18 novembre 2013 10:02
À : cg@lists.example.org
Objet : [CG] PROPOSAL: cartographie du multilinguisme

Le texte original de la proposition.
""",
        """Chers collègues,

La délégation de la France appuie la proposition B.

Cordialement,
Jean Dupont""",
    ),
    (
        "French Gmail attribution wrapped over two lines",
        """Je m'associe à la déclaration du Sénégal.

Le lun. 18 nov. 2013 à 10:02, Amadou Diallo <amadou@example.sn> a
écrit :

> Nous proposons d'ajouter une question sur le multilinguisme.
""",
        "Je m'associe à la déclaration du Sénégal.",
    ),
    (
        "Spanish attribution and Outlook original message",
        """Apoyamos la opción B.

El 18 de noviembre de 2013, 10:02, María López <maria@example.ar> escribió:
> Texto de la propuesta.
""",
        "Apoyamos la opción B.",
    ),
    (
        "Spanish Outlook header",
        """Estamos de acuerdo.

-----Mensaje original-----
De: María López [mailto:maria@example.ar]
Enviado el: lunes, 18 de noviembre de 2013 10:02
Para: cg@lists.example.org
Asunto: [CG] Brechas

Texto anterior.
""",
        "Estamos de acuerdo.",
    ),
    (
        "Russian Gmail attribution",
        """Поддерживаем вариант B.

18 нояб. 2013 г., в 10:02, Ольга Петрова <olga@example.ru> написал:

> Предлагаем включить Будапештскую конвенцию.
""",
        "Поддерживаем вариант B.",
    ),
    (
        "Russian Outlook header",
        """Спасибо, согласны.

От: Ольга Петрова [mailto:olga@example.ru]
Отправлено: 18 ноября 2013 г. 10:02
Кому: cg@lists.example.org
Тема: [CG] Механизмы

Исходный текст.
""",
        "Спасибо, согласны.",
    ),
    (
        "Arabic attribution",
        """نؤيد الخيار ب.

في 18 نوفمبر 2013، 10:02، كتب أحمد <ahmed@example.sa>:
> نص الاقتراح
""",
        "نؤيد الخيار ب.",
    ),
    (
        "Chinese attribution and Outlook header",
        """我们支持该提案。

发件人: 李伟 <liwei@example.cn>
发送时间: 2013年11月18日 10:02
收件人: cg@lists.example.org
主题: [CG] 多语种

原始邮件内容
""",
        "我们支持该提案。",
    ),
    (
        "Chinese Gmail attribution",
        """同意。

在 2013年11月18日 上午10:02，李伟 <liwei@example.cn> 写道：
> 原始邮件内容
""",
        "同意。",
    ),
    (
        "German attribution",
        """Wir unterstützen Option A.

Am 18.11.2013 um 10:02 schrieb Thomas Schneider <thomas@example.ch>:

> Vorschlag
""",
        "Wir unterstützen Option A.",
    ),
    (
        "forwarded statement with a comment: the forward is dropped",
        """For information: the statement of our constituency, as sent to the chair.

---------- Forwarded message ---------
From: Civil Society Coordination <cs@example.org>
Date: Mon, Nov 18, 2013 at 10:02 AM
Subject: Statement on enhanced cooperation
To: Chair <chair@example.org>

The full statement.
""",
        "For information: the statement of our constituency, as sent to the chair.",
    ),
    (
        "bare forward: the forwarded body is what counts",
        """---------- Forwarded message ---------
From: Civil Society Coordination <cs@example.org>
Date: Mon, Nov 18, 2013 at 10:02 AM
Subject: Statement on enhanced cooperation
To: Chair <chair@example.org>

The full statement.
""",
        "The full statement.",
    ),
    (
        "signature separator, mobile signature and disclaimer",
        """+1

Sent from my iPhone
""",
        "+1",
    ),
    (
        "sig dashes",
        # The separator is "-- " with its trailing space, as RFC 3676 writes it.
        """I support option B.

--\x20
Amb. Kofi Mensah
Permanent Mission of Ghana
Tel. +41 22 000 00 00
""",
        "I support option B.",
    ),
    (
        "confidentiality disclaimer",
        """Noted with thanks.

Regards,
Legal Adviser

This e-mail and any attachments are confidential and may be privileged. If you
are not the intended recipient, please notify the sender and delete it.
""",
        "Noted with thanks.\n\nRegards,\nLegal Adviser",
    ),
    (
        "Envoyé de mon iPad",
        "D'accord avec l'option A.\n\nEnvoyé de mon iPad\n",
        "D'accord avec l'option A.",
    ),
    (
        "prose that looks like an attribution is kept",
        """On 12 November the Chair wrote to all members:
the group should finish the mapping before the third meeting.

I agree with that timetable.
""",
        """On 12 November the Chair wrote to all members:
the group should finish the mapping before the third meeting.

I agree with that timetable.""",
    ),
    (
        "a divider followed by real content is kept",
        """Summary of the mapping so far.
-----
Mechanism: London Action Plan; enforcement authorities
Status: partially
Gap: few members from developing countries
""",
        """Summary of the mapping so far.
-----
Mechanism: London Action Plan; enforcement authorities
Status: partially
Gap: few members from developing countries""",
    ),
    (
        "windows line endings",
        "-1\r\n\r\nThe title is too narrow.\r\n",
        "-1\n\nThe title is too narrow.",
    ),
    ("empty", "", ""),
    ("quote only", "> only a quote\n> nothing else\n", ""),
    (
        "a short attribution without a date, bottom of an objection",
        "-1\nThe spam issue is handled by the LAP.\n\nOn Mon, Alice wrote:\n> We propose.\n",
        "-1\nThe spam issue is handled by the LAP.",
    ),
    (
        "a name alone above the quote",
        "-1\nToo broad.\n\nAna Carvalho wrote:\n> Map spam first.\n",
        "-1\nToo broad.",
    ),
    (
        "a name alone, in French",
        "+1\n\nJean-Luc Dupont a écrit :\n> Cartographier le spam.\n",
        "+1",
    ),
    (
        "a sentence that ends in 'wrote:' is the sender's",
        "I agree with what the coordinator wrote:\n> Map spam first.\nIt is urgent.\n",
        "I agree with what the coordinator wrote:\n\nIt is urgent.",
    ),
]


@pytest.mark.parametrize(("label", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_new_text(label: str, body: str, expected: str) -> None:
    assert new_text(body) == expected


def test_falls_back_to_html_when_text_is_empty() -> None:
    html = (
        "<div>I support option B.</div><div><br></div>"
        '<div class="gmail_quote">On Mon, Nov 18, 2013 at 10:02 AM, A &lt;a@example.org&gt;'
        " wrote:<blockquote>Proposal text</blockquote></div>"
    )
    assert new_text(None, html) == "I support option B."
    assert new_text("  \n", html) == "I support option B."


def test_plain_text_wins_over_html() -> None:
    assert new_text("Plain", "<p>Html</p>") == "Plain"


def test_none_and_no_html() -> None:
    assert new_text(None) == ""


def test_patch_lines_and_quotes_take_the_early_paths_as_before() -> None:
    # "+" lines and plain quoted lines are decided early (quotes._keep); a "+" line
    # that reads as a mobile signature is still one, and supercite quotes still go.
    body = "Fix:\n+int x;\n+ Sent from mobile\n> quoted\n>> deeper\nRichard> sc\nmine"
    assert new_text(body) == "Fix:\n+int x;\n\nmine"
