"""Alibaba Cloud SMS (阿里云短信服务) through its official SDK: ``SendSms`` (API version 2017-05-25).

Request: ``PhoneNumbers`` (11 digits), ``SignName``, ``TemplateCode`` (e.g. ``SMS_123456789``) and
``TemplateParam`` (a JSON object of strings). Answer: HTTP 200 with ``Code`` ``OK`` and ``BizId``, or a
business error code (``isv.*`` for the caller's mistakes, ``isp.*`` for the platform's); gateway errors
(authentication, throttling, 5xx) come as HTTP 4xx/5xx, which the SDK raises.

Error codes: 国内消息API错误码 (help.aliyun.com/document_detail/101346.html).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from yizhan.sms.backends.base import (
    OutgoingSms,
    PermanentSmsError,
    RetryableSmsError,
    SmsError,
    classify,
)

# retried later: limits that lift with time, an empty balance someone will top up, platform failures
RETRYABLE = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",  # 触发业务流控 (per number per minute/hour/day)
        "isv.DAY_LIMIT_CONTROL",  # 触发日发送限额 (the account's daily quota)
        "isv.MONTH_LIMIT_CONTROL",  # 触发月发送限额
        "isv.AMOUNT_NOT_ENOUGH",  # 账户余额不足
        "isv.OUT_OF_SERVICE",  # 业务停机 (balance below zero)
        "isv.BILLING_DEDUCTION_ERROR",
        "isv.DATA_NOT_EXIST",  # "please try again later"
        "isp.SYSTEM_ERROR",
        "isp.GATEWAY_ERROR",
        "isp.UNKNOWN",
        "ServiceUnavailable",
        "InternalError",
    }
)
# never retried: the number, the template, the signature or the account must be fixed first
PERMANENT = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",  # 手机号码格式错误
        "isv.MOBILE_COUNT_OVER_LIMIT",
        "isv.SMS_TEMPLATE_ILLEGAL",  # 模板不合法（不存在或未审核通过）
        "isv.SMS_SIGNATURE_ILLEGAL",  # 签名不合法（不存在或未审核通过）
        "isv.SMS_SIGNATURE_SCENE_ILLEGAL",  # 签名和模板类型不一致
        "isv.SIGN_STATE_ILLEGAL",  # 签名状态为“不可用”
        "isv.SMS_SIGN_ILLEGAL",  # 签名禁止使用
        "isv.SMS_CONTENT_ILLEGAL",  # 短信内容包含禁止发送内容
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.INVALID_PARAMETERS",
        "isv.INVALID_JSON_PARAM",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.PARAM_NOT_SUPPORT_URL",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
        "isv.EXTEND_CODE_ERROR",
        "isv.DENY_IP_RANGE",
        "isv.PRODUCT_UN_SUBSCRIPT",
        "isv.PRODUCT_UNSUBSCRIBE",
        "isv.ACCOUNT_NOT_EXISTS",
        "isv.ACCOUNT_ABNORMAL",
        "isp.RAM_PERMISSION_DENY",
    }
)


def error_for_code(code: str, message: str = "") -> SmsError:
    """Unknown ``isp.*`` (platform) and ``Throttling*`` codes are retried; anything else is not."""
    return classify(
        code,
        message,
        permanent=PERMANENT,
        retryable=RETRYABLE,
        retryable_prefixes=("isp.", "Throttling"),
    )


class AliyunBackend:
    name = "aliyun"

    def __init__(self) -> None:
        self.timeout_ms = settings.SMS_TIMEOUT_SECONDS * 1000

    def _client(self) -> Any:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        return Client(
            Config(
                access_key_id=settings.SMS_ALIYUN_ACCESS_KEY_ID,
                access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET,
                endpoint=settings.SMS_ALIYUN_ENDPOINT,
                connect_timeout=self.timeout_ms,
                read_timeout=self.timeout_ms,
            )
        )

    def send(self, sms: OutgoingSms) -> str:
        if not sms.provider_template_id:
            raise PermanentSmsError("template_not_configured", "短信模板尚未填写阿里云模板CODE")
        from alibabacloud_dysmsapi20170525 import models
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ThrottlingException
        from darabonba.runtime import RuntimeOptions

        request = models.SendSmsRequest(
            phone_numbers=sms.phone,
            sign_name=sms.sign_name,
            template_code=sms.provider_template_id,
            template_param=json.dumps(sms.params, ensure_ascii=False),
            out_id=sms.reference or None,
        )
        # one attempt here: retries are ours, with backoff across worker runs
        runtime = RuntimeOptions(
            autoretry=False,
            max_attempts=1,
            connect_timeout=self.timeout_ms,
            read_timeout=self.timeout_ms,
        )
        try:
            response = self._client().send_sms_with_options(request, runtime)
        except ThrottlingException as exc:
            raise RetryableSmsError(str(exc.code or "Throttling"), str(exc.message or "")) from exc
        except AlibabaCloudException as exc:
            code, status = str(exc.code or ""), exc.status_code or 0
            if status >= 500 or status == 429:
                raise RetryableSmsError(code or f"HTTP {status}", str(exc.message or "")) from exc
            raise error_for_code(code or f"HTTP {status}", str(exc.message or "")) from exc
        except Exception as exc:  # network errors, wrapped by the SDK as UnretryableException
            inner = getattr(exc, "inner_exception", None) or exc
            raise RetryableSmsError(type(inner).__name__, str(inner)[:200]) from exc
        body = response.body
        if body is None:
            raise RetryableSmsError("empty_response", "阿里云未返回内容")
        if body.code != "OK":
            raise error_for_code(str(body.code), str(body.message or ""))
        return str(body.biz_id or body.request_id or "")
