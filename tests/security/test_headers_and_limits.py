"""Security headers on every page, and rate limits on the academy's own actions.

CSRF is checked by the URL sweep. Logins, signups and password resets are
limited by django-allauth with the academy's ACCOUNT_RATE_LIMITS; the academy's
own actions by academy/ratelimits.py.
"""

import pytest

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


def test_failed_logins_are_rate_limited_per_account(client):
    from tests.academy.factories import PASSWORD, shopkeeper

    user = shopkeeper()
    form = {"login": user.email, "password": "wrong password"}
    for _ in range(5):
        assert "登录失败次数过多" not in client.post("/accounts/login/", form).content.decode()
    assert "登录失败次数过多" in client.post("/accounts/login/", form).content.decode()
    # Even the right password is refused while the limit holds: guessing gains nothing.
    response = client.post("/accounts/login/", {**form, "password": PASSWORD})
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


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
