"""Signing in with WeChat: the official account inside WeChat, the QR login elsewhere."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from academy import roles
from academy.models import User
from academy.wechat.accounts import official_openid
from tests.academy.factories import TOTP_SECRET, UserFactory, shopkeeper, staff
from tests.accounts.phones import NUMBER, last_code
from tests.wechat import (
    DESKTOP_UA,
    OFFICIAL_APP_ID,
    WEBSITE_APP_ID,
    WECHAT_UA,
    consent,
    query,
    sign_in,
    start,
)

pytestmark = pytest.mark.django_db


def finish_signup(client, user_agent=WECHAT_UA, **fields):
    """Her one sign-up form, then the code texted to her number."""
    data = {"display_name": "王小梅", "phone": "13800138000", "shop_id": "23456789", **fields}
    headers = {"user-agent": user_agent}
    response = client.post(reverse("socialaccount_signup"), data, headers=headers)
    assert response["Location"] == reverse("account_verify_phone")
    return client.post(reverse("account_verify_phone"), {"code": last_code()}, headers=headers)


def test_first_wechat_sign_in_asks_for_her_profile_once_then_signs_her_up(client, fake_wechat):
    fake_wechat.add_user(nickname="王小梅", unionid="union-wang")

    response = sign_in(client, fake_wechat)

    # Silent first; only because she is new does WeChat ask her consent.
    assert [scope for _, _, scope in fake_wechat.authorizations] == [
        "snsapi_base",
        "snsapi_userinfo",
    ]
    assert all(path == "/connect/oauth2/authorize" for path, _, _ in fake_wechat.authorizations)
    assert response["Location"] == reverse("socialaccount_signup")
    page = client.get(response["Location"]).content.decode()
    assert 'value="王小梅"' in page  # her WeChat nickname, for her to keep or change
    assert "下次微信会自动帮你登录" in page
    assert 'name="phone"' in page
    assert 'name="email"' not in page
    assert not User.objects.exists()

    data = {"display_name": "王小梅", "phone": "", "shop_id": "23456789"}
    page = client.post(reverse("socialaccount_signup"), data).content.decode()
    assert "必需字段" in page
    assert not User.objects.exists()

    response = finish_signup(client)
    user = User.objects.get()
    # Signed in; her shop profile is what she completes next.
    assert client.get(response["Location"])["Location"] == reverse("profile")
    assert user.display_name == "王小梅"
    assert user.email is None
    assert (user.phone, user.phone_verified) == (NUMBER, True)
    assert user.shopkeeper_profile.shop_id == "23456789"
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("wechat", "union-wang")
    assert official_openid(user) == fake_wechat.current.openids[OFFICIAL_APP_ID]
    assert client.get(reverse("profile")).status_code == 200


def test_known_shopkeeper_signs_in_silently_with_no_form(client, fake_wechat):
    fake_wechat.add_user(nickname="王小梅", unionid="union-wang")
    sign_in(client, fake_wechat)
    finish_signup(client)
    client.logout()
    fake_wechat.authorizations.clear()

    response = sign_in(client, fake_wechat)

    assert [scope for _, _, scope in fake_wechat.authorizations] == ["snsapi_base"]
    assert response.status_code == 302
    assert response["Location"] != reverse("socialaccount_signup")
    assert client.get(reverse("profile")).status_code == 200
    assert User.objects.count() == 1


def test_on_a_computer_the_website_qr_login_is_used(client, fake_wechat):
    location = start(client, DESKTOP_UA)
    assert location.startswith(f"{fake_wechat.url}/connect/qrconnect?")
    assert query(location)["appid"] == WEBSITE_APP_ID
    assert query(location)["scope"] == "snsapi_login"
    assert "#wechat_redirect" not in location


def test_qr_login_then_official_account_with_the_same_unionid_is_one_person(client, fake_wechat):
    her = fake_wechat.add_user(nickname="赵敏", unionid="union-zhao")
    sign_in(client, fake_wechat, DESKTOP_UA)
    finish_signup(client, DESKTOP_UA, display_name="赵敏")
    user = User.objects.get()
    client.logout()

    response = sign_in(client, fake_wechat, WECHAT_UA)

    assert response.status_code == 302
    assert response["Location"] != reverse("socialaccount_signup")
    assert User.objects.count() == 1
    account = SocialAccount.objects.get()
    assert account.user == user
    assert account.extra_data["openids"] == {
        WEBSITE_APP_ID: her.openids[WEBSITE_APP_ID],
        OFFICIAL_APP_ID: her.openids[OFFICIAL_APP_ID],
    }
    assert account.extra_data["nickname"] == "赵敏"
    assert official_openid(user) == her.openids[OFFICIAL_APP_ID]


def test_a_callback_with_another_state_is_refused_and_makes_no_account(client, fake_wechat):
    callback = consent(fake_wechat, start(client))
    forged = callback.replace(f"state={query(callback)['state']}", "state=forged-state")

    response = client.get(forged, headers={"user-agent": WECHAT_UA})

    assert response.status_code == 401
    assert "登录没有完成" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert not User.objects.exists()


def test_a_replayed_code_is_refused_and_makes_no_account(client, fake_wechat):
    first = consent(fake_wechat, start(client))
    client.get(first, headers={"user-agent": WECHAT_UA})  # WeChat's code, exchanged once
    callback = consent(fake_wechat, start(client))
    replayed = callback.replace(f"code={query(callback)['code']}", f"code={query(first)['code']}")

    response = client.get(replayed, headers={"user-agent": WECHAT_UA})

    assert response.status_code == 401
    assert "登录没有完成" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert not User.objects.exists()


def test_staff_signing_in_by_wechat_still_gives_the_totp_code(client, fake_wechat):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    editor = staff(roles.EDITOR)
    person = fake_wechat.add_user(nickname="编辑", unionid="union-editor")
    SocialAccount.objects.create(
        user=editor,
        provider="wechat",
        uid="union-editor",
        extra_data={
            "nickname": "编辑",
            "openids": {OFFICIAL_APP_ID: person.openid(OFFICIAL_APP_ID)},
        },
    )

    response = sign_in(client, fake_wechat)

    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/cms/").status_code == 302
    assert "_auth_user_id" not in client.session
    import time

    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time() // 30)))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get("/cms/").status_code == 200


def test_signed_in_shopkeeper_links_wechat_and_it_signs_her_in_later(client, fake_wechat):
    user = shopkeeper()
    client.force_login(user)
    her = fake_wechat.add_user(nickname="林芳", unionid="union-lin")

    response = sign_in(client, fake_wechat, process="connect")

    assert response.status_code == 302
    account = SocialAccount.objects.get()
    assert (account.user, account.uid) == (user, "union-lin")
    assert official_openid(user) == her.openids[OFFICIAL_APP_ID]
    client.logout()
    sign_in(client, fake_wechat)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_profile_offers_to_link_wechat(client, fake_wechat):
    client.force_login(shopkeeper())
    page = client.get(reverse("profile")).content.decode()
    assert "关联微信" in page
    assert "process=connect" in page


def test_shopkeeper_with_a_password_unlinks_wechat_from_her_profile(client, fake_wechat):
    user = shopkeeper()
    person = fake_wechat.add_user(nickname="林芳", unionid="union-lin")
    account = SocialAccount.objects.create(
        user=user,
        provider="wechat",
        uid="union-lin",
        extra_data={
            "nickname": "林芳",
            "openids": {OFFICIAL_APP_ID: person.openid(OFFICIAL_APP_ID)},
        },
    )
    sign_in(client, fake_wechat)
    profile = client.get(reverse("profile")).content.decode()
    assert "已关联微信「林芳」" in profile
    assert reverse("socialaccount_connections") in profile

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    assert official_openid(user) is None
    assert "关联微信" in client.get(reverse("profile")).content.decode()


def test_a_link_made_while_wechat_was_on_can_be_unlinked_after_it_is_switched_off(client):
    # No WeChat app configured (the fake is not started): sign-in by WeChat is off.
    user = shopkeeper()
    account = SocialAccount.objects.create(
        user=user, provider="wechat", uid="union-lin", extra_data={"nickname": "林芳"}
    )
    login_page = client.get(reverse("account_login")).content.decode()
    assert "微信扫码登录" not in login_page and "微信一键登录" not in login_page
    client.force_login(user)
    assert client.get(reverse("socialaccount_connections")).status_code == 200

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 302
    assert not SocialAccount.objects.exists()


def test_a_wechat_shopkeeper_with_a_verified_phone_may_unlink_it(client, fake_wechat):
    fake_wechat.add_user(nickname="王小梅", unionid="union-wang")
    sign_in(client, fake_wechat)
    finish_signup(client)
    account = SocialAccount.objects.get()

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    assert User.objects.get().phone_verified


def test_wechat_is_not_unlinked_when_it_is_her_only_way_in(client, fake_wechat):
    # No password and no phone: allauth's own rule keeps her one way in.
    user = UserFactory(password=None, display_name="王小梅")
    user.set_unusable_password()
    user.save()
    person = fake_wechat.add_user(nickname="王小梅", unionid="union-wang")
    account = SocialAccount.objects.create(
        user=user,
        provider="wechat",
        uid="union-wang",
        extra_data={
            "nickname": "王小梅",
            "openids": {OFFICIAL_APP_ID: person.openid(OFFICIAL_APP_ID)},
        },
    )
    sign_in(client, fake_wechat)

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 200
    assert "您的账号未设置密码" in response.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_inside_wechat_the_sign_in_page_offers_wechat_in_one_tap(client, fake_wechat):
    page = client.get(reverse("account_login"), headers={"user-agent": WECHAT_UA})
    html = page.content.decode()
    assert "微信一键登录" in html
    assert "login-wechat--first" in html
    assert f'action="{reverse("wechat_login")}?process=login"' in html


def test_on_a_computer_the_sign_in_page_offers_the_qr_login(client, fake_wechat):
    html = client.get(reverse("account_login"), headers={"user-agent": DESKTOP_UA}).content.decode()
    assert "微信扫码登录" in html
    assert "login-wechat--first" not in html


def test_without_wechat_keys_the_sign_in_page_offers_no_wechat(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"wechat": {"APPS": []}}
    settings.WEIXIN_APP_ID = settings.WEIXIN_MP_APP_ID = ""
    html = client.get(reverse("account_login"), headers={"user-agent": WECHAT_UA}).content.decode()
    assert "微信" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_sign_in_page_lets_the_form_go_on_to_wechat(client, fake_wechat):
    response = client.get(reverse("account_login"))
    assert "https://open.weixin.qq.com" in response["Content-Security-Policy"]
