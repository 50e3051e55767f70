"""Every ledger row comes from ``visible_matters(user)``: units see their own subtree, nothing else."""

import pytest
from django.contrib.auth.models import Group

from yizhan.accounts.models import User
from yizhan.core.errors import InvalidInput
from yizhan.ledgers.catalogue import LEDGERS
from yizhan.ledgers.tests.conftest import numbers, transfer
from yizhan.matters.testing import register


@pytest.fixture
def clerk3(district):
    """A window clerk at the second township's station (先锋路街道公共法律服务站)."""
    user = User.objects.create(username="clerk3", full_name="钱站长", unit=district.stations[1])
    user.groups.add(Group.objects.get(name="clerk"))
    return user


@pytest.fixture
def two_stations(district, users, clerk3):
    first = register(users["clerk2"], title="一站登记", channel="window")
    second = register(clerk3, title="二站登记", channel="hotline")
    return first, second


def test_a_station_clerk_sees_only_the_stations_own_rows(two_stations, users, clerk3):
    first, second = two_stations
    assert numbers(users["clerk2"], "visits") == [first.number]
    assert numbers(clerk3, "visits") == [second.number]


def test_the_centre_does_not_see_the_stations_and_the_stations_do_not_see_the_centre(two_stations, users):
    centre = register(users["clerk"], title="中心登记")
    assert numbers(users["clerk"], "visits") == [centre.number]
    assert centre.number not in numbers(users["clerk2"], "visits")


def test_the_judicial_office_sees_its_own_township_only(two_stations, users):
    first, second = two_stations
    assert numbers(users["officer"], "visits") == [first.number]
    assert numbers(users["officer2"], "visits") == [second.number]


def test_the_district_manager_sees_both_stations(two_stations, users):
    assert numbers(users["manager"], "visits") == [m.number for m in two_stations]


def test_the_city_manager_sees_everything(two_stations, users):
    centre = register(users["clerk"], title="中心登记")
    assert numbers(users["city"], "visits") == [*(m.number for m in two_stations), centre.number]


def test_transfer_ledgers_list_the_transfers_of_visible_matters_only(district, two_stations, users, clerk3):
    first, second = two_stations
    transfer(first, district.committees[0], users["clerk2"])
    transfer(second, district.committees[1], clerk3)
    assert numbers(users["clerk2"], "mediation_transfers") == [first.number]
    assert numbers(clerk3, "mediation_transfers") == [second.number]
    assert numbers(users["mediator"], "mediation_transfers") == [first.number]  # transferred to it
    assert numbers(users["mediator2"], "mediation_transfers") == []
    assert numbers(users["manager"], "mediation_transfers") == [first.number, second.number]


def test_no_ledger_shows_anything_to_an_account_without_a_unit(two_stations, users):
    nobody = User.objects.create(username="nobody")
    nobody.groups.add(Group.objects.get(name="clerk"))
    for key in LEDGERS:
        assert numbers(nobody, key) == []


def test_the_unit_filter_is_limited_to_the_users_scope(district, two_stations, users):
    with pytest.raises(InvalidInput) as info:
        numbers(users["clerk2"], "visits", org=str(district.stations[1].pk))
    assert info.value.fields == {"org": "该单位不存在或不在您的管辖范围内。"}
    assert numbers(users["manager"], "visits", org=str(district.stations[1].pk)) == [two_stations[1].number]
    assert numbers(users["manager"], "visits", org=str(district.offices[0].pk)) == [two_stations[0].number]
