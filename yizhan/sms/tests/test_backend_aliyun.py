"""Alibaba Cloud SMS through its SDK: the HTTP exchange is replaced by recorded answers, so the SDK's own
request building, signing and error handling run; no network."""

from __future__ import annotations

import io
import json
from unittest import mock

import pytest

from yizhan.sms.backends import PermanentSmsError, RetryableSmsError, get_backend
from yizhan.sms.backends.aliyun import AliyunBackend
from yizhan.sms.tests.conftest import recorded

pytest.importorskip("alibabacloud_dysmsapi20170525")
from darabonba.core import DaraCore
from darabonba.response import DaraResponse


@pytest.fixture
def aliyun(settings):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tTestOnlyKeyId"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "test-only-secret"
    settings.SMS_ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"
    return get_backend()


def _answer(name: str, requests: list):
    answer = recorded(f"aliyun/{name}")

    def do_action(request, runtime=None):
        requests.append(request)
        response = DaraResponse()
        response.status_code = answer["status"]
        response.headers = {"content-type": "application/json;charset=utf-8"}
        response.body = io.BytesIO(json.dumps(answer["body"]).encode("utf-8"))
        return response

    return mock.patch.object(DaraCore, "do_action", side_effect=do_action)


def test_a_message_is_sent_with_sign_name_template_code_and_json_params(aliyun, outgoing):
    assert isinstance(aliyun, AliyunBackend)
    requests: list = []
    with _answer("send_ok", requests):
        assert aliyun.send(outgoing) == "900619746936498440^0"
    (request,) = requests
    assert request.method == "POST" and request.protocol == "HTTPS"
    headers = request.headers
    assert headers["host"] == "dysmsapi.aliyuncs.com"
    assert headers["x-acs-action"] == "SendSms" and headers["x-acs-version"] == "2017-05-25"
    assert headers["Authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI5tTestOnlyKeyId,")
    query = request.query
    assert query["PhoneNumbers"] == "13812345678"
    assert query["SignName"] == "一站" and query["TemplateCode"] == "SMS_478215036"
    assert json.loads(query["TemplateParam"]) == {"code": "3141-5926-5358", "org": "城关司法所"}
    assert query["OutId"] == "42"


@pytest.mark.parametrize(
    ("answer", "error", "code"),
    [
        ("send_mobile_illegal", PermanentSmsError, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("send_template_illegal", PermanentSmsError, "isv.SMS_TEMPLATE_ILLEGAL"),
        ("invalid_access_key", PermanentSmsError, "InvalidAccessKeyId.NotFound"),
        ("send_business_limit", RetryableSmsError, "isv.BUSINESS_LIMIT_CONTROL"),
        ("service_unavailable", RetryableSmsError, "ServiceUnavailable"),
        ("throttling_user", RetryableSmsError, "Throttling.User"),
    ],
)
def test_the_providers_errors_are_permanent_or_retryable(aliyun, outgoing, answer, error, code):
    requests: list = []
    with _answer(answer, requests), pytest.raises(error) as raised:
        aliyun.send(outgoing)
    assert raised.value.code == code and len(requests) == 1  # one attempt: the retries are ours


def test_a_timeout_is_retryable(aliyun, outgoing):
    import requests as http

    timeout = http.exceptions.ReadTimeout("read timed out")
    with (
        mock.patch.object(DaraCore, "do_action", side_effect=timeout),
        pytest.raises(RetryableSmsError) as raised,
    ):
        aliyun.send(outgoing)
    assert raised.value.code == "ReadTimeout"


def test_a_template_without_the_providers_code_is_not_sent(aliyun, outgoing):
    from dataclasses import replace

    with mock.patch.object(DaraCore, "do_action") as do_action, pytest.raises(PermanentSmsError):
        aliyun.send(replace(outgoing, provider_template_id=""))
    do_action.assert_not_called()
