"""Tencent Cloud SMS (腾讯云短信) through its official SDK: ``SendSms`` (API version 2021-01-11).

Request: ``PhoneNumberSet`` (E.164, ``+8613800000000``), ``SmsSdkAppId``, ``SignName``, ``TemplateId``
and ``TemplateParamSet`` (the values in the order of the template's ``{1}``, ``{2}``…). A failed call
answers ``Response.Error.Code`` (the SDK raises ``TencentCloudSDKException``); an accepted call answers a
``SendStatusSet`` with one ``Code`` per number (``Ok`` or an error code).

Error codes: 短信 API 3.0 错误码 (cloud.tencent.com/document/api/382/59177) and the SDK's
``tencentcloud/sms/v20210111/errorcodes.py``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from yizhan.sms.backends.base import OutgoingSms, PermanentSmsError, RetryableSmsError, SmsError, classify

RETRYABLE = frozenset(
    {
        "FailedOperation.InsufficientBalanceInSmsPackage",  # 套餐包余量不足
        "UnauthorizedOperation.ServiceSuspendDueToArrears",  # 欠费被停止服务
        "InternalError.Timeout",  # 请求下发短信超时（可重试）
        "InternalError.SendAndRecvFail",
        "InternalError.UnknownError",
        "InternalError.OtherError",
        "InternalError.ParseBackendResponseFail",
        "InternalError",
        "ResourceUnavailable",
        "ClientNetworkError",  # the SDK's own codes for a failed connection
        "ServerNetworkError",
    }
)
PERMANENT = frozenset(
    {
        "FailedOperation.SignatureIncorrectOrUnapproved",  # 签名未审批或格式错误
        "FailedOperation.TemplateIncorrectOrUnapproved",  # 模板未审批或内容不匹配
        "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        "FailedOperation.TemplateUnapprovedOrNotExist",
        "FailedOperation.MissingSignature",
        "FailedOperation.PhoneNumberInBlacklist",  # 免打扰名单（用户退订或运营商黑名单）
        "FailedOperation.PhoneNumberParseFail",
        "FailedOperation.ContainSensitiveWord",
        "FailedOperation.FailResolvePacket",
        "InvalidParameterValue.IncorrectPhoneNumber",  # 手机号格式错误
        "InvalidParameterValue.ContentLengthLimit",
        "InvalidParameterValue.TemplateParameterFormatError",
        "InvalidParameterValue.TemplateParameterLengthLimit",
        "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
        "InvalidParameterValue.SdkAppIdNotExist",
        "InternalError.SigVerificationFail",
        "InternalError.SigFieldMissing",
        "InternalError.RestApiInterfaceNotExist",
        "InternalError.JsonParseFail",
        "InternalError.RequestTimeException",  # the server clock is wrong: retrying does not fix it
        "LimitExceeded.PhoneNumberCountLimit",
        "LimitExceeded.PhoneNumberSameContentDailyLimit",  # the same text again would be a nuisance
        "LimitExceeded.AppCountryOrRegionInBlacklist",
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
        "UnauthorizedOperation.SdkAppIdIsDisabled",
        "UnauthorizedOperation.RequestIpNotInWhitelist",
        "UnauthorizedOperation.RequestPermissionDeny",
    }
)


def error_for_code(code: str, message: str = "") -> SmsError:
    """Frequency and quota limits (``LimitExceeded.*``, ``RequestLimitExceeded*``) lift with time and
    are retried, as are unlisted internal errors; every other code (authentication, parameters,
    unsupported operations) is permanent."""
    return classify(
        code,
        message,
        permanent=PERMANENT,
        retryable=RETRYABLE,
        retryable_prefixes=("LimitExceeded.", "RequestLimitExceeded", "InternalError."),
    )


# raised by the SDK itself before any request left: a programming error, not worth retrying
_LOCAL_ERRORS = frozenset({"ClientParamsError", "ClientError"})


class TencentBackend:
    name = "tencent"

    def _client(self) -> Any:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http_profile = HttpProfile(reqTimeout=settings.SMS_TIMEOUT_SECONDS)
        return sms_client.SmsClient(
            credential.Credential(settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY),
            settings.SMS_TENCENT_REGION,
            ClientProfile(httpProfile=http_profile),
        )

    def send(self, sms: OutgoingSms) -> str:
        if not sms.provider_template_id:
            raise PermanentSmsError("template_not_configured", "短信模板尚未填写腾讯云模板ID")
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{sms.phone}"]
        request.SmsSdkAppId = settings.SMS_TENCENT_SDK_APP_ID
        request.SignName = sms.sign_name
        request.TemplateId = sms.provider_template_id
        request.TemplateParamSet = list(sms.params.values())
        request.SessionContext = sms.reference
        try:
            response = self._client().SendSms(request)
        except TencentCloudSDKException as exc:
            code, message = str(exc.code or ""), str(exc.message or "")
            if not exc.requestId and code not in _LOCAL_ERRORS:
                # no answer from the API (every answer has a RequestId): a network failure, a timeout,
                # an HTTP error of the gateway, or an exception the SDK wrapped under its class name
                raise RetryableSmsError(code or "network", message[:200]) from exc
            raise error_for_code(code, message) from exc
        except Exception as exc:  # anything the SDK let through is a transport failure
            raise RetryableSmsError(type(exc).__name__, str(exc)[:200]) from exc
        statuses = response.SendStatusSet or []
        if not statuses:
            raise RetryableSmsError("empty_response", "腾讯云未返回发送状态")
        status = statuses[0]
        if status.Code != "Ok":
            raise error_for_code(str(status.Code), str(status.Message or ""))
        return str(status.SerialNo or response.RequestId or "")
