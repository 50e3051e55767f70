"""Tencent Cloud SMS through its SDK: the HTTP exchange is replaced by recorded answers, so the SDK's
request building, error detection and response parsing run; no network."""

from __future__ import annotations

import json
from types import SimpleNamespace
from unittest import mock

import pytest

from yizhan.sms.backends import PermanentSmsError, RetryableSmsError, get_backend
from yizhan.sms.backends.tencent import TencentBackend
from yizhan.sms.tests.conftest import recorded

pytest.importorskip("tencentcloud.sms.v20210111")
from tencentcloud.sms.v20210111.sms_client import SmsClient


@pytest.fixture
def tencent(settings):
    settings.SMS_BACKEND = "tencent"
    settings.SMS_TENCENT_SECRET_ID = "AKIDTestOnlySecretId"
    settings.SMS_TENCENT_SECRET_KEY = "test-only-secret-key"
    settings.SMS_TENCENT_SDK_APP_ID = "1400006666"
    settings.SMS_TENCENT_REGION = "ap-guangzhou"
    return get_backend()


def _answer(name: str, calls: list):
    answer = recorded(f"tencent/{name}")

    def _call(self, action, params, options=None, headers=None):
        calls.append((action, params))
        return SimpleNamespace(
            status_code=answer["status"],
            headers={"Content-Type": "application/json"},
            content=json.dumps(answer["body"]).encode("utf-8"),
        )

    return mock.patch.object(SmsClient, "_call", autospec=True, side_effect=_call)


def test_a_message_is_sent_to_the_e164_number_with_the_params_in_template_order(tencent, outgoing):
    assert isinstance(tencent, TencentBackend)
    calls: list = []
    with _answer("send_ok", calls):
        assert tencent.send(outgoing) == "5000:1045710669157053657849499619"
    ((action, params),) = calls
    assert action == "SendSms"
    assert params["PhoneNumberSet"] == ["+8613812345678"]
    assert params["SmsSdkAppId"] == "1400006666" and params["SignName"] == "一站"
    assert params["TemplateId"] == "SMS_478215036"
    assert params["TemplateParamSet"] == ["3141-5926-5358", "城关司法所"]
    assert params["SessionContext"] == "42"


@pytest.mark.parametrize(
    ("answer", "error", "code"),
    [
        ("signature_unapproved", PermanentSmsError, "FailedOperation.SignatureIncorrectOrUnapproved"),
        ("incorrect_phone", PermanentSmsError, "InvalidParameterValue.IncorrectPhoneNumber"),
        ("one_hour_limit", RetryableSmsError, "LimitExceeded.PhoneNumberOneHourLimit"),
        ("internal_timeout", RetryableSmsError, "InternalError.Timeout"),
    ],
)
def test_the_providers_errors_are_permanent_or_retryable(tencent, outgoing, answer, error, code):
    calls: list = []
    with _answer(answer, calls), pytest.raises(error) as raised:
        tencent.send(outgoing)
    assert raised.value.code == code and len(calls) == 1


def test_a_network_failure_is_retryable(tencent, outgoing):
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

    failure = TencentCloudSDKException("ClientNetworkError", "HTTPSConnectionPool: Read timed out.")
    with mock.patch.object(SmsClient, "_call", side_effect=failure), pytest.raises(RetryableSmsError):
        tencent.send(outgoing)
    reset = ConnectionResetError("reset")
    with mock.patch.object(SmsClient, "_call", side_effect=reset), pytest.raises(RetryableSmsError) as raised:
        tencent.send(outgoing)
    assert raised.value.code in {"ConnectionResetError", "ClientNetworkError"}
