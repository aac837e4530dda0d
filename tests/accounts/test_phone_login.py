"""A shopkeeper signs up and in with her mobile number and a texted six-digit code."""

import re
import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy import devoutbox, phones, roles
from academy.models import ShopkeeperProfile, User
from tests.academy.factories import PASSWORD, TOTP_SECRET, shopkeeper, staff
from tests.accounts.phones import (
    NUMBER,
    ask_code,
    enter_code,
    last_code,
    signed_in,
    signup_by_phone,
    texts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


@pytest.fixture
def her():
    """A shopkeeper whose number is verified (and who has an e-mail and password too)."""
    return shopkeeper(user__phone=NUMBER, user__phone_verified=True)


def test_a_new_shopkeeper_signs_up_with_only_her_phone(client, home_page):
    response = signup_by_phone(client, phone="+86 138 0013 8000")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone=NUMBER)
    assert not user.phone_verified and user.email is None and not user.has_usable_password()
    assert user.shopkeeper_profile.shop_id == "20261128"
    assert not signed_in(client)

    page = client.get(reverse("account_verify_phone")).content.decode()
    assert "138 0013 8000" in page
    code = last_code()
    assert len(code) == 6 and code.isdigit()
    assert "10分钟内有效" in texts()[-1]["text"]

    response = client.post(reverse("account_verify_phone"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile")
    assert "完善店铺资料" in response.content.decode()
    user.refresh_from_db()
    assert user.phone_verified and signed_in(client)


def test_she_signs_in_again_with_a_code_and_the_phone_comes_first(client, home_page, her):
    page = client.get(reverse("account_login")).content.decode()
    assert page.index('name="phone"') < page.index('name="password"')
    assert "用手机号" in page

    response = ask_code(client, phone="+86 138 0013 8000")
    assert response["Location"] == reverse("account_confirm_login_code")
    response = enter_code(client, last_code())
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == her.pk
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_code_expires_after_ten_minutes(client, home_page, her, clock):
    ask_code(client)
    code = last_code()
    clock.shift(timedelta(minutes=10, seconds=1))
    response = enter_code(client, code, follow=True)
    assert not signed_in(client)
    assert response.redirect_chain[-1][0] == reverse("account_request_login_code")


def test_a_code_signs_in_once(client, home_page, her):
    ask_code(client)
    code = last_code()
    enter_code(client, code)
    assert signed_in(client)
    client.logout()
    response = enter_code(client, code)
    assert response.status_code == 302
    assert not signed_in(client)


def test_five_wrong_codes_and_the_code_is_dead(client, home_page, her):
    ask_code(client)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        response = enter_code(client, wrong)
        assert response.status_code == 200
        assert "验证码不正确" in response.content.decode() or "代码不正确" in (
            response.content.decode()
        )
    response = enter_code(client, wrong, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_request_login_code")
    assert "次数过多" in response.content.decode()
    enter_code(client, code)
    assert not signed_in(client)


def test_a_new_code_waits_a_minute(client, home_page, her, clock):
    ask_code(client)
    response = client.post(reverse("account_confirm_login_code"), {"action": "resend"}, follow=True)
    assert "请稍等一分钟" in response.content.decode()
    assert len(texts(kind="login_code")) == 1
    clock.shift(timedelta(seconds=61))
    client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    assert len(texts(kind="login_code")) == 2
    enter_code(client, last_code())
    assert signed_in(client)


def test_one_number_gets_at_most_five_texts_an_hour(home_page, her, clock):
    # Each ask from a new visitor (a pending code sends the same visitor back to it).
    for _ in range(5):
        assert ask_code(Client()).status_code == 302
        clock.shift(timedelta(seconds=61))
    response = ask_code(Client())
    assert response.status_code == 200
    assert "请稍等一分钟" in response.content.decode()
    assert len(texts()) == 5


def test_one_address_gets_at_most_ten_texts_an_hour(home_page):
    for n in range(10):
        assert ask_code(Client(), phone=f"1390000{n:04d}").status_code == 302
    response = ask_code(Client(), phone="13900009999")
    assert response.status_code == 200
    assert "您所在的网络请求验证码次数过多" in response.content.decode()
    assert texts("+8613900009999") == []


def test_the_whole_site_has_a_ceiling_of_texts(home_page, settings):
    settings.ACADEMY_SMS_RATE_LIMITS = {**settings.ACADEMY_SMS_RATE_LIMITS, "sms_all": "3/h/key"}
    for n in range(3):
        response = ask_code(Client(), phone=f"1390000{n:04d}", REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 302
    response = ask_code(Client(), phone="13900005555", REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 200
    assert "暂时无法发送短信" in response.content.decode()
    assert texts("+8613900005555") == []


def test_a_known_and_an_unknown_number_get_the_same_answer(client, home_page, her):
    known = ask_code(client, phone="13800138000")
    known_page = client.get(known["Location"]).content.decode()
    stranger = Client()
    unknown = ask_code(stranger, phone="13900139000")
    unknown_page = stranger.get(unknown["Location"]).content.decode()
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]

    def without_details(page, number):
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        return page.replace(phones.display(number), "NUMBER").replace(number, "NUMBER")

    assert without_details(known_page, NUMBER) == without_details(unknown_page, "+8613900139000")
    # The owner gets a code; the stranger a text saying the number has no account.
    assert [t["kind"] for t in texts()] == ["login_code"]
    assert [t["kind"] for t in texts("+8613900139000")] == ["unknown_account"]


@pytest.mark.parametrize(
    "number",
    ["010 6552 9988", "+1 202 555 0143", "1380013800", "138001380001", "not a number"],
)
def test_a_number_that_is_not_a_mainland_mobile_is_refused(client, home_page, number):
    response = signup_by_phone(client, phone=number)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["phone"])
    assert "请输入11位中国大陆手机号" in errors
    assert not User.objects.exists() and not ShopkeeperProfile.objects.exists()
    response = ask_code(client, phone=number)
    assert "请输入11位中国大陆手机号" in response.content.decode()
    assert devoutbox.read(channel="sms") == []


def test_signup_needs_a_phone_or_an_email(client, home_page):
    response = signup_by_phone(client, phone="")
    assert "请填写手机号" in " ".join(response.context["form"].errors["phone"])
    assert not User.objects.exists()


def test_a_taken_number_at_signup_reveals_nothing(client, home_page, her):
    users = User.objects.count()
    response = signup_by_phone(client, shop_id="87654321")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    assert User.objects.count() == users
    assert [t["kind"] for t in texts()] == ["account_exists"]


def test_a_resend_to_a_taken_number_counts_like_a_real_code(client, home_page, her, clock):
    # allauth texts nothing on these resends; were they not counted, the hourly
    # limit would come later for a taken number than for a new one and tell them apart.
    signup_by_phone(client, shop_id="87654321")
    for _ in range(3):
        clock.shift(timedelta(seconds=61))
        response = client.post(reverse("account_verify_phone"), {"action": "resend"})
        assert response.status_code == 302
    clock.shift(timedelta(seconds=61))
    assert ask_code(Client()).status_code == 302  # the fifth text of the hour
    clock.shift(timedelta(seconds=61))
    response = ask_code(Client())
    assert response.status_code == 200  # the sixth is refused, as for any number
    assert [t["kind"] for t in texts()] == ["account_exists", "login_code"]


def test_an_email_account_adds_and_verifies_a_phone(client, home_page, clock):
    user = shopkeeper()
    client.force_login(user)
    profile = client.get(reverse("profile")).content.decode()
    assert reverse("account_change_phone") in profile
    assert "添加手机号" in profile
    assert "更换手机号" in client.get(reverse("account_change_phone")).content.decode()
    response = client.post(reverse("account_change_phone"), {"phone": "13800138000"})
    assert response["Location"] == reverse("account_verify_phone")
    response = client.post(reverse("account_verify_phone"), {"code": last_code()})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == NUMBER and user.phone_verified
    # From now on she can sign in with a code (a minute after the last one), and
    # still with her password.
    client.logout()
    clock.shift(timedelta(seconds=61))
    assert ask_code(client).status_code == 302
    enter_code(client, last_code())
    assert int(client.session["_auth_user_id"]) == user.pk
    client.logout()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_unverified_number_on_an_email_account_does_not_sign_in(client, home_page):
    user = shopkeeper(user__phone=NUMBER, user__phone_verified=False)
    ask_code(client)
    assert [t["kind"] for t in texts()] == ["unknown_account"]
    # ...nor does it hold up her password sign-in.
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(browser.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize("role", [roles.EDITOR, roles.ADMINISTRATOR])
def test_a_texted_code_never_skips_the_staff_second_factor(client, home_page, role):
    member = staff(role, phone=NUMBER, phone_verified=True)
    ask_code(client)
    response = enter_code(client, last_code())
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    for page in ("/cms/", "/admin/", reverse("dashboard")):
        assert client.get(page).status_code in (302, 404)
        assert not signed_in(client)

    totp = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": totp})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == member.pk
    assert client.get("/cms/").status_code == 200


def test_a_taken_email_on_a_phone_signup_stays_with_its_owner(client, home_page, mailoutbox):
    owner = shopkeeper(user__email="chunyan@example.com")
    response = signup_by_phone(client, email="chunyan@example.com")
    # The same answer as with a free address: on to the texted code.
    assert response["Location"] == reverse("account_verify_phone")
    newcomer = User.objects.get(phone=NUMBER)
    assert newcomer.email is None
    assert User.objects.get(email="chunyan@example.com") == owner
    assert [m.to for m in mailoutbox] == [[owner.email]]
    assert texts()[-1]["kind"] == "login_code"


def test_a_phone_signup_with_an_email_and_a_password_keeps_both(client, home_page, mailoutbox):
    signup_by_phone(
        client,
        email="chunyan@example.com",
        password1="Kd83-lanzhou-spring",
        password2="Kd83-lanzhou-spring",
    )
    client.post(reverse("account_verify_phone"), {"code": last_code()})
    user = User.objects.get(phone=NUMBER)
    assert user.phone_verified and user.email == "chunyan@example.com"
    assert user.check_password("Kd83-lanzhou-spring")
    assert signed_in(client)
    # Her address is confirmed by mail later; her phone already vouched for her.
    assert "/accounts/confirm-email/" in mailoutbox[-1].body


def test_no_text_goes_out_uncounted_while_the_cache_is_down(client, home_page, her, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "academy.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens: refused at once
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = ask_code(client)
    assert response.status_code == 200
    assert "暂时无法发送短信" in response.content.decode()
    response = signup_by_phone(Client(), phone="13900139000")
    assert "暂时无法发送短信" in response.content.decode()
    assert devoutbox.read(channel="sms") == []
    assert not User.objects.filter(phone="+8613900139000").exists()


def test_five_wrong_codes_at_signup_end_the_attempt(client, home_page):
    signup_by_phone(client)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        assert client.post(reverse("account_verify_phone"), {"code": wrong}).status_code == 200
    response = client.post(reverse("account_verify_phone"), {"code": wrong}, follow=True)
    assert "次数过多" in response.content.decode()
    client.post(reverse("account_verify_phone"), {"code": code})
    assert not signed_in(client)
    assert not User.objects.get(phone=NUMBER).phone_verified
