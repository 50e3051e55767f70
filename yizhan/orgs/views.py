"""The organisation directory for staff: units, windows, people, advisers, duty rosters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.orgs.models import AdviserContract, OrgCategory, OrgKind
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
        # a village's own adviser, or the villages a law firm's lawyers serve
        "advisers": AdviserContract.objects.filter(Q(village=org.region) | Q(person__org=org)).select_related(
            "village", "person", "person__org"
        ),
    }
    return render(request, "orgs/detail.html", context)
