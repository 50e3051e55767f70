"""audit.services.record: who did what to which object, from where; committed with the change or not
at all."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from yizhan.audit.models import AuditAction, AuditLog
from yizhan.audit.services import diff, record


def test_it_writes_the_actor_the_action_and_the_object(users, district):
    clerk = users["clerk"]
    row = record(AuditAction.UPDATE, district.center, actor=clerk, changes={"phone": ["1", "2"]})
    stored = AuditLog.objects.get(pk=row.pk)
    assert stored.actor == clerk
    assert stored.actor_label == "赵晓燕"
    assert stored.action == "update"
    assert (stored.object_type, stored.object_id, stored.object_repr) == (
        "orgs.organization",
        str(district.center.pk),
        "西固区公共法律服务中心",
    )
    assert stored.changes == {"phone": ["1", "2"]}
    assert stored.at is not None


def test_an_anonymous_actor_is_stored_as_no_user_with_the_given_label(district):
    for actor in (None, AnonymousUser()):
        row = record(AuditAction.TRANSITION, district.center, actor=actor, actor_label="群众（凭查询码）")
        assert (row.actor, row.actor_label) == (None, "群众（凭查询码）")


def test_an_object_can_be_named_without_an_instance_and_long_names_are_cut(district):
    row = record(AuditAction.LOGIN_FAILED, object_type="accounts.user", object_repr="x" * 300)
    assert row.object_type == "accounts.user" and row.object_id == ""
    assert row.object_repr == "x" * 128


def test_a_row_written_in_a_transaction_that_rolls_back_is_gone(users, district):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(AuditAction.UPDATE, district.center, actor=users["manager"])
        raise RuntimeError("the change failed")
    assert not AuditLog.objects.filter(object_id=str(district.center.pk)).exists()


def test_diff_keeps_only_the_fields_that_changed():
    before = {"phone": "1", "name": "中心", "hours": None}
    after = {"phone": "2", "name": "中心", "hours": "8:30", "new": 0}
    assert diff(before, after) == {"phone": ["1", "2"], "hours": [None, "8:30"], "new": [None, 0]}
