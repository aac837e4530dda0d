"""Assigning mentees to mentors for a period, within the mentor's capacity.

Programs (program staff by hand, the Star Leader Program for its guidance
month) call :func:`assign_mentee` with their own ``source``, ``reference`` and
limits; booking under an assignment follows its limits and stops after its
last day (:func:`end_assignment` ends one early and cancels what lies beyond).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import roles
from academy.models import MentorProfile
from mentorship import policies
from mentorship.errors import AssignmentError
from mentorship.models import (
    AssignmentStatus,
    Booking,
    BookingStatus,
    MentorAssignment,
    Thread,
)
from mentorship.services import notices
from mentorship.services.booking import cancel_for_ended_assignment
from mentorship.services.schedule import lock_schedule

MAX_PERIOD_DAYS = 366


def peak_load(assignments, first_day, last_day):
    """The most assignments that overlap on any one day of [first_day, last_day]."""
    changes = {}
    for a in assignments:
        start, end = max(a.starts_on, first_day), min(a.ends_on, last_day)
        if start > end:
            continue
        changes[start] = changes.get(start, 0) + 1
        changes[end + timedelta(days=1)] = changes.get(end + timedelta(days=1), 0) - 1
    peak = current = 0
    for day in sorted(changes):
        current += changes[day]
        peak = max(peak, current)
    return peak


def assign_mentee(
    mentor,
    mentee,
    *,
    starts_on,
    ends_on,
    by=None,
    source=MentorAssignment.SOURCE_STAFF,
    reference="",
    reason="",
    weekly_limit=None,
    session_limit=None,
    minimum_notice=None,
    announce=True,
):
    """Assign ``mentee`` to ``mentor`` from ``starts_on`` to ``ends_on`` (both included).

    Refused when the mentor would have more mentees on some day than her
    capacity, or the pair already has an assignment overlapping the period.
    With a ``reference``, calling again for the same source and mentee returns
    the existing assignment (a program can retry safely).
    """
    profile = _check_pair(mentor, mentee, starts_on, ends_on)
    with transaction.atomic():
        lock_schedule(profile)
        if reference:
            existing = MentorAssignment.objects.filter(
                source=source, reference=reference, mentee=mentee, status=AssignmentStatus.ACTIVE
            ).first()
            if existing is not None:
                return existing
        _check_room(profile, mentee, starts_on, ends_on)
        try:
            with transaction.atomic():
                assignment = MentorAssignment.objects.create(
                    mentor=mentor,
                    mentee=mentee,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    source=source,
                    reference=reference,
                    reason=reason,
                    weekly_limit=weekly_limit,
                    session_limit=session_limit,
                    minimum_notice=minimum_notice,
                    created_by=by,
                )
        except IntegrityError:
            raise _already_assigned() from None
        Thread.objects.get_or_create(mentor=mentor, mentee=mentee)
        if announce:
            notices.assigned(assignment)
    return assignment


def _check_pair(mentor, mentee, starts_on, ends_on):
    """Refuse a period or a pair that can never be assigned; returns the mentor's profile."""
    if ends_on < starts_on:
        raise AssignmentError(_("The last day must not be before the first day."), "period")
    if (ends_on - starts_on).days >= MAX_PERIOD_DAYS:
        raise AssignmentError(_("An assignment can last at most a year."), "period")
    if mentor.pk == mentee.pk:
        raise AssignmentError(_("A mentor cannot be their own mentee."), "self")
    if not roles.has_role(mentee, roles.SHOPKEEPER):
        raise AssignmentError(_("Only shopkeepers can be assigned as mentees."), "mentee")
    try:
        return MentorProfile.objects.get(user=mentor)
    except MentorProfile.DoesNotExist:
        raise AssignmentError(_("This user is not a mentor."), "mentor") from None


def _already_assigned():
    return AssignmentError(
        _("This mentee is already assigned to this mentor in that period."), "overlap"
    )


def _check_room(profile, mentee, starts_on, ends_on):
    """Under the mentor's lock: the pair is free in the period and she has room every day."""
    active = MentorAssignment.objects.filter(
        policies.active_between(starts_on, ends_on), mentor_id=profile.user_id
    )
    if any(a.mentee_id == mentee.pk for a in active):
        raise _already_assigned()
    if peak_load(active, starts_on, ends_on) >= profile.capacity:
        raise AssignmentError(
            _("This mentor is at capacity (%(capacity)s mentees) in that period.")
            % {"capacity": profile.capacity},
            "capacity",
        )


def end_assignment(assignment, *, by=None, last_day=None, reason="", now=None):
    """End an assignment on ``last_day`` (default: today, mentor's zone).

    Sessions booked under it after that day are cancelled, with notices. An
    assignment ended before it began is revoked. Nothing is deleted.
    """
    now = now or timezone.now()
    profile = MentorProfile.objects.get(user_id=assignment.mentor_id)
    last_day = last_day or now.astimezone(profile.zone).date()
    with transaction.atomic():
        lock_schedule(profile)
        assignment = MentorAssignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.status != AssignmentStatus.ACTIVE:
            raise AssignmentError(_("This assignment has already ended."), "closed")
        if last_day < assignment.starts_on:
            assignment.status = AssignmentStatus.REVOKED
        else:
            assignment.ends_on = min(assignment.ends_on, last_day)
        assignment.ended_at = now
        assignment.ended_by = by
        assignment.end_reason = reason[:200]
        assignment.save()
        later = Booking.objects.filter(
            assignment=assignment, status=BookingStatus.CONFIRMED, start__gt=now
        ).select_related("mentor", "mentee")
        for booking in later:
            day = booking.start.astimezone(profile.zone).date()
            if assignment.status == AssignmentStatus.REVOKED or day > assignment.ends_on:
                cancel_for_ended_assignment(booking, by=by, note=reason[:300], now=now)
    return assignment
