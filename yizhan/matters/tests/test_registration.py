"""Registering a matter: validation, first-responsible person, personal data at rest, time limits."""

import datetime

import pytest
from django.db import connection

from yizhan.audit.models import AuditLog
from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.lib import pii
from yizhan.matters import selectors, services
from yizhan.matters.models import Matter, RequesterGroup, TimeLimitRule
from yizhan.matters.services import RequesterData
from yizhan.matters.testing import VALID_ID, register, registration


def test_the_registering_clerk_is_first_responsible_and_the_matter_gets_codes(district, users):
    matter = register(users["clerk"])
    assert matter.first_responsible == users["clerk"]
    assert matter.receiving_org == district.center == matter.current_org
    assert matter.number.startswith("620104" + str(matter.registered_at.year))
    assert len(matter.query_code) == 12
    assert matter.events.get().code == "register"


def test_gender_and_age_are_taken_from_the_id_number(district, users):
    matter = register(users["clerk"])
    person = matter.requesters.get()
    assert person.gender == "male"
    assert person.age is not None and person.age >= 30
    assert person.is_primary


def test_bad_personal_data_is_reported_per_field_and_nothing_is_saved(district, users):
    data = registration(
        requesters=[
            RequesterData(name="", id_number="110101199003074259", phone="12345", groups=["aliens"]),
        ]
    )
    with pytest.raises(InvalidInput) as info:
        services.do_register_matter(data, actor=users["clerk"])
    fields = info.value.fields
    assert set(fields) >= {
        "requesters[0].name",
        "requesters[0].id_number",
        "requesters[0].phone",
        "requesters[0].groups",
    }
    assert "校验位" in fields["requesters[0].id_number"]
    assert Matter.objects.count() == 0


def test_missing_title_and_requesters_are_refused(district, users):
    with pytest.raises(InvalidInput) as info:
        services.do_register_matter(registration(title=" ", requesters=[]), actor=users["clerk"])
    assert "title" in info.value.fields


def test_a_unit_outside_the_clerks_scope_cannot_be_the_receiver(district, users):
    with pytest.raises(InvalidInput) as info:
        register(users["clerk2"], receiving_org=district.center)
    assert "receiving_org" in info.value.fields


def test_roles_without_registration_cannot_register(district, users):
    with pytest.raises(Forbidden):
        register(users["auditor"])


def test_special_groups_are_stored_as_rows_for_statistics(district, users):
    matter = register(users["clerk"], groups=["elderly", "migrant_worker"])
    assert set(RequesterGroup.objects.filter(matter=matter).values_list("group", flat=True)) == {
        "elderly",
        "migrant_worker",
    }


def _everything_in_the_database() -> str:
    """All rows of all tables as text (SQLite dump, or JSON rows on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return "\n".join(connection.connection.iterdump())
        tables = connection.introspection.table_names(cursor)
        chunks = []
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')
            chunks += [row[0] for row in cursor.fetchall()]
        return "\n".join(chunks)


def test_the_database_holds_no_plain_id_number_phone_or_address(district, users):
    phone, address = "13987654321", "甘肃省兰州市西固区福利西路100号3单元501室"
    matter = register(users["clerk"], phone=phone, address=address)
    dump = _everything_in_the_database()
    assert matter.number in dump  # the dump is real
    assert VALID_ID not in dump
    assert phone not in dump
    assert "3单元501室" not in dump
    person = matter.requesters.get()
    assert pii.decrypt(person.id_number_encrypted) == VALID_ID
    assert person.phone_mask == "139****4321"


def test_history_finds_the_same_person_by_id_or_phone_and_is_audited(district, users):
    clerk = users["clerk"]
    first = register(clerk, phone="13900001111")
    second = register(clerk, id_number="", phone="139-0000-1111")
    other = register(clerk, id_number="", phone="13900002222")
    by_phone = set(
        services.do_reveal_person_history(phone="13900001111", actor=clerk).values_list("number", flat=True)
    )
    assert by_phone == {first.number, second.number}
    by_id = set(
        services.do_reveal_person_history(id_number=VALID_ID.lower(), actor=clerk).values_list(
            "number", flat=True
        )
    )
    assert first.number in by_id and other.number not in by_id
    assert AuditLog.objects.filter(object_type="matters.person_history").count() == 2


def test_history_is_scoped_to_the_jurisdiction(district, users):
    register(users["clerk"], phone="13900001111")
    assert not services.do_reveal_person_history(phone="13900001111", actor=users["clerk2"]).exists()


def test_reveal_needs_the_permission_and_is_audited(district, users):
    matter = register(users["clerk"])
    person = matter.requesters.get()
    values = services.do_reveal_personal_data(person, actor=users["clerk"], reason="回电")
    assert values["id_number"] == VALID_ID
    log = AuditLog.objects.get(action="reveal", object_type="matters.requester")
    assert log.actor == users["clerk"]
    assert VALID_ID not in str(log.changes)
    with pytest.raises(Forbidden):
        services.do_reveal_personal_data(person, actor=users["volunteer"])


def test_due_date_follows_the_service_types_time_limit_in_working_days(district, users):
    matter = register(users["clerk"], service_type="legal_aid")
    from yizhan.lib.workdays import add_workdays

    start = matter.registered_at.astimezone().date()
    assert matter.due_date == add_workdays(start, 7).date


def test_a_region_can_set_its_own_time_limit(district, users):
    from yizhan.matters.models import ServiceType

    TimeLimitRule.objects.create(
        service_type=ServiceType.objects.get(code="mediation"), region=district.region, working_days=15
    )
    matter = register(users["clerk"])
    from yizhan.lib.workdays import add_workdays

    assert matter.due_date == add_workdays(matter.registered_at.astimezone().date(), 15).date


def test_hand_over_moves_first_responsibility_with_a_record(district, users):
    from yizhan.accounts.models import User

    clerk = users["clerk"]
    colleague = User.objects.create(username="clerk3", unit=district.center)
    colleague.groups.add(*clerk.groups.all())
    matter = register(clerk)
    with pytest.raises(InvalidInput) as info:
        services.do_hand_over_matter(matter, colleague, actor=clerk, note="")
    assert "note" in info.value.fields
    services.do_hand_over_matter(matter, colleague, actor=clerk, note="本人调岗，群众已告知")
    matter.refresh_from_db()
    assert matter.first_responsible == colleague
    event = matter.events.get(code="hand_over")
    assert event.data["to"] == colleague.display_name
    assert colleague.notifications.filter(kind="hand_over").exists()


def test_updates_are_audited_with_the_difference(district, users):
    matter = register(users["clerk"])
    services.do_update_matter(matter, {"title": "拖欠工资（已核实）", "urgent": True}, actor=users["clerk"])
    log = AuditLog.objects.filter(action="update", object_id=str(matter.pk)).get()
    assert log.changes["title"] == ["拖欠工资纠纷", "拖欠工资（已核实）"]
    with pytest.raises(InvalidInput):
        services.do_update_matter(matter, {"state": "archived"}, actor=users["clerk"])


def test_audit_rows_cannot_be_changed_or_deleted(district, users):
    from django.db import DatabaseError, transaction

    from yizhan.audit.models import AppendOnlyError

    register(users["clerk"])
    log = AuditLog.objects.first()
    with pytest.raises(AppendOnlyError):
        log.save()
    with pytest.raises(AppendOnlyError):
        log.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=log.pk).update(action="delete")


def test_event_rows_cannot_be_rewritten(district, users):
    from django.db import DatabaseError, transaction

    matter = register(users["clerk"])
    with pytest.raises(DatabaseError), transaction.atomic():
        matter.events.update(note="rewritten")


def test_the_sweep_flags_overdue_matters_once_and_escalates_to_the_supervisor(district, users):
    matter = register(users["clerk2"])  # at the 陈坪 station, supervised by the 陈坪 judicial office
    later = matter.due_date + datetime.timedelta(days=1)
    result = services.do_sweep_deadlines(today=later)
    assert result.newly_overdue == 1
    matter.refresh_from_db()
    assert matter.overdue and matter.escalated_at
    assert users["officer"].notifications.filter(kind="overdue").count() == 1
    assert users["clerk2"].notifications.filter(kind="overdue").count() == 1  # the first-responsible person
    assert matter.events.filter(code="overdue").count() == 1
    again = services.do_sweep_deadlines(today=later)
    assert again.newly_overdue == 0
    assert users["officer"].notifications.filter(kind="overdue").count() == 1


def test_near_due_and_overdue_lists(district, users):
    clerk = users["clerk"]
    matter = register(clerk, service_type="consultation")  # 3 working days
    assert matter in selectors.near_due_matters(clerk, today=matter.due_date)
    assert matter not in selectors.overdue_matters(clerk, today=matter.due_date)
    assert matter in selectors.overdue_matters(clerk, today=matter.due_date + datetime.timedelta(days=1))


def test_the_periodic_task_runs_the_sweep(district, users):
    from yizhan.matters.tasks import sweep_deadlines_task

    result = sweep_deadlines_task.enqueue()
    assert result.return_value["newly_overdue"] == 0
