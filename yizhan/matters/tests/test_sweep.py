"""The deadline sweep (督办): every late open matter is escalated once per deadline, whoever set its flag."""

import datetime

from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.matters import services
from yizhan.matters.models import Matter, TimeLimitRule
from yizhan.matters.services import TransferData
from yizhan.matters.testing import register


def test_a_matter_already_flagged_overdue_is_escalated_once(district, users):
    # the demo generator (and any bulk import) writes late matters with the flag set and no escalation
    matter = register(users["clerk2"])
    Matter.objects.filter(pk=matter.pk).update(overdue=True)
    later = matter.due_date + datetime.timedelta(days=1)

    result = services.do_sweep_deadlines(today=later)

    assert result.newly_overdue == 1
    matter.refresh_from_db()
    assert matter.overdue and matter.escalated_at is not None
    assert users["officer"].notifications.filter(kind="overdue").count() == 1
    assert matter.events.filter(code="overdue").count() == 1
    assert services.do_sweep_deadlines(today=later).newly_overdue == 0
    assert users["officer"].notifications.filter(kind="overdue").count() == 1


def test_a_transfer_that_keeps_a_late_due_date_is_escalated_to_the_new_units_supervisor(district, users):
    matter = register(users["clerk"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Matter.objects.filter(pk=matter.pk).update(due_date=yesterday)
    TimeLimitRule.objects.filter(service_type=matter.service_type).delete()  # no limit: the date stays
    services.transition(
        matter,
        "transfer",
        actor=users["clerk"],
        payload={"transfer": TransferData(to_org=district.committees[0])},
    )
    matter.refresh_from_db()
    assert matter.overdue and matter.escalated_at is None  # the transfer flagged it, nobody was told

    result = services.do_sweep_deadlines()

    assert result.newly_overdue == 1
    matter.refresh_from_db()
    assert matter.escalated_at is not None
    # 陈坪街道人民调解委员会 is supervised by 陈坪街道司法所
    assert users["officer"].notifications.filter(kind="overdue").count() == 1


def test_a_transfer_starts_a_new_deadline_which_is_escalated_again_when_missed(district, users):
    matter = register(users["clerk"])
    services.do_sweep_deadlines(today=matter.due_date + datetime.timedelta(days=1))
    matter.refresh_from_db()
    assert matter.escalated_at is not None
    services.transition(
        matter,
        "transfer",
        actor=users["clerk"],
        payload={"transfer": TransferData(to_org=district.committees[0])},
    )
    matter.refresh_from_db()
    assert not matter.overdue and matter.escalated_at is None

    result = services.do_sweep_deadlines(today=matter.due_date + datetime.timedelta(days=1))

    assert result.newly_overdue == 1
    assert matter.events.filter(code="overdue").count() == 2


def test_the_escalation_is_audited_as_the_system(district, users):
    matter = register(users["clerk2"])
    services.do_sweep_deadlines(today=matter.due_date + datetime.timedelta(days=1))
    row = AuditLog.objects.get(object_type="matters.matter", object_id=str(matter.pk), action="update")
    assert row.actor is None and row.actor_label == "系统"
    assert row.changes["overdue"] is True


def test_a_closed_matter_is_never_escalated(district, users):
    matter = register(users["clerk2"])
    services.transition(matter, "answer", actor=users["clerk2"], note="已解答。", payload={})
    result = services.do_sweep_deadlines(today=matter.due_date + datetime.timedelta(days=30))
    assert result.newly_overdue == 0
