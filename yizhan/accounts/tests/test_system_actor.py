"""The system acts as itself (STYLE §18): scheduled jobs are recorded under 系统, never a person."""

from __future__ import annotations

from django.contrib.auth import authenticate

from yizhan.accounts.services import system_user
from yizhan.accounts.testing import login_with_second_factor
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction


def test_the_system_account_is_one_and_shows_as_xitong(db):
    system = system_user()
    assert system_user().pk == system.pk
    assert system.is_system and system.display_name == "系统"
    row = audit.record(AuditAction.UPDATE, object_type="test.sweep", actor=system)
    assert row.actor == system and row.actor_label == "系统"


def test_the_system_account_cannot_sign_in_or_be_granted_roles(client, users):
    system = system_user()
    system.set_password("Whatever-2026")
    system.is_active = True
    system.save()
    assert authenticate(username=system.username, password="Whatever-2026") is None
    login_with_second_factor(client, users["secadmin"])
    assert client.get(f"/admin/accounts/user/{system.pk}/change/").status_code == 302  # not listed
