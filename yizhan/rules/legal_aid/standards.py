"""Dated regional data the rules read: the economic-hardship standard (第三十四条, set by each
province) and regional extensions of scope (第三十一条第九项, 第三十二条第五项, 第四十二条第四项).

The rules never hard-code a number: the caller passes the standards, and the one in force on the
decision date for the most specific region applies, so that last year's decision is explained by
last year's standard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PER_CAPITA_INCOME_LIMIT = "per_capita_income_limit"
MULTIPLE_OF_MINIMUM_LIVING = "multiple_of_minimum_living"


@dataclass(frozen=True)
class Standard:
    region_code: str
    effective_from: dt.date
    kind: str
    source: str
    amount: Decimal | None = None
    multiple: Decimal | None = None
    minimum_living_standard: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind == PER_CAPITA_INCOME_LIMIT and self.amount is None:
            raise ValueError("a per-capita income limit needs an amount")
        if self.kind == MULTIPLE_OF_MINIMUM_LIVING and (
            self.multiple is None or self.minimum_living_standard is None
        ):
            raise ValueError("a multiple of the minimum living standard needs both numbers")
        if self.kind not in (PER_CAPITA_INCOME_LIMIT, MULTIPLE_OF_MINIMUM_LIVING):
            raise ValueError(f"unknown standard kind {self.kind!r}")

    @property
    def monthly_limit(self) -> Decimal:
        """Per-capita monthly household income at or below which the applicant is in hardship."""
        if self.kind == PER_CAPITA_INCOME_LIMIT and self.amount is not None:
            return Decimal(self.amount)
        if (
            self.kind == MULTIPLE_OF_MINIMUM_LIVING
            and self.multiple is not None
            and self.minimum_living_standard is not None
        ):
            return (Decimal(self.multiple) * Decimal(self.minimum_living_standard)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        # unreachable: __post_init__ refuses a standard without the numbers of its kind
        raise ValueError(f"standard {self.region_code} of {self.effective_from} lacks its numbers")

    def describe(self) -> str:
        if self.kind == PER_CAPITA_INCOME_LIMIT:
            rule = f"家庭人均月收入不超过{_yuan(self.monthly_limit)}元"
        else:
            minimum = _yuan(Decimal(self.minimum_living_standard or 0))
            rule = (
                f"家庭人均月收入不超过当地最低生活保障标准（{minimum}元）"
                f"的{_plain(Decimal(self.multiple or 0))}倍，即{_yuan(self.monthly_limit)}元"
            )
        return f"{rule}（{self.source}，{self.effective_from:%Y年%m月%d日}起施行）"

    def as_dict(self) -> dict[str, str]:
        return {
            "region_code": self.region_code,
            "effective_from": self.effective_from.isoformat(),
            "kind": self.kind,
            "monthly_limit": str(self.monthly_limit),
            "source": self.source,
            "description": self.describe(),
        }


@dataclass(frozen=True)
class Extension:
    """A region's additional item under 第三十一条第九项 (claims), 第三十二条第五项 (waivers) or
    第四十二条第四项 (groups exempt from verification)."""

    region_code: str
    article: str  # "31.9" | "32.5" | "42.4"
    key: str
    label: str
    effective_from: dt.date
    source: str


def _applies(region_code: str, region: str, effective_from: dt.date, on: dt.date) -> bool:
    return bool(region) and region.startswith(region_code) and effective_from <= on


def standard_for(standards: Iterable[Standard], region: str, on: dt.date) -> Standard | None:
    """The most specific region's standard in force on ``on`` (latest effective date among them)."""
    best: Standard | None = None
    for s in standards:
        if not _applies(s.region_code, region, s.effective_from, on):
            continue
        if best is None or (len(s.region_code), s.effective_from) > (
            len(best.region_code),
            best.effective_from,
        ):
            best = s
    return best


def extensions_for(extensions: Iterable[Extension], region: str, on: dt.date) -> list[Extension]:
    return [e for e in extensions if _applies(e.region_code, region, e.effective_from, on)]


def _yuan(value: Decimal) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
