"""Inputs the API fuzzer found answering 500: each now a 4xx in the error shape."""

import json

import pytest

from yizhan.accounts.models import ApiToken
from yizhan.matters.tests.test_api import BODY


@pytest.fixture
def auth(users):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(users['clerk'], 'no-500')[1]}"}


def _post(client, auth, path, body):
    return client.post("/api/v1" + path, json.dumps(body), content_type="application/json", **auth)


def _patch(client, auth, path, body):
    return client.patch("/api/v1" + path, json.dumps(body), content_type="application/json", **auth)


@pytest.fixture
def matter(client, auth, district):
    response = _post(client, auth, "/matters", BODY)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(
    "field",
    [
        "urgent",
        "by_proxy",
        "home_service",
        "risk_group",
        "risk_stability",
        "risk_escalation",
        "facts",
        "domain",
    ],
)
def test_null_for_a_required_field_is_a_field_error(client, auth, matter, field):
    response = _patch(client, auth, f"/matters/{matter['number']}", {field: None})
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]


def test_null_appointment_clears_it(client, auth, matter):
    response = _patch(client, auth, f"/matters/{matter['number']}", {"appointment_at": None})
    assert response.status_code == 200
    assert response.json()["appointment_at"] is None


def test_a_huge_org_id_filters_to_nothing(client, auth, users, matter):
    for org in ("99999999999999999999", "²", "-1"):
        response = client.get("/api/v1/matters", {"org": org}, **auth)
        assert response.status_code == 200, response.content
        assert response.json()["items"] == []
    client.force_login(users["clerk"])
    assert client.get("/staff/matters/", {"org": "99999999999999999999"}).status_code == 200


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59Z", "1000-01-01T00:00:00+08:00"])
def test_far_appointments_are_refused(client, auth, matter, value):
    response = _patch(client, auth, f"/matters/{matter['number']}", {"appointment_at": value})
    assert response.status_code == 422
    assert "2000" in response.json()["error"]["fields"]["appointment_at"]
    response = _post(client, auth, "/matters", {**BODY, "appointment_at": value})
    assert response.status_code == 422
    assert "appointment_at" in response.json()["error"]["fields"]


def test_far_filter_dates_and_deadlines_are_refused(client, auth, district):
    response = client.get("/api/v1/matters", {"date_from": "9999-12-31"}, **auth)
    assert response.status_code == 422
    assert "date_from" in response.json()["error"]["fields"]
    response = client.get("/api/v1/calendar/deadline", {"start": "9999-12-31", "days": 30})
    assert response.status_code == 422


def test_a_matter_cursor_with_a_huge_id_is_refused(client, auth, district):
    import base64

    cursor = base64.urlsafe_b64encode(b"id:" + b"9" * 30).decode()
    response = client.get("/api/v1/matters", {"cursor": cursor}, **auth)
    assert response.status_code == 422
    assert "cursor" in response.json()["error"]["fields"]


def test_reveal_needs_an_object_with_a_reason(client, auth, matter):
    path = f"/matters/{matter['number']}/requesters/{matter['requesters'][0]['id']}/reveal"
    response = client.post("/api/v1" + path, "false", content_type="application/json", **auth)
    assert response.status_code == 422
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = _post(client, auth, path, body)
        assert response.status_code == 422, body
        assert "reason" in response.json()["error"]["fields"]
    assert _post(client, auth, path, {"reason": "回访核实"}).status_code == 200
