"""Security headers on every page, and rate limits on the academy's own actions.

CSRF is checked by the URL sweep. Logins, signups and password resets are
limited by django-allauth with the academy's ACCOUNT_RATE_LIMITS; the academy's
own actions by academy/ratelimits.py.
"""

import pytest

from tests.forms import submit

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(client, home_page):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_booking_attempts_are_rate_limited(client, settings):
    from mentorship.models import Booking
    from tests.academy.factories import shopkeeper
    from tests.mentorship.factories import open_mentor

    settings.ACADEMY_RATE_LIMITS = {**settings.ACADEMY_RATE_LIMITS, "booking": "3/h"}
    profile = open_mentor()
    client.force_login(shopkeeper())
    url = f"/mentorship/mentors/{profile.pk}/book/"
    for _ in range(3):
        assert client.post(url, {"start": "not a time"}).status_code == 400
    response = client.post(url, {"start": "not a time"})
    assert response.status_code == 429
    assert "预约尝试次数过多" in response.content.decode()
    assert not Booking.objects.exists()


LOGIN = "form:has([name=password])"
CODE = "form:has([name=code])"
RESET = "form:has([name=email])"
NEW_PASSWORD = "form:has([name=password1])"
ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
OWNER = {"REMOTE_ADDR": "198.51.100.20"}


def log_in(client, email, password, **extra):
    return submit(
        client, "/accounts/login/", {"login": email, "password": password}, form=LOGIN, **extra
    )


def lock(client, email):
    """Five wrong passwords for ``email`` from the attacker's address."""
    for _ in range(5):
        assert (
            "登录失败次数过多"
            not in log_in(client, email, "wrong password", **ATTACKER).content.decode()
        )
    client.cookies.clear()


def test_failed_logins_are_rate_limited_per_address(client):
    from tests.academy.factories import PASSWORD, shopkeeper

    for number in range(5):
        log_in(client, f"guess{number}@example.com", "wrong password", **ATTACKER)
    # The sixth try from that address is refused, whichever account and password it names.
    response = log_in(client, shopkeeper().email, PASSWORD, **ATTACKER)
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_account_refuses_right_and_wrong_passwords_alike(client):
    from tests.academy.factories import PASSWORD, shopkeeper

    user = shopkeeper()
    lock(client, user.email)
    wrong = log_in(client, user.email, "another wrong one", **OWNER).content.decode()
    right = log_in(client, user.email, PASSWORD, **OWNER).content.decode()
    # Guessing gains nothing: the right password reads exactly like a wrong one.
    assert "此账号登录失败次数过多" in wrong and "此账号登录失败次数过多" in right
    assert "_auth_user_id" not in client.session


def test_the_owner_of_a_locked_account_signs_in_with_her_second_factor(client):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from academy import roles
    from tests.academy.factories import PASSWORD, TOTP_SECRET, staff

    editor = staff(roles.EDITOR)
    lock(client, editor.email)
    response = log_in(client, editor.email, PASSWORD, **OWNER)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    response = submit(client, "/accounts/2fa/authenticate/", {"code": code}, form=CODE, **OWNER)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == editor.pk
    # A wrong code still gets nowhere.
    client.logout()
    log_in(client, editor.email, PASSWORD, **OWNER)
    response = submit(client, "/accounts/2fa/authenticate/", {"code": "000000"}, form=CODE, **OWNER)
    assert "_auth_user_id" not in client.session


def test_the_owner_of_a_locked_account_signs_in_through_a_reset_link(client, mailoutbox):
    import re

    from tests.academy.factories import PASSWORD, shopkeeper

    user = shopkeeper()
    lock(client, user.email)
    submit(client, "/accounts/password/reset/", {"email": user.email}, form=RESET, **OWNER)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body)
    response = client.get(link.group(1), follow=True, **OWNER)
    new = "Kd83-lanzhou-autumn"
    response = submit(
        client,
        response.redirect_chain[-1][0],
        {"password1": new, "password2": new},
        form=NEW_PASSWORD,
        **OWNER,
    )
    # The link signs her in at once: the attacker cannot lock her out again in between.
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    # And the lock is lifted for her next visit.
    client.logout()
    log_in(client, user.email, new, **OWNER)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert PASSWORD != new


def test_signups_are_rate_limited_per_address(client, settings):
    from academy.models import User

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/m/ip"}
    for number in range(3):
        client.post(
            "/accounts/signup/",
            {
                "email": f"farm{number}@example.com",
                "password1": "a-long-pass-2026",
                "password2": "a-long-pass-2026",
            },
        )
        client.logout()
    created = User.objects.count()
    response = client.post(
        "/accounts/signup/",
        {"email": "farm9@example.com", "password1": "a-long-pass-2026", "password2": "x"},
    )
    assert response.status_code == 429
    assert User.objects.count() == created
    assert not User.objects.filter(email="farm9@example.com").exists()


def test_password_reset_requests_are_rate_limited(client, mailoutbox):
    from tests.academy.factories import shopkeeper

    user = shopkeeper()
    statuses = [
        client.post("/accounts/password/reset/", {"email": user.email}).status_code
        for _ in range(7)
    ]
    assert statuses[-1] == 429
    assert len(mailoutbox) <= 5


def test_a_signed_in_owner_confirms_her_password_even_while_her_account_is_locked(client):
    from django.test import Client

    from academy import roles
    from tests.academy.factories import PASSWORD, staff

    editor = staff(roles.EDITOR, totp=False)
    lock(Client(), editor.email)
    client.force_login(editor)
    # Turning on two-factor asks for her password again; the lock must not stop her.
    response = client.get("/accounts/2fa/totp/activate/", **OWNER)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = submit(client, response["Location"], {"password": PASSWORD}, form=LOGIN, **OWNER)
    assert response.status_code == 302
    assert client.get("/accounts/2fa/totp/activate/", **OWNER).status_code == 200
