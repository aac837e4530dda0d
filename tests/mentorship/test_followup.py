"""Messages and their digest, the staff report and assignments, the demo, query budgets."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from academy import roles
from academy.models import MentorKind, Notification
from mentorship import services, tasks
from mentorship.errors import AssignmentError, MentorshipError
from mentorship.models import Booking, Goal, MentorAssignment, Message, Thread
from tests.academy.factories import shopkeeper, staff
from tests.forms import submit
from tests.mentorship.factories import make_booking, open_mentor, utc

pytestmark = pytest.mark.django_db


def pair_with_session(days_ago=1):
    profile = open_mentor()
    mentee = shopkeeper()
    make_booking(profile, mentee, start=timezone.now() - timedelta(days=days_ago))
    thread = services.thread_for(mentee, profile.user)
    return profile, mentee, thread


def age(message, minutes):
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_unread_messages_are_announced_once_in_a_digest():
    profile, mentee, thread = pair_with_session()
    first = services.send_message(thread, mentee, "老师好")
    second = services.send_message(thread, mentee, "想约下周")
    age(first, 45)
    age(second, 40)
    assert tasks.send_message_digests() == 1
    assert tasks.send_message_digests() == 0
    notice = Notification.objects.get(user=profile.user, key__startswith="mentorship:digest:")
    assert "2 条未读消息" in notice.title
    assert str(mentee) in notice.body
    # A new message later gets its own digest.
    third = services.send_message(thread, mentee, "在吗")
    age(third, 35)
    assert tasks.send_message_digests() == 1
    assert Notification.objects.filter(key__startswith="mentorship:digest:").count() == 2


def test_messages_read_in_time_or_too_recent_are_not_announced(client):
    profile, mentee, thread = pair_with_session()
    message = services.send_message(thread, profile.user, "作业写了吗？")
    assert tasks.send_message_digests() == 0  # too recent
    client.force_login(mentee)
    client.get(reverse("mentorship:thread", args=[thread.pk]))
    age(message, 60)
    assert tasks.send_message_digests() == 0  # read
    assert not Notification.objects.filter(key__startswith="mentorship:digest:").exists()


def test_messages_close_some_days_after_the_last_session():
    _profile, mentee, thread = pair_with_session(days_ago=30)
    with pytest.raises(MentorshipError) as error:
        services.send_message(thread, mentee, "还在吗")
    assert error.value.code == "closed"


def test_messages_are_open_during_an_assignment():
    profile = open_mentor(kind=MentorKind.EXPERT)
    mentee = shopkeeper()
    today = timezone.localdate()
    services.assign_mentee(
        profile.user, mentee, starts_on=today, ends_on=today + timedelta(days=30)
    )
    thread = Thread.objects.get(mentor=profile.user, mentee=mentee)
    assert services.send_message(thread, mentee, "老师，今天群里成交了 3 单！")
    assert Notification.objects.filter(
        user=mentee, key__startswith="mentorship:assignment:"
    ).exists()


def test_empty_and_too_long_messages_are_refused(client):
    _profile, mentee, thread = pair_with_session()
    client.force_login(mentee)
    for body in ("", "   ", "长" * 2001):
        response = client.post(reverse("mentorship:thread", args=[thread.pk]), {"body": body})
        assert response.status_code == 400
    assert not Message.objects.exists()


# --- program staff -----------------------------------------------------------------


REPORT_FORM = "form.mm-filters"


def report_week(time_machine):
    """A mentor's week with one of each outcome, seen from the Friday after it."""
    time_machine.move_to(utc(2026, 12, 4, 2, 0), tick=False)
    profile = open_mentor(days=range(5), hours=("09:00", "12:00"))  # 15 h a week
    make_booking(profile, start=utc(2026, 11, 30, 1, 0), status="attended")
    make_booking(profile, start=utc(2026, 12, 1, 1, 0), status="no_show")
    mentee = shopkeeper()
    make_booking(
        profile, mentee, start=utc(2026, 12, 2, 1, 0), status="cancelled", cancelled_by=mentee
    )
    make_booking(profile, start=utc(2026, 12, 3, 1, 0), minutes=30)
    return profile


def test_the_report_opens_on_the_last_30_days_in_the_staff_members_zone(client, time_machine):
    # 20:00 UTC on 6 December is already 7 December in Shanghai.
    time_machine.move_to(utc(2026, 12, 6, 20, 0), tick=False)
    client.force_login(staff(roles.PROGRAM_STAFF, time_zone="Asia/Shanghai"))
    page = client.get(reverse("mentorship:staff")).content.decode()
    assert 'name="start" value="2026-11-08"' in page
    assert 'name="end" value="2026-12-07"' in page
    response = submit(client, reverse("mentorship:staff"), form=REPORT_FORM)
    assert response.status_code == 200
    assert "2026-11-08 至 2026-12-07" in response.content.decode()


def test_the_report_shown_with_its_dates_cleared_uses_the_default_period(client, time_machine):
    time_machine.move_to(utc(2026, 12, 7, 2, 0), tick=False)
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = submit(
        client, reverse("mentorship:staff"), {"start": "", "end": ""}, form=REPORT_FORM
    )
    assert response.status_code == 200
    assert "2026-11-08 至 2026-12-07" in response.content.decode()


def test_the_report_counts_offered_and_booked_hours_no_shows_and_cancellations(
    client, time_machine
):
    profile = report_week(time_machine)
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = submit(
        client,
        reverse("mentorship:staff"),
        {"start": "2026-11-30", "end": "2026-12-06"},
        form=REPORT_FORM,
    )
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["profile"] == profile)
    assert row["offered_minutes"] == 15 * 60
    assert row["booked_minutes"] == 150
    assert row["utilisation"] == 17
    assert (row["attended"], row["no_show"], row["cancelled_by_mentee"]) == (1, 1, 1)
    page = response.content.decode()
    assert "利用率" in page and "2026-11-30 至 2026-12-06" in page


def test_the_report_downloads_as_csv_for_the_period_shown(client, time_machine):
    profile = report_week(time_machine)
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = submit(
        client,
        reverse("mentorship:staff"),
        {"start": "2026-11-30", "end": "2026-12-06"},
        form=REPORT_FORM,
    )
    link = re.search(r'href="([^"]*report\.csv[^"]*)"', response.content.decode())
    assert link, "no CSV link on the report"
    download = client.get(link.group(1).replace("&amp;", "&"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "导师"
    mentor_row = next(r for r in rows if r[0] == str(profile.user))
    # offered h, booked h, utilisation %, sessions, attended, no-shows, cancelled x3
    assert mentor_row[1:] == ["15", "2.5", "17", "3", "1", "1", "1", "0", "0"]


def test_a_bad_report_period_is_a_form_error(client, time_machine):
    time_machine.move_to(utc(2026, 12, 7, 2, 0), tick=False)
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = submit(
        client,
        reverse("mentorship:staff"),
        {"start": "2026-12-10", "end": "2026-12-01"},
        form=REPORT_FORM,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "结束日期不能早于开始日期" in page
    assert "2026-11-08 至 2026-12-07" in page  # the default period meanwhile


def test_staff_assign_a_mentee_within_capacity_and_end_the_assignment(client):
    profile = open_mentor(kind=MentorKind.EXPERT, capacity=1)
    mentee, second = shopkeeper(), shopkeeper()
    client.force_login(staff(roles.PROGRAM_STAFF))
    today = timezone.localdate()
    data = {
        "mentor": profile.pk,
        "mentee": mentee.shopkeeper_profile.shop_id,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "weekly_limit": "4",
        "reason": "聚星领导者计划第 12 期",
    }
    response = client.post(reverse("mentorship:staff_assignments"), data)
    assert response.status_code == 302
    assignment = MentorAssignment.objects.get()
    assert assignment.weekly_limit == 4 and assignment.mentee == mentee
    response = client.post(
        reverse("mentorship:staff_assignments"), {**data, "mentee": second.email}
    )
    assert response.status_code == 400
    assert "学员已满" in response.content.decode()
    response = client.post(
        reverse("mentorship:staff_assignments"), {**data, "mentee": "nobody@example.com"}
    )
    assert "找不到这个邮箱或店铺ID对应的店主" in response.content.decode()
    assert MentorAssignment.objects.count() == 1
    response = client.post(
        reverse("mentorship:end_assignment", args=[assignment.pk]), {"reason": "学员退出"}
    )
    assignment.refresh_from_db()
    assert assignment.ended_at is not None and assignment.end_reason == "学员退出"


def test_racing_assignments_past_capacity_on_sqlite_serialise():
    # The PostgreSQL version with threads is in test_concurrency.py.
    profile = open_mentor(kind=MentorKind.EXPERT, capacity=1)
    today = timezone.localdate()
    services.assign_mentee(profile.user, shopkeeper(), starts_on=today, ends_on=today)
    with pytest.raises(AssignmentError):
        services.assign_mentee(profile.user, shopkeeper(), starts_on=today, ends_on=today)


# --- query budgets -----------------------------------------------------------------


def test_the_slot_picker_needs_the_same_queries_with_many_bookings(
    client, django_assert_max_num_queries, settings
):
    settings.ACADEMY_USER_PAGE_CACHE_SECONDS = 0  # what rendering costs, every time
    profile = open_mentor(days=range(7), hours=("08:00", "20:00"), session_lengths=[30])
    client.force_login(shopkeeper())
    url = reverse("mentorship:mentor", args=[profile.pk])
    with django_assert_max_num_queries(22) as few:
        client.get(url)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    Booking.objects.bulk_create(
        Booking(
            mentor=profile.user,
            mentee=shopkeeper(),
            start=start + timedelta(hours=h),
            end=start + timedelta(hours=h, minutes=30),
            blocked_start=start + timedelta(hours=h),
            blocked_end=start + timedelta(hours=h, minutes=30),
        )
        for h in range(0, 24 * 20, 3)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_the_finder_needs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(3):
        open_mentor()
    client.force_login(shopkeeper())
    with django_assert_max_num_queries(25) as three:
        client.get(reverse("mentorship:home"))
    for _ in range(6):
        open_mentor()
    with django_assert_max_num_queries(len(three.captured_queries)):
        page = client.get(reverse("mentorship:home")).content.decode()
    assert page.count('class="card mm-mentor"') == 9


# --- demo data ---------------------------------------------------------------------


def test_the_demo_has_sessions_notes_goals_and_messages_for_the_demo_accounts(client, settings):
    settings.DEBUG = True
    call_command("seed_academy", shopkeepers="20")
    from academy.models import User

    shop = User.objects.get(email="shopkeeper@example.com")
    mentor = User.objects.get(email="mentor@example.com")
    assert Booking.objects.filter(mentee=shop, start__lt=timezone.now()).count() >= 2
    assert Booking.objects.filter(mentee=shop, start__gt=timezone.now()).exists()
    assert Goal.objects.filter(mentee=shop, updates__isnull=False).exists()
    assert Message.objects.filter(thread__mentee=shop).count() >= 3
    client.force_login(shop)
    dashboard = client.get("/me/").content.decode()
    assert "王晓红老师" in dashboard and "每周朋友圈销售额达到 5000 元" in dashboard
    client.force_login(mentor)
    agenda = client.get(reverse("mentorship:agenda")).content.decode()
    assert "陈丽娟" in agenda


def test_the_wagtail_menu_links_staff_to_the_mentoring_report(client):
    client.force_login(staff(roles.PROGRAM_STAFF))
    assert reverse("mentorship:staff") in client.get("/cms/").content.decode()
    client.force_login(staff(roles.EDITOR))
    assert reverse("mentorship:staff") not in client.get("/cms/").content.decode()


def test_the_assignment_list_shows_no_internal_source_codes(client):
    profile = open_mentor(kind=MentorKind.EXPERT, capacity=2)
    today = timezone.localdate()
    services.assign_mentee(
        profile.user,
        shopkeeper(),
        starts_on=today,
        ends_on=today + timedelta(days=30),
        source="starleader",
        reference="cohort-7",
        reason="第7期 · 聚星领导者计划",
    )
    client.force_login(staff(roles.PROGRAM_STAFF))
    page = client.get(reverse("mentorship:staff_assignments")).content.decode()
    assert "第7期 · 聚星领导者计划" in page
    assert "starleader" not in page and "cohort-7" not in page
