"""Reads of the organisation tree."""

from __future__ import annotations

from django.db.models import QuerySet

from yizhan.core.cache import cached
from yizhan.orgs.models import Organization, OrgCategory, Region


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
    from django.db.models import Q

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
