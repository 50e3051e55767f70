"""Reads of the organisation tree, and of the duty rosters (who is on duty, the week, its gaps)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.core.cache import cached
from yizhan.core.calendar import work_calendar
from yizhan.core.errors import NotFound
from yizhan.orgs import rosters
from yizhan.orgs.models import DutyKind, DutyShift, Organization, OrgCategory, OrgKind, Person, Region


def region_chain(code: str) -> list[Region]:
    """A region and its parents, nearest first (cached: the division tree rarely changes)."""

    def load() -> list[Region]:
        region = Region.objects.filter(code=code).first()
        return region.ancestors() if region else []

    return cached("regions", f"chain:{code}", load)


def subtree_ids(org_id: int) -> frozenset[int]:
    """The unit and all units below it (a prefix query on the materialised path, cached)."""

    def load() -> frozenset[int]:
        path = Organization.objects.filter(pk=org_id).values_list("path", flat=True).first()
        if path is None:
            return frozenset()
        return frozenset(Organization.objects.filter(path__startswith=path).values_list("pk", flat=True))

    return cached("orgs", f"subtree:{org_id}", load)


def visible_orgs(user) -> QuerySet[Organization]:
    """Units a staff member may see in full: own subtree, plus every institution and external department
    (the directory of transfer targets is public information)."""
    return Organization.objects.filter(
        Q(pk__in=user.scope_org_ids)
        | Q(category__in=[OrgCategory.INSTITUTION, OrgCategory.EXTERNAL])
        | Q(is_public=True)
    ).select_related("region", "parent")


def transfer_targets(user) -> QuerySet[Organization]:
    """Transfer targets: institutions, judicial offices, service points and external departments."""
    return (
        Organization.objects.filter(is_active=True)
        .exclude(kind__in=["province_department", "city_bureau", "district_bureau"])
        .select_related("region")
        .order_by("category", "kind", "name")
    )


def public_directory() -> QuerySet[Organization]:
    return Organization.objects.filter(is_public=True, is_active=True).select_related("region")


# --- duty rosters (值班表) ---------------------------------------------------------------------------

#: the permission to arrange a unit's duty roster (held by the district manager's role)
ROSTER_PERMISSION = "orgs.change_dutyshift"


def roster_units(user: Any) -> QuerySet[Organization]:
    """Units of the user's jurisdiction that keep a duty roster: service points and hotlines."""
    return Organization.objects.filter(
        pk__in=user.scope_org_ids, category=OrgCategory.SERVICE_POINT, is_active=True
    ).order_by("path")


def access_roster_unit(user: Any, org_id: int) -> Organization:
    """A roster unit of the user's jurisdiction, or ``NotFound`` (outside it answers like missing)."""
    org = roster_units(user).select_related("region", "parent").filter(pk=org_id).first()
    if org is None:
        raise NotFound(_("单位不存在。"))
    return org


def can_arrange_roster(user: Any, org: Organization) -> bool:
    """Whether ``user`` may change ``org``'s roster: the permission, and the unit in their subtree."""
    return bool(user.has_perm(ROSTER_PERMISSION)) and org.pk in user.scope_org_ids


def _week_bounds(monday: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(0)))
    return start, start + datetime.timedelta(days=7)


def shifts_between(
    org_ids: Iterable[int], start: datetime.datetime, end: datetime.datetime
) -> QuerySet[DutyShift]:
    return (
        DutyShift.objects.filter(org_id__in=list(org_ids), starts_at__lt=end, ends_at__gt=start)
        .select_related("person", "person__org", "person__user", "window", "org")
        .order_by("starts_at", "id")
    )


def week_roster(org: Organization, monday: datetime.date) -> rosters.WeekRoster:
    """``org``'s roster for the week starting ``monday``, with the uncovered spans flagged."""
    start, end = _week_bounds(monday)
    return rosters.week_of(org, monday, shifts_between([org.pk], start, end), work_calendar())


def week_overview(user: Any, monday: datetime.date) -> list[rosters.WeekRoster]:
    """The week of every roster unit in the user's jurisdiction (one query for the shifts)."""
    units = list(roster_units(user))
    start, end = _week_bounds(monday)
    by_org: dict[int, list[DutyShift]] = {}
    for shift in shifts_between([u.pk for u in units], start, end):
        by_org.setdefault(shift.org_id, []).append(shift)
    calendar = work_calendar()
    return [rosters.week_of(u, monday, by_org.get(u.pk, []), calendar) for u in units]


def district_bureau_of(org: Organization) -> Organization | None:
    """The district (county) bureau ``org`` belongs to: itself or its nearest such ancestor."""
    node: Organization | None = org
    while node is not None:
        if node.kind == OrgKind.DISTRICT_BUREAU:
            return node
        node = node.parent
    return None


def leader_checks(
    user: Any, monday: datetime.date, org: Organization | None = None
) -> list[rosters.LeaderCheck]:
    """局长驻窗口 of the week for the district bureaus concerned: ``org``'s bureau when a unit is given,
    else the bureaus in the user's jurisdiction (or the bureau above the user's own unit)."""
    if org is not None:
        bureaus = [b] if (b := district_bureau_of(org)) is not None else []
    else:
        bureaus = list(
            Organization.objects.filter(pk__in=user.scope_org_ids, kind=OrgKind.DISTRICT_BUREAU).order_by(
                "path"
            )
        )
        if not bureaus and user.unit is not None and (b := district_bureau_of(user.unit)) is not None:
            bureaus = [b]
    start, end = _week_bounds(monday)
    checks = []
    for bureau in bureaus:
        shifts = (
            DutyShift.objects.filter(
                kind=DutyKind.LEADER_AT_WINDOW,
                org__path__startswith=bureau.path,
                starts_at__lt=end,
                ends_at__gt=start,
            )
            .select_related("person", "org", "window")
            .order_by("starts_at")
        )
        checks.append(rosters.LeaderCheck(bureau=bureau, monday=monday, shifts=list(shifts)))
    return checks


def on_duty(org: Organization, at: datetime.datetime | None = None) -> list[DutyShift]:
    """The shifts at ``org`` running at ``at`` (now by default): window or seat first, then a leader
    at the window; the earliest started first."""
    at = at or timezone.now()
    shifts = DutyShift.objects.filter(org=org, starts_at__lte=at, ends_at__gt=at).select_related(
        "person", "person__user"
    )
    return sorted(shifts, key=lambda s: (rosters.kind_order(s), s.starts_at, s.pk))


def roster_people(user: Any, org: Organization) -> QuerySet[Person]:
    """Whom a manager may put on ``org``'s roster: the active people of their jurisdiction (lawyers of
    the district's firms on window duty, the bureau's leaders for 局长驻窗口), the unit's own first."""
    people = Person.objects.filter(is_active=True).filter(Q(org_id__in=user.scope_org_ids) | Q(org=org))
    own_first = Case(When(org=org, then=Value(0)), default=Value(1))
    return people.select_related("org").order_by(own_first, "org__path", "name")


def shift_of(org: Organization, shift_id: int) -> DutyShift:
    """One entry of ``org``'s roster, or ``NotFound``."""
    shift = DutyShift.objects.select_related("org", "person").filter(org=org, pk=shift_id).first()
    if shift is None:
        raise NotFound(_("值班安排不存在。"))
    return shift
