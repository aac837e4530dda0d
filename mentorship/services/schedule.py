"""Changes to a mentor's availability: booking settings, weekly hours and date overrides.

Every change takes the schedule lock (:func:`lock_schedule`), the row that guards
every booking invariant of the mentor, and is checked again inside it: a booking
never reads half of a change, and a change that breaks a rule saves nothing
(``ScheduleError``). Existing bookings stay as they are; only new slots follow.
"""

import itertools

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from academy import userpages
from academy.models import MentorProfile, validate_time_zone
from mentorship import selectors
from mentorship.errors import ScheduleError
from mentorship.models import (
    SESSION_LENGTHS,
    AvailabilityOverride,
    AvailabilityRule,
    MentorSchedule,
    Weekday,
)

# What a mentor sets on her availability page; the rest of the row is not hers to change.
BOOKING_SETTINGS = frozenset(field.name for field in MentorSchedule._meta.concrete_fields) - {
    "id",
    "mentor",
    "updated_at",
}


def lock_schedule(profile):
    """Lock the mentor's schedule row: the guard of every booking invariant of this mentor.

    A mentor without a schedule yet gets one now, with the defaults
    ``selectors.schedule_for`` shows until then.
    """
    shown = selectors.schedule_for(profile)
    if shown.pk is None:
        MentorSchedule.objects.get_or_create(
            mentor=profile, defaults={"session_lengths": shown.session_lengths}
        )
    return (
        MentorSchedule.objects.select_for_update(of=("self",))
        .select_related("mentor__user")
        .get(mentor=profile)
    )


def _refusal(error, code):
    """The first problem of a ``ValidationError``, as the mentor reads it; named by its field."""
    if hasattr(error, "error_dict"):
        field = next(iter(error.error_dict))
        code = code if field == NON_FIELD_ERRORS else field
    return ScheduleError(error.messages[0], code)


def update_booking_settings(profile, changes):
    """Save a mentor's booking settings and time zone together, under the schedule lock.

    ``changes`` maps ``MentorSchedule`` fields (lengths, notice, limits, buffers,
    cut-off, meeting details) and ``time_zone`` to new values. They are checked
    again inside the lock against the model's rules; when one fails nothing is saved.
    """
    changes = dict(changes)
    time_zone = changes.pop("time_zone", profile.time_zone)
    unknown = set(changes) - BOOKING_SETTINGS
    if unknown:
        raise ValueError(f"not booking settings: {sorted(unknown)}")
    with transaction.atomic():
        schedule = lock_schedule(profile)
        for name, value in changes.items():
            setattr(schedule, name, value)
        _check_settings(schedule, time_zone)
        schedule.save()
        MentorProfile.objects.filter(pk=profile.pk).update(time_zone=time_zone)
        profile.time_zone = time_zone
    return schedule


def _check_settings(schedule, time_zone):
    lengths = schedule.session_lengths
    if not lengths or not set(lengths) <= set(SESSION_LENGTHS):
        raise ScheduleError(_("Offer at least one session length."), "session_lengths")
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        raise _refusal(error, "time_zone") from None
    try:
        schedule.full_clean(exclude=["mentor"])
    except ValidationError as error:
        raise _refusal(error, "invalid") from None


def check_weekly_ranges(ranges):
    """Refuse weekly hours ({weekday: [(start, end), ...]}) that are not a day's real ranges.

    A range ends after it starts, and ranges of one day do not overlap.
    """
    for day, pairs in ranges.items():
        if day not in Weekday.values:
            raise ScheduleError(_("Please choose a day of the week."), "weekday")
        pairs = sorted(pairs)
        if any(end <= start for start, end in pairs):
            raise ScheduleError(_("The end must be after the start."), "order")
        for (a_start, a_end), (b_start, b_end) in itertools.pairwise(pairs):
            if b_start < a_end:
                raise ScheduleError(
                    _(
                        "Hours on %(day)s overlap: %(first)s and %(second)s. "
                        "Please join them into one range."
                    )
                    % {
                        "day": Weekday(day).label,
                        "first": f"{a_start:%H:%M}-{a_end:%H:%M}",
                        "second": f"{b_start:%H:%M}-{b_end:%H:%M}",
                    },
                    "overlap",
                )


def replace_weekly_rules(profile, ranges):
    """Make the weekly rules exactly ``ranges``: {weekday: [(start, end), ...]}.

    Ranges already saved stay the same rows; only removed ones are deleted and
    new ones created.
    """
    check_weekly_ranges(ranges)
    wanted = {(day, start, end) for day, pairs in ranges.items() for start, end in pairs}
    with transaction.atomic():
        schedule = lock_schedule(profile)
        kept = set()
        for rule in schedule.rules.all():
            key = (rule.weekday, rule.start_time, rule.end_time)
            if key in wanted and key not in kept:
                kept.add(key)
            else:
                rule.delete()
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(schedule=schedule, weekday=day, start_time=start, end_time=end)
            for day, start, end in sorted(wanted - kept)
        )
        userpages.bump(f"mentor:{profile.pk}")
    return schedule


def add_override(profile, **fields):
    """Add days off or extra hours (``AvailabilityOverride`` fields), checked under the lock."""
    with transaction.atomic():
        schedule = lock_schedule(profile)
        override = AvailabilityOverride(schedule=schedule, **fields)
        try:
            override.full_clean(exclude=["schedule"])
        except ValidationError as error:
            raise _refusal(error, "invalid") from None
        override.save()
    return override


def remove_override(profile, override_id):
    with transaction.atomic():
        schedule = lock_schedule(profile)
        return schedule.overrides.filter(pk=override_id).delete()[0] > 0
