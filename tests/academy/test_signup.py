"""Signup → e-mail verification → shop profile → 我的学习, through the views."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from academy.models import ShopkeeperProfile, User
from tests.academy.factories import shopkeeper

pytestmark = pytest.mark.django_db

STRONG = "Kd83-lanzhou-spring"


def signup(client, **overrides):
    data = {
        "email": "new.shopkeeper@example.com",
        "display_name": "李春燕",
        "shop_id": "12345678",
        "password1": STRONG,
        "password2": STRONG,
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def confirmation_link(message):
    return re.search(r"http://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)


def test_new_shopkeeper_signs_up_verifies_completes_profile_and_lands_on_dashboard(
    client, home_page
):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.shopkeeper@example.com")
    assert user.groups.filter(name="shopkeeper").exists()
    assert user.shopkeeper_profile.shop_id == "12345678"
    assert not user.shopkeeper_profile.is_complete

    # Unverified: the dashboard is out of reach.
    assert client.get(reverse("dashboard")).status_code == 302

    assert len(mail.outbox) == 1
    link = confirmation_link(mail.outbox[0])
    page = client.post(link.replace("http://testserver", ""), follow=True)
    # Logged in by the confirmation, the profile comes first.
    assert page.redirect_chain[-1][0] == reverse("profile")
    assert "完善店铺资料" in page.content.decode()

    response = client.post(
        reverse("profile"),
        {
            "display_name": "李春燕",
            "province": "河南",
            "city": "周口",
            "team_leader_shop_id": "",
            "time_zone": "Asia/Shanghai",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "我的学习" in dashboard
    assert "12345678" in dashboard
    assert "李春燕" in dashboard
    profile = ShopkeeperProfile.objects.get(shop_id="12345678")
    assert profile.is_complete and profile.province == "河南"
    assert profile.level == 1 and not profile.shop_verified  # both come from verification


def test_dashboard_sends_an_incomplete_profile_to_the_profile_form(client):
    user = shopkeeper(completed_at=None)
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response["Location"] == reverse("profile")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"shop_id": "12ab"}, "shop_id", "店铺ID为6到12位数字"),
        ({"shop_id": "123"}, "shop_id", "店铺ID为6到12位数字"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "密码"),
        ({"password2": "something-else-1"}, "password2", "必须相同"),
        ({"email": "not-an-email"}, "email", "有效的"),
    ],
)
def test_bad_signup_shows_a_translated_error_and_saves_nothing(client, overrides, field, message):
    response = signup(client, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not User.objects.filter(email="new.shopkeeper@example.com").exists()
    assert not ShopkeeperProfile.objects.exists()


def test_signup_with_a_taken_email_reveals_nothing_and_saves_nothing(client):
    owner = shopkeeper(user__email="new.shopkeeper@example.com")
    users_before = User.objects.count()
    response = signup(client, shop_id="87654321")
    # Same answer as a fresh signup, so the form does not tell who has an account...
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == users_before
    assert not ShopkeeperProfile.objects.filter(shop_id="87654321").exists()
    # ...and the owner of the address is told someone tried.
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "already" in mail.outbox[0].body or "已经" in mail.outbox[0].body


def test_too_many_failed_logins_are_throttled_with_a_message(client):
    user = shopkeeper()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert response.status_code in (200, 429)
    assert "登录失败次数过多" in response.content.decode()
    # Even the right password is refused while throttled.
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    owner = shopkeeper()
    known = client.post(reverse("account_reset_password"), {"email": owner.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # Only the owner gets a reset link; the unknown address is told it has no account.
    assert [m.to for m in mail.outbox] == [[owner.email], ["nobody@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body
