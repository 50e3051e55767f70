"""Public query codes (查询码): 12 digits — 11 random, 1 Luhn check digit — shown as 4-4-4.

Digits only, because the people who type them are often elderly and use a phone keypad; the check
digit catches most typing mistakes before any database lookup. 10^11 codes leave a guess a
negligible chance, and the public lookup is rate-limited.
"""

from __future__ import annotations

import io
import re
import secrets

import qrcode
import qrcode.image.svg

CODE_LENGTH = 12


def _luhn_digit(payload: str) -> str:
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def generate() -> str:
    payload = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH - 1))
    if payload[0] == "0":  # never starts with 0, so spreadsheets do not eat the leading digit
        payload = str(secrets.choice(range(1, 10))) + payload[1:]
    return payload + _luhn_digit(payload)


# full-width digits and dashes, as Chinese input methods type them
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－—", "0123456789--")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalise(value: str) -> str:
    return re.sub(r"[\s\-]", "", (value or "").translate(_FULL_WIDTH))


def is_well_formed(value: str) -> bool:
    """Twelve ASCII digits (after ``normalise``) with a valid check digit. ``str.isdigit`` is not used:
    it accepts superscripts and other digits that ``int`` refuses."""
    code = normalise(value)
    return (
        len(code) == CODE_LENGTH
        and _ASCII_DIGITS.fullmatch(code) is not None
        and _luhn_digit(code[:-1]) == code[-1]
    )


def display(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def qr_svg(data: str) -> str:
    """An SVG QR code (no raster dependency); ``data`` is usually the public tracking URL."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")
