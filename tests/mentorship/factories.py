"""Factories of mentorship: mentors with schedules, assignments, bookings, goals."""

from datetime import UTC, datetime, time, timedelta

import factory
from django.utils import timezone

from academy.models import MentorKind
from mentorship.models import (
    AvailabilityRule,
    Booking,
    Goal,
    MentorAssignment,
    MentorSchedule,
)
from tests.academy.factories import MentorProfileFactory, shopkeeper


def utc(*args):
    return datetime(*args, tzinfo=UTC)


class MentorScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorSchedule

    mentor = factory.SubFactory(MentorProfileFactory)
    session_lengths = [30, 60]
    slot_interval = 30
    buffer_before = 0
    buffer_after = 0
    minimum_notice = 0
    horizon_days = 30
    daily_limit = None
    weekly_limit_per_mentee = None
    change_cutoff = 6 * 60
    wechat_id = "mentor_wechat_88"


def open_mentor(
    kind=MentorKind.STAR,
    zone="Asia/Shanghai",
    days=range(7),
    hours=("09:00", "17:00"),
    capacity=50,
    **schedule,
):
    """A mentor profile with a schedule open ``hours`` on ``days``, in ``zone``."""
    profile = MentorProfileFactory(kind=kind, time_zone=zone, capacity=capacity)
    sched = MentorScheduleFactory(mentor=profile, **schedule)
    for day in days:
        AvailabilityRule.objects.create(
            schedule=sched,
            weekday=day,
            start_time=time.fromisoformat(hours[0]),
            end_time=time.fromisoformat(hours[1]),
        )
    return profile


def make_booking(profile, mentee=None, start=None, minutes=60, status="confirmed", **extra):
    """A booking written directly (for history and fixtures), buffers from the schedule."""
    mentee = mentee or shopkeeper()
    start = start or timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    end = start + timedelta(minutes=minutes)
    sched = profile.schedule
    fields = {
        "mentor": profile.user,
        "mentee": mentee,
        "start": start,
        "end": end,
        "blocked_start": start - timedelta(minutes=sched.buffer_before),
        "blocked_end": end + timedelta(minutes=sched.buffer_after),
        "status": status,
        "agenda": "想请老师看看我的朋友圈文案",
        **extra,
    }
    if status == "cancelled":
        fields.setdefault("cancelled_at", start - timedelta(days=1))
    return Booking.objects.create(**fields)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorAssignment

    mentor = factory.LazyFunction(lambda: open_mentor(kind=MentorKind.EXPERT).user)
    mentee = factory.LazyFunction(shopkeeper)
    starts_on = factory.LazyFunction(lambda: datetime.now(UTC).date())
    ends_on = factory.LazyAttribute(lambda a: a.starts_on + timedelta(days=30))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    mentee = factory.LazyFunction(shopkeeper)
    title = "每周销售额达到 5000 元"
    unit = "元"
    target_value = 5000
    created_by = factory.SelfAttribute("mentee")
