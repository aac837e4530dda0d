"""Booking use cases: what is booked, what is refused (with nothing saved), and why."""

from datetime import date, timedelta

import pytest

from academy import roles
from academy.models import MentorKind, Notification, OutboundEmail
from mentorship import services
from mentorship.errors import AssignmentError, BookingError
from mentorship.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    MentorAssignment,
    Reminder,
    Thread,
)
from mentorship.services.booking import announce_booking
from tests.academy.factories import UserFactory, mentor, shopkeeper
from tests.mentorship.factories import AssignmentFactory, make_booking, open_mentor, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 0, 0)  # Tuesday 08:00 in Shanghai


@pytest.fixture(autouse=True)
def _at_now(time_machine):
    """These tests use fixed dates: travel there first, so model defaults agree with NOW."""
    time_machine.move_to(NOW, tick=False)


WED_9 = utc(2026, 12, 2, 1, 0)  # Wednesday 09:00 in Shanghai


def nothing_saved():
    return (
        not Booking.objects.exists()
        and not Notification.objects.exists()
        and not OutboundEmail.objects.exists()
        and not Reminder.objects.exists()
    )


def test_a_free_slot_is_booked_with_history_reminders_notices_and_a_thread():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, WED_9, 60, agenda="朋友圈文案", now=NOW)
    assert booking.start == WED_9 and booking.end == WED_9 + timedelta(hours=1)
    assert booking.status == BookingStatus.CONFIRMED and booking.assignment is None
    assert list(booking.events.values_list("kind", flat=True)) == ["booked"]
    # 24 h and 1 h before, for both sides.
    assert sorted(Reminder.objects.values_list("minutes_before", "recipient_id")) == sorted(
        [(1440, mentee.pk), (1440, profile.user_id), (60, mentee.pk), (60, profile.user_id)]
    )
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        mentee.pk,
        profile.user_id,
    }
    assert OutboundEmail.objects.count() == 2
    assert "预约成功" in Notification.objects.get(user=mentee).title
    assert Thread.objects.filter(mentor=profile.user, mentee=mentee).exists()


def test_buffers_are_stored_with_the_booking():
    profile = open_mentor(buffer_before=5, buffer_after=15)
    booking = services.book_session(shopkeeper(), profile, WED_9, 30, now=NOW)
    assert booking.blocked_start == WED_9 - timedelta(minutes=5)
    assert booking.blocked_end == WED_9 + timedelta(minutes=45)


@pytest.mark.parametrize(
    ("start", "minutes", "schedule", "code"),
    [
        (utc(2026, 12, 2, 12, 0), 60, {}, "outside_hours"),  # 20:00 in Shanghai
        (utc(2026, 11, 30, 2, 0), 60, {}, "past"),
        (utc(2026, 12, 1, 2, 0), 60, {"minimum_notice": 12 * 60}, "notice"),
        (utc(2027, 1, 20, 2, 0), 60, {"horizon_days": 30}, "horizon"),
        (utc(2026, 12, 2, 1, 10), 30, {}, "not_offered"),  # tampered: 09:10
        (WED_9, 45, {}, "length"),
    ],
)
def test_bad_times_are_refused_and_nothing_is_saved(start, minutes, schedule, code):
    profile = open_mentor(**schedule)
    with pytest.raises(BookingError) as error:
        services.book_session(shopkeeper(), profile, start, minutes, now=NOW)
    assert error.value.code == code
    assert str(error.value.message)
    assert nothing_saved()


def test_a_naive_time_is_refused():
    profile = open_mentor()
    with pytest.raises(BookingError) as error:
        services.book_session(shopkeeper(), profile, WED_9.replace(tzinfo=None), 60, now=NOW)
    assert error.value.code == "not_offered"


def test_an_overlapping_time_of_another_length_is_just_taken():
    profile = open_mentor(session_lengths=[30, 45, 60], slot_interval=15)
    services.book_session(shopkeeper(), profile, WED_9, 45, now=NOW)
    with pytest.raises(BookingError) as error:
        services.book_session(shopkeeper(), profile, WED_9 + timedelta(minutes=30), 30, now=NOW)
    assert error.value.code == "taken"
    assert "刚刚被预约" in str(error.value.message)
    assert Booking.objects.count() == 1


def test_a_time_inside_the_mentors_buffer_is_taken():
    profile = open_mentor(buffer_after=15)
    services.book_session(shopkeeper(), profile, WED_9, 30, now=NOW)
    with pytest.raises(BookingError) as error:
        services.book_session(shopkeeper(), profile, WED_9 + timedelta(minutes=30), 30, now=NOW)
    assert error.value.code == "taken"


def test_a_mentee_cannot_be_in_two_sessions_at_once():
    mentee = shopkeeper()
    services.book_session(mentee, open_mentor(), WED_9, 60, now=NOW)
    with pytest.raises(BookingError) as error:
        services.book_session(mentee, open_mentor(), WED_9 + timedelta(minutes=30), 60, now=NOW)
    assert error.value.code == "mentee_busy"


def test_daily_limit_and_weekly_limit_per_mentee():
    profile = open_mentor(daily_limit=2, weekly_limit_per_mentee=1)
    first, second, third = shopkeeper(), shopkeeper(), shopkeeper()
    services.book_session(first, profile, WED_9, 60, now=NOW)
    with pytest.raises(BookingError) as error:
        services.book_session(first, profile, utc(2026, 12, 3, 1, 0), 60, now=NOW)
    assert error.value.code == "weekly_limit"
    # The next week is open again for her.
    services.book_session(first, profile, utc(2026, 12, 8, 1, 0), 60, now=NOW)
    services.book_session(second, profile, WED_9 + timedelta(hours=2), 60, now=NOW)
    with pytest.raises(BookingError) as error:
        services.book_session(third, profile, WED_9 + timedelta(hours=4), 60, now=NOW)
    assert error.value.code == "daily_limit"


def test_the_same_request_twice_books_once():
    profile = open_mentor()
    mentee = shopkeeper()
    first = services.book_session(mentee, profile, WED_9, 60, idempotency_key="k1", now=NOW)
    again = services.book_session(mentee, profile, WED_9, 60, idempotency_key="k1", now=NOW)
    assert first.pk == again.pk
    assert Booking.objects.count() == 1
    assert Notification.objects.count() == 2


def test_a_double_tap_after_the_first_booked_returns_her_booking_not_taken():
    profile = open_mentor(buffer_after=10)
    mentee = shopkeeper()
    first = services.book_session(mentee, profile, WED_9, 60, idempotency_key="tap", now=NOW)
    # The time now shows as taken; her own retry still gets her booking back.
    again = services.book_session(mentee, profile, WED_9, 60, idempotency_key="tap", now=NOW)
    assert again.pk == first.pk
    with pytest.raises(BookingError) as error:
        services.book_session(mentee, profile, WED_9, 60, idempotency_key="other", now=NOW)
    assert error.value.code == "taken"
    assert Booking.objects.count() == 1


def test_a_booking_left_unannounced_gets_its_notices_once_from_the_periodic_task(
    monkeypatch, time_machine
):
    """The booking commits first, under the mentor's lock; its follow-ups come after.
    When the request stops in between, the one-minute task writes them, once."""
    profile = open_mentor()
    mentee = shopkeeper()

    def request_stops(*args, **kwargs):
        raise SystemExit("the worker was killed")

    monkeypatch.setattr("mentorship.services.booking.announce_booking", request_stops)
    with pytest.raises(SystemExit):
        services.book_session(mentee, profile, WED_9, 60, agenda="朋友圈文案", now=NOW)
    monkeypatch.undo()
    booking = Booking.objects.get()
    assert booking.pending_announcement
    assert list(booking.events.values_list("kind", flat=True)) == ["booked"]
    assert not Notification.objects.exists() and not Reminder.objects.exists()

    # Not while the request may still be writing them.
    assert services.announce_pending_bookings(now=NOW) == 0
    later = NOW + timedelta(minutes=2)
    time_machine.move_to(later, tick=False)
    assert services.announce_pending_bookings(now=later) == 1
    assert services.announce_pending_bookings(now=later) == 0
    assert announce_booking(booking, now=later) is False

    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        mentee.pk,
        profile.user_id,
    }
    assert Notification.objects.count() == 2 and OutboundEmail.objects.count() == 2
    assert Reminder.objects.count() == 4
    assert Thread.objects.filter(mentor=profile.user, mentee=mentee).exists()
    booking.refresh_from_db()
    assert not booking.pending_announcement


def test_a_booking_whose_notices_fail_is_still_made_and_they_follow(monkeypatch, time_machine):
    profile = open_mentor()
    mentee = shopkeeper()

    def broken(*args, **kwargs):
        raise RuntimeError("the notice templates could not be read")

    monkeypatch.setattr("mentorship.services.notices.booked", broken)
    booking = services.book_session(mentee, profile, WED_9, 60, now=NOW)
    assert Booking.objects.get().pk == booking.pk
    assert not Notification.objects.exists() and not Reminder.objects.exists()
    monkeypatch.undo()
    later = NOW + timedelta(minutes=2)
    time_machine.move_to(later, tick=False)
    assert services.announce_pending_bookings(now=later) == 1
    assert Notification.objects.count() == 2 and Reminder.objects.count() == 4


def test_a_booking_cancelled_before_its_announcement_gets_no_booked_notice(monkeypatch):
    profile = open_mentor()
    mentee = shopkeeper()
    monkeypatch.setattr(
        "mentorship.services.booking.announce_booking", lambda *args, **kwargs: None
    )
    booking = services.book_session(mentee, profile, WED_9, 60, now=NOW)
    monkeypatch.undo()
    services.cancel_booking(booking, mentee, "conflict", now=NOW)
    assert announce_booking(booking, now=NOW) is True
    titles = list(Notification.objects.filter(user=mentee).values_list("title", flat=True))
    assert len(titles) == 1 and "预约成功" not in titles[0]
    assert not Reminder.objects.filter(cancelled_at__isnull=True).exists()


def test_bookings_made_elsewhere_or_long_ago_are_never_announced():
    profile = open_mentor()
    make_booking(profile, start=WED_9)  # written directly: nothing pending
    old = make_booking(profile, start=WED_9 + timedelta(hours=2), pending_announcement=True)
    Booking.objects.filter(pk=old.pk).update(created_at=NOW - timedelta(days=2))
    assert services.announce_pending_bookings(now=NOW) == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "who",
    ["official_without_assignment", "not_a_shopkeeper", "herself", "inactive"],
)
def test_mentors_the_user_may_not_book(who):
    profile = open_mentor(
        kind=MentorKind.OFFICIAL if who == "official_without_assignment" else "star"
    )
    user = shopkeeper()
    if who == "not_a_shopkeeper":
        user = UserFactory(roles=[roles.EDITOR])
    elif who == "herself":
        user = profile.user
        user.groups.add(*roles_groups(roles.SHOPKEEPER))
    elif who == "inactive":
        profile.is_active = False
        profile.save()
    with pytest.raises(BookingError) as error:
        services.book_session(user, profile, WED_9, 60, now=NOW)
    assert error.value.code == "not_allowed"
    assert nothing_saved()


def roles_groups(name):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name=name)


def test_a_star_mentor_at_capacity_takes_no_new_mentee():
    profile = open_mentor(capacity=1)
    regular = shopkeeper()
    services.book_session(regular, profile, WED_9, 60, now=NOW)
    with pytest.raises(BookingError) as error:
        services.book_session(shopkeeper(), profile, WED_9 + timedelta(hours=2), 60, now=NOW)
    assert error.value.code == "capacity"
    # Her current mentee can still book again.
    services.book_session(regular, profile, utc(2026, 12, 3, 1, 0), 60, now=NOW)


def test_booking_under_an_assignment_follows_its_period_and_limits():
    profile = open_mentor(kind=MentorKind.EXPERT, weekly_limit_per_mentee=1, minimum_notice=720)
    mentee = shopkeeper()
    assignment = services.assign_mentee(
        profile.user,
        mentee,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        source="star_leader",
        reference="cohort:12",
        weekly_limit=5,
        session_limit=2,
        minimum_notice=60,
    )
    # The assignment's notice (1 h) and weekly limit (5) replace the mentor's.
    first = services.book_session(mentee, profile, utc(2026, 12, 1, 2, 0), 60, now=NOW)
    assert first.assignment == assignment
    services.book_session(mentee, profile, WED_9, 60, now=NOW)
    with pytest.raises(BookingError) as error:
        services.book_session(mentee, profile, utc(2026, 12, 3, 1, 0), 60, now=NOW)
    assert error.value.code == "session_limit"
    with pytest.raises(BookingError) as error:
        services.book_session(mentee, profile, utc(2027, 1, 2, 1, 0), 60, now=NOW)
    assert error.value.code in {"period", "horizon"}


def test_after_an_assignment_ends_booking_stops_and_later_sessions_are_cancelled():
    profile = open_mentor(kind=MentorKind.EXPERT)
    mentee = shopkeeper()
    assignment = services.assign_mentee(
        profile.user, mentee, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )
    early = services.book_session(mentee, profile, WED_9, 60, now=NOW)
    late = services.book_session(mentee, profile, utc(2026, 12, 10, 1, 0), 60, now=NOW)
    services.end_assignment(assignment, last_day=date(2026, 12, 5), reason="提前结业", now=NOW)
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.status == BookingStatus.CONFIRMED
    assert late.status == BookingStatus.CANCELLED and late.cancel_reason == "assignment_ended"
    with pytest.raises(BookingError) as error:
        services.book_session(mentee, profile, utc(2026, 12, 8, 1, 0), 60, now=NOW)
    assert error.value.code == "period"
    assignment.refresh_from_db()
    assert assignment.ends_on == date(2026, 12, 5)


def test_assignments_respect_capacity_and_do_not_overlap():
    profile = open_mentor(kind=MentorKind.EXPERT, capacity=2)
    a, b, c = shopkeeper(), shopkeeper(), shopkeeper()
    dec = {"starts_on": date(2026, 12, 1), "ends_on": date(2026, 12, 31)}
    services.assign_mentee(profile.user, a, **dec)
    services.assign_mentee(profile.user, b, starts_on=date(2026, 12, 20), ends_on=date(2027, 1, 20))
    with pytest.raises(AssignmentError) as error:
        services.assign_mentee(profile.user, c, **dec)
    assert error.value.code == "capacity"
    # January has room again: a's assignment has ended by then.
    services.assign_mentee(profile.user, c, starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 31))
    with pytest.raises(AssignmentError) as error:
        services.assign_mentee(
            profile.user, a, starts_on=date(2026, 12, 15), ends_on=date(2027, 1, 5)
        )
    assert error.value.code in {"overlap", "capacity"}
    with pytest.raises(AssignmentError):
        services.assign_mentee(
            profile.user, a, starts_on=date(2027, 2, 2), ends_on=date(2027, 2, 1)
        )
    assert MentorAssignment.objects.count() == 3


def test_a_program_can_retry_an_assignment_by_reference():
    profile = open_mentor(kind=MentorKind.EXPERT)
    mentee = shopkeeper()
    kwargs = {
        "starts_on": date(2026, 12, 1),
        "ends_on": date(2026, 12, 31),
        "source": "star_leader",
        "reference": "cohort:12",
    }
    first = services.assign_mentee(profile.user, mentee, **kwargs)
    assert services.assign_mentee(profile.user, mentee, **kwargs) == first


def test_the_mentee_moves_her_session_and_the_old_reminders_are_cancelled():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, utc(2026, 12, 3, 1, 0), 60, now=NOW)
    new_start = utc(2026, 12, 4, 2, 0)
    services.reschedule_booking(booking, mentee, new_start, 60, reason="孩子生病", now=NOW)
    booking.refresh_from_db()
    assert booking.start == new_start and booking.sequence == 1
    assert not Reminder.objects.filter(
        booking=booking, sequence=0, cancelled_at__isnull=True
    ).exists()
    assert Reminder.objects.filter(booking=booking, sequence=1).count() == 4
    assert booking.events.filter(kind="rescheduled", old_start=utc(2026, 12, 3, 1, 0)).exists()
    assert Notification.objects.filter(key__contains=":rescheduled:1:").count() == 2


def test_changes_close_at_the_cut_off_and_the_mentor_cannot_move_it_herself():
    profile = open_mentor(change_cutoff=48 * 60)
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, WED_9, 60, now=NOW)
    with pytest.raises(BookingError) as error:
        services.reschedule_booking(booking, mentee, utc(2026, 12, 4, 2, 0), 60, now=NOW)
    assert error.value.code == "cutoff"
    with pytest.raises(BookingError) as error:
        services.cancel_booking(booking, mentee, "conflict", now=NOW)
    assert error.value.code == "cutoff"
    with pytest.raises(BookingError) as error:
        services.reschedule_booking(booking, profile.user, utc(2026, 12, 4, 2, 0), 60, now=NOW)
    assert error.value.code == "not_allowed"
    # The mentor can still cancel, with a reason.
    services.cancel_booking(booking, profile.user, "mentor_unavailable", "临时出差", now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_by == profile.user


def test_a_cancellation_needs_a_reason_and_keeps_the_row_and_frees_the_slot():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, WED_9, 60, now=NOW)
    with pytest.raises(BookingError):
        services.cancel_booking(booking, mentee, "other", "", now=NOW)
    with pytest.raises(BookingError):
        services.cancel_booking(booking, mentee, "made-up", "", now=NOW)
    services.cancel_booking(booking, mentee, "conflict", now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.sequence == 1
    assert not Reminder.objects.filter(booking=booking, cancelled_at__isnull=True).exists()
    assert list(booking.events.values_list("kind", flat=True)) == ["booked", "cancelled"]
    # The time is free again, for anyone.
    services.book_session(shopkeeper(), profile, WED_9, 60, now=NOW)
    assert Booking.objects.count() == 2


def test_a_mentor_proposes_a_new_time_and_the_mentee_accepts_or_declines():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, WED_9, 60, now=NOW)
    with pytest.raises(BookingError):
        services.propose_new_time(
            booking, profile.user, utc(2026, 12, 5, 12, 0), reason="", now=NOW
        )
    # Outside her published hours is fine for the mentor herself.
    proposal = services.propose_new_time(
        booking, profile.user, utc(2026, 12, 5, 12, 0), reason="周三要出差", now=NOW
    )
    assert Notification.objects.filter(user=mentee, key__contains="proposal").exists()
    services.decline_proposal(proposal, mentee, now=NOW)
    booking.refresh_from_db()
    assert booking.start == WED_9
    proposal = services.propose_new_time(
        booking, profile.user, utc(2026, 12, 5, 12, 0), reason="周三要出差", now=NOW
    )
    with pytest.raises(BookingError):
        services.accept_proposal(proposal, profile.user, now=NOW)
    services.accept_proposal(proposal, mentee, now=NOW)
    booking.refresh_from_db()
    assert booking.start == utc(2026, 12, 5, 12, 0) and booking.sequence == 1
    kinds = list(booking.events.values_list("kind", flat=True))
    assert kinds == ["booked", "proposed", "proposal_declined", "proposed", "proposal_accepted"]


def test_a_proposed_time_that_got_taken_cannot_be_accepted():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, WED_9, 60, now=NOW)
    proposal = services.propose_new_time(
        booking, profile.user, utc(2026, 12, 3, 1, 0), reason="换个时间", now=NOW
    )
    services.book_session(shopkeeper(), profile, utc(2026, 12, 3, 1, 0), 60, now=NOW)
    with pytest.raises(BookingError) as error:
        services.accept_proposal(proposal, mentee, now=NOW)
    assert error.value.code == "taken"
    booking.refresh_from_db()
    assert booking.start == WED_9


def test_attendance_is_marked_by_the_mentor_after_the_start():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, WED_9, 60, now=NOW)
    with pytest.raises(BookingError):
        services.mark_attendance(booking, profile.user, attended=True, now=NOW)
    later = WED_9 + timedelta(minutes=70)
    with pytest.raises(BookingError):
        services.mark_attendance(booking, mentee, attended=True, now=later)
    services.mark_attendance(booking, profile.user, attended=False, now=later)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    services.mark_attendance(booking, profile.user, attended=True, now=later)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert list(BookingEvent.objects.values_list("kind", flat=True)) == [
        "booked",
        "no_show",
        "attended",
    ]


def test_an_expert_booked_under_an_assignment_factory():
    assignment = AssignmentFactory(starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31))
    profile = assignment.mentor.mentor_profile
    booking = make_booking(profile, assignment.mentee, WED_9)
    assert booking.assignment is None
    assert mentor()  # factories stay importable together
