"""三员分立: the security administrator grants roles within the policy, the system administrator runs
the system, the auditor reads the audit; none of the three opens business records; a superuser is
made with the command line only."""

from __future__ import annotations

import pytest

from yizhan.accounts.models import User
from yizhan.accounts.roles import GrantRefused
from yizhan.accounts.services import do_grant_roles
from yizhan.accounts.testing import login_with_second_factor
from yizhan.audit.models import AuditLog


def _change_form(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": "",
        "unit": str(user.unit_id or ""),
        "is_active": "on",
        "roles": sorted(user.groups.values_list("name", flat=True)),
    }


def test_the_user_admin_offers_no_superuser_flag_no_single_permissions_and_no_staff_flag(client, users):
    login_with_second_factor(client, users["secadmin"])
    page = client.get(f"/admin/accounts/user/{users['clerk'].pk}/change/").content.decode()
    for field in ('name="is_superuser"', 'name="user_permissions"', 'name="is_staff"', 'name="groups"'):
        assert field not in page
    assert 'name="roles"' in page


def test_a_security_administrator_cannot_make_a_superuser_through_the_admin(client, users):
    login_with_second_factor(client, users["secadmin"])
    clerk = users["clerk"]
    data = {**_change_form(clerk), "is_superuser": "on", "is_staff": "on", "user_permissions": ["1", "2"]}
    response = client.post(f"/admin/accounts/user/{clerk.pk}/change/", data)
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_superuser and not clerk.is_staff
    assert not clerk.user_permissions.exists()


def test_a_role_grant_is_recorded_as_grant_with_the_roles_before_and_after(client, users):
    login_with_second_factor(client, users["secadmin"])
    clerk = users["clerk"]
    response = client.post(
        f"/admin/accounts/user/{clerk.pk}/change/", {**_change_form(clerk), "roles": ["clerk", "handler"]}
    )
    assert response.status_code == 302
    assert set(clerk.groups.values_list("name", flat=True)) == {"clerk", "handler"}
    grant = AuditLog.objects.get(action="grant", object_id=str(clerk.pk))
    assert grant.actor == users["secadmin"]
    assert grant.changes == {"roles": [["clerk"], ["clerk", "handler"]]}


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (["auditor", "system_admin"], "不能由同一人兼任"),
        (["security_admin", "clerk"], "不能同时担任业务角色"),
    ],
)
def test_grants_outside_the_policy_are_refused_with_a_reason(client, users, roles, message):
    login_with_second_factor(client, users["secadmin"])
    clerk = users["clerk"]
    response = client.post(
        f"/admin/accounts/user/{clerk.pk}/change/", {**_change_form(clerk), "roles": roles}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert set(clerk.groups.values_list("name", flat=True)) == {"clerk"}
    assert not AuditLog.objects.filter(action="grant").exists()


def test_nobody_grants_themself_a_role(client, users):
    secadmin = users["secadmin"]
    login_with_second_factor(client, secadmin)
    response = client.post(
        f"/admin/accounts/user/{secadmin.pk}/change/", {**_change_form(secadmin), "roles": ["clerk"]}
    )
    assert response.status_code == 403
    with pytest.raises(GrantRefused):
        do_grant_roles(secadmin, ["security_admin", "auditor"], actor=secadmin)
    assert set(secadmin.groups.values_list("name", flat=True)) == {"security_admin"}


def test_superusers_are_not_listed_for_the_security_administrator_nor_their_grants(client, users):
    root = User.objects.create_superuser("root", password="Root-pass-2026")
    login_with_second_factor(client, users["secadmin"])
    assert client.get(f"/admin/accounts/user/{root.pk}/change/").status_code == 302  # "does not exist"
    with pytest.raises(GrantRefused):
        do_grant_roles(root, ["clerk"], actor=users["secadmin"])


def test_an_administrators_password_is_not_reset_by_another_administrator(client, users):
    login_with_second_factor(client, users["secadmin"])
    assert client.get(f"/admin/accounts/user/{users['auditor'].pk}/password/").status_code == 403
    assert client.get(f"/admin/accounts/user/{users['clerk'].pk}/password/").status_code == 200


def test_the_group_permissions_are_not_editable_in_the_admin(client, users):
    login_with_second_factor(client, users["secadmin"])
    assert client.get("/admin/auth/group/").status_code == 404


def test_an_administrator_holds_no_working_api_token(users):
    from yizhan.accounts.models import ApiToken

    _token, raw = ApiToken.issue(users["auditor"], "x")
    assert ApiToken.authenticate(raw) is None
