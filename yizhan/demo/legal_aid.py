"""Demo configuration of the legal-aid module: an economic-hardship standard for the demo province.

The figures are illustrative, marked as such in their source, and meant to be replaced by the
district administrator with the standard the provincial government published (第三十四条)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from yizhan.legalaid.models import HardshipStandard, StandardKind

DEMO_SOURCE = "演示数据：请按省级人民政府公布的经济困难标准修改（法律援助法第三十四条）"


def seed_demo_configuration(province_code: str = "62") -> None:
    """Two dated standards, so that the demo shows a decision explained by the standard of its day."""
    for effective_from, minimum in ((datetime.date(2025, 1, 1), "760"), (datetime.date(2026, 1, 1), "800")):
        HardshipStandard.objects.get_or_create(
            region_code=province_code,
            effective_from=effective_from,
            defaults={
                "kind": StandardKind.MULTIPLE_OF_MINIMUM_LIVING,
                "multiple": Decimal("1.5"),
                "minimum_living_standard": Decimal(minimum),
                "source": DEMO_SOURCE,
            },
        )
