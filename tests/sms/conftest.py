"""The fake Tencent Cloud SMS API (devservers/sms.py), started in a thread per test."""

import pytest

from devservers.sms import FakeSmsServer


@pytest.fixture
def fake_sms(settings):
    """A fake SMS API on a free port, with the Tencent backend pointed at it."""
    server = FakeSmsServer().start()
    settings.ACADEMY_SMS_BACKEND = "tencent"
    settings.ACADEMY_SMS_ENDPOINT = server.url
    settings.ACADEMY_SMS_TENCENT_SECRET_ID = "AKIDtest"
    settings.ACADEMY_SMS_TENCENT_SECRET_KEY = "test-secret-key"
    settings.ACADEMY_SMS_TENCENT_SDK_APP_ID = "1400000001"
    settings.ACADEMY_SMS_TENCENT_SIGN_NAME = "店主商学院"
    settings.ACADEMY_SMS_TEMPLATES = {
        "login_code": "1000001",
        "unknown_account": "1000002",
        "account_exists": "1000003",
    }
    yield server
    server.stop()
