# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How many SMS segments a text takes (3GPP TS 23.038)."""

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Characters of the extension table: they take two septets (escape + character).
GSM7_EXTENSION = set("^{}\\[~]|€\f")


# Look-alikes that would turn a whole SMS into UCS-2 (70 characters a segment).
GSM7_REPLACEMENTS = str.maketrans(
    {
        "\xa0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\xb0": ".",
    }
)


def to_gsm7(text):
    """``text`` with the usual typographic look-alikes replaced by GSM-7 ones."""
    return text.translate(GSM7_REPLACEMENTS)


def is_gsm7(text):
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def count_sms_segments(text):
    """Segments of ``text``: GSM-7 160 for one, 153 each beyond; otherwise UCS-2
    70 for one, 67 each beyond (counted in UTF-16 code units)."""
    if not text:
        return 0
    if is_gsm7(text):
        length = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        single, multi = 160, 153
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if length <= single:
        return 1
    return -(-length // multi)
