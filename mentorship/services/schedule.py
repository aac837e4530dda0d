"""Changes to a mentor's availability: weekly rules and date overrides.

Taken under the schedule lock, so a booking never reads half of a change.
Existing bookings stay as they are; only new slots follow the new hours.
"""

from django.db import transaction

from mentorship.models import AvailabilityOverride, AvailabilityRule
from mentorship.services.booking import lock_schedule


def replace_weekly_rules(profile, ranges):
    """Make the weekly rules exactly ``ranges``: {weekday: [(start, end), ...]}."""
    with transaction.atomic():
        schedule = lock_schedule(profile)
        schedule.rules.all().delete()
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(schedule=schedule, weekday=day, start_time=start, end_time=end)
            for day, pairs in sorted(ranges.items())
            for start, end in sorted(pairs)
        )
    return schedule


def add_override(profile, **fields):
    with transaction.atomic():
        schedule = lock_schedule(profile)
        return AvailabilityOverride.objects.create(schedule=schedule, **fields)


def remove_override(profile, override_id):
    with transaction.atomic():
        schedule = lock_schedule(profile)
        return schedule.overrides.filter(pk=override_id).delete()[0] > 0
