"""Program staff's figures: offered and booked hours, attendance and cancellations."""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from academy.models import MentorProfile
from mentorship import selectors, slots
from mentorship.models import (
    Booking,
    BookingStatus,
)


def utilisation(first_day, last_day):
    """One row per mentor with a schedule, for sessions starting in [first_day, last_day].

    Offered minutes come from the rules and overrides (each in the mentor's own
    zone); booked minutes count sessions not cancelled. Five queries in all.
    """
    profiles = list(
        MentorProfile.objects.filter(schedule__isnull=False)
        .select_related("user", "schedule")
        .order_by("user__display_name", "id")
    )
    rules, overrides = selectors.hours_by_schedule(
        [p.schedule.pk for p in profiles], first_day, last_day
    )
    sessions = _sessions_of(first_day, last_day)
    rows, totals = [], defaultdict(int)
    for profile in profiles:
        zone = profile.zone
        window = (
            datetime.combine(first_day, time.min, tzinfo=zone),
            datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone),
        )
        figures = _figures(profile, sessions[profile.user_id], window)
        figures["offered_minutes"] = slots.open_minutes(
            rules[profile.schedule.pk], overrides[profile.schedule.pk], zone, *window
        )
        figures["utilisation"] = _percent(figures["booked_minutes"], figures["offered_minutes"])
        for key, value in figures.items():
            if key != "utilisation":
                totals[key] += value
        rows.append({"profile": profile, **figures})
    totals["utilisation"] = _percent(totals["booked_minutes"], totals["offered_minutes"])
    return rows, dict(totals)


def _sessions_of(first_day, last_day):
    """Sessions starting around the period, by mentor: every zone's days fall inside."""
    start = datetime.combine(first_day, time.min, tzinfo=UTC) - timedelta(hours=14)
    end = datetime.combine(last_day, time.max, tzinfo=UTC) + timedelta(hours=14)
    sessions = defaultdict(list)
    for row in Booking.objects.filter(start__gte=start, start__lte=end).values(
        "mentor_id", "mentee_id", "start", "end", "status", "cancelled_by_id"
    ):
        sessions[row["mentor_id"]].append(row)
    return sessions


def _figures(profile, sessions, window):
    """Booked minutes, attendance and cancellations (by whom) of the sessions in ``window``."""
    figures = dict.fromkeys(
        [
            "booked_minutes",
            "sessions",
            "attended",
            "no_show",
            "cancelled_by_mentee",
            "cancelled_by_mentor",
            "cancelled_other",
        ],
        0,
    )
    for row in sessions:
        if not window[0] <= row["start"] < window[1]:
            continue
        if row["status"] == BookingStatus.CANCELLED:
            if row["cancelled_by_id"] == row["mentee_id"]:
                figures["cancelled_by_mentee"] += 1
            elif row["cancelled_by_id"] == profile.user_id:
                figures["cancelled_by_mentor"] += 1
            else:
                figures["cancelled_other"] += 1
            continue
        figures["sessions"] += 1
        figures["booked_minutes"] += int((row["end"] - row["start"]).total_seconds() // 60)
        if row["status"] == BookingStatus.ATTENDED:
            figures["attended"] += 1
        elif row["status"] == BookingStatus.NO_SHOW:
            figures["no_show"] += 1
    figures["cancelled"] = (
        figures["cancelled_by_mentee"] + figures["cancelled_by_mentor"] + figures["cancelled_other"]
    )
    return figures


def _percent(booked, offered):
    return round(100 * booked / offered) if offered else None
