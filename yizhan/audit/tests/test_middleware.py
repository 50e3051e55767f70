"""The request context middleware: audit rows written while serving a request carry the client's address
and one id per request; nothing leaks to work done outside a request."""

import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from yizhan.audit.middleware import RequestContextMiddleware, current_request_context
from yizhan.audit.models import AuditAction, AuditLog
from yizhan.audit.services import record

PASSWORD = "Test-pass-2026"


def serve(request, *actions):
    """Run a view that writes one audit row per action through the middleware; return the rows."""
    written = []

    def view(request):
        for action in actions:
            written.append(record(action, object_type="test.thing", object_id="1"))
        return HttpResponse("ok")

    RequestContextMiddleware(view)(request)
    return written


def test_logins_are_recorded_with_the_clients_address_and_the_request_id(client, users):
    login = reverse("accounts:login")
    client.post(login, {"username": "clerk", "password": "wrong"}, REMOTE_ADDR="203.0.113.8")
    response = client.post(login, {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    failed = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (failed.actor, failed.actor_label, failed.ip) == (None, "clerk", "203.0.113.8")
    success = AuditLog.objects.get(action=AuditAction.LOGIN)
    assert (success.actor, success.ip) == (users["clerk"], "203.0.113.7")
    assert re.fullmatch(r"[0-9a-f]{16}", success.request_id)
    assert success.request_id != failed.request_id


def test_rows_of_one_request_share_its_id_and_the_next_request_gets_another(db):
    factory = RequestFactory()
    first = serve(factory.get("/", REMOTE_ADDR="198.51.100.1"), AuditAction.UPDATE, AuditAction.EXPORT)
    second = serve(factory.get("/", REMOTE_ADDR="198.51.100.1"), AuditAction.UPDATE)
    assert first[0].request_id == first[1].request_id != ""
    assert second[0].request_id != first[0].request_id


def test_the_context_is_cleared_after_the_request_even_when_the_view_fails(db):
    def failing(request):
        assert current_request_context().ip == "198.51.100.2"
        raise ValueError("boom")

    middleware = RequestContextMiddleware(failing)
    with pytest.raises(ValueError, match="boom"):
        middleware(RequestFactory().get("/", REMOTE_ADDR="198.51.100.2"))
    assert current_request_context() is None
    assert record(AuditAction.EXPORT, object_type="test.thing").ip is None


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(db, settings):
    headers = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.50"}
    assert serve(RequestFactory().get("/", **headers), AuditAction.UPDATE)[0].ip == "10.0.0.1"
    settings.TRUSTED_PROXY_HOPS = 1  # one proxy: the entry it appended, never the client's own (6.6.6.6)
    assert serve(RequestFactory().get("/", **headers), AuditAction.UPDATE)[0].ip == "192.0.2.50"
