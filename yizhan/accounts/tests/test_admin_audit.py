"""Every change made through the administration site is audited, whatever the model and app."""

from __future__ import annotations

from yizhan.accounts.testing import login_with_second_factor
from yizhan.audit.models import AuditLog
from yizhan.core.models import CalendarOverride


def test_a_holiday_override_made_in_the_admin_is_audited_with_its_values(client, users):
    login_with_second_factor(client, users["sysadmin"])
    response = client.post(
        "/admin/core/calendaroverride/add/", {"date": "2027-05-06", "is_workday": "", "note": "调休"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = CalendarOverride.objects.get(date="2027-05-06")
    row = AuditLog.objects.get(action="create", object_type="core.calendaroverride")
    assert row.actor == users["sysadmin"] and row.object_id == str(override.pk)
    assert row.changes["note"] == [None, "调休"]

    response = client.post(
        f"/admin/core/calendaroverride/{override.pk}/change/",
        {"date": "2027-05-06", "is_workday": "on", "note": "调休"},
    )
    assert response.status_code == 302
    update = AuditLog.objects.get(action="update", object_type="core.calendaroverride")
    assert update.changes == {"is_workday": [False, True]}


def test_every_registered_admin_goes_through_the_audited_path():
    from django.contrib import admin

    from yizhan.core.admin_site import AuditedModelAdmin

    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedModelAdmin), model


def test_a_token_revoked_in_the_admin_is_audited(client, users):
    from yizhan.accounts.models import ApiToken

    token, _raw = ApiToken.issue(users["clerk"], "掌上12348")
    login_with_second_factor(client, users["secadmin"])
    response = client.post(
        f"/admin/accounts/apitoken/{token.pk}/change/",
        {
            "name": "掌上12348",
            "expires_at_0": "2030-01-01",
            "expires_at_1": "00:00:00",
            "revoked_at_0": "2026-12-01",
            "revoked_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = AuditLog.objects.get(action="update", object_type="accounts.apitoken")
    assert row.actor == users["secadmin"] and "revoked_at" in row.changes
    assert "digest" not in row.changes
