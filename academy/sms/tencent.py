"""Tencent Cloud SMS (API 3.0, ``SendSms`` of sms/v20210111) through its official SDK.

One message per call. The answer of each number is in ``SendStatusSet``: a number
the provider refuses for good (not a mobile, blacklisted, unsubscribed) raises
SmsRejected; a limit of the provider, a network or server error, or any other
failure raises SmsError (trying later may work).
"""

from urllib.parse import urlsplit

from django.conf import settings
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from academy.sms import SmsError, SmsRejected

# Refusals of the number itself: sending again will not help.
REJECTED_CODES = {
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberInBlacklist",
    "FailedOperation.PhoneNumberOnBlacklist",
    "FailedOperation.PhoneNumberParseFail",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
    "UnsupportedOperation.UnsupportedRegion",
    "FailedOperation.ContainSensitiveWord",
}
TIMEOUT_SECONDS = 10


def _endpoint():
    """(scheme, host[:port]) of ACADEMY_SMS_ENDPOINT, a host name or a full URL."""
    value = settings.ACADEMY_SMS_ENDPOINT
    if "://" in value:
        parts = urlsplit(value)
        return parts.scheme, parts.netloc
    return "https", value


class TencentBackend:
    def __init__(self):
        scheme, host = _endpoint()
        http_profile = HttpProfile(endpoint=host, protocol=scheme, reqTimeout=TIMEOUT_SECONDS)
        self.client = sms_client.SmsClient(
            credential.Credential(
                settings.ACADEMY_SMS_TENCENT_SECRET_ID, settings.ACADEMY_SMS_TENCENT_SECRET_KEY
            ),
            settings.ACADEMY_SMS_TENCENT_REGION,
            ClientProfile(httpProfile=http_profile),
        )

    def send(self, phone, kind, params):
        template = settings.ACADEMY_SMS_TEMPLATES.get(kind)
        if not template:
            raise SmsError(f"no Tencent template for SMS kind {kind!r} (ACADEMY_SMS_TEMPLATES)")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [phone]
        request.SmsSdkAppId = settings.ACADEMY_SMS_TENCENT_SDK_APP_ID
        request.SignName = settings.ACADEMY_SMS_TENCENT_SIGN_NAME
        request.TemplateId = template
        request.TemplateParamSet = list(params)
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or ""
            if code in REJECTED_CODES:
                raise SmsRejected(f"{code}: {error.get_message()}") from error
            raise SmsError(f"{code}: {error.get_message()}") from error
        statuses = response.SendStatusSet or []
        if not statuses:
            raise SmsError(f"no send status in the answer (request {response.RequestId})")
        status = statuses[0]
        if status.Code == "Ok":
            return status.SerialNo
        message = f"{status.Code}: {status.Message} (request {response.RequestId})"
        if status.Code in REJECTED_CODES:
            raise SmsRejected(message)
        raise SmsError(message)
