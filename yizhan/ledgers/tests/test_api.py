"""Ledgers through the API: rows with cursors, scoping, filter errors, exports."""

import io

import openpyxl
import pytest

from yizhan.accounts.models import ApiToken
from yizhan.matters.testing import drive


@pytest.fixture
def auth(users):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(users['clerk'], 'ledger-client')[1]}"}


def test_the_directory_lists_the_six_ledgers(client, auth, district):
    keys = [item["key"] for item in client.get("/api/v1/ledgers", **auth).json()]
    assert keys == [
        "visits",
        "mediation_transfers",
        "legal_aid_transfers",
        "appointments",
        "business_transfers",
        "complaints",
    ]


def test_rows_page_with_cursors(client, auth, district):
    numbers = {drive(district, "transferred").number for _ in range(3)}
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/ledgers/mediation_transfers", params, **auth).json()
        assert page["total"] == 3
        seen += [row["number"] for row in page["rows"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(numbers)


def test_bad_filters_and_unknown_ledgers(client, auth, district):
    response = client.get("/api/v1/ledgers/visits", {"date_from": "2026-13-01"}, **auth)
    assert response.status_code == 422
    assert "date_from" in response.json()["error"]["fields"]
    assert client.get("/api/v1/ledgers/nope", **auth).status_code == 404
    assert client.get("/api/v1/ledgers/visits", {"cursor": "!!"}, **auth).status_code == 422


def test_export_through_the_api_is_an_xlsx_file(client, auth, district):
    drive(district, "transferred")
    response = client.get("/api/v1/ledgers/mediation_transfers/export", {"format": "xlsx"}, **auth)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 4
    assert client.get("/api/v1/ledgers/visits/export", {"format": "doc"}, **auth).status_code == 404


def test_a_unit_only_gets_its_own_rows(client, users, district):
    drive(district, "transferred")  # registered at the centre
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(users['clerk2'], 'station')[1]}"}
    assert client.get("/api/v1/ledgers/visits", {"date_from": "", "date_to": ""}, **auth).json()["total"] == 0


@pytest.mark.parametrize("offset", [b"99999999999999999999", b"10000001", b"-5"])
def test_a_cursor_with_a_huge_offset_is_refused(client, auth, district, offset):
    import base64

    cursor = base64.urlsafe_b64encode(b"off:" + offset).decode()
    response = client.get("/api/v1/ledgers/visits", {"cursor": cursor}, **auth)
    assert response.status_code == 422
    assert "cursor" in response.json()["error"]["fields"]


def test_far_appointments_cannot_reach_the_ledgers(client, auth, district):
    import json

    body = {
        "channel": "hotline",
        "service_type": "consultation",
        "domain": "labor",
        "title": "拖欠工资咨询",
        "requesters": [{"name": "王五", "phone": "13800001111"}],
        "appointment_at": "9999-12-31T23:59:59Z",
    }
    response = client.post("/api/v1/matters", json.dumps(body), content_type="application/json", **auth)
    assert response.status_code == 422
    assert client.get("/api/v1/ledgers/visits", **auth).status_code == 200
    assert client.get("/api/v1/ledgers/visits", {"org": "99999999999999999999"}, **auth).status_code == 422
