"""Security headers on every page, and rate limits on the academy's own actions.

CSRF is checked by the URL sweep; logins, signups and resets by tests/academy.
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
