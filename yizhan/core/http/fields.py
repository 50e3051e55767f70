"""Input types shared by every API schema, so that what the server accepts is what it can store and
compute with.

``ApiDate`` and ``ApiDateTime``: a date or time in 2000–2100. Far years (``9999-12-31T23:59:59Z``)
are valid ISO 8601 but overflow the time-zone and deadline arithmetic later (ledgers, exports): they
are refused at the door with a field error. ``parse_id``: an id from a query string, or ``None`` if it
is not one (superscript digits, or a number beyond a 64-bit integer, would otherwise raise a
``ValueError`` or an ``OverflowError`` in the database driver).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_ID = 2**63 - 1


def _in_range(value: Any) -> Any:
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise PydanticCustomError(
            "date_range",
            str(_("日期应在%(min)d年至%(max)d年之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}),
        )
    return value


_RANGE = f"（{MIN_YEAR}–{MAX_YEAR}年）"

ApiDate = Annotated[
    datetime.date,
    AfterValidator(_in_range),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": r"^(20\d\d|2100)-\d\d-\d\d$",
            "description": "YYYY-MM-DD" + _RANGE,
        }
    ),
]
ApiDateTime = Annotated[
    datetime.datetime,
    AfterValidator(_in_range),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": r"^(20\d\d|2100)-",
            "description": "ISO 8601" + _RANGE,
        }
    ),
]


def parse_id(text: str | None) -> int | None:
    """``text`` as a positive database id, or ``None``."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def validate_year_range(value: datetime.date | None) -> None:
    """The same range for Django forms (``validators=[validate_year_range]``)."""
    from django.core.exceptions import ValidationError

    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(_("日期应在%(min)d年至%(max)d年之间。") % {"min": MIN_YEAR, "max": MAX_YEAR})
