"""Calendar files: one .ics per booking and a private, revocable feed, parsed back."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from mentorship import services
from mentorship.models import CalendarFeed
from tests.academy.factories import shopkeeper
from tests.mentorship.factories import open_mentor, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 0, 0)
START = utc(2026, 12, 3, 1, 0)


@pytest.fixture(autouse=True)
def _at_now(time_machine):
    """These tests use fixed dates: travel there first, so model defaults agree with NOW."""
    time_machine.move_to(NOW, tick=False)


def events(content):
    calendar = Calendar.from_ical(content)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


@pytest.fixture
def booked():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, START, 60, agenda="社群怎么做", now=NOW)
    return profile, mentee, booking


def test_a_booking_downloads_as_an_event_with_uid_sequence_and_status(client, booked):
    profile, mentee, booking = booked
    client.force_login(mentee)
    response = client.get(reverse("mentorship:booking_ics", args=[booking.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = events(response.content)
    assert str(event["UID"]) == f"{booking.uid}@127.0.0.1"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == utc(2026, 12, 3, 2, 0)
    assert str(profile.user) in str(event["SUMMARY"])
    assert "社群怎么做" in str(event["DESCRIPTION"])
    assert "mentor_wechat_88" in str(event["LOCATION"])


def test_a_moved_then_cancelled_booking_keeps_its_uid_and_raises_its_sequence(client, booked):
    _profile, mentee, booking = booked
    client.force_login(mentee)
    url = reverse("mentorship:booking_ics", args=[booking.pk])
    (before,) = events(client.get(url).content)
    services.reschedule_booking(booking, mentee, utc(2026, 12, 4, 2, 0), 60, now=NOW)
    (moved,) = events(client.get(url).content)
    assert moved["UID"] == before["UID"]
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == utc(2026, 12, 4, 2, 0)
    booking.refresh_from_db()
    services.cancel_booking(booking, mentee, "not_needed", now=NOW)
    (cancelled,) = events(client.get(url).content)
    assert cancelled["UID"] == before["UID"]
    assert int(cancelled["SEQUENCE"]) == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_the_feed_lists_my_sessions_and_reset_revokes_the_old_address(client, booked):
    profile, mentee, booking = booked
    other = services.book_session(shopkeeper(), profile, utc(2026, 12, 5, 1, 0), 60, now=NOW)
    client.force_login(mentee)
    client.post(reverse("mentorship:calendar"), {"action": "reset"})
    token = CalendarFeed.objects.get(user=mentee).token
    page = client.get(reverse("mentorship:calendar")).content.decode()
    assert token in page
    client.logout()  # calendar apps have no session: the token is the key
    feed_url = reverse("mentorship:feed", args=[token])
    response = client.get(feed_url)
    assert response.status_code == 200
    uids = {str(e["UID"]) for e in events(response.content)}
    assert uids == {f"{booking.uid}@127.0.0.1"}
    assert f"{other.uid}@127.0.0.1" not in uids

    # The mentor's feed holds both sessions.
    mentor_feed = services.feed_of(profile.user)
    mentor_events = events(client.get(reverse("mentorship:feed", args=[mentor_feed.token])).content)
    assert len(mentor_events) == 2

    client.force_login(mentee)
    client.post(reverse("mentorship:calendar"), {"action": "reset"})
    client.logout()
    assert client.get(feed_url).status_code == 404
    new_token = CalendarFeed.objects.get(user=mentee).token
    assert client.get(reverse("mentorship:feed", args=[new_token])).status_code == 200
    client.force_login(mentee)
    client.post(reverse("mentorship:calendar"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("mentorship:feed", args=[new_token])).status_code == 404


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(client, booked):
    _profile, mentee, booking = booked
    services.cancel_booking(booking, mentee, "conflict", now=NOW)
    token = services.feed_of(mentee).token
    (event,) = events(client.get(reverse("mentorship:feed", args=[token])).content)
    assert str(event["STATUS"]) == "CANCELLED"
    assert "LOCATION" not in event


@pytest.mark.parametrize("token", ["nope", "x" * 43, "../../etc/passwd"])
def test_unknown_feed_tokens_are_not_found(client, token):
    assert client.get(f"/mentorship/calendar/{token}.ics").status_code == 404
