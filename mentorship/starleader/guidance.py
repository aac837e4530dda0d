"""The guidance month, graduation and class reminders of the Star Leader Program.

A member's guidance expert is a mentorship ``MentorAssignment`` (source
``starleader``, reference of the cohort) for the cohort's guidance dates, with
the program's higher limits: booking goes through the ordinary booking service,
which follows the assignment's limits and stops after its last day. When the
month ends, a periodic task sends both sides a summary of sessions and goals.
"""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.claims import claim
from academy.models import MentorKind, MentorProfile
from courses.models import CertificateKind
from courses.services import issue_certificate
from mentorship import policies
from mentorship.errors import AssignmentError
from mentorship.models import (
    AssignmentStatus,
    Booking,
    BookingStatus,
    Goal,
    GoalStatus,
    MentorAssignment,
)
from mentorship.services.assignments import assign_mentee, end_assignment, peak_load
from mentorship.starleader import notices
from mentorship.starleader.errors import CohortError
from mentorship.starleader.models import (
    GUIDANCE_SOURCE,
    ActionPlan,
    Application,
    Attendance,
    ClassSession,
    Cohort,
    Status,
)
from mentorship.starleader.transitions import change_status, check

GUIDANCE_NOTICE_MINUTES = 60
ASSIGNABLE = [Status.CONFIRMED, Status.ATTENDING]


def program_assignments(cohort):
    return MentorAssignment.objects.filter(
        source=GUIDANCE_SOURCE, reference=cohort.reference, status=AssignmentStatus.ACTIVE
    )


def assignment_of(application):
    return (
        program_assignments(application.cohort)
        .filter(mentee_id=application.applicant_id)
        .select_related("mentor")
        .first()
    )


def assign_expert(application, mentor, by, *, now=None):
    """Give a member her guidance expert for the cohort's guidance month.

    Goes through mentorship's ``assign_mentee`` (which locks the mentor and keeps
    her capacity); a member already paired with another expert is moved over.
    """
    if application.status not in ASSIGNABLE:
        raise CohortError(_("Only confirmed members get a guidance expert."), "not_member")
    profile = MentorProfile.objects.filter(user=mentor).first()
    if profile is None or profile.kind != MentorKind.EXPERT:
        raise CohortError(_("Choose a community-operations expert."), "mentor")
    cohort = application.cohort
    with transaction.atomic():
        current = assignment_of(application)
        if current is not None and current.mentor_id == mentor.pk:
            return current
        if current is not None:
            end_assignment(
                current,
                by=by,
                last_day=cohort.guidance_starts_on - timedelta(days=1),
                reason=str(_("Another expert was assigned.")),
                now=now,
            )
        try:
            return assign_guidance(mentor, application, by)
        except AssignmentError as exc:
            raise CohortError(exc.message, exc.code) from None


def assign_guidance(mentor, application, by, *, announce=True):
    """The mentorship assignment of a member's guidance month: her cohort's dates and limits.

    Mentorship's ``assign_mentee`` keeps the mentor's capacity; ``AssignmentError`` if not.
    """
    cohort = application.cohort
    return assign_mentee(
        mentor,
        application.applicant,
        starts_on=cohort.guidance_starts_on,
        ends_on=cohort.guidance_ends_on,
        by=by,
        source=GUIDANCE_SOURCE,
        reference=cohort.reference,
        reason=str(cohort),
        weekly_limit=cohort.guidance_weekly_limit,
        session_limit=cohort.guidance_session_limit,
        minimum_notice=GUIDANCE_NOTICE_MINUTES,
        announce=announce,
    )


def _region(user):
    profile = getattr(user, "shopkeeper_profile", None)
    return profile.province if profile is not None else ""


def auto_assign(cohort, by, *, now=None):
    """Pair every member without an expert, balancing load and matching speciality/region.

    An expert's score: her speciality matches the member's focus (2), same province
    (1); ties go to the expert with the most room left. Returns (assigned, left over).
    """
    assigned_ids = set(program_assignments(cohort).values_list("mentee_id", flat=True))
    members = list(
        Application.objects.filter(cohort=cohort, status__in=ASSIGNABLE)
        .exclude(applicant_id__in=assigned_ids)
        .select_related("applicant__shopkeeper_profile", "cohort")
        .order_by("created_at", "id")
    )
    experts = list(
        MentorProfile.objects.filter(kind=MentorKind.EXPERT, is_active=True).select_related(
            "user__shopkeeper_profile"
        )
    )
    overlapping = MentorAssignment.objects.filter(
        policies.active_between(cohort.guidance_starts_on, cohort.guidance_ends_on),
        mentor_id__in=[e.user_id for e in experts],
    )
    by_mentor = {}
    for a in overlapping:
        by_mentor.setdefault(a.mentor_id, []).append(a)
    room = {
        e.user_id: e.capacity
        - peak_load(
            by_mentor.get(e.user_id, []), cohort.guidance_starts_on, cohort.guidance_ends_on
        )
        for e in experts
    }
    done, left = [], []
    for application in members:
        region = _region(application.applicant)

        def score(expert, application=application, region=region):
            match = 2 if application.focus in (expert.specialities or []) else 0
            near = 1 if region and _region(expert.user) == region else 0
            return (match + near, room[expert.user_id], -expert.user_id)

        candidates = sorted(
            (e for e in experts if room[e.user_id] > 0 and e.user_id != application.applicant_id),
            key=score,
            reverse=True,
        )
        for expert in candidates:
            try:
                assign_expert(application, expert.user, by, now=now)
            except CohortError:
                room[expert.user_id] = 0
                continue
            room[expert.user_id] -= 1
            done.append(application)
            break
        else:
            left.append(application)
    return done, left


# --- graduation ------------------------------------------------------------------------------


def guidance_sessions_held(application):
    assignment = assignment_of(application)
    if assignment is None:
        return 0
    return Booking.objects.filter(assignment=assignment, status=BookingStatus.ATTENDED).count()


def graduation_gaps(application):
    """What the member still lacks to graduate (translated messages); empty when she may."""
    return gaps(
        application.cohort,
        attended=Attendance.objects.filter(application=application).count(),
        sessions=ClassSession.objects.filter(cohort_id=application.cohort_id).count(),
        plan_submitted=ActionPlan.objects.filter(
            application=application, submitted_at__isnull=False
        ).exists(),
        held=guidance_sessions_held(application),
    )


def percent(attended, sessions):
    return attended * 100 // sessions if sessions else 100


def gaps(cohort, *, attended, sessions, plan_submitted, held):
    """The graduation rules of ``cohort`` applied to one member's numbers."""
    missing = []
    rate = percent(attended, sessions)
    if rate < cohort.attendance_threshold:
        missing.append(
            _("Attendance is %(percent)s%%; %(needed)s%% is needed.")
            % {"percent": rate, "needed": cohort.attendance_threshold}
        )
    if not plan_submitted:
        missing.append(_("The action plan has not been submitted."))
    if held < cohort.guidance_sessions_required:
        missing.append(
            _("%(held)s guidance sessions held; %(needed)s are needed.")
            % {"held": held, "needed": cohort.guidance_sessions_required}
        )
    return missing


def graduate(application, by, *, now=None):
    """Graduate a member who meets the rules and issue her certificate (结业证书)."""

    now = now or timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("cohort", "applicant")
            .get(pk=application.pk)
        )
        check(application, Status.GRADUATED)
        gaps = graduation_gaps(application)
        if gaps:
            raise CohortError(" ".join(str(g) for g in gaps), "rules")
        change_status(application, Status.GRADUATED, by=by, now=now)
        issue_certificate(
            application.applicant,
            kind=CertificateKind.PROGRAM,
            subject_key=f"starleader:{application.cohort_id}",
            title=str(
                _("Star Leader Program, cohort %(number)s") % {"number": application.cohort.number}
            ),
        )
    return application


def graduation_preview(cohort):
    """The attending members as (ready, waiting): who would graduate now, who lacks what."""
    ready, waiting = [], []
    members = (
        Application.objects.filter(cohort=cohort, status=Status.ATTENDING)
        .select_related("cohort", "applicant")
        .order_by("applicant__display_name", "id")
    )
    for application in members:
        missing = graduation_gaps(application)
        if missing:
            waiting.append((application, missing))
        else:
            ready.append(application)
    return ready, waiting


def graduate_all(cohort, by, *, only=None, now=None):
    """Graduate every attending member who meets the rules; returns (graduated, not yet).

    ``only`` limits it to the applications staff confirmed on the preview page.
    """
    graduated, waiting = [], []
    members = Application.objects.filter(cohort=cohort, status=Status.ATTENDING)
    if only is not None:
        members = members.filter(pk__in=only)
    for application in members:
        try:
            graduate(application, by, now=now)
        except CohortError as exc:
            waiting.append((application, exc.message))
        else:
            graduated.append(application)
    return graduated, waiting


# --- periodic work ---------------------------------------------------------------------------


def close_guidance(*, now=None):
    """After a cohort's guidance month, send each pair its summary once; returns cohorts closed.

    Booking under the program's limits has already stopped: the assignment ends
    with the month.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = 0
    with transaction.atomic():
        cohorts = claim(
            Cohort.objects.filter(guidance_closed_at__isnull=True, guidance_ends_on__lt=today)
        )
        for cohort in cohorts:
            for assignment in program_assignments(cohort).select_related("mentor", "mentee"):
                notices.guidance_summary(cohort, assignment, guidance_summary(assignment))
            cohort.guidance_closed_at = now
            cohort.save(update_fields=["guidance_closed_at"])
            closed += 1
    return closed


def guidance_summary(assignment):
    counts = Counter(Booking.objects.filter(assignment=assignment).values_list("status", flat=True))
    goals = list(
        Goal.objects.filter(mentee_id=assignment.mentee_id)
        .exclude(status=GoalStatus.DROPPED)
        .order_by("status", "id")[:10]
    )
    return {
        "held": counts.get(BookingStatus.ATTENDED, 0),
        "missed": counts.get(BookingStatus.NO_SHOW, 0),
        "cancelled": counts.get(BookingStatus.CANCELLED, 0),
        "goals": goals,
        "achieved": sum(1 for g in goals if g.status == GoalStatus.ACHIEVED),
    }


def send_class_reminders(*, now=None, ahead=timedelta(hours=24)):
    """Remind members of a class starting within a day, once per class and start time."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = claim(
            ClassSession.objects.filter(
                reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=now + ahead
            ).select_related("cohort")
        )
        for session in due:
            members = Application.objects.filter(
                cohort_id=session.cohort_id, status__in=[Status.CONFIRMED, Status.ATTENDING]
            ).select_related("applicant")
            for application in members:
                if notices.class_reminder(session, application):
                    sent += 1
            session.reminded_at = now
            session.save(update_fields=["reminded_at"])
    return sent


def held_per_member(cohort):
    """{mentee id: (expert, sessions held, sessions booked)} for the dashboard, in 2 queries."""
    assignments = list(program_assignments(cohort).select_related("mentor"))
    counts = {
        row["assignment_id"]: row
        for row in Booking.objects.filter(assignment__in=assignments)
        .values("assignment_id")
        .annotate(
            held=Count("id", filter=Q(status=BookingStatus.ATTENDED)),
            booked=Count("id", filter=~Q(status=BookingStatus.CANCELLED)),
        )
    }
    return {
        a.mentee_id: (
            a,
            counts.get(a.id, {}).get("held", 0),
            counts.get(a.id, {}).get("booked", 0),
        )
        for a in assignments
    }
