"""The audit log in the admin: the auditor reads and searches it; nobody adds, edits or deletes rows."""

import pytest

from yizhan.accounts.testing import login_with_second_factor
from yizhan.audit.models import AuditAction, AuditLog
from yizhan.audit.services import record

CHANGELIST = "/admin/audit/auditlog/"


@pytest.fixture
def row(users, district):
    return record(AuditAction.REVEAL, district.center, actor=users["clerk"], changes={"reason": "回访"})


@pytest.fixture
def auditor(client, users):
    login_with_second_factor(client, users["auditor"])
    return client


def test_the_auditor_lists_and_searches_the_log(auditor, row, users, district):
    record(AuditAction.EXPORT, district.notary, actor=users["manager"])
    listed = auditor.get(CHANGELIST)
    assert listed.status_code == 200
    assert {r.pk for r in listed.context["cl"].result_list} == set(
        AuditLog.objects.values_list("pk", flat=True)
    )
    found = auditor.get(CHANGELIST, {"q": "赵晓燕"})
    assert [r.pk for r in found.context["cl"].result_list] == [row.pk]


def test_the_auditor_cannot_add_rows(auditor, district):
    assert auditor.get(CHANGELIST + "add/").status_code == 403
    assert auditor.post(CHANGELIST + "add/", {"action": "login", "object_type": "x"}).status_code == 403
    assert not AuditLog.objects.filter(object_type="x").exists()


def test_the_auditor_sees_a_row_read_only_and_cannot_change_it(auditor, row):
    page = auditor.get(f"{CHANGELIST}{row.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = auditor.post(f"{CHANGELIST}{row.pk}/change/", {"action": "login", "actor_label": "某人"})
    assert response.status_code == 403
    assert AuditLog.objects.get(pk=row.pk).actor_label == "赵晓燕"


def test_the_auditor_cannot_delete_rows_one_by_one_or_in_bulk(auditor, row):
    assert auditor.get(f"{CHANGELIST}{row.pk}/delete/").status_code == 403
    assert auditor.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    listed = auditor.get(CHANGELIST)
    assert "delete_selected" not in listed.context["cl"].model_admin.get_actions(listed.wsgi_request)
    auditor.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_other_roles_cannot_read_the_log(client, users, row):
    for username, status in (("sysadmin", 403), ("manager", 403), ("clerk", 302)):
        login_with_second_factor(client, users[username])
        assert client.get(CHANGELIST).status_code == status, username
