"""Rate limits and client addresses: a stricter per-address limit on look-ups by query code (portal and
API), counts kept in a cache every process shares; a forged X-Forwarded-For escapes neither the limits
nor the audit."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from yizhan.matters.testing import register


@pytest.fixture
def code(users) -> str:
    return register(users["clerk"]).query_code


@pytest.fixture
def strict(settings):
    settings.QUERY_CODE_RATE = "3/m"
    return settings


@pytest.mark.parametrize("path", ["/track/{code}/", "/api/v1/track/{code}", "/track/000000000000/"])
def test_look_ups_by_query_code_are_limited_per_address(client, code, strict, path):
    url = path.format(code=code)
    for _ in range(3):
        assert client.get(url).status_code in (200, 404)
    response = client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    if url.startswith("/api/"):
        assert response.json()["error"]["code"] == "rate_limited"
    assert client.get(url, REMOTE_ADDR="192.0.2.10").status_code in (200, 404)  # another client


def test_a_forged_forwarded_header_does_not_reset_the_count(client, code, strict):
    for n in range(3):
        client.get(f"/track/{code}/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert client.get(f"/track/{code}/", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_the_counts_live_in_the_shared_cache_not_in_the_process(client, code, strict):
    from django.core.cache.backends.db import DatabaseCache

    assert isinstance(caches["ratelimit"], DatabaseCache)
    for _ in range(3):
        client.get(f"/track/{code}/")
    caches["default"].clear()  # what another process would start with
    assert client.get(f"/track/{code}/").status_code == 429


def test_the_audit_rows_take_the_address_the_trusted_proxy_saw(client, users, settings):
    from yizhan.audit.models import AuditLog

    settings.TRUSTED_PROXY_HOPS = 1
    client.post(
        "/accounts/login/",
        {"username": "clerk", "password": "wrong"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    assert AuditLog.objects.get(action="login_failed").ip == "203.0.113.9"
