"""Redis (cache and broker) goes down while shopkeepers book, sign up and study.

The production stack (gunicorn, a Celery worker) runs against the pytest
database and a private Redis that the test kills. Every request must still
succeed within 3 seconds and save its data; the notices wait in the outbox and
go out once Redis is back, each exactly once.
"""

import re

import pytest
from django.urls import reverse

from academy.models import Notification, OutboundEmail, ShopkeeperProfile, User
from courses import services as courses
from courses.models import Enrolment, LessonProgress
from mentorship.models import Booking
from tests.academy.factories import shopkeeper
from tests.courses.factories import academy, course, lessons_of
from tests.mentorship.factories import open_mentor
from tests.reliability.helpers import (
    assert_each_sent_once,
    booking_form,
    outbox_counter,
    outbox_sent,
    slot,
)
from tests.reliability.stack import Visitor, wait_for

pytestmark = pytest.mark.postgres

WITHIN = 3.0  # seconds a request may take while Redis is down


@pytest.fixture(scope="module")
def stack(private_redis, app_database_url, production):
    env = production(app_database_url, private_redis.url(0))
    env.web_process, env.worker_process = env.start(env.web(), env.worker())
    return env


def relay_runs(stack):
    return len(re.findall(r"send_pending_emails\[[^\]]+\] succeeded", stack.log("worker")))


def test_booking_signup_and_lesson_succeed_while_redis_is_down(
    postgres_db, home_page, stack, private_redis
):
    url = stack.web_process.url
    tiers = academy(home_page)
    moments = course(tiers.beginner, "moments", lessons=1, quiz=False)
    lesson = lessons_of(moments)[0]
    learner = shopkeeper()
    courses.enrol(learner, moments)
    profile = open_mentor()
    mentee = shopkeeper()
    booker = Visitor.logged_in(url, mentee)
    student = Visitor.logged_in(url, learner)
    visitor = Visitor(url)
    start = slot(2, 10)
    # Pages seen before the outage (tokens, cookies), as a phone would have them open.
    assert booker.get(reverse("mentorship:mentor", args=[profile.pk])).status_code == 200
    assert visitor.get("/accounts/signup/").status_code == 200
    assert student.get(lesson.url).status_code == 200

    private_redis.kill()

    booked = booker.post(
        reverse("mentorship:book", args=[profile.pk]), booking_form(start, token="t-1")
    )
    signed_up = visitor.post(
        "/accounts/signup/",
        {
            "email": "newshop@example.com",
            "display_name": "新店主",
            "shop_id": "88001234",
            "password1": "slow-river-lantern-42",
            "password2": "slow-river-lantern-42",
        },
    )
    completed = student.post(reverse("courses:complete_lesson", args=[lesson.pk]))

    # Each request answered as usual, quickly.
    assert booked.status_code == 302, booked.text[:2000]
    assert signed_up.status_code == 302, signed_up.text[:2000]
    assert completed.status_code == 302, completed.text[:2000]
    slow = [t for v in (booker, visitor, student) for t in v.timings[-1:] if t[2] > WITHIN]
    assert not slow, slow
    # The pages they land on are served too.
    booking = Booking.objects.get(mentee=mentee)
    assert booked.headers["Location"] == reverse("mentorship:booking", args=[booking.pk])
    detail = booker.get(booked.headers["Location"])
    assert detail.status_code == 200
    assert "朋友圈" in detail.text
    # The data is saved.
    assert booking.start == start
    new = User.objects.get(email="newshop@example.com")
    assert ShopkeeperProfile.objects.get(user=new).shop_id == "88001234"
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is not None
    assert Enrolment.objects.get(user=learner).completed_at is not None
    # The in-site notices are there; their e-mails wait in the outbox.
    keys = set(Notification.objects.values_list("key", flat=True))
    assert f"mentorship:booking:{booking.pk}:booked:{mentee.pk}" in keys
    assert f"mentorship:booking:{booking.pk}:booked:{profile.user_id}" in keys
    assert any(key.startswith("courses:completed:") for key in keys)
    notices = Notification.objects.count()
    assert OutboundEmail.objects.count() == notices
    assert not OutboundEmail.objects.filter(sent_at__isnull=False).exists()
    # Only the signup confirmation (allauth sends it inline, not through Redis) went out.
    (signup_mail,) = stack.sent_emails()
    assert signup_mail[0] == "newshop@example.com"

    private_redis.start()
    # Beat's next tick relays the outbox (a minute at most in production).
    stack.send_task("academy.tasks.send_pending_emails")
    wait_for(outbox_sent, 30, message="the outbox to be sent after Redis came back")
    assert_each_sent_once(stack.sent_emails(), [*outbox_counter().elements(), signup_mail])

    # Later ticks (and a kick from the web) find nothing left to send.
    runs = relay_runs(stack)
    stack.send_task("academy.tasks.send_pending_emails")
    stack.send_task("academy.tasks.send_pending_emails")
    wait_for(lambda: relay_runs(stack) >= runs + 2, 30, message="two more relay runs")
    assert_each_sent_once(stack.sent_emails(), [*outbox_counter().elements(), signup_mail])
    assert Notification.objects.count() == notices
