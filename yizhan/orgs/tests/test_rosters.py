"""Duty rosters (值班表): the district manager arranges them for the units of the district, the week view
flags uncovered hours, and 局长驻窗口 is checked against "once a week, at least two hours"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.orgs import selectors, services
from yizhan.orgs.models import DutyKind, DutyShift, Organization, OrgKind, Person, PersonRole, Region
from yizhan.orgs.services import ShiftData

MONDAY = datetime.date(2027, 3, 1)  # a week with no holiday, far from the demo's own week


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def on(offset: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=offset)


@pytest.fixture
def leader(district):
    return Person.objects.get(name="刘局长")


@pytest.fixture
def lawyer(district):
    return district.lawyers[1]


def window_shift(person, day, start=(8, 30), end=(18, 0), kind=DutyKind.WINDOW):
    return ShiftData(kind=kind, person=person, starts_at=at(day, *start), ends_at=at(day, *end))


def test_the_district_manager_adds_a_shift_and_it_is_audited(district, users, lawyer):
    shift = services.do_add_duty_shift(
        district.stations[0], window_shift(lawyer, on(0)), actor=users["manager"]
    )
    assert shift.org == district.stations[0] and shift.person == lawyer
    row = AuditLog.objects.get(object_type="orgs.dutyshift", object_id=str(shift.pk))
    assert row.action == "create" and row.actor == users["manager"]
    services.do_remove_duty_shift(shift, actor=users["manager"])
    assert not DutyShift.objects.filter(pk=shift.pk).exists()
    assert AuditLog.objects.filter(object_type="orgs.dutyshift", action="delete").count() == 1


def test_a_manager_arranges_only_the_units_of_their_own_district(district, users, lawyer):
    region = Region.objects.create(code="620102", name="城关区", level="county", parent=district.city.region)
    elsewhere = Organization(
        name="城关区公共法律服务中心", kind=OrgKind.CENTER, parent=district.city, region=region
    )
    elsewhere.save()
    with pytest.raises(NotFound):
        services.do_add_duty_shift(elsewhere, window_shift(lawyer, on(0)), actor=users["manager"])
    with pytest.raises(Forbidden):  # a judicial office's head reads rosters but does not arrange them
        services.do_add_duty_shift(district.stations[0], window_shift(lawyer, on(0)), actor=users["officer"])
    assert not DutyShift.objects.filter(starts_at__date=on(0)).exists()


def test_bad_entries_are_refused_field_by_field(district, users, lawyer, leader):
    manager, center = users["manager"], district.center
    cases = [
        (window_shift(lawyer, on(0), start=(18, 0), end=(8, 30)), "ends_at"),
        (
            window_shift(lawyer, on(0), kind=DutyKind.LEADER_AT_WINDOW),
            "person",
        ),  # a lawyer is no bureau leader
        (window_shift(lawyer, on(0), kind=DutyKind.HOTLINE), "kind"),  # the centre has no hotline seats
        (ShiftData(kind=DutyKind.WINDOW, person=None, starts_at=None, ends_at=None), "person"),
    ]
    for data, field in cases:
        with pytest.raises(InvalidInput) as info:
            services.do_add_duty_shift(center, data, actor=manager)
        assert field in info.value.fields, (data, info.value.fields)
    services.do_add_duty_shift(center, window_shift(lawyer, on(0)), actor=manager)
    with pytest.raises(InvalidInput) as info:  # the same person cannot sit at two windows at once
        services.do_add_duty_shift(
            district.stations[0], window_shift(lawyer, on(0), start=(14, 0)), actor=manager
        )
    assert "已有值班安排" in info.value.fields["starts_at"]


def test_the_week_flags_the_opening_hours_nobody_covers(district, users, lawyer):
    station = district.stations[0]  # 周一至周五 8:30-12:00，14:30-18:00
    services.do_add_duty_shift(station, window_shift(lawyer, on(0), end=(12, 0)), actor=users["manager"])
    for offset in (1, 2, 3, 4):
        services.do_add_duty_shift(station, window_shift(lawyer, on(offset)), actor=users["manager"])

    week = selectors.week_roster(station, MONDAY)

    monday, saturday = week.days[0], week.days[5]
    assert monday.gaps == [(at(on(0), 14, 30), at(on(0), 18, 0))]
    assert all(not day.gaps for day in week.days[1:])
    assert not saturday.required  # a rest day asks for nobody
    assert week.gap_count == 1


def test_the_hotline_must_be_covered_around_the_clock(district, users, lawyer):
    hotline = district.hotline
    data = ShiftData(kind=DutyKind.HOTLINE, person=lawyer, starts_at=at(on(0), 16), ends_at=at(on(1), 0))
    services.do_add_duty_shift(hotline, data, actor=users["manager"])  # a night seat ends at midnight

    week = selectors.week_roster(hotline, MONDAY)

    assert week.days[0].gaps == [(at(on(0), 0), at(on(0), 16))]
    assert week.days[6].gaps == [(at(on(6), 0), at(on(7), 0))]  # Sundays too
    assert week.gap_count == 7


def test_leader_at_window_needs_one_session_of_two_hours_a_week(district, users, leader):
    manager, center = users["manager"], district.center
    [check] = selectors.leader_checks(manager, MONDAY)
    assert check.bureau == district.bureau and not check.ok

    services.do_add_duty_shift(
        center,
        window_shift(leader, on(2), start=(9, 0), end=(10, 30), kind="leader_at_window"),
        actor=manager,
    )
    assert not selectors.leader_checks(manager, MONDAY)[0].ok  # 1.5 h is not enough

    services.do_add_duty_shift(
        center,
        window_shift(leader, on(3), start=(14, 30), end=(16, 30), kind="leader_at_window"),
        actor=manager,
    )
    check = selectors.leader_checks(manager, MONDAY)[0]
    assert check.ok and check.total_hours == 3.5


def test_copying_last_week_repeats_the_entries_once(district, users, lawyer):
    station, manager = district.stations[0], users["manager"]
    services.do_add_duty_shift(station, window_shift(lawyer, on(0)), actor=manager)
    next_monday = MONDAY + datetime.timedelta(days=7)
    assert services.do_copy_duty_week(station, next_monday, actor=manager) == 1
    assert services.do_copy_duty_week(station, next_monday, actor=manager) == 0  # already there
    assert selectors.week_roster(station, next_monday).days[0].shifts[0].person == lawyer


# --- the pages ---------------------------------------------------------------------------------------


def test_the_manager_sees_the_week_and_adds_an_entry_on_the_page(client, district, users, lawyer):
    client.force_login(users["manager"])
    url = reverse("orgs:roster", args=[district.stations[0].pk])
    page = client.get(url, {"week": MONDAY.isoformat()}).content.decode()
    assert "值班表" in page and "缺岗" in page and "添加值班" in page
    assert "局长驻窗口" in page and "未达要求" in page

    response = client.post(
        url,
        {"kind": "window", "day": "2027-03-01", "starts": "08:30", "ends": "12:00", "person": lawyer.pk},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?week=2027-03-01")
    page = client.get(response["Location"]).content.decode()
    assert lawyer.name in page and "缺岗 14:30–18:00" in page


def test_a_bad_entry_on_the_page_is_a_field_error(client, district, users, lawyer):
    client.force_login(users["manager"])
    url = reverse("orgs:roster", args=[district.stations[0].pk])
    response = client.post(
        url,
        {
            "kind": "leader_at_window",
            "day": "2027-03-01",
            "starts": "09:00",
            "ends": "11:00",
            "person": lawyer.pk,
        },
    )
    assert response.status_code == 422
    assert "局长驻窗口应由司法局（司法所）负责人担任。" in response.content.decode()
    response = client.post(
        url, {"kind": "window", "day": "2027-13-01", "starts": "9", "ends": "", "person": ""}
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode() or "has-error" in response.content.decode()


def test_front_desk_staff_read_their_roster_but_cannot_change_it(client, district, users, lawyer):
    client.force_login(users["clerk2"])
    url = reverse("orgs:roster", args=[district.stations[0].pk])
    page = client.get(url).content.decode()
    assert "值班表" in page and "添加值班" not in page
    response = client.post(url, {"kind": "window", "day": "2027-03-01", "starts": "08:30", "ends": "12:00"})
    assert response.status_code == 403
    assert client.get(reverse("orgs:roster", args=[district.center.pk])).status_code == 404  # not theirs


def test_the_overview_lists_the_units_of_the_jurisdiction_with_their_gaps(client, district, users):
    client.force_login(users["manager"])
    page = client.get(reverse("orgs:rosters"), {"week": MONDAY.isoformat()}).content.decode()
    for unit in (district.center, district.hotline, district.stations[0]):
        assert unit.name in page
    assert "处缺岗" in page
    assert "本周仅 0 小时" in page


def test_the_demo_week_is_covered_and_has_its_leader_session(client, district, users):
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    assert selectors.week_roster(district.hotline, monday).gap_count == 0
    assert selectors.leader_checks(users["manager"], monday)[0].ok
    assert Person.objects.filter(user=users["clerk"], role=PersonRole.CLERK).exists()


def test_odd_weeks_and_dates_are_answered_not_crashed(client, district, users, lawyer):
    client.force_login(users["manager"])
    url = reverse("orgs:roster", args=[district.stations[0].pk])
    for week in ("9999-12-31", "0001-01-01", "2027-02-30", "下周"):
        assert client.get(url, {"week": week}).status_code == 200, week
        assert client.get(reverse("orgs:rosters"), {"week": week}).status_code == 200, week
    response = client.post(
        url, {"kind": "window", "day": "9999-12-31", "starts": "20:00", "ends": "08:00", "person": lawyer.pk}
    )
    assert response.status_code == 422
    assert "日期应在2000年至2100年之间。" in response.content.decode()
