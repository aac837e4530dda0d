"""Template messages through the official account's API, against the fake WeChat."""

import logging

import pytest
from django.utils import timezone

from academy.wechat import messages
from tests.academy.test_settings import PRODUCTION, manage
from tests.wechat import OFFICIAL_APP_ID

DATA = {"first": "您预约的一对一辅导明天开始", "keyword1": "周老师", "keyword2": "明天 20:00"}


@pytest.fixture
def official(settings, fake_wechat):
    settings.ACADEMY_WECHAT_BACKEND = "official"
    settings.ACADEMY_WECHAT_TEMPLATES = {"booking_reminder": "tpl-booking-reminder"}
    fake_wechat.templates = {"tpl-booking-reminder"}
    return fake_wechat


def her_openid(fake):
    return fake.add_user(nickname="王小梅", unionid="union-wang").openid(OFFICIAL_APP_ID)


def test_template_message_reaches_her_with_its_fields_and_link(official):
    openid = her_openid(official)

    msgid = messages.send_template(openid, "booking_reminder", DATA, "https://academy.example/b/1")

    [sent] = official.sent
    assert msgid == str(sent["msgid"])
    assert sent["touser"] == openid
    assert sent["template_id"] == "tpl-booking-reminder"
    assert sent["url"] == "https://academy.example/b/1"
    assert sent["data"]["keyword1"] == {"value": "周老师"}


def test_access_token_is_fetched_once_and_shared(official):
    openid = her_openid(official)
    messages.send_template(openid, "booking_reminder", DATA)
    messages.send_template(openid, "booking_reminder", DATA)
    assert official.token_fetches == 1
    assert len(official.sent) == 2


def test_access_token_is_fetched_again_before_it_expires(official, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    openid = her_openid(official)
    messages.send_template(openid, "booking_reminder", DATA)
    time_machine.shift(7200 - 200)  # WeChat's two hours, less a margin
    messages.send_template(openid, "booking_reminder", DATA)
    assert official.token_fetches == 2


def test_she_unfollowed_the_account(official):
    openid = her_openid(official)
    official.unfollowed.add(openid)
    with pytest.raises(messages.WeChatUnfollowed):
        messages.send_template(openid, "booking_reminder", DATA)
    assert official.sent == []


def test_an_openid_of_another_app_is_treated_as_unfollowed(official):
    with pytest.raises(messages.WeChatUnfollowed):
        messages.send_template("o-not-of-this-account", "booking_reminder", DATA)


@pytest.mark.parametrize("trouble", ["rate_limited", "busy"])
def test_rate_limit_and_system_error_are_worth_another_try(official, trouble):
    openid = her_openid(official)
    setattr(official, trouble, True)
    with pytest.raises(messages.WeChatError) as raised:
        messages.send_template(openid, "booking_reminder", DATA)
    assert not isinstance(raised.value, messages.WeChatUnfollowed)


def test_an_invalid_template_is_logged_clearly(official, caplog):
    openid = her_openid(official)
    official.templates = {"another-template"}
    with caplog.at_level(logging.ERROR, logger="academy.wechat.official"):
        with pytest.raises(messages.WeChatError) as raised:
            messages.send_template(openid, "booking_reminder", DATA)
    assert not isinstance(raised.value, messages.WeChatUnfollowed)
    assert "tpl-booking-reminder" in caplog.text
    assert "ACADEMY_WECHAT_TEMPLATES" in caplog.text


def test_wechat_out_of_reach_is_an_error_worth_another_try(official, settings):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.WEIXIN_API_BASE_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(messages.WeChatError):
        messages.send_template("o-anyone", "booking_reminder", DATA)


def test_production_refuses_the_official_backend_without_its_keys(tmp_path):
    result = manage(
        "check", **PRODUCTION, ACADEMY_WECHAT_BACKEND="official", ACADEMY_DATA_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "WEIXIN_MP_APP_ID" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
