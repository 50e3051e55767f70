from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core import services
from yizhan.core.calendar import deadline, holiday_notice_of, years_and_sources
from yizhan.core.errors import InvalidInput
from yizhan.core.forms import DeadlineForm, HolidayNoticeForm, apply_errors
from yizhan.lib.workdays import statutory_holidays


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(request.user.notifications.all()[:200])  # type: ignore[union-attr]
    return render(request, "core/notifications.html", {"items": items})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())  # type: ignore[union-attr]
    return redirect("core:notifications")


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The deadline calculator every clock uses, and which source decides each year's holidays."""
    form = DeadlineForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = deadline(**form.cleaned_data)
        except InvalidInput as error:
            apply_errors(form, error)
    years = years_and_sources(timezone.localdate())
    return render(request, "core/calendar.html", {"form": form, "result": result, "years": years})


@permission_required(services.MANAGE_CALENDAR, raise_exception=True)
def holiday_notice(request: HttpRequest, year: int) -> HttpResponse:
    """Enter or replace the State Council's notice of ``year`` (system administrator)."""
    notice = holiday_notice_of(year)
    if request.method == "POST":
        form = HolidayNoticeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_record_holiday_notice(
                    services.NoticeData(
                        year=data["year"],
                        title=data["title"],
                        document_number=data["document_number"],
                        published_on=data["published_on"],
                        days=services.parse_notice_days(data["days"], data["year"]),
                    ),
                    actor=request.user,
                )
            except InvalidInput as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("%(year)d年节假日安排已保存，所有期限按新安排计算。") % {"year": data["year"]}
                )
                return redirect("core:calendar")
    else:
        initial: dict[str, object] = {"year": year}
        if notice is not None:
            lines = [
                f"{d.date} {'班' if d.is_workday else '休'} {d.note}".rstrip() for d in notice.days.all()
            ]
            initial |= {
                "title": notice.title,
                "document_number": notice.document_number,
                "published_on": notice.published_on,
                "days": "\n".join(lines),
            }
        else:  # a starting point: the holidays fixed by law (the notice adds 调休 and bridges)
            initial["title"] = _("国务院办公厅关于%(year)d年部分节假日安排的通知") % {"year": year}
            initial["days"] = "\n".join(
                f"{day} 休 {name}" for day, name in sorted(statutory_holidays(year).items())
            )
        form = HolidayNoticeForm(initial=initial)
    return render(
        request,
        "core/holiday_notice.html",
        {"form": form, "year": year, "notice": notice},
    )
