"""The unit tree: a materialised path per unit, subtrees (jurisdiction) and the region chain, both cached
and invalidated when a unit or a region changes."""

import pytest
from django.core.exceptions import ValidationError

from yizhan.orgs.models import Organization, OrgCategory, OrgKind, Region
from yizhan.orgs.selectors import region_chain, subtree_ids


def ids(*units):
    return frozenset(unit.pk for unit in units)


def add_unit(name, kind, parent, **extra):
    unit = Organization(name=name, kind=kind, parent=parent, region=parent.region, **extra)
    unit.save()
    return unit


def test_a_units_path_lists_its_ancestors_from_the_top_down(district):
    room = district.rooms[0]
    chain = [district.city, district.bureau, district.offices[0], district.stations[0], room]
    assert room.path == "".join(f"{unit.pk:07d}/" for unit in chain)
    assert [int(part) for part in room.path.rstrip("/").split("/")] == [unit.pk for unit in chain]


def test_the_subtree_of_a_unit_is_itself_and_everything_below_it(district):
    office = district.offices[0]
    township = ids(
        office,
        district.stations[0],
        district.committees[0],
        *district.village_committees[:2],
        *district.rooms[:2],
    )
    assert subtree_ids(office.pk) == township  # not the other township's units
    assert subtree_ids(district.city.pk) == frozenset(Organization.objects.values_list("pk", flat=True))
    assert subtree_ids(district.rooms[0].pk) == ids(district.rooms[0])  # a leaf
    assert subtree_ids(999_999) == frozenset()


def test_a_users_scope_is_the_subtree_of_their_unit(users, district):
    assert users["clerk2"].scope_org_ids == ids(district.stations[0], *district.rooms[:2])
    assert district.city.pk not in users["manager"].scope_org_ids
    assert district.bureau.pk in users["city"].scope_org_ids


def test_the_subtree_is_cached_and_a_new_unit_joins_it_at_once(district, django_assert_num_queries):
    station = district.stations[0]
    before = subtree_ids(station.pk)
    with django_assert_num_queries(0):
        assert subtree_ids(station.pk) == before  # from the cache
    room = add_unit("新建公共法律服务室", OrgKind.ROOM, station)
    assert subtree_ids(station.pk) == before | {room.pk}
    assert room.pk in subtree_ids(district.bureau.pk)
    assert room.path == station.path + f"{room.pk:07d}/"


def test_moving_a_unit_moves_its_whole_subtree_and_refreshes_both_subtrees(district):
    old_office, new_office = district.offices
    station = district.stations[0]
    moved = ids(station, *district.rooms[:2])
    assert moved <= subtree_ids(old_office.pk)  # both cached before the move
    assert not moved & subtree_ids(new_office.pk)

    station.parent = new_office
    station.save()

    assert not moved & subtree_ids(old_office.pk)
    assert moved <= subtree_ids(new_office.pk)
    for room in district.rooms[:2]:
        room.refresh_from_db()
        assert room.path == new_office.path + f"{station.pk:07d}/{room.pk:07d}/"


def test_the_category_always_follows_the_kind(district):
    unit = add_unit("某律师事务所", OrgKind.LAW_FIRM, district.bureau, category=OrgCategory.EXTERNAL)
    assert unit.category == OrgCategory.INSTITUTION
    unit.kind = OrgKind.EXTERNAL_DEPARTMENT
    unit.save()
    unit.refresh_from_db()
    assert unit.category == OrgCategory.EXTERNAL


def test_a_unit_cannot_be_moved_below_its_own_descendant(district):
    office = district.offices[0]
    office.parent = district.stations[0]  # the station is the office's child
    with pytest.raises(ValidationError):
        office.full_clean()


def test_the_region_chain_runs_from_a_village_up_to_the_province(district):
    village = Region.objects.get(code="620104001001")
    chain = region_chain(village.code)
    assert [region.name for region in chain] == [village.name, "陈坪街道", "西固区", "兰州市", "甘肃省"]
    assert [region.code for region in chain] == [
        "620104001001",
        "620104001000",
        "620104",
        "620100",
        "620000",
    ]
    assert region_chain("999999") == []  # an unknown code


def test_the_region_chain_is_cached_until_a_region_changes(district, django_assert_num_queries):
    region_chain("620104001000")
    with django_assert_num_queries(0):
        region_chain("620104001000")
    county = Region.objects.get(code="620104")
    county.name = "西固区（新）"
    county.save()
    assert [region.name for region in region_chain("620104001000")][1] == "西固区（新）"
