"""The rules of mentorship that several places apply, each written once.

Services enforce them, views show what they allow, selectors filter by them:
the booking cut-off (until when the mentee may move or cancel a session) and
when an assignment is in force.
"""

from datetime import timedelta

from django.db.models import Q

from mentorship.models import AssignmentStatus, BookingStatus, MentorAssignment

# --- moving and cancelling a session -----------------------------------------------


def still_ahead(booking, now):
    """A confirmed session that has not started: the only kind that is moved or cancelled."""
    return booking.status == BookingStatus.CONFIRMED and booking.start > now


def change_deadline(booking, schedule):
    """The last moment the mentee may move or cancel ``booking``: the mentor's cut-off before it.

    The mentor may cancel until the session starts; she is not bound by it.
    """
    return booking.start - timedelta(minutes=schedule.change_cutoff)


def mentee_may_change(booking, schedule, now):
    """Whether ``now`` is still before the mentee's deadline to move or cancel ``booking``."""
    return now <= change_deadline(booking, schedule)


def cutoff_hours(schedule):
    """The mentor's cut-off in hours, as people read it ("6", "1.5")."""
    return f"{schedule.change_cutoff / 60:g}"


# --- assignments in force ----------------------------------------------------------


def active_between(first_day, last_day):
    """A ``Q`` for ``MentorAssignment`` rows in force on some day of [first_day, last_day].

    Days are days of the mentor's calendar, as assignment periods are; both ends count.
    """
    return Q(status=AssignmentStatus.ACTIVE, starts_on__lte=last_day, ends_on__gte=first_day)


def active_on(day):
    """A ``Q`` for ``MentorAssignment`` rows in force on ``day``."""
    return active_between(day, day)


def active_assignments(queryset=None, *, on):
    """The assignments of ``queryset`` (default: all) in force on the day ``on``."""
    if queryset is None:
        queryset = MentorAssignment.objects.all()
    return queryset.filter(active_on(on))


def is_active_on(assignment, day):
    """Whether one assignment already loaded is in force on ``day``; the rule of ``active_on``."""
    return (
        assignment.status == AssignmentStatus.ACTIVE
        and assignment.starts_on <= day <= assignment.ends_on
    )
