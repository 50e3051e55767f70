"""How the API is assembled: every staff operation authenticated (token or session with CSRF), the
public operations anonymous."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from yizhan.accounts.models import ApiToken
from yizhan.matters.models import Matter
from yizhan.orgs.models import Organization, OrgKind

PUBLIC = {
    ("get", "/api/v1/track/{code}"),
    ("post", "/api/v1/track/{code}/rating"),
    ("post", "/api/v1/legal-aid/eligibility"),
    ("get", "/api/v1/laws/search"),
    ("post", "/api/v1/citations/check"),
    ("post", "/api/v1/triage"),
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/faq"),
    ("get", "/api/v1/calendar/deadline"),
}
UNAUTHENTICATED = {
    "error": {"code": "unauthenticated", "message": "请先登录或提供有效的接口令牌。", "fields": {}}
}
MATTER = {
    "channel": "hotline",
    "service_type": "consultation",
    "domain": "labor",
    "title": "拖欠工资咨询",
    "requesters": [{"name": "王五", "phone": "13800001111"}],
}


def operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def call(client, method, path, **extra):
    url = re.sub(r"\{[^}]+\}", "1", path)
    if method in ("post", "put", "patch", "delete"):
        return getattr(client, method)(url, "{}", content_type="application/json", **extra)
    return client.get(url, **extra)


def test_every_operation_but_the_public_ones_accepts_only_a_token_or_the_staff_session(client, district):
    documented = list(operations(client))
    anonymous = {(method, path) for method, path, op in documented if not op.get("security")}
    assert anonymous == PUBLIC
    staff = [(method, path, op) for method, path, op in documented if (method, path) not in PUBLIC]
    assert len(staff) >= 20
    for method, path, operation in staff:
        schemes = {name for requirement in operation["security"] for name in requirement}
        assert schemes == {"TokenAuth", "StaffSessionAuth"}, (method, path)


def test_every_staff_operation_answers_401_in_the_error_shape_to_an_anonymous_caller(client, district):
    for method, path, _operation in operations(client):
        if (method, path) in PUBLIC:
            continue
        response = call(client, method, path)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json() == UNAUTHENTICATED, (method, path)


def test_the_public_operations_need_no_credentials(client, district):
    for method, path in sorted(PUBLIC):
        response = call(client, method, path)
        assert response.status_code not in (401, 403), (method, path, response.content)


def test_a_bearer_token_authenticates_as_its_user_and_its_use_is_recorded(client, users, district):
    token, raw = ApiToken.issue(users["clerk2"], "掌上12348")
    response = client.get("/api/v1/matters", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    # the token's user, with their unit, scopes the answer: a private unit elsewhere stays hidden
    hidden = Organization(
        name="内部工作室",
        kind=OrgKind.ROOM,
        parent=district.stations[1],
        region=district.region,
        is_public=False,
    )
    hidden.save()
    assert client.get(f"/api/v1/orgs/{hidden.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404


def test_a_malformed_or_unknown_authorization_header_is_401(client, users, district):
    _, raw = ApiToken.issue(users["clerk"], "集成")
    for header in (
        "Bearer",
        "Bearer yz_not-a-token",
        f"Token {raw}",
        "Basic Y2xlcms6cGFzcw==",
        f"bearer{raw}",
    ):
        response = client.get("/api/v1/orgs", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json() == UNAUTHENTICATED, header


def _revoke(token):
    token.revoke()


def _expire(token):
    token.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    token.save()


def _deactivate_user(token):
    token.user.is_active = False
    token.user.save()


@pytest.mark.parametrize(
    "end", [_revoke, _expire, _deactivate_user], ids=["revoked", "expired", "user-inactive"]
)
def test_a_token_stops_working_at_once_when_it_ends(client, users, district, end):
    token, raw = ApiToken.issue(users["clerk"], "集成")
    assert client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200  # now cached
    end(ApiToken.objects.get(pk=token.pk))
    response = client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_session_calls_that_change_data_need_the_csrf_token(users, district):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["clerk"])
    assert client.get("/api/v1/orgs").status_code == 200  # reading needs no token
    body = json.dumps(MATTER)
    refused = client.post("/api/v1/matters", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert Matter.objects.count() == 0

    client.get("/staff/orgs/")  # any staff page hands out the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/matters", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content
    assert Matter.objects.count() == 1


def test_token_calls_need_no_csrf_token(users, district):
    client = Client(enforce_csrf_checks=True)
    _, raw = ApiToken.issue(users["clerk"], "集成")
    response = client.post(
        "/api/v1/matters",
        json.dumps(MATTER),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content


def test_an_integration_account_may_use_its_token_but_not_a_browser_session(client, users, district):
    account = users["clerk"]
    account.is_integration = True
    account.save()
    client.force_login(account)
    assert client.get("/api/v1/orgs").status_code == 401
    _, raw = ApiToken.issue(account, "省级平台")
    assert client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
