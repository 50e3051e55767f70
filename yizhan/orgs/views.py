"""The organisation pages for staff: the directory (units, windows, people, advisers) and the duty
rosters (值班表). Thin: read through selectors, write through services."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.calendar import FIRST_YEAR, LAST_YEAR
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.core.forms import apply_errors
from yizhan.orgs import selectors, services
from yizhan.orgs.forms import ShiftForm
from yizhan.orgs.models import AdviserContract, DutyKind, Organization, OrgCategory, OrgKind
from yizhan.orgs.rosters import DEFAULT_HOURS, monday_of, opening_spans
from yizhan.orgs.selectors import visible_orgs


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    qs = visible_orgs(request.user).filter(is_active=True).annotate(people_count=Count("people"))
    kind = request.GET.get("kind", "")
    text = (request.GET.get("q") or "").strip()
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(address__icontains=text) | Q(services__icontains=text))
    groups: dict[str, list] = {}
    labels = dict(OrgCategory.choices)
    for org in qs.order_by("category", "kind", "path"):
        groups.setdefault(str(labels[org.category]), []).append(org)
    return render(
        request, "orgs/directory.html", {"groups": groups, "kinds": OrgKind.choices, "kind": kind, "q": text}
    )


@login_required
def org_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    org = visible_orgs(request.user).filter(pk=org_id).first()
    if org is None:
        raise Http404(_("单位不存在。"))
    now = timezone.now()
    context = {
        "org": org,
        "windows": org.windows.all(),
        "people": org.people.filter(is_active=True).prefetch_related("specialties"),
        "children": org.children.filter(is_active=True).order_by("kind", "name"),
        "shifts": org.shifts.filter(ends_at__gte=now).select_related("person", "window")[:30],
        "has_roster": selectors.roster_units(request.user).filter(pk=org.pk).exists(),
        # a village's own adviser, or the villages a law firm's lawyers serve
        "advisers": AdviserContract.objects.filter(Q(village=org.region) | Q(person__org=org)).select_related(
            "village", "person", "person__org"
        ),
    }
    return render(request, "orgs/detail.html", context)


# --- duty rosters (值班表) ----------------------------------------------------------------------------


def _monday(value: str | None) -> datetime.date:
    """The Monday of the week asked for (``?week=YYYY-MM-DD``, any day of it); this week if none or bad."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        day = timezone.localdate()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        day = timezone.localdate()
    return monday_of(day)


def _week_nav(monday: datetime.date) -> dict[str, Any]:
    return {
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "this_week": monday_of(timezone.localdate()),
    }


def _roster_unit(request: HttpRequest, org_id: int) -> Organization:
    try:
        return selectors.access_roster_unit(request.user, org_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _week_url(org: Organization, monday: datetime.date) -> str:
    return f"{reverse('orgs:roster', args=[org.pk])}?week={monday.isoformat()}"


@login_required
def rosters(request: HttpRequest) -> HttpResponse:
    """The week of every roster unit of the user's jurisdiction: gaps per unit, 局长驻窗口 per bureau."""
    monday = _monday(request.GET.get("week"))
    weeks = selectors.week_overview(request.user, monday)
    context = {
        **_week_nav(monday),
        "weeks": weeks,
        "gap_total": sum(w.gap_count for w in weeks),
        "checks": selectors.leader_checks(request.user, monday),
    }
    return render(request, "orgs/rosters.html", context)


@login_required
def roster(request: HttpRequest, org_id: int) -> HttpResponse:
    """One unit's week: the entries by day, the uncovered hours flagged; the manager adds entries here."""
    org = _roster_unit(request, org_id)
    user = request.user
    monday = _monday(request.GET.get("week") or request.POST.get("day"))
    can_edit = selectors.can_arrange_roster(user, org)
    default_kind = DutyKind.HOTLINE if org.kind == OrgKind.HOTLINE else DutyKind.WINDOW
    spans = opening_spans(org.opening_hours) or opening_spans(DEFAULT_HOURS)
    starts, ends = ("08:00", "16:00") if org.kind == OrgKind.HOTLINE else (spans[0][0], spans[-1][1])
    form = ShiftForm(
        request.POST or None,
        org=org,
        people=selectors.roster_people(user, org),
        initial={
            "day": max(monday, timezone.localdate()),
            "kind": default_kind,
            "starts": starts,
            "ends": ends,
        },
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("您的账号没有编排值班的权限。"))
        if form.is_valid():
            data = form.to_data()
            try:
                services.do_add_duty_shift(org, data, actor=user)
            except InvalidInput as error:
                apply_errors(form, error)
            except (Forbidden, NotFound) as error:
                raise PermissionDenied(error.message) from error
            else:
                messages.success(
                    request, _("已添加值班安排：%(name)s。") % {"name": form.cleaned_data["person"].name}
                )
                start = data.starts_at or timezone.now()
                return redirect(_week_url(org, monday_of(timezone.localtime(start).date())))
        status = 422
    context = {
        **_week_nav(monday),
        "org": org,
        "week": selectors.week_roster(org, monday),
        "checks": selectors.leader_checks(user, monday, org),
        "can_edit": can_edit,
        "form": form,
        "is_hotline": org.kind == OrgKind.HOTLINE,
    }
    return render(request, "orgs/roster.html", context, status=status)


@login_required
@require_POST
def roster_remove(request: HttpRequest, org_id: int, shift_id: int) -> HttpResponse:
    org = _roster_unit(request, org_id)
    try:
        shift = selectors.shift_of(org, shift_id)
        services.do_remove_duty_shift(shift, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("已移除 %(name)s 的值班安排。") % {"name": shift.person.name})
    return redirect(_week_url(org, monday_of(timezone.localtime(shift.starts_at).date())))


@login_required
@require_POST
def roster_copy(request: HttpRequest, org_id: int) -> HttpResponse:
    """复制上周: the previous week's entries repeated in this week."""
    org = _roster_unit(request, org_id)
    monday = _monday(request.POST.get("week"))
    try:
        added = services.do_copy_duty_week(org, monday, actor=request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("已从上周复制 %(n)d 条值班安排。") % {"n": added})
    return redirect(_week_url(org, monday))
