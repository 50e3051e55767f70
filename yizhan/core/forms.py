"""Form helpers every app's pages share: date inputs and placing a service's field errors on a form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.errors import InvalidInput

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, error: InvalidInput, field_map: dict[str, str] | None = None) -> None:
    """Put a service's field errors on the form fields (or on the form when no field matches)."""
    field_map = field_map or getattr(form, "FIELD_MAP", {})
    placed = False
    for key, message in error.fields.items():
        name = field_map.get(key, key)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class DeadlineForm(forms.Form):
    """The deadline calculator (the same inputs as ``GET /api/v1/calendar/deadline``)."""

    start = forms.DateField(label=_("起算日"), widget=DATE_INPUT)
    days = forms.IntegerField(label=_("期间"), min_value=0, max_value=3660)
    unit = forms.ChoiceField(label=_("单位"), choices=[("day", _("日（自然日）")), ("workday", _("工作日"))])


class HolidayNoticeForm(forms.Form):
    """The State Council's yearly notice, entered or pasted by the system administrator."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("通知名称"), max_length=255)
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    published_on = forms.DateField(label=_("发布日期"), required=False, widget=DATE_INPUT)
    days = forms.CharField(
        label=_("放假与调休日期"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text=_("每行一天：日期、“休”或“班”、说明。例如：2027-02-05 休 春节；2027-02-14 班 春节调休。"),
    )
