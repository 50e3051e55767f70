"""Template helpers shared by every page."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.forms import BoundField
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("includes/field.html")
def field(bound: BoundField, css: str = "") -> dict[str, Any]:
    """Label, widget, help text and errors of one form field, in our markup."""
    widget = bound.field.widget
    kind = widget.__class__.__name__
    return {
        "f": bound,
        "css": css,
        "is_check": kind == "CheckboxInput",
        "is_multi": kind in ("CheckboxSelectMultiple", "RadioSelect"),
        "hidden": bound.is_hidden,
    }


@register.filter
def due_class(due: datetime.date | None, state: str = "") -> str:
    if due is None:
        return ""
    today = timezone.localdate()
    if due < today:
        return "overdue"
    if (due - today).days <= 2:
        return "near"
    return ""


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.inclusion_tag("includes/provisional.html")
def provisional(due: datetime.date | datetime.datetime | None) -> dict[str, Any]:
    """A 暂定 mark after a due date that lies in a year whose holiday arrangement is not published yet
    (computed from the holidays fixed by law; decision 0003)."""
    from yizhan.core.calendar import work_calendar

    if isinstance(due, datetime.datetime):
        due = timezone.localtime(due).date()
    return {"show": due is not None and work_calendar().is_provisional(due)}
