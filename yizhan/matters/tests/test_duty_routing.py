"""What is routed to a unit goes to whoever is on duty there by its roster (值班表): a request submitted
online gets the clerk on duty as first-responsible person, a transfer goes to the handler on duty."""

import datetime

from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.matters import selectors, services
from yizhan.matters.models import Channel
from yizhan.matters.services import TransferData
from yizhan.matters.testing import registration
from yizhan.orgs import services as org_services
from yizhan.orgs.models import DutyKind, Person, PersonRole
from yizhan.orgs.services import ShiftData


def _colleague(username, like, unit):
    """A second account of ``unit`` with the same role as ``like``, and its roster profile."""
    user = User.objects.create(username=username, full_name=f"{username}同志", unit=unit)
    user.groups.add(*like.groups.all())
    person = Person.objects.create(name=user.full_name, role=PersonRole.CLERK, org=unit, user=user)
    return user, person


def _around_now() -> tuple[datetime.datetime, datetime.datetime]:
    """A span of today containing now (a window shift ends the day it starts)."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(midnight, now - datetime.timedelta(hours=1))
    end = min(midnight + datetime.timedelta(hours=23, minutes=59), now + datetime.timedelta(hours=1))
    return start, end


def _on_duty_now(unit, person, manager):
    start, end = _around_now()
    data = ShiftData(kind=DutyKind.WINDOW, person=person, starts_at=start, ends_at=end)
    return org_services.do_add_duty_shift(unit, data, actor=manager)


def test_an_online_request_goes_to_the_clerk_on_duty_not_to_the_oldest_account(district, users):
    station = district.stations[0]
    colleague, person = _colleague("clerk3", users["clerk2"], station)
    _on_duty_now(station, person, users["manager"])

    matter = services.do_register_matter(
        registration(channel=Channel.WEBSITE, receiving_org=station), actor=None
    )

    assert matter.first_responsible == colleague  # clerk2 holds the lowest id at the station
    assert matter.assignee == colleague


def test_without_anyone_on_duty_the_front_desk_account_answers_as_before(district, users):
    station = district.stations[0]
    _colleague("clerk3", users["clerk2"], station)
    matter = services.do_register_matter(
        registration(channel=Channel.WEBSITE, receiving_org=station), actor=None
    )
    assert matter.first_responsible == users["clerk2"]


def test_the_roster_decides_at_the_time_asked(district, users):
    center = district.center
    colleague, person = _colleague("clerk3", users["clerk"], center)
    day = datetime.date(2027, 3, 2)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)))
    data = ShiftData(
        kind=DutyKind.WINDOW, person=person, starts_at=start, ends_at=start + datetime.timedelta(hours=4)
    )
    org_services.do_add_duty_shift(center, data, actor=users["manager"])
    assert selectors.duty_clerk(center, start + datetime.timedelta(hours=1)) == colleague
    assert selectors.duty_clerk(center, start + datetime.timedelta(hours=5)) == users["clerk"]


def test_an_on_duty_person_whose_account_belongs_elsewhere_is_passed_over(district, users):
    station = district.stations[0]
    mediator = Person.objects.create(
        name="吴桂兰", role=PersonRole.MEDIATOR, org=district.committees[0], user=users["mediator"]
    )
    _on_duty_now(station, mediator, users["manager"])  # helps out at the station's window
    assert selectors.duty_clerk(station) == users["clerk2"]  # her account cannot see the station's matters


def test_a_transfer_goes_to_the_handler_on_duty_and_only_they_are_told(
    district, users, django_capture_on_commit_callbacks
):
    committee = district.committees[0]
    colleague, person = _colleague("mediator3", users["mediator"], committee)
    _on_duty_now(committee, person, users["manager"])
    matter = services.do_register_matter(registration(), actor=users["clerk"])

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            matter, "transfer", actor=users["clerk"], payload={"transfer": TransferData(to_org=committee)}
        )

    matter.refresh_from_db()
    assert matter.assignee == colleague
    assert matter.events.get(code="transfer").data["assignee"] == colleague.display_name
    assert colleague.notifications.filter(kind="transfer").count() == 1
    assert not users["mediator"].notifications.filter(kind="transfer").exists()


def test_a_transfer_with_nobody_on_duty_tells_every_handler_of_the_unit(
    district, users, django_capture_on_commit_callbacks
):
    committee = district.committees[0]
    colleague, _person = _colleague("mediator3", users["mediator"], committee)
    matter = services.do_register_matter(registration(), actor=users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            matter, "transfer", actor=users["clerk"], payload={"transfer": TransferData(to_org=committee)}
        )
    matter.refresh_from_db()
    assert matter.assignee is None
    assert colleague.notifications.filter(kind="transfer").count() == 1
    assert users["mediator"].notifications.filter(kind="transfer").count() == 1
