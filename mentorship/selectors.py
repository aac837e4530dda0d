"""Queries shared by the services, the views and the dashboard.

``load_calendar`` gathers what ``mentorship.slots`` needs in a fixed number of
queries, whatever the number of bookings.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from academy import roles
from academy.models import MentorKind, MentorProfile
from mentorship import policies, slots
from mentorship.models import (
    ACTIVE_STATUSES,
    AssignmentStatus,
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    BookingStatus,
    Goal,
    GoalStatus,
    MentorAssignment,
    MentorSchedule,
    Message,
    Thread,
)

# Bookings this far around a window are loaded, so the week and day counts are whole.
_COUNT_MARGIN = timedelta(days=8)


def schedule_for(profile):
    """The mentor's schedule; one without a schedule yet reads the defaults a new one gets.

    Nothing is written here: the first change (``services.schedule.lock_schedule``)
    saves her schedule.
    """
    try:
        return profile.schedule
    except MentorSchedule.DoesNotExist:
        return MentorSchedule(mentor_id=profile.pk, session_lengths=[30, 60])


def policy_for(schedule, profile, assignment=None):
    """The booking rules of a mentor, with an assignment's own limits on top."""
    notice = schedule.minimum_notice
    weekly = schedule.weekly_limit_per_mentee
    period = session_limit = None
    if assignment is not None:
        if assignment.minimum_notice is not None:
            notice = assignment.minimum_notice
        if assignment.weekly_limit is not None:
            weekly = assignment.weekly_limit
        period = (assignment.starts_on, assignment.ends_on)
        session_limit = assignment.session_limit
    return slots.Policy(
        zone=profile.zone,
        lengths=tuple(schedule.lengths),
        interval=schedule.slot_interval,
        buffer_before=schedule.buffer_before,
        buffer_after=schedule.buffer_after,
        notice=timedelta(minutes=notice),
        horizon=timedelta(days=schedule.horizon_days),
        daily_limit=schedule.daily_limit,
        weekly_limit=weekly,
        period=period,
        session_limit=session_limit,
    )


def _session(row):
    return slots.Session(
        start=row["start"],
        end=row["end"],
        blocked_start=row["blocked_start"],
        blocked_end=row["blocked_end"],
        mentee_id=row["mentee_id"],
        assignment_id=row["assignment_id"],
    )


_SESSION_FIELDS = ("start", "end", "blocked_start", "blocked_end", "mentee_id", "assignment_id")


def rules_of(schedule):
    if schedule.pk is None:
        return []
    return [slots.Rule(r.weekday, r.start_time, r.end_time) for r in schedule.rules.all()]


def upcoming_overrides(schedule, today):
    """The date overrides not yet over, for the mentor's availability page."""
    if schedule.pk is None:
        return []
    return list(schedule.overrides.filter(last_day__gte=today))


def overrides_of(schedule, first_day=None, last_day=None):
    if schedule.pk is None:
        return []
    qs = schedule.overrides.all()
    if first_day is not None:
        qs = qs.filter(last_day__gte=first_day, first_day__lte=last_day)
    return [slots.Override(o.first_day, o.last_day, o.kind, o.start_time, o.end_time) for o in qs]


def load_calendar(schedule, profile, mentee, *, assignment=None, start, end, exclude_booking=None):
    """The calendar of one mentor seen by one mentee around [start, end]. Four queries."""
    policy = policy_for(schedule, profile, assignment)
    around_start, around_end = start - _COUNT_MARGIN, end + _COUNT_MARGIN
    exclude = {"pk": exclude_booking.pk} if exclude_booking is not None else {}
    mentor_rows = (
        Booking.objects.filter(
            mentor_id=profile.user_id,
            status__in=ACTIVE_STATUSES,
            blocked_end__gt=around_start,
            blocked_start__lt=around_end,
        )
        .exclude(**exclude)
        .values(*_SESSION_FIELDS)
    )
    mentee_rows = []
    if mentee is not None:
        mentee_rows = (
            Booking.objects.filter(
                mentee=mentee,
                status__in=ACTIVE_STATUSES,
                end__gt=start - timedelta(days=1),
                start__lt=end + timedelta(days=1),
            )
            .exclude(**exclude)
            .values(*_SESSION_FIELDS)
        )
    zone = profile.zone
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    return slots.Calendar(
        policy=policy,
        rules=rules_of(schedule),
        overrides=overrides_of(schedule, first_day, last_day),
        mentor_sessions=[_session(r) for r in mentor_rows],
        mentee_sessions=[_session(r) for r in mentee_rows],
        mentee_id=mentee.pk if mentee is not None else None,
        assignment_id=assignment.pk if assignment is not None else None,
    )


def mentor_sessions_between(profile, blocked_start, blocked_end):
    """The mentor's active bookings overlapping [blocked_start, blocked_end). One query.

    ``(pk, mentee id, idempotency key)`` each: what the calendar (``slots``) would
    call taken, without loading the calendar.
    """
    return list(
        Booking.objects.filter(
            mentor_id=profile.user_id,
            status__in=ACTIVE_STATUSES,
            blocked_start__lt=blocked_end,
            blocked_end__gt=blocked_start,
        ).values_list("pk", "mentee_id", "idempotency_key")[:10]
    )


def load_period_calendar(schedule, profile, mentee, *, assignment=None, now=None, exclude=None):
    """The calendar from now to the end of the booking horizon."""
    now = now or timezone.now()
    horizon = now + timedelta(days=schedule.horizon_days)
    return load_calendar(
        schedule,
        profile,
        mentee,
        assignment=assignment,
        start=now,
        end=horizon,
        exclude_booking=exclude,
    )


def bookable_mentors():
    """Active mentors with their schedule, for the mentor finder."""
    return (
        MentorProfile.objects.filter(is_active=True)
        .select_related("user", "schedule")
        .order_by("kind", "user__display_name", "id")
    )


def star_or_assigned(mentee, today):
    """Mentor profiles the mentee can book: star mentors and her assigned mentors."""
    return (
        bookable_mentors()
        .filter(
            Q(kind=MentorKind.STAR)
            | Q(
                user__mentee_assignments__mentee=mentee,
                user__mentee_assignments__status="active",
                user__mentee_assignments__ends_on__gte=today,
            )
        )
        .distinct()
    )


def upcoming_bookings(user, *, as_mentor=False, limit=None):
    now = timezone.now()
    qs = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, end__gt=now, **{"mentor" if as_mentor else "mentee": user}
    ).select_related("mentor", "mentee", "mentor__mentor_profile__schedule")
    qs = qs.order_by("start")
    return list(qs[:limit] if limit else qs)


def unread_count(user):
    """Messages sent to ``user`` that she has not read yet, in one query."""
    return (
        Message.objects.filter(
            Q(thread__mentor=user, id__gt=F("thread__mentor_read_upto"))
            | Q(thread__mentee=user, id__gt=F("thread__mentee_read_upto"))
        )
        .exclude(sender=user)
        .count()
    )


def threads_of(user):
    """The user's threads with their unread counts and other side, newest first."""
    return (
        Thread.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("mentor", "mentee")
        .annotate(
            unread=Count(
                "messages",
                filter=~Q(messages__sender=user)
                & (
                    Q(mentor=user, messages__id__gt=F("mentor_read_upto"))
                    | Q(mentee=user, messages__id__gt=F("mentee_read_upto"))
                ),
            )
        )
    )


def active_goals(user, limit=None):
    qs = Goal.objects.filter(mentee=user, status=GoalStatus.ACTIVE).order_by("due_on", "id")
    return list(qs[:limit] if limit else qs)


def next_free_slots(profiles, mentee, now):
    """The first bookable slot of each mentor for this mentee, in a fixed number of queries.

    For the mentor finder: star mentors (open) and mentors the mentee is assigned to.
    Returns {profile pk: Slot or None}.
    """
    profiles = [p for p in profiles if _has_schedule(p)]
    if not profiles:
        return {}
    horizon_end = now + timedelta(days=max(p.schedule.horizon_days for p in profiles))
    rules, overrides = hours_by_schedule(
        [p.schedule.pk for p in profiles], (now - timedelta(days=2)).date()
    )
    mentor_sessions = _sessions_by_mentor([p.user_id for p in profiles], now, horizon_end)
    mine = [
        _session(r)
        for r in Booking.objects.filter(
            mentee=mentee, status__in=ACTIVE_STATUSES, end__gt=now, start__lt=horizon_end
        ).values(*_SESSION_FIELDS)
    ]
    assignments = _assignments_by_mentor(mentee, [p.user_id for p in profiles], now)
    result = {}
    for profile in profiles:
        today = now.astimezone(profile.zone).date()
        bookable, assignment = _finder_assignment(
            profile, assignments.get(profile.user_id, []), today
        )
        if not bookable:
            continue
        schedule = profile.schedule
        calendar = slots.Calendar(
            policy=policy_for(schedule, profile, assignment),
            rules=rules.get(schedule.pk, []),
            overrides=overrides.get(schedule.pk, []),
            mentor_sessions=mentor_sessions.get(profile.user_id, []),
            mentee_sessions=mine,
            mentee_id=mentee.pk,
            assignment_id=assignment.pk if assignment else None,
        )
        free = slots.free_slots(calendar, schedule.lengths[0], now)
        result[profile.pk] = free[0] if free else None
    return result


def hours_by_schedule(schedule_ids, first_day, last_day=None):
    """Weekly rules, and date overrides touching [first_day, last_day], by schedule; two queries.

    Without ``last_day``, every override not over by ``first_day``.
    """
    rules, overrides = defaultdict(list), defaultdict(list)
    for r in AvailabilityRule.objects.filter(schedule_id__in=schedule_ids):
        rules[r.schedule_id].append(slots.Rule(r.weekday, r.start_time, r.end_time))
    touching = AvailabilityOverride.objects.filter(
        schedule_id__in=schedule_ids, last_day__gte=first_day
    )
    if last_day is not None:
        touching = touching.filter(first_day__lte=last_day)
    for o in touching:
        overrides[o.schedule_id].append(
            slots.Override(o.first_day, o.last_day, o.kind, o.start_time, o.end_time)
        )
    return rules, overrides


def _sessions_by_mentor(user_ids, now, horizon_end):
    sessions = {}
    for row in Booking.objects.filter(
        mentor_id__in=user_ids,
        status__in=ACTIVE_STATUSES,
        blocked_end__gt=now - _COUNT_MARGIN,
        blocked_start__lt=horizon_end + _COUNT_MARGIN,
    ).values("mentor_id", *_SESSION_FIELDS):
        sessions.setdefault(row["mentor_id"], []).append(_session(row))
    return sessions


def _assignments_by_mentor(mentee, user_ids, now):
    """The mentee's assignments not yet over with these mentors, earliest first."""
    assignments = {}
    for a in MentorAssignment.objects.filter(
        mentee=mentee,
        mentor_id__in=user_ids,
        status=AssignmentStatus.ACTIVE,
        ends_on__gte=(now - timedelta(days=1)).date(),
    ).order_by("starts_on"):
        assignments.setdefault(a.mentor_id, []).append(a)
    return assignments


def _finder_assignment(profile, assignments, today):
    """(bookable, assignment) as ``access.booking_assignment`` decides it, from loaded rows.

    A star mentor is bookable, under today's assignment if any; any other mentor
    only under today's or the next assignment.
    """
    current = [a for a in assignments if a.ends_on >= today]
    if profile.kind == MentorKind.STAR:
        return True, next((a for a in current if policies.is_active_on(a, today)), None)
    if current:
        return True, current[0]
    return False, None


def _has_schedule(profile):
    try:
        profile.schedule  # noqa: B018 - a reverse one-to-one raises when missing
    except MentorSchedule.DoesNotExist:
        return False
    return True


def dashboard_context(request, **kwargs):
    """The 我的学习 section: next sessions, goals in progress, unread messages."""
    from mentorship import access
    from mentorship.starleader import selectors as starleader_selectors

    user = request.user
    is_mentor = access.mentor_profile(user) is not None
    if not (is_mentor or roles.has_role(user, roles.SHOPKEEPER)):
        return None
    now = timezone.now()
    context = {
        "is_mentor": is_mentor,
        "upcoming": upcoming_bookings(user, limit=3),
        "goals": active_goals(user, limit=3),
        "unread": unread_count(user),
        "star_leader": list(starleader_selectors.open_applications(user)),
    }
    if is_mentor:
        context["mentor_upcoming"] = Booking.objects.filter(
            mentor=user, status=BookingStatus.CONFIRMED, end__gt=now
        ).count()
    return context
