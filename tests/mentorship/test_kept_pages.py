"""The slot picker and 我的学习 are kept per mentee, yet a slot taken by anyone, her own
booking or cancellation and the mentor's new hours are on her very next page."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship import services
from mentorship.models import Booking
from mentorship.services import schedule
from tests.academy.factories import shopkeeper
from tests.forms import submit
from tests.kept_pages import kept, warm
from tests.mentorship.factories import open_mentor
from tests.mentorship.test_views import OVERRIDE_FORM, booking_form, slot_links, tomorrow_at

pytestmark = pytest.mark.django_db


def encoded(start):
    return start.isoformat().replace("+", "%2B").replace(":", "%3A")


@pytest.fixture
def mentor():
    return open_mentor(days=range(7), hours=("09:00", "11:00"), session_lengths=[60])


def picker(profile, start):
    return reverse("mentorship:mentor", args=[profile.pk]) + f"?day={start.date()}"


def test_a_slot_booked_by_another_mentee_leaves_her_kept_picker(client, mentor):
    start = tomorrow_at("Asia/Shanghai", 9)
    client.force_login(shopkeeper())
    assert encoded(start) in warm(client, picker(mentor, start)).content.decode()
    services.book_session(shopkeeper(), mentor, start, 60)
    page = client.get(picker(mentor, start))
    assert not kept(page)
    assert encoded(start) not in page.content.decode()


def test_her_booking_and_cancelling_show_on_her_next_pages(client, mentor):
    start = tomorrow_at("Asia/Shanghai", 9)
    mentee = shopkeeper(user__display_name="王丽娟")
    client.force_login(mentee)
    page = warm(client, picker(mentor, start)).content.decode()
    assert str(mentor.user) not in warm(client, "/me/").content.decode()
    link = next(link for link in slot_links(page) if encoded(start) in link)
    _form_page, fields = booking_form(client, link.replace("&amp;", "&"))
    response = client.post(
        reverse("mentorship:book", args=[mentor.pk]), {**fields, "agenda": "想学朋友圈文案"}
    )
    assert response.status_code == 302
    client.get(response["Location"])  # the booking, with its one-off message
    booking = Booking.objects.get(mentee=mentee)
    assert encoded(start) not in client.get(picker(mentor, start)).content.decode()
    assert str(mentor.user) in warm(client, "/me/").content.decode()
    warm(client, picker(mentor, start))

    response = client.post(reverse("mentorship:cancel", args=[booking.pk]), {"reason": "conflict"})
    assert response.status_code == 302
    client.get(response["Location"])
    assert encoded(start) in client.get(picker(mentor, start)).content.decode()
    assert str(mentor.user) not in client.get("/me/").content.decode()


def test_the_mentors_days_off_and_new_hours_reach_kept_pickers(client, mentor):
    mentee_browser = Client()
    mentee_browser.force_login(shopkeeper())
    url = reverse("mentorship:mentor", args=[mentor.pk])
    day = (timezone.now() + timedelta(days=3)).astimezone(mentor.zone).date()
    assert f"day={day.isoformat()}" in warm(mentee_browser, url).content.decode()
    client.force_login(mentor.user)
    submit(
        client,
        reverse("mentorship:availability"),
        {"override-kind": "off", "override-first_day": day.isoformat(), "override-note": "休假"},
        form=OVERRIDE_FORM,
    )
    assert f"day={day.isoformat()}" not in mentee_browser.get(url).content.decode()

    start = tomorrow_at("Asia/Shanghai", 15)
    assert encoded(start) not in warm(mentee_browser, picker(mentor, start)).content.decode()
    # The morning ranges stay the same rows: only new rows are written.
    afternoons = {d: [(time(9), time(11)), (time(15), time(17))] for d in range(7)}
    schedule.replace_weekly_rules(mentor, afternoons)
    assert encoded(start) in mentee_browser.get(picker(mentor, start)).content.decode()


def test_the_slot_picker_stays_within_budget_on_a_warm_cache(
    client, mentor, django_assert_max_num_queries
):
    client.force_login(shopkeeper())
    url = reverse("mentorship:mentor", args=[mentor.pk])
    warm(client, url)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
