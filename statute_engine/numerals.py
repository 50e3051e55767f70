"""Chinese numerals ↔ int, and article labels such as 第一千零八十四条 / 第十条之一.

Statute numbering uses ordinary Chinese numerals (第一百一十条, 第一千二百五十四条), sometimes Arabic
digits (第1254条) and, for articles inserted by an amendment, the 之一/之二 suffix (第十条之一 is an
article of its own, written "10-1" in machine form).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CN_NUMERAL_CHARS",
    "ArticleNo",
    "article_label",
    "cn_to_int",
    "int_to_cn",
    "parse_article_no",
]

_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_MYRIAD: dict[str, int] = {"万": 10_000, "亿": 100_000_000}

#: Every character that may appear in a Chinese numeral (for building regexes).
CN_NUMERAL_CHARS = "".join([*_DIGITS, *_UNITS, *_MYRIAD])

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def cn_to_int(text: str) -> int | None:
    """Parse a Chinese (or Arabic, or full-width) numeral; ``None`` when it is not one.

    >>> cn_to_int("一千二百五十四"), cn_to_int("十五"), cn_to_int("一千零八十四"), cn_to_int("1254")
    (1254, 15, 1084, 1254)
    """
    s = text.strip().translate(_FULLWIDTH)
    if not s:
        return None
    if s.isdigit():
        return int(s)
    # Digit-by-digit form without units (一二五四 / 二〇二〇).
    if len(s) > 1 and all(ch in _DIGITS for ch in s):
        return int("".join(str(_DIGITS[ch]) for ch in s))
    total = 0  # completed myriad groups
    section = 0  # value below the current myriad
    num = -1  # pending digit (-1: none)
    for ch in s:
        if ch in _DIGITS:
            num = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if num == -1 else num) * _UNITS[ch]
            num = -1
        elif ch in _MYRIAD:
            section += max(num, 0)
            total += (section or 1) * _MYRIAD[ch]
            section, num = 0, -1
        else:
            return None
    return total + section + max(num, 0)


_SMALL = "零一二三四五六七八九"


def _below_10000(n: int, *, leading: bool) -> str:
    out: list[str] = []
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        if unit == "十" and digit == 1 and not out and leading:
            out.append("十")  # 十五, not 一十五 — but 一百一十
        else:
            out.append(_SMALL[digit] + unit)
    return "".join(out)


def int_to_cn(n: int) -> str:
    """Write a non-negative integer the way statutes do: 10 → 十, 110 → 一百一十, 1084 → 一千零八十四."""
    if n < 0:
        raise ValueError("negative numbers are not article numbers")
    if n == 0:
        return "零"
    if n < 10_000:
        return _below_10000(n, leading=True)
    high, low = divmod(n, 10_000)
    text = int_to_cn(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _below_10000(low, leading=False)
    return text


@dataclass(frozen=True, order=True)
class ArticleNo:
    """An article number: ``number`` plus the 之N ``sub`` number (0 for a plain article)."""

    number: int
    sub: int = 0

    @property
    def label(self) -> str:
        """Chinese label, e.g. 第十条之一."""
        return article_label(self.number, self.sub)

    @property
    def key(self) -> str:
        """Machine form: "1254" or "10-1"."""
        return f"{self.number}-{self.sub}" if self.sub else str(self.number)

    def __str__(self) -> str:
        return self.key


def article_label(number: int, sub: int = 0) -> str:
    """第N条 (or 第N条之M) in Chinese numerals."""
    label = f"第{int_to_cn(number)}条"
    if sub:
        label += f"之{int_to_cn(sub)}"
    return label


_NUM = rf"[0-9０-９{CN_NUMERAL_CHARS}]+"
_ARTICLE_RE = re.compile(rf"^\s*第?\s*({_NUM})\s*条?(?:\s*之\s*({_NUM}))?\s*$")
_KEY_RE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


def parse_article_no(text: str) -> ArticleNo | None:
    """Parse 第一千零八十四条, 第1084条, 1084, 第十条之一, "10-1" into an :class:`ArticleNo`."""
    m = _KEY_RE.match(text)
    if m:
        return ArticleNo(int(m.group(1)), int(m.group(2)))
    m = _ARTICLE_RE.match(text)
    if not m:
        return None
    number = cn_to_int(m.group(1))
    if number is None:
        return None
    sub = 0
    if m.group(2):
        parsed_sub = cn_to_int(m.group(2))
        if parsed_sub is None:
            return None
        sub = parsed_sub
    return ArticleNo(number, sub)
