"""Roles (三员 separated), the admin screens they use, tokens from the command line."""

from io import StringIO

import pytest
from django.core.management import call_command

from yizhan.accounts.models import ApiToken
from yizhan.accounts.testing import login_with_second_factor


@pytest.mark.parametrize(
    ("username", "url", "status"),
    [
        ("sysadmin", "/admin/orgs/organization/", 200),
        ("sysadmin", "/admin/matters/timelimitrule/", 200),
        ("sysadmin", "/admin/core/calendaroverride/add/", 200),
        ("sysadmin", "/admin/audit/auditlog/", 403),  # the system admin does not read the audit log
        ("sysadmin", "/admin/accounts/user/", 403),  # … nor grant rights
        ("secadmin", "/admin/accounts/user/", 200),
        ("secadmin", "/admin/orgs/organization/", 403),
        ("auditor", "/admin/audit/auditlog/", 200),
        ("auditor", "/admin/accounts/user/", 403),
        ("manager", "/admin/matters/timelimitrule/add/", 200),
    ],
)
def test_the_three_administrators_have_separate_duties(client, users, username, url, status):
    login_with_second_factor(client, users[username])
    assert client.get(url).status_code == status


def test_the_audit_log_cannot_be_edited_in_the_admin(client, users):
    from yizhan.audit import services as audit
    from yizhan.audit.models import AuditAction, AuditLog

    audit.record(AuditAction.LOGIN, users["clerk"], actor=users["clerk"])
    login_with_second_factor(client, users["auditor"])

    log = AuditLog.objects.first()
    page = client.get(f"/admin/audit/auditlog/{log.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_tokens_are_issued_listed_and_revoked_from_the_command_line(users):
    out = StringIO()
    call_command("token", "issue", "--user", "clerk", "--name", "掌上12348", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("yz_")
    assert ApiToken.authenticate(raw) is not None
    token = ApiToken.objects.get()
    call_command("token", "revoke", token.prefix, stdout=StringIO())
    from django.core.cache import cache

    cache.clear()
    assert ApiToken.authenticate(raw) is None


def test_password_policy_refuses_weak_passwords(users):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1A!", "alllowercaseletters", "1234567890123"):
        with pytest.raises(ValidationError):
            validate_password(weak, users["clerk"])
    validate_password("Window-2026-clerk", users["clerk"])
