"""Tracking a matter by query code: the stage and its dates, never a person's data; clear messages for
codes that are wrong, unknown or malformed."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yizhan.lib import querycode
from yizhan.matters import services
from yizhan.matters.testing import VALID_ID, register, step_arguments

UNKNOWN_CODE = "123456789015"  # well formed (check digit right), matches no matter
WRONG_CHECK_DIGIT = "123456789016"

NAME, PHONE, ADDRESS = "欧阳娜娜", "13912348765", "兰州市西固区福利西路100号3单元501室"


@pytest.fixture
def fed_back(district, users):
    """A mediation matter fed back to the requester; the staff's notes name her."""
    clerk, mediator = users["clerk"], users["mediator"]
    matter = register(clerk, name=NAME, phone=PHONE, id_number=VALID_ID, address=ADDRESS)
    for code, actor in (
        ("transfer", clerk),
        ("accept", mediator),
        ("start", mediator),
        ("conclude", mediator),
        ("feed_back", clerk),
    ):
        _, payload = step_arguments(code, district)
        services.transition(
            matter, code, actor=actor, note=f"{NAME}（{PHONE}）备注：私密记录", payload=payload
        )
    matter.refresh_from_db()
    return matter


def test_a_valid_code_shows_the_stage_and_its_dates(client, fed_back):
    response = client.get(reverse("portal:status", args=[fed_back.query_code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert querycode.display(fed_back.query_code) in page
    assert "已反馈" in page  # the current state
    assert "西固区公共法律服务中心" in page  # the receiving unit
    for step in ("已受理登记", "已转交承办单位", "承办单位已接收", "正在办理", "已办结", "已反馈办理结果"):
        assert step in page
    registered = timezone.localtime(fed_back.registered_at).strftime("%Y年%-m月%-d日")
    assert registered in page


def test_the_status_page_carries_no_personal_data_and_no_staff_names(client, fed_back, users):
    page = client.get(reverse("portal:status", args=[fed_back.query_code])).content.decode()
    for secret in (NAME, PHONE, "139****8765", VALID_ID, ADDRESS, "3单元501室", "私密记录"):
        assert secret not in page, secret
    for username in ("clerk", "mediator"):
        assert users[username].full_name not in page
    assert fed_back.title not in page and fed_back.facts not in page


def test_a_code_typed_with_spaces_or_dashes_or_read_from_the_receipts_qr_leads_to_the_status(
    client, fed_back
):
    code = fed_back.query_code
    for typed in (querycode.display(code), f"{code[:4]}-{code[4:8]}-{code[8:]}", f" {code} "):
        response = client.get(reverse("portal:track"), {"code": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == reverse("portal:status", args=[code])
    response = client.get(f"/t/{querycode.display(code)}")  # the QR code on the receipt
    assert response["Location"] == reverse("portal:status", args=[code])


def test_an_unknown_code_says_so_in_chinese(client, db):
    response = client.get(reverse("portal:status", args=[UNKNOWN_CODE]))
    assert response.status_code == 404
    assert "没有找到该查询码对应的事项，请核对后重新输入。" in response.content.decode()


def test_a_malformed_code_in_the_address_is_a_clear_404(client, db):
    for code in (WRONG_CHECK_DIGIT, "1234", "abcdefghijkl", "1" * 40):
        response = client.get(reverse("portal:status", args=[code]))
        assert response.status_code == 404, code
        assert "查询码有误，请核对后重新输入（12位数字）。" in response.content.decode(), code


def test_a_malformed_code_in_the_form_is_refused_before_any_lookup(client, db, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for typed in (WRONG_CHECK_DIGIT, "12345", "查询码", "1234 5678 901X"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("portal:track"), {"code": typed})
        # no look-up (the only queries keep the rate limit's count, in a cache table all processes share)
        assert not any("matters_" in query["sql"] for query in queries.captured_queries), typed
        assert response.status_code == 422, typed
        assert "查询码有误，请核对后重新输入（12位数字）。" in response.content.decode(), typed


def test_an_overlong_input_is_a_form_error_not_a_crash(client, db):
    response = client.get(reverse("portal:track"), {"code": "1" * 21})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert "不超过 20 字符" in page


def test_superscript_digits_are_a_malformed_code_not_a_server_error(db):
    client = Client(raise_request_exception=False)
    response = client.get(reverse("portal:track"), {"code": "²" * 12})
    assert response.status_code == 422
