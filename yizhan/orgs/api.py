"""Organisations API: units, regions and people (the directory is public information inside the
judicial administration; a unit's staff-only data is not exposed here)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from yizhan.core.errors import NotFound
from yizhan.core.http.pagination import MAX_LIMIT, paginate
from yizhan.orgs.models import Organization, Region
from yizhan.orgs.selectors import visible_orgs

staff_router = Router(tags=["组织机构"])


class WindowOut(Schema):
    kind: str
    name: str
    number: int


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    category: str
    parent_id: int | None
    region: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    opening_hours: str
    phone: str
    appointment_phone: str
    supervision_phone: str
    hotline_number: str
    star_rating: int | None
    referral_guidance: str


class OrgDetailOut(OrgOut):
    windows: list[WindowOut]
    people: list[dict[str, Any]]


class OrgPage(Schema):
    items: list[OrgOut]
    next_cursor: str | None


class OrgFilters(Schema):
    kind: str | None = None
    category: str | None = None
    region: str | None = None
    q: str | None = None
    cursor: str | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None


def _org(o: Organization) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "category": o.category,
        "parent_id": o.parent_id,
        "region": o.region_id,
        "address": o.address,
        "latitude": o.latitude,
        "longitude": o.longitude,
        "opening_hours": o.opening_hours,
        "phone": o.phone,
        "appointment_phone": o.appointment_phone,
        "supervision_phone": o.supervision_phone,
        "hotline_number": o.hotline_number,
        "star_rating": o.star_rating,
        "referral_guidance": o.referral_guidance,
    }


@staff_router.get("/orgs", response=OrgPage, summary="单位列表")
def list_orgs(request: HttpRequest, filters: Query[OrgFilters]) -> dict[str, Any]:
    qs = visible_orgs(request.user).filter(is_active=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.region:
        qs = qs.filter(region__code__startswith=filters.region)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(address__icontains=filters.q))
    items, next_cursor = paginate(qs, filters.cursor, filters.limit)
    return {"items": [_org(o) for o in items], "next_cursor": next_cursor}


@staff_router.get("/orgs/{org_id}", response=OrgDetailOut, summary="单位详情（窗口、人员）")
def get_org(request: HttpRequest, org_id: int) -> dict[str, Any]:
    org = visible_orgs(request.user).filter(pk=org_id).first()
    if org is None:
        raise NotFound("单位不存在。")
    data = _org(org)
    data["windows"] = [{"kind": w.kind, "name": w.name, "number": w.number} for w in org.windows.all()]
    today = datetime.date.today()  # noqa: DTZ011 - a calendar date for practice years
    data["people"] = [
        {
            "id": p.pk,
            "name": p.name,
            "role": p.role,
            "title": p.title,
            "specialties": [s.name for s in p.specialties.all()],
            "practice_years": (today - p.practice_since).days // 365 if p.practice_since else None,
            "public_phone": p.public_phone,
            "accepts_citizen_choice": p.accepts_citizen_choice,
        }
        for p in org.people.filter(is_active=True, is_public=True).prefetch_related("specialties")
    ]
    return data


@staff_router.get("/regions", response=list[RegionOut], summary="行政区划")
def list_regions(request: HttpRequest, parent: str | None = None) -> list[dict[str, Any]]:
    qs = Region.objects.filter(parent__code=parent) if parent else Region.objects.filter(parent__isnull=True)
    return [
        {"code": r.code, "name": r.name, "level": r.level, "parent": r.parent_id} for r in qs.order_by("code")
    ]
