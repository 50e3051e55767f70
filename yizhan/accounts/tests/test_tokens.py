"""API tokens: a revocation works at once in every process, every token expires, its use is recorded."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from yizhan.accounts.models import ApiToken
from yizhan.audit.models import AuditLog


def _issue(*args: str) -> str:
    out = StringIO()
    call_command("token", "issue", *args, stdout=out)
    return out.getvalue().strip()


def test_a_revoked_token_stops_working_at_once_without_clearing_any_cache(client, users):
    raw = _issue("--user", "clerk", "--name", "掌上12348")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/matters", **auth).status_code == 200
    call_command("token", "revoke", ApiToken.objects.get().prefix, stdout=StringIO())
    assert client.get("/api/v1/matters", **auth).status_code == 401
    assert AuditLog.objects.filter(object_type="accounts.apitoken", action="update").exists()


def test_tokens_expire_after_a_year_by_default_or_after_the_days_given(users):
    _issue("--user", "clerk", "--name", "默认")
    _issue("--user", "clerk", "--name", "短期", "--days", "7")
    now = timezone.now()
    default, short = ApiToken.objects.get(name="默认"), ApiToken.objects.get(name="短期")
    assert abs(default.expires_at - now - datetime.timedelta(days=365)) < datetime.timedelta(minutes=1)
    assert abs(short.expires_at - now - datetime.timedelta(days=7)) < datetime.timedelta(minutes=1)
    assert AuditLog.objects.filter(object_type="accounts.apitoken", action="create").count() == 2


def test_an_expired_token_is_refused(users):
    token, raw = ApiToken.issue(users["clerk"], "x", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert ApiToken.authenticate(raw) is None


def test_the_last_use_is_recorded(users):
    token, raw = ApiToken.issue(users["clerk"], "x")
    assert token.last_used_at is None
    ApiToken.authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_no_token_for_an_administrator_or_the_system(users):
    with pytest.raises(CommandError, match="不能持有接口令牌"):
        _issue("--user", "secadmin", "--name", "x")
