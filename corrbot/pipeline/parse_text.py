"""Bytes to text under whatever charset a mail claims, never raising.

Real mail declares charsets Python does not know (``a``), names byte-to-byte codecs
(``base64``) as charsets, or sends 8-bit text with no charset or a wrong one. The
order: the declared charset strictly, then UTF-8 strictly, then cp1252 (which maps
almost every byte, so Western mail reads right), and only then the declared charset
(or UTF-8) with replacement characters. Anything short of the first try is reported
as a defect, so an operator can see why a message reads oddly.
"""

from __future__ import annotations

# Labels mail clients use for a charset while writing its superset (as browsers do).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "tis-620": "cp874",
}


def decode_bytes(
    data: bytes, charset: str | None, hint: str | None = None
) -> tuple[str, str | None]:
    """(text, defect or None) for ``data`` said to be in ``charset``.

    ``hint`` is tried after UTF-8 when no charset is declared (for raw 8-bit headers,
    the charset of the message's text is the best guess).
    """
    declared = (charset or "").strip().strip('"').lower() or None
    declared = _SUPERSETS.get(declared, declared) if declared else None
    if declared is not None:
        try:
            return data.decode(declared), None
        except UnicodeDecodeError:
            problem = f"bytes not valid in charset {charset!r}"
        except (LookupError, ValueError, TypeError):
            # LookupError: unknown name; the others: a codec that is not a text codec.
            declared, problem = None, f"unknown charset {charset!r}"
    else:
        problem = None
    guesses = ["utf-8", *([_SUPERSETS.get(hint.lower(), hint.lower())] if hint else []), "cp1252"]
    for fallback in dict.fromkeys(guesses):
        try:
            text = data.decode(fallback)
        except (UnicodeDecodeError, LookupError, ValueError, TypeError):
            continue
        if problem is None and fallback == "utf-8":
            return text, None  # undeclared but valid UTF-8 (or plain ASCII): fine
        return text, f"{problem or 'no charset'}; read as {fallback}"
    text = data.decode(declared or "utf-8", "replace")
    return text, f"{problem or 'no charset'}; undecodable bytes replaced"
