"""Program staff's figures: offered and booked hours, attendance and cancellations."""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from django.db.models import Count, Q

from academy.models import MentorProfile
from mentorship import slots
from mentorship.models import (
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    BookingStatus,
)


def utilisation(first_day, last_day):
    """One row per mentor with a schedule, for sessions starting in [first_day, last_day].

    Offered minutes come from the rules and overrides (each in the mentor's own
    zone); booked minutes count sessions not cancelled. Five queries in all.
    """
    start = datetime.combine(first_day, time.min, tzinfo=UTC) - timedelta(hours=14)
    end = datetime.combine(last_day, time.max, tzinfo=UTC) + timedelta(hours=14)
    profiles = list(
        MentorProfile.objects.filter(schedule__isnull=False)
        .select_related("user", "schedule")
        .order_by("user__display_name", "id")
    )
    rules, overrides = defaultdict(list), defaultdict(list)
    for r in AvailabilityRule.objects.filter(schedule__mentor__in=profiles):
        rules[r.schedule_id].append(slots.Rule(r.weekday, r.start_time, r.end_time))
    for o in AvailabilityOverride.objects.filter(
        schedule__mentor__in=profiles, last_day__gte=first_day, first_day__lte=last_day
    ):
        overrides[o.schedule_id].append(
            slots.Override(o.first_day, o.last_day, o.kind, o.start_time, o.end_time)
        )
    per_mentor = defaultdict(list)
    for row in Booking.objects.filter(start__gte=start, start__lte=end).values(
        "mentor_id", "mentee_id", "start", "end", "status", "cancelled_by_id"
    ):
        per_mentor[row["mentor_id"]].append(row)
    result = []
    totals = defaultdict(int)
    for profile in profiles:
        zone = profile.zone
        window_start = datetime.combine(first_day, time.min, tzinfo=zone)
        window_end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
        offered = slots.open_minutes(
            rules[profile.schedule.pk],
            overrides[profile.schedule.pk],
            zone,
            window_start,
            window_end,
        )
        figures = {
            "booked_minutes": 0,
            "sessions": 0,
            "attended": 0,
            "no_show": 0,
            "cancelled_by_mentee": 0,
            "cancelled_by_mentor": 0,
            "cancelled_other": 0,
        }
        for row in per_mentor[profile.user_id]:
            if not window_start <= row["start"] < window_end:
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
        figures["offered_minutes"] = offered
        figures["utilisation"] = (
            round(100 * figures["booked_minutes"] / offered) if offered else None
        )
        figures["cancelled"] = (
            figures["cancelled_by_mentee"]
            + figures["cancelled_by_mentor"]
            + figures["cancelled_other"]
        )
        for key, value in figures.items():
            if key != "utilisation":
                totals[key] += value
        result.append({"profile": profile, **figures})
    totals["utilisation"] = (
        round(100 * totals["booked_minutes"] / totals["offered_minutes"])
        if totals["offered_minutes"]
        else None
    )
    return result, dict(totals)


def assignment_counts():
    """Active assignees per mentor today, for the staff's assignment page."""
    return dict(
        MentorProfile.objects.annotate(
            active=Count(
                "user__mentee_assignments", filter=Q(user__mentee_assignments__status="active")
            )
        ).values_list("pk", "active")
    )
