"""Slot computation: rules, overrides, buffers, notice, horizon, limits and DST, as tables."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship import slots
from mentorship.slots import Calendar, Override, Policy, Refusal, Rule, Session

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ALL_WEEK = range(7)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def rules(days, start, end):
    return [Rule(d, time.fromisoformat(start), time.fromisoformat(end)) for d in days]


def booking(start, minutes, *, before=0, after=0, mentee=None, assignment=None):
    end = start + timedelta(minutes=minutes)
    return Session(
        start,
        end,
        start - timedelta(minutes=before),
        end + timedelta(minutes=after),
        mentee,
        assignment,
    )


def starts(calendar, minutes, now, start=None, end=None, zone=SHANGHAI):
    """Slot starts as local 'YYYY-MM-DD HH:MM' strings in ``zone``."""
    return [
        s.start.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        for s in slots.free_slots(calendar, minutes, now, start, end)
    ]


# Wednesday 2026-12-02 in Shanghai; "now" is the morning before.
NOW = utc(2026, 12, 1, 0, 0)  # 08:00 Tuesday in Shanghai
WED = (utc(2026, 12, 1, 16, 0), utc(2026, 12, 2, 16, 0))  # Wednesday, Shanghai


def shanghai_calendar(**policy):
    return Calendar(
        policy=Policy(zone=SHANGHAI, lengths=(30, 60), interval=30, **policy),
        rules=rules([2], "09:00", "12:00"),
    )


@pytest.mark.parametrize(
    ("label", "minutes", "calendar", "expected"),
    [
        (
            "hour slots every half hour",
            60,
            shanghai_calendar(),
            ["09:00", "09:30", "10:00", "10:30", "11:00"],
        ),
        (
            "half-hour slots",
            30,
            shanghai_calendar(),
            ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"],
        ),
        ("a length not offered gives nothing", 45, shanghai_calendar(), []),
        (
            "a booking with a 15-minute buffer after it",
            30,
            Calendar(
                policy=Policy(zone=SHANGHAI, lengths=(30,), interval=15, buffer_after=15),
                rules=rules([2], "09:00", "12:00"),
                mentor_sessions=[booking(utc(2026, 12, 2, 2, 0), 30, after=15)],  # 10:00
            ),
            # 09:30 would end 10:00 but its own 15-minute buffer runs into 10:00;
            # 10:30 would start inside the 10:00 booking's buffer.
            ["09:00", "09:15", "10:45", "11:00", "11:15", "11:30"],
        ),
        (
            "buffers before and after on both sides",
            30,
            Calendar(
                policy=Policy(
                    zone=SHANGHAI, lengths=(30,), interval=10, buffer_before=10, buffer_after=10
                ),
                rules=rules([2], "09:00", "11:30"),
                mentor_sessions=[booking(utc(2026, 12, 2, 2, 0), 30, before=10, after=10)],
            ),
            # Booked 10:00-10:30, blocked 09:50-10:40: the next may start at 10:50 (its
            # own buffer before starts at 10:40); the last one before starts at 09:10
            # (its buffer after ends at 09:50).
            ["09:00", "09:10", "10:50", "11:00"],
        ),
        (
            "a whole day off",
            60,
            Calendar(
                policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60),
                rules=rules([2], "09:00", "12:00"),
                overrides=[Override(date(2026, 12, 2), date(2026, 12, 2), "off")],
            ),
            [],
        ),
        (
            "blocked hours inside the day",
            60,
            Calendar(
                policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60),
                rules=rules([2], "09:00", "12:00"),
                overrides=[
                    Override(date(2026, 12, 2), date(2026, 12, 2), "off", time(10), time(11))
                ],
            ),
            ["09:00", "11:00"],
        ),
        (
            "extra hours on top of the weekly rule",
            60,
            Calendar(
                policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60),
                rules=rules([2], "09:00", "10:00"),
                overrides=[
                    Override(date(2026, 12, 2), date(2026, 12, 2), "extra", time(19), time(21))
                ],
            ),
            ["09:00", "19:00", "20:00"],
        ),
        (
            "a day off replaced by other hours",
            60,
            Calendar(
                policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60),
                rules=rules([2], "09:00", "12:00"),
                overrides=[
                    Override(date(2026, 11, 30), date(2026, 12, 6), "off"),
                    Override(date(2026, 12, 2), date(2026, 12, 2), "extra", time(14), time(15)),
                ],
            ),
            ["14:00"],
        ),
        (
            "overlapping rules are merged",
            60,
            Calendar(
                policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60),
                rules=[*rules([2], "09:00", "10:30"), *rules([2], "10:00", "11:00")],
            ),
            ["09:00", "10:00"],
        ),
        (
            "daily limit reached",
            60,
            Calendar(
                policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60, daily_limit=1),
                rules=rules([2], "09:00", "12:00"),
                mentor_sessions=[booking(utc(2026, 12, 2, 3, 0), 60)],  # 11:00
            ),
            [],
        ),
        (
            "the mentee's own session with another mentor",
            60,
            Calendar(
                policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60),
                rules=rules([2], "09:00", "12:00"),
                mentee_sessions=[booking(utc(2026, 12, 2, 1, 30), 30)],  # 09:30
                mentee_id=7,
            ),
            ["10:00", "11:00"],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_slots_of_one_day(label, minutes, calendar, expected):
    got = [s.split(" ")[1] for s in starts(calendar, minutes, NOW, *WED)]
    assert got == expected, label


def test_minimum_notice_hides_slots_too_soon():
    calendar = shanghai_calendar(notice=timedelta(hours=12))
    now = utc(2026, 12, 1, 14, 0)  # 22:00 Tuesday: 12 h later is 10:00 Wednesday
    assert [s.split(" ")[1] for s in starts(calendar, 60, now, *WED)] == [
        "10:00",
        "10:30",
        "11:00",
    ]


def test_horizon_hides_slots_too_far_ahead():
    calendar = Calendar(
        policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60, horizon=timedelta(days=3)),
        rules=rules(ALL_WEEK, "09:00", "10:00"),
    )
    got = starts(calendar, 60, NOW)
    assert got == ["2026-12-01 09:00", "2026-12-02 09:00", "2026-12-03 09:00"]
    assert slots.refusal(calendar, utc(2026, 12, 4, 1, 0), 60, NOW) is Refusal.HORIZON


def test_weekly_limit_per_mentee_counts_only_her_sessions_in_that_week():
    mine = booking(utc(2026, 12, 1, 1, 0), 60, mentee=7)  # Tuesday 09:00
    theirs = booking(utc(2026, 12, 3, 1, 0), 60, mentee=8)  # Thursday 09:00
    calendar = Calendar(
        policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60, weekly_limit=1),
        rules=rules(ALL_WEEK, "09:00", "10:00"),
        mentor_sessions=[mine, theirs],
        mentee_id=7,
    )
    got = starts(calendar, 60, NOW - timedelta(days=1))
    # The week of Monday 30 November is used up; the next week opens again.
    assert "2026-12-02 09:00" not in got
    assert got[0] == "2026-12-07 09:00"
    assert slots.refusal(calendar, utc(2026, 12, 2, 1, 0), 60, NOW) is Refusal.WEEKLY_LIMIT


def test_assignment_period_and_session_limit():
    calendar = Calendar(
        policy=Policy(
            zone=SHANGHAI,
            lengths=(60,),
            interval=60,
            period=(date(2026, 12, 2), date(2026, 12, 3)),
            session_limit=2,
        ),
        rules=rules(ALL_WEEK, "09:00", "10:00"),
        mentor_sessions=[booking(utc(2026, 12, 2, 1, 0), 60, mentee=7, assignment=3)],
        mentee_id=7,
        assignment_id=3,
    )
    assert starts(calendar, 60, NOW) == ["2026-12-03 09:00"]
    assert slots.refusal(calendar, utc(2026, 12, 4, 1, 0), 60, NOW) is Refusal.PERIOD
    full = Calendar(
        policy=calendar.policy,
        rules=calendar.rules,
        mentor_sessions=[
            *calendar.mentor_sessions,
            booking(utc(2026, 12, 1, 1, 0), 60, mentee=7, assignment=3),
        ],
        mentee_id=7,
        assignment_id=3,
    )
    assert starts(full, 60, NOW) == []
    assert slots.refusal(full, utc(2026, 12, 3, 1, 0), 60, NOW) is Refusal.SESSION_LIMIT


# --- daylight saving time: mentors in Berlin and New York, a mentee in Shanghai ---------


def week_calendar(zone, start="09:00", end="10:00", **extra):
    return Calendar(
        policy=Policy(zone=zone, lengths=(60,), interval=60, horizon=timedelta(days=60)),
        rules=rules(ALL_WEEK, start, end),
        **extra,
    )


@pytest.mark.parametrize(
    ("zone", "now", "expected_shanghai"),
    [
        # Berlin springs forward on Sunday 29 March 2026: 09:00 CET is 16:00 in Shanghai,
        # 09:00 CEST is 15:00.
        (
            BERLIN,
            utc(2026, 3, 27, 0, 0),
            ["2026-03-27 16:00", "2026-03-28 16:00", "2026-03-29 15:00", "2026-03-30 15:00"],
        ),
        # Berlin falls back on Sunday 25 October 2026.
        (
            BERLIN,
            utc(2026, 10, 23, 0, 0),
            ["2026-10-23 15:00", "2026-10-24 15:00", "2026-10-25 16:00", "2026-10-26 16:00"],
        ),
        # New York springs forward on Sunday 8 March 2026: 09:00 EST is 22:00 in Shanghai.
        (
            NEW_YORK,
            utc(2026, 3, 6, 0, 0),
            ["2026-03-06 22:00", "2026-03-07 22:00", "2026-03-08 21:00", "2026-03-09 21:00"],
        ),
        # New York falls back on Sunday 1 November 2026.
        (
            NEW_YORK,
            utc(2026, 10, 30, 0, 0),
            ["2026-10-30 21:00", "2026-10-31 21:00", "2026-11-01 22:00", "2026-11-02 22:00"],
        ),
    ],
)
def test_nine_o_clock_stays_nine_o_clock_for_the_mentor_across_dst(zone, now, expected_shanghai):
    calendar = week_calendar(zone)
    got = starts(calendar, 60, now, end=now + timedelta(days=4))
    assert got == expected_shanghai
    # Every slot is 09:00 on the mentor's own clock.
    for slot in slots.free_slots(calendar, 60, now, end=now + timedelta(days=4)):
        assert slot.start.astimezone(zone).time() == time(9, 0)


def test_a_night_range_over_spring_forward_is_an_hour_shorter_in_real_time():
    # 01:00-04:00 on the night Berlin skips 02:00-03:00: two real hours, two slots.
    calendar = week_calendar(BERLIN, "01:00", "04:00")
    day = (utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0))
    got = slots.free_slots(calendar, 60, utc(2026, 3, 20), *day)
    assert [s.start for s in got] == [utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 1, 0)]
    assert [s.start.astimezone(BERLIN).strftime("%H:%M %Z") for s in got] == [
        "01:00 CET",
        "03:00 CEST",
    ]
    assert [s.start.astimezone(SHANGHAI).strftime("%H:%M") for s in got] == ["08:00", "09:00"]


def test_a_range_starting_in_the_skipped_hour_starts_when_the_clock_resumes():
    # 02:30 does not exist in New York on 8 March 2026; the range starts at 03:30 EDT.
    calendar = Calendar(
        policy=Policy(zone=NEW_YORK, lengths=(30,), interval=30, horizon=timedelta(days=60)),
        rules=rules([6], "02:30", "04:00"),
    )
    got = slots.free_slots(calendar, 30, utc(2026, 3, 1), utc(2026, 3, 8), utc(2026, 3, 9))
    assert [s.start.astimezone(NEW_YORK).strftime("%H:%M %Z") for s in got] == ["03:30 EDT"]


def test_the_repeated_hour_of_fall_back_is_offered_twice():
    # 01:00-02:00 in New York on 1 November 2026 lasts two real hours.
    calendar = Calendar(
        policy=Policy(zone=NEW_YORK, lengths=(60,), interval=60, horizon=timedelta(days=60)),
        rules=rules([6], "01:00", "02:00"),
    )
    got = slots.free_slots(calendar, 60, utc(2026, 10, 25), utc(2026, 11, 1), utc(2026, 11, 2))
    assert [s.start for s in got] == [utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 6, 0)]
    assert [s.start.astimezone(SHANGHAI).strftime("%H:%M") for s in got] == ["13:00", "14:00"]


def test_bookings_across_the_transition_block_the_right_hours():
    sunday_nine_cest = utc(2026, 3, 29, 7, 0)
    calendar = week_calendar(
        BERLIN, "08:00", "11:00", mentor_sessions=[booking(sunday_nine_cest, 60)]
    )
    day = (utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 21, 0))
    got = [
        s.start.astimezone(BERLIN).strftime("%H:%M")
        for s in slots.free_slots(calendar, 60, utc(2026, 3, 20), *day)
    ]
    assert got == ["08:00", "10:00"]


def test_slots_group_by_the_mentees_day_only_days_with_slots():
    calendar = week_calendar(NEW_YORK, "20:00", "21:00")  # 09:00 next day in Shanghai
    calendar.rules = rules([0, 3], "20:00", "21:00")
    now = utc(2026, 11, 30, 0, 0)
    days = slots.group_by_day(
        slots.free_slots(calendar, 60, now, end=now + timedelta(days=9)), SHANGHAI
    )
    assert [d.isoformat() for d, _ in days] == ["2026-12-01", "2026-12-04", "2026-12-08"]


# --- refusals: the same checks as the listing -------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (utc(2026, 12, 2, 1, 0), 60, None),  # Wednesday 09:00 in Shanghai
        (utc(2026, 12, 2, 1, 7), 30, Refusal.NOT_OFFERED),  # tampered: 09:07
        (utc(2026, 12, 2, 6, 0), 60, Refusal.OUTSIDE_HOURS),  # 14:00
        (utc(2026, 12, 2, 3, 30), 60, Refusal.OUTSIDE_HOURS),  # 11:30 + 1 h runs past 12:00
        (utc(2026, 12, 2, 1, 0), 45, Refusal.LENGTH),
        (utc(2026, 11, 25, 1, 0), 60, Refusal.PAST),
        (datetime(2026, 12, 2, 9, 0), 60, Refusal.NOT_OFFERED),  # noqa: DTZ001 - no zone
    ],
)
def test_refusal_reasons(start, minutes, expected):
    assert slots.refusal(shanghai_calendar(), start, minutes, NOW) == expected


def test_refusal_for_a_taken_slot_and_notice():
    calendar = Calendar(
        policy=Policy(zone=SHANGHAI, lengths=(60,), interval=60, notice=timedelta(hours=30)),
        rules=rules(ALL_WEEK, "09:00", "12:00"),
        mentor_sessions=[booking(utc(2026, 12, 3, 1, 30), 30)],
    )
    assert slots.refusal(calendar, utc(2026, 12, 2, 1, 0), 60, NOW) is Refusal.NOTICE
    assert slots.refusal(calendar, utc(2026, 12, 3, 1, 0), 60, NOW) is Refusal.TAKEN
    assert slots.refusal(calendar, utc(2026, 12, 3, 2, 0), 60, NOW) is None


def test_open_minutes_counts_offered_time_in_a_period():
    calendar_rules = rules([0, 1, 2, 3, 4], "09:00", "12:00")
    minutes = slots.open_minutes(
        calendar_rules,
        [Override(date(2026, 12, 2), date(2026, 12, 2), "off")],
        SHANGHAI,
        utc(2026, 11, 29, 16, 0),  # Monday 30 November, Shanghai
        utc(2026, 12, 6, 16, 0),
    )
    assert minutes == 4 * 180


# --- the listing and the refusal agree on every time -----------------------------------


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from([SHANGHAI, BERLIN, NEW_YORK]),
    minute_offsets=st.lists(st.integers(0, 60 * 24 * 10), min_size=0, max_size=6),
    lengths=st.sampled_from([(30,), (30, 60), (45,)]),
    buffer_after=st.sampled_from([0, 10, 15]),
    daily_limit=st.sampled_from([None, 1, 2]),
    probe=st.integers(0, 60 * 24 * 10 // 15),
    when=st.sampled_from([utc(2026, 3, 25), utc(2026, 10, 21), utc(2026, 12, 1)]),
)
def test_every_listed_slot_is_bookable_and_every_bookable_time_is_listed(
    zone, minute_offsets, lengths, buffer_after, daily_limit, probe, when
):
    sessions = [
        booking(when + timedelta(minutes=m - m % 15), 30, after=buffer_after, mentee=1)
        for m in minute_offsets
    ]
    calendar = Calendar(
        policy=Policy(
            zone=zone,
            lengths=lengths,
            interval=15,
            buffer_after=buffer_after,
            notice=timedelta(hours=2),
            horizon=timedelta(days=8),
            daily_limit=daily_limit,
            weekly_limit=3,
        ),
        rules=[*rules(range(5), "08:00", "12:00"), *rules([5, 6], "01:00", "04:00")],
        mentor_sessions=sessions,
        mentee_id=2,
    )
    minutes = lengths[0]
    listed = slots.free_slots(calendar, minutes, when)
    for slot in listed:
        assert slots.refusal(calendar, slot.start, minutes, when) is None
    candidate = when + timedelta(minutes=15 * probe)
    if slots.refusal(calendar, candidate, minutes, when) is None:
        assert candidate in {s.start for s in listed}
