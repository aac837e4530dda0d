"""Mentorship pages say their own Chinese words, not another app's for the same English."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship import services
from mentorship.models import Goal
from tests.academy.factories import shopkeeper
from tests.mentorship.factories import open_mentor

pytestmark = pytest.mark.django_db


def link_text(html, url):
    match = re.search(rf'<a [^>]*href="{re.escape(url)}"[^>]*>([^<]*)</a>', html)
    assert match, f"no link to {url}"
    return match.group(1).strip()


def test_the_message_button_and_box_say_send_a_message(client):
    profile = open_mentor()
    mentee = shopkeeper()
    zone = ZoneInfo("Asia/Shanghai")
    day = timezone.now().astimezone(zone).date() + timedelta(days=2)
    start = datetime.combine(day, time(10), tzinfo=zone).astimezone(UTC)
    booking = services.book_session(mentee, profile, start, 60)
    client.force_login(mentee)

    page = client.get(reverse("mentorship:booking", args=[booking.pk])).content.decode()
    thread_with = reverse("mentorship:thread_with", args=[profile.user_id])
    assert link_text(page, thread_with) == "发消息"

    thread = client.get(thread_with, follow=True).content.decode()
    label = re.search(r'<label for="id_body"[^>]*>([^<]*)<', thread)
    assert label, "no message box"
    assert label.group(1).strip() == "发消息"
    assert "提醒内容" not in page + thread


def test_a_goal_in_progress_is_shown_as_in_progress_on_my_dashboard(client):
    mentee = shopkeeper()
    Goal.objects.create(
        mentee=mentee, title="每周销售 5000 元", target_value=5000, created_by=mentee
    )
    client.force_login(mentee)

    for url in ("/me/", reverse("mentorship:goals")):
        page = client.get(url).content.decode()
        card = page[page.index("每周销售 5000 元") - 600 :]
        assert "· 进行中" in card, url
        assert "在学" not in card.split("每周销售 5000 元")[0], url
