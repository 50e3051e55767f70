"""API v1: contract, idempotent creates, errors as {"error": {code, message, fields}}, tokens, cursors."""

import json

import pytest

from yizhan.accounts.models import ApiToken
from yizhan.matters.models import Matter
from yizhan.matters.testing import VALID_ID, drive


@pytest.fixture
def token(users):
    integration = users["clerk"]
    _, raw = ApiToken.issue(integration, "测试客户端")
    return raw


@pytest.fixture
def api(client, token):
    class Api:
        def __init__(self, auth):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {auth}"} if auth else {}

        def post(self, path, body=None, **headers):
            return client.post(
                "/api/v1" + path,
                json.dumps(body or {}),
                content_type="application/json",
                **self.headers,
                **headers,
            )

        def get(self, path, params=None):
            return client.get("/api/v1" + path, params or {}, **self.headers)

        def patch(self, path, body):
            return client.patch(
                "/api/v1" + path, json.dumps(body), content_type="application/json", **self.headers
            )

    return Api(token)


BODY = {
    "channel": "hotline",
    "service_type": "consultation",
    "domain": "labor",
    "title": "拖欠工资咨询",
    "requesters": [
        {"name": "王五", "phone": "13800001111", "id_number": VALID_ID, "groups": ["migrant_worker"]}
    ],
}


def test_create_returns_the_matter_with_masked_personal_data(api, district):
    response = api.post("/matters", BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "registered"
    assert data["requesters"][0]["phone"] == "138****1111"
    assert VALID_ID not in response.content.decode()
    assert "transfer" in data["allowed_actions"]


def test_a_retried_create_with_the_same_key_returns_the_same_matter(api, district):
    first = api.post("/matters", BODY, HTTP_IDEMPOTENCY_KEY="abc-123")
    second = api.post("/matters", BODY, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["number"] == second.json()["number"]
    assert Matter.objects.count() == 1
    third = api.post("/matters", BODY, HTTP_IDEMPOTENCY_KEY="abc-124")
    assert third.json()["number"] != first.json()["number"]


def test_the_same_key_with_another_body_is_a_conflict(api, district):
    api.post("/matters", BODY, HTTP_IDEMPOTENCY_KEY="k1")
    response = api.post("/matters", {**BODY, "title": "另一件事"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_a_failed_create_does_not_burn_the_key(api, district):
    """A create refused by the service stores nothing under its key: the client corrects the body and
    retries with the same key, and gets a new matter (not a replay of the 422, not a 409)."""
    bad = api.post("/matters", {**BODY, "service_type": "nope"}, HTTP_IDEMPOTENCY_KEY="k2")
    assert bad.status_code == 422
    assert not Matter.objects.exists()
    good = api.post("/matters", {**BODY, "service_type": "consultation"}, HTTP_IDEMPOTENCY_KEY="k2")
    assert good.status_code == 201, good.content
    again = api.post("/matters", {**BODY, "service_type": "consultation"}, HTTP_IDEMPOTENCY_KEY="k2")
    assert again.status_code == 200  # a replay
    assert again.json()["number"] == good.json()["number"]
    assert Matter.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service_type": "unknown"}, "service_type"),
        ({"domain": "unknown"}, "domain"),
        ({"channel": "pigeon"}, "channel"),
        ({"title": ""}, "title"),
        ({"requesters": []}, "requesters"),
        ({"requesters": [{"name": "王五", "id_number": "110101199003074259"}]}, "requesters[0].id_number"),
        ({"requesters": [{"name": "王五", "phone": "123"}]}, "requesters[0].phone"),
        ({"requesters": [{"name": "王五", "age": -3}]}, "requesters[0].age"),
        ({"region": "999999"}, "region"),
        ({"receiving_org_id": 999999}, "receiving_org_id"),
        ({"appointment_at": "tomorrow"}, "appointment_at"),
    ],
)
def test_bad_input_is_422_with_the_field_named(api, district, change, field):
    response = api.post("/matters", {**BODY, **change})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert error["message"]


def test_malformed_json_is_a_4xx_in_the_error_shape(client, token, district):
    response = client.post(
        "/api/v1/matters", "{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_without_a_token_the_api_answers_401(client, district):
    response = client.get("/api/v1/matters")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_revoked_token_no_longer_works(api, district, users):
    assert api.get("/matters").status_code == 200  # used (and cached) before
    for token in ApiToken.objects.all():
        token.revoke()
    assert api.get("/matters").status_code == 401


def test_session_posts_need_the_csrf_token(users, district):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["clerk"])
    response = client.post("/api/v1/matters", json.dumps(BODY), content_type="application/json")
    assert response.status_code in (401, 403)
    assert Matter.objects.count() == 0


def test_transitions_through_the_api(api, district, users):
    number = api.post("/matters", BODY).json()["number"]
    response = api.post(
        f"/matters/{number}/transitions/transfer",
        {"to_org_id": district.committees[0].pk, "service_type": "mediation", "note": "请调解"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "transferred"
    again = api.post(f"/matters/{number}/transitions/answer", {"note": "x"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"
    missing = api.post(f"/matters/{number}/transitions/accept", {})
    assert missing.status_code == 403  # the clerk's token cannot accept for the committee
    unknown = api.post(f"/matters/{number}/transitions/teleport", {})
    assert unknown.status_code == 404
    bad_target = api.post(f"/matters/{number}/transitions/transfer", {"to_org_id": 999999})
    assert bad_target.status_code in (409, 422)
    events = api.get(f"/matters/{number}/events").json()
    assert [e["code"] for e in events] == ["register", "transfer"]


def test_transfer_without_a_target_names_the_field(api, district):
    number = api.post("/matters", BODY).json()["number"]
    response = api.post(f"/matters/{number}/transitions/transfer", {})
    assert response.status_code == 422
    assert "to_org_id" in response.json()["error"]["fields"]


def test_cursor_pagination_walks_every_matter_once(api, district, users):
    for i in range(7):
        api.post("/matters", {**BODY, "title": f"事项{i}"})
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = api.get("/matters", params).json()
        seen += [m["number"] for m in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7
    assert api.get("/matters", {"cursor": "garbage!"}).status_code == 422
    assert api.get("/matters", {"limit": 0}).status_code == 422


def test_person_history_and_reveal_through_the_api(api, district, users):
    number = api.post("/matters", BODY).json()["number"]
    history = api.get("/people/matters", {"phone": "13800001111"}).json()
    assert [m["number"] for m in history] == [number]
    assert api.get("/people/matters", {"phone": "1"}).status_code == 422
    requester_id = api.get(f"/matters/{number}").json()["requesters"][0]["id"]
    revealed = api.post(f"/matters/{number}/requesters/{requester_id}/reveal", {"reason": "回访"}).json()
    assert revealed["id_number"] == VALID_ID


def test_patch_updates_and_refuses_unknown_domains(api, district):
    number = api.post("/matters", BODY).json()["number"]
    assert api.patch(f"/matters/{number}", {"title": "改后的摘要"}).json()["title"] == "改后的摘要"
    response = api.patch(f"/matters/{number}", {"domain": "astrology"})
    assert response.status_code == 422 and "domain" in response.json()["error"]["fields"]


def test_public_track_and_rating(client, district):
    matter = drive(district, "fed_back")
    data = client.get(f"/api/v1/track/{matter.query_code}").json()
    assert data["state"] == "fed_back" and data["can_rate"]
    text = json.dumps(data, ensure_ascii=False)
    assert "张三" not in text and "138" not in text
    response = client.post(
        f"/api/v1/track/{matter.query_code}/rating",
        json.dumps({"satisfaction": "satisfied", "advice_adopted": True}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["rated"]
    again = client.post(
        f"/api/v1/track/{matter.query_code}/rating",
        json.dumps({"satisfaction": "satisfied"}),
        content_type="application/json",
    )
    assert again.status_code == 409
    bad = client.post(
        f"/api/v1/track/{matter.query_code}/rating",
        json.dumps({"satisfaction": "meh"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "satisfaction" in bad.json()["error"]["fields"]
    assert client.get("/api/v1/track/123").status_code == 404


def test_public_endpoints_are_rate_limited(client, district, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_RATE_PER_SECOND = 3
    statuses = [client.get("/api/v1/track/000000000000").status_code for _ in range(6)]
    assert 429 in statuses
    limited = client.get("/api/v1/track/000000000000")
    if limited.status_code == 429:
        assert limited.json()["error"]["code"] == "rate_limited"


def test_openapi_document_and_docs_page(client, district):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/matters" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_orgs_and_regions(api, district):
    page = api.get("/orgs", {"kind": "mediation_committee"}).json()
    assert page["items"] and all(o["kind"] == "mediation_committee" for o in page["items"])
    detail = api.get(f"/orgs/{district.center.pk}").json()
    assert len(detail["windows"]) >= 4
    assert api.get("/orgs/999999").status_code == 404
    regions = api.get("/regions", {"parent": "620104"}).json()
    assert {r["name"] for r in regions} >= {"陈坪街道"}
