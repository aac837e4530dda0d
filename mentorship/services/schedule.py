"""Changes to a mentor's availability: weekly rules and date overrides.

Taken under the schedule lock, so a booking never reads half of a change.
Existing bookings stay as they are; only new slots follow the new hours.
"""

from django.db import transaction

from academy.models import MentorProfile
from mentorship.models import AvailabilityOverride, AvailabilityRule
from mentorship.services.booking import lock_schedule


def replace_weekly_rules(profile, ranges):
    """Make the weekly rules exactly ``ranges``: {weekday: [(start, end), ...]}.

    Ranges already saved stay the same rows; only removed ones are deleted and
    new ones created.
    """
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
    return schedule


def update_settings(profile, *, time_zone, **fields):
    """Save a mentor's booking settings and time zone together, under the schedule lock.

    ``fields`` are ``MentorSchedule`` fields (limits, lengths, buffers, meeting details).
    """
    with transaction.atomic():
        schedule = lock_schedule(profile)
        for name, value in fields.items():
            setattr(schedule, name, value)
        schedule.save()
        MentorProfile.objects.filter(pk=profile.pk).update(time_zone=time_zone)
        profile.time_zone = time_zone
    return schedule


def add_override(profile, **fields):
    with transaction.atomic():
        schedule = lock_schedule(profile)
        return AvailabilityOverride.objects.create(schedule=schedule, **fields)


def remove_override(profile, override_id):
    with transaction.atomic():
        schedule = lock_schedule(profile)
        return schedule.overrides.filter(pk=override_id).delete()[0] > 0
