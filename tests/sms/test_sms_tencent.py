"""Texts through Tencent Cloud's SDK, against the local fake of its API."""

import json
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings
from django.urls import reverse

from academy import sms
from academy.models import User
from tests.academy.factories import shopkeeper
from tests.accounts.phones import ask_code, enter_code

NUMBER = "+8613800138000"


def test_a_sent_text_returns_the_providers_serial_number(fake_sms):
    serial = sms.send(NUMBER, "login_code", ["204863", 10])
    assert serial.startswith("fake-")
    [request] = fake_sms.received
    assert request["action"] == "SendSms"
    assert request["version"] == "2021-01-11"
    assert request["region"] == "ap-guangzhou"
    assert request["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")
    assert request["body"] == {
        "PhoneNumberSet": [NUMBER],
        "SmsSdkAppId": "1400000001",
        "SignName": "店主商学院",
        "TemplateId": "1000001",
        "TemplateParamSet": ["204863", "10"],
    }


@pytest.mark.parametrize(
    "code",
    [
        "FailedOperation.PhoneNumberInBlacklist",
        "InvalidParameterValue.IncorrectPhoneNumber",
        "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
    ],
)
def test_a_number_the_provider_refuses_for_good_raises_sms_rejected(fake_sms, code):
    fake_sms.script(NUMBER, code)
    with pytest.raises(sms.SmsRejected, match=code):
        sms.send(NUMBER, "login_code", ["204863", 10])


def test_a_blacklisted_number_by_its_ending_is_rejected(fake_sms):
    with pytest.raises(sms.SmsRejected, match="PhoneNumberInBlacklist"):
        sms.send("+8613800139990", "login_code", ["204863", 10])


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("+8613800139991", "LimitExceeded.PhoneNumberDailyLimit"),
        ("+8613800139992", "LimitExceeded.PhoneNumberThirtySecondLimit"),
    ],
)
def test_a_limit_of_the_provider_is_an_error_worth_retrying(fake_sms, number, code):
    with pytest.raises(sms.SmsError, match=code) as raised:
        sms.send(number, "login_code", ["204863", 10])
    assert not isinstance(raised.value, sms.SmsRejected)


def test_any_other_failed_operation_is_an_error_worth_retrying(fake_sms):
    fake_sms.script(NUMBER, "FailedOperation.InsufficientBalanceInSmsPackage")
    with pytest.raises(sms.SmsError) as raised:
        sms.send(NUMBER, "login_code", ["204863", 10])
    assert not isinstance(raised.value, sms.SmsRejected)


def test_a_server_error_is_an_error_worth_retrying(fake_sms):
    fake_sms.fail_next(502)
    with pytest.raises(sms.SmsError) as raised:
        sms.send(NUMBER, "login_code", ["204863", 10])
    assert not isinstance(raised.value, sms.SmsRejected)
    # The next one goes through.
    assert sms.send(NUMBER, "login_code", ["204863", 10]).startswith("fake-")


def test_an_unreachable_provider_is_an_error_worth_retrying(fake_sms):
    fake_sms.stop()
    with pytest.raises(sms.SmsError) as raised:
        sms.send(NUMBER, "login_code", ["204863", 10])
    assert not isinstance(raised.value, sms.SmsRejected)


def test_a_kind_without_a_template_is_not_sent(fake_sms):
    with pytest.raises(sms.SmsError, match="booking_reminder"):
        sms.send(NUMBER, "booking_reminder", ["李老师", "明天"])
    assert fake_sms.received == []


def test_the_fake_server_lists_what_it_received_over_http(fake_sms):
    sms.send(NUMBER, "login_code", ["204863", 10])
    with urllib.request.urlopen(f"{fake_sms.url}/_control/received") as answer:  # noqa: S310
        received = json.loads(answer.read())
    assert received[0]["body"]["PhoneNumberSet"] == [NUMBER]


@pytest.mark.django_db
def test_a_shopkeeper_signs_in_with_a_code_texted_through_tencent(client, home_page, fake_sms):
    user = shopkeeper(user__phone=NUMBER, user__phone_verified=True)
    ask_code(client)
    [request] = fake_sms.received
    code, minutes = request["body"]["TemplateParamSet"]
    assert len(code) == 6 and minutes == "10"
    enter_code(client, code)
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_a_refused_number_answers_like_any_other(client, home_page, fake_sms):
    fake_sms.script(NUMBER, "FailedOperation.PhoneNumberInBlacklist")
    response = client.post(
        reverse("account_signup"),
        {"phone": "13800138000", "display_name": "李春燕", "shop_id": "20261128"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    assert User.objects.filter(phone=NUMBER).exists()
    assert len(fake_sms.received) == 1


def _check(**env):
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "academy.example.com",
        "ACADEMY_PLATFORM_ENTRY": "0",
        "ACADEMY_SMS_BACKEND": "tencent",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", "import academy.settings"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_with_tencent_and_no_secrets():
    result = _check()
    assert result.returncode != 0
    assert "ACADEMY_SMS_TENCENT_SECRET_ID must be set" in result.stderr


def test_production_starts_with_tencent_and_its_secrets():
    result = _check(
        ACADEMY_SMS_TENCENT_SECRET_ID="AKIDprod",
        ACADEMY_SMS_TENCENT_SECRET_KEY="prod-key",
        ACADEMY_SMS_TENCENT_SDK_APP_ID="1400000001",
        ACADEMY_SMS_TEMPLATES='{"login_code": "1000001"}',
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('{"login_code": 1000001, "unknown_account": "1000002"}', None),
        ("login_code=1000001,unknown_account=1000002", None),
        ("login_code", "ACADEMY_SMS_TEMPLATES"),
        ("{not json", "ACADEMY_SMS_TEMPLATES"),
    ],
)
def test_templates_are_read_as_json_or_pairs(value, expected):
    script = "from academy import settings as s; print(sorted(s.ACADEMY_SMS_TEMPLATES.items()))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "ACADEMY_SMS_TEMPLATES": value},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if expected:
        assert result.returncode != 0 and expected in result.stderr
    else:
        assert "('login_code', '1000001'), ('unknown_account', '1000002')" in result.stdout
