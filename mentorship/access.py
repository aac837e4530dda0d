"""Who may book, see and do what in mentorship.

Views call these before touching an object; unknown or foreign objects are a 404.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import roles
from academy.access import has_permission
from academy.models import MentorKind, MentorProfile
from mentorship import policies
from mentorship.errors import NotAllowed
from mentorship.models import (
    ACTIVE_STATUSES,
    AssignmentStatus,
    Booking,
    MentorAssignment,
)

# Program staff who assign mentees and read the mentoring report.
can_manage_mentoring = has_permission("mentorship.manage_mentoring")


def mentor_profile(user):
    """The user's mentor profile, or None (cached on the user object)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_mentorship_profile"):
        user._mentorship_profile = (
            MentorProfile.objects.filter(user=user).select_related("schedule").first()
            if roles.has_role(user, roles.MENTOR)
            else None
        )
    return user._mentorship_profile


def today_for(profile):
    """Today in the mentor's zone: assignment periods are days of the mentor's calendar."""
    return timezone.now().astimezone(profile.zone).date()


def assignments_of(mentor, mentee):
    return MentorAssignment.objects.filter(
        mentor=mentor, mentee=mentee, status=AssignmentStatus.ACTIVE
    )


def assignment_on(mentor, mentee, day):
    """The pair's assignment in force on ``day`` (mentor's calendar), if any."""
    return policies.active_assignments(on=day).filter(mentor=mentor, mentee=mentee).first()


def current_assignment(mentor, mentee, today):
    """The assignment under which the mentee books now: today's, else the next one."""
    return assignments_of(mentor, mentee).filter(ends_on__gte=today).order_by("starts_on").first()


def booking_assignment(profile, mentee, today, day=None):
    """The assignment a booking of ``mentee`` with this mentor falls under.

    ``day`` is the session's day (mentor's zone) when known: an assignment
    covering it wins. Otherwise today's or the next assignment. None means an
    open booking with a star mentor. Raises ``NotAllowed`` when the mentee may
    not book this mentor at all.
    """
    mentor = profile.user
    if mentee.pk == mentor.pk:
        raise NotAllowed(_("You cannot book yourself."))
    if not profile.is_active:
        raise NotAllowed(_("This mentor is not taking bookings at the moment."))
    if day is not None:
        assignment = assignment_on(mentor, mentee, day)
        if assignment is not None:
            return assignment
    if profile.kind == MentorKind.STAR:
        if day is None:
            assignment = assignment_on(mentor, mentee, today)
            if assignment is not None:
                return assignment
        if not roles.has_role(mentee, roles.SHOPKEEPER):
            raise NotAllowed(_("Only shopkeepers can book star mentors."))
        return None
    assignment = current_assignment(mentor, mentee, today)
    if assignment is None:
        raise NotAllowed(_("Only mentees assigned to this mentor can book sessions with them."))
    return assignment


def is_mentee_of(mentor, mentee):
    """A mentor's mentees: assigned to them, or with a (not cancelled) booking with them."""
    if mentor.pk == mentee.pk:
        return False
    return (
        assignments_of(mentor, mentee).exists()
        or Booking.objects.filter(mentor=mentor, mentee=mentee, status__in=ACTIVE_STATUSES).exists()
    )


def mentee_ids_of(mentor):
    assigned = MentorAssignment.objects.filter(
        mentor=mentor, status=AssignmentStatus.ACTIVE
    ).values_list("mentee_id", flat=True)
    booked = Booking.objects.filter(mentor=mentor, status__in=ACTIVE_STATUSES).values_list(
        "mentee_id", flat=True
    )
    return set(assigned) | set(booked)


def bookings_visible_to(user):
    return Booking.objects.filter(Q(mentor=user) | Q(mentee=user))
