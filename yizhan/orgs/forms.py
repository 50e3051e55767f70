"""Forms of the organisation pages: one roster entry (值班安排) as a manager types it."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.core.calendar import FIRST_YEAR, LAST_YEAR
from yizhan.core.forms import DATE_INPUT
from yizhan.orgs.models import DutyKind, Organization, OrgKind, Person, ServiceWindow
from yizhan.orgs.services import ShiftData

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.title or obj.get_role_display()} · {obj.org.short_name or obj.org.name}）"


class ShiftForm(forms.Form):
    """One entry; an end time not after the start time means the next day (a night seat of the hotline)."""

    kind = forms.ChoiceField(label=_("值班类型"), choices=DutyKind.choices)
    day = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    starts = forms.TimeField(label=_("开始"), widget=TIME_INPUT)
    ends = forms.TimeField(
        label=_("结束"), widget=TIME_INPUT, help_text=_("早于开始时间表示次日（热线夜班）。")
    )
    person = PersonChoiceField(label=_("值班人员"), queryset=Person.objects.none())
    window = forms.ModelChoiceField(label=_("窗口"), queryset=ServiceWindow.objects.none(), required=False)
    seat = forms.CharField(label=_("坐席号"), max_length=16, required=False)
    note = forms.CharField(label=_("备注"), max_length=128, required=False)

    FIELD_MAP = {"starts_at": "starts", "ends_at": "ends"}

    def __init__(self, *args: Any, org: Organization, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        window = self.fields["window"]
        if isinstance(person, forms.ModelChoiceField):
            person.queryset = people
        if isinstance(window, forms.ModelChoiceField):
            window.queryset = org.windows.all()
        kind = self.fields["kind"]
        kinds = (
            (DutyKind.HOTLINE,)
            if org.kind == OrgKind.HOTLINE
            else (DutyKind.WINDOW, DutyKind.LEADER_AT_WINDOW)
        )
        if isinstance(kind, forms.ChoiceField):
            kind.choices = [(k.value, k.label) for k in kinds]
        del self.fields["window" if org.kind == OrgKind.HOTLINE else "seat"]

    def clean_day(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["day"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("日期应在%(first)d年至%(last)d年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day

    def to_data(self) -> ShiftData:
        data = self.cleaned_data
        day: datetime.date = data["day"]
        starts = timezone.make_aware(datetime.datetime.combine(day, data["starts"]))
        end_day = day if data["ends"] > data["starts"] else day + datetime.timedelta(days=1)
        ends = timezone.make_aware(datetime.datetime.combine(end_day, data["ends"]))
        return ShiftData(
            kind=data["kind"],
            person=data["person"],
            starts_at=starts,
            ends_at=ends,
            window=data.get("window"),
            seat=data.get("seat") or "",
            note=data.get("note") or "",
        )
