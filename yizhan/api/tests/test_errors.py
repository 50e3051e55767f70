"""The error shape {"error": {"code", "message", "fields"}} for every failure, and how validation errors
name their fields."""

import json

import pytest
from django.test import Client

from yizhan.accounts.models import ApiToken
from yizhan.core.http.errors import validation_fields


@pytest.fixture
def bearer(users):
    _, raw = ApiToken.issue(users["clerk"], "集成")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def has_chinese(text):
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def test_a_missing_record_is_404_not_found(client, district):
    response = client.get("/api/v1/track/123456789015")
    assert response.status_code == 404
    assert error_of(response) == {
        "code": "not_found",
        "message": "没有找到该查询码对应的事项，请核对后重新输入。",
        "fields": {},
    }


def test_a_path_parameter_of_the_wrong_type_is_422_naming_it(client, district, bearer):
    response = client.get("/api/v1/orgs/abc", **bearer)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["fields"] == {"org_id": "应为整数。"}


def test_a_body_that_breaks_the_schema_is_422_with_a_chinese_message_per_field(client, district):
    response = client.post(
        "/api/v1/track/123456789015/rating",
        json.dumps({"satisfaction": "meh", "comment": "很" * 501}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"satisfaction": "取值无效。", "comment": "内容过长。"}
    empty = client.post("/api/v1/track/123456789015/rating", "", content_type="application/json")
    assert empty.status_code == 422
    assert error_of(empty)["fields"] == {"body": "必填。"}


def test_a_wrong_method_is_405_in_the_error_shape(client, district, bearer):
    response = client.delete("/api/v1/orgs", **bearer)
    assert response.status_code == 405
    assert error_of(response)["code"]


def test_an_unknown_api_path_is_404_in_the_error_shape(client, district, bearer):
    response = client.get("/api/v1/no-such-thing", **bearer)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_session_call_without_csrf_is_403_in_the_error_shape(users, district):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["clerk"])
    response = client.post("/api/v1/matters", "{}", content_type="application/json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    assert "CSRF" in error_of(response)["message"] and has_chinese(error_of(response)["message"])


def test_a_body_that_is_not_json_is_refused_with_a_chinese_message(client, district):
    response = client.post("/api/v1/track/123456789015/rating", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert has_chinese(error_of(response)["message"])


def test_a_code_of_superscript_digits_is_404_not_a_server_error(district):
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/track/" + "²" * 12)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("errors", "fields"),
    [
        (
            [{"loc": ("body", "payload", "requesters", 0, "phone"), "type": "string_type", "msg": "x"}],
            {"requesters[0].phone": "应为文本。"},
        ),
        (
            [{"loc": ("query", "filters", "limit"), "type": "int_parsing", "msg": "x"}],
            {"filters.limit": "应为整数。"},
        ),
        ([{"loc": ("path", "org_id"), "type": "int_parsing", "msg": "x"}], {"org_id": "应为整数。"}),
        ([{"loc": ("body",), "type": "missing", "msg": "x"}], {"body": "必填。"}),
        ([{"loc": (), "type": "json_invalid", "msg": "x"}], {"body": "请求体不是有效的 JSON。"}),
        (
            [
                {
                    "loc": ("body", "payload", "when"),
                    "type": "value_error",
                    "msg": "Value error, 日期不能早于受理日期",
                }
            ],
            {"when": "Value error, 日期不能早于受理日期"},
        ),
        ([{"loc": ("body", "payload", "x"), "type": "weird"}], {"x": "取值无效。"}),
        (
            [
                {"loc": ("body", "payload", "a"), "type": "missing", "msg": ""},
                {"loc": ("body", "payload", "b", 2), "type": "too_long", "msg": ""},
            ],
            {"a": "必填。", "b[2]": "内容过长。"},
        ),
    ],
    ids=["nested", "query", "path", "body", "json", "unknown-type", "no-message", "several"],
)
def test_validation_fields_names_each_field_and_says_what_is_wrong_in_chinese(errors, fields):
    assert validation_fields(errors) == fields


# --- the body parser (yizhan/core/http/parser.py) -----------------------------------------------------


def test_a_json_body_under_another_content_type_is_415(client, district):
    response = client.post(
        "/api/v1/track/123456789015/rating", '{"satisfaction": "satisfied"}', content_type="text/plain"
    )
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    assert "Content-Type" in error_of(response)["fields"]


def test_a_deeply_nested_body_is_refused_without_a_server_error(district):
    client = Client(raise_request_exception=False)
    response = client.post("/api/v1/triage", "[" * 100_000, content_type="application/json")
    assert response.status_code in (400, 422)
    assert has_chinese(error_of(response)["message"])
    nested = client.post(
        "/api/v1/triage", '{"text": ' + "[" * 40 + "]" * 40 + "}", content_type="application/json"
    )
    assert nested.status_code in (400, 422)


def test_nul_characters_are_refused_on_their_field(client, district):
    body = '{"satisfaction": "satisfied", "comment": "很好\\u0000"}'
    response = client.post("/api/v1/track/123456789015/rating", body, content_type="application/json")
    assert response.status_code == 422
    assert "comment" in error_of(response)["fields"]
