"""Queries the Star Leader pages share: open cohorts, a member's page, the staff dashboard.

Each list is built in a fixed number of queries, whatever the cohort's size; the
dashboard and its CSV exports read the same rows.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentorship.models import AssignmentStatus, Goal, GoalStatus, MentorAssignment
from mentorship.starleader import guidance, services
from mentorship.starleader.models import (
    ACTIVE_STATUSES,
    GUIDANCE_SOURCE,
    MEMBER_STATUSES,
    SEAT_STATUSES,
    ActionPlan,
    Application,
    Attendance,
    ClassSession,
    Cohort,
    Status,
)


def upcoming_cohorts(now=None):
    """Cohorts still taking applications or about to, soonest first."""
    now = now or timezone.now()
    return Cohort.objects.filter(applications_close_at__gt=now).order_by("number")


def seats_left(cohort):
    return max(cohort.capacity - services.seats_held(cohort), 0)


def cohort_page_context(cohort, user, now=None):
    """What the public cohort page shows: facts, seats, the visitor's eligibility."""
    if cohort is None:
        return {"cohort": None}
    now = now or timezone.now()
    context = {
        "cohort": cohort,
        "seats_left": seats_left(cohort),
        "window_problem": services.window_problem(cohort, now),
        "timetable": cohort.sessions.select_related("mentor").order_by("starts_at"),
        "problems": [],
        "mine": None,
    }
    if user.is_authenticated:
        context["problems"] = services.eligibility_problems(cohort, user, now)
        context["mine"] = (
            Application.objects.filter(cohort=cohort, applicant=user).order_by("-id").first()
        )
    return context


def open_application(user, cohort):
    """Her application to ``cohort`` that is still under way (applied to graduated), if any."""
    return (
        Application.objects.filter(applicant=user, cohort=cohort, status__in=ACTIVE_STATUSES)
        .order_by("-id")
        .first()
    )


def open_applications(user):
    """Her applications still under way, for 我的学习."""
    return (
        Application.objects.filter(
            applicant=user, status__in=[s for s in ACTIVE_STATUSES if s != Status.GRADUATED]
        )
        .select_related("cohort")
        .order_by("-cohort__number", "-id")
    )


def my_applications(user):
    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort")
        .order_by("-cohort__number", "-id")
    )


def timetable(application):
    """The cohort's classes with whether this member checked in to each."""
    attended = set(
        Attendance.objects.filter(application=application).values_list("session_id", flat=True)
    )
    sessions = ClassSession.objects.filter(cohort_id=application.cohort_id).select_related("mentor")
    return [(s, s.pk in attended) for s in sessions]


def waitlist_ahead(application):
    if application.status != Status.WAITLISTED:
        return None
    return Application.objects.filter(
        cohort_id=application.cohort_id,
        status=Status.WAITLISTED,
        waitlist_position__lt=application.waitlist_position,
    ).count()


def mentor_members(user):
    """Members a mentor teaches (her classes' cohorts) or guides (her program assignments)."""
    query = Q(
        cohort_id__in=ClassSession.objects.filter(mentor=user).values("cohort_id"),
        status__in=MEMBER_STATUSES,
    )
    for reference, mentee_id in MentorAssignment.objects.filter(
        source=GUIDANCE_SOURCE, mentor=user, status=AssignmentStatus.ACTIVE
    ).values_list("reference", "mentee_id"):
        query |= Q(cohort_id=_cohort_id(reference), applicant_id=mentee_id)
    return list(
        Application.objects.filter(query)
        .select_related("cohort", "applicant")
        .order_by("-cohort__number", "applicant__display_name", "id")[:300]
    )


def _cohort_id(reference):
    try:
        return int(reference.removeprefix("cohort-"))
    except ValueError:
        return None


def sessions_with_attendance(cohort):
    """The cohort's classes, each with ``present`` (members who attended) and ``members``.

    A withdrawn applicant's old check-in counts neither as present nor as a member.
    """
    members = Application.objects.filter(cohort=cohort, status__in=MEMBER_STATUSES).count()
    sessions = list(
        ClassSession.objects.filter(cohort=cohort)
        .select_related("mentor")
        .annotate(
            present=Count(
                "attendances",
                filter=Q(attendances__application__status__in=MEMBER_STATUSES),
            )
        )
        .order_by("starts_at")
    )
    for session in sessions:
        session.members = members
    return sessions


def applications(cohort, status=None):
    qs = (
        Application.objects.filter(cohort=cohort)
        .select_related("applicant__shopkeeper_profile")
        .order_by("created_at", "id")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def member_rows(cohort):
    """One row per member: attendance, plan, guidance sessions, goals, graduation gaps."""
    members = list(applications(cohort).filter(status__in=MEMBER_STATUSES))
    session_count = ClassSession.objects.filter(cohort=cohort).count()
    attended = Counter(
        Attendance.objects.filter(session__cohort=cohort).values_list("application_id", flat=True)
    )
    submitted = set(
        ActionPlan.objects.filter(
            application__cohort=cohort, submitted_at__isnull=False
        ).values_list("application_id", flat=True)
    )
    guided = guidance.held_per_member(cohort)
    goals = defaultdict(list)
    for goal in Goal.objects.filter(mentee_id__in=[m.applicant_id for m in members]).exclude(
        status=GoalStatus.DROPPED
    ):
        goals[goal.mentee_id].append(goal)
    rows = []
    for application in members:
        assignment, held, booked = guided.get(application.applicant_id, (None, 0, 0))
        own_goals = goals.get(application.applicant_id, [])
        rows.append(
            {
                "application": application,
                "attended": attended.get(application.pk, 0),
                "sessions": session_count,
                "attendance_percent": guidance.percent(
                    attended.get(application.pk, 0), session_count
                ),
                "plan_submitted": application.pk in submitted,
                "expert": assignment.mentor if assignment else None,
                "held": held,
                "booked": booked,
                "goals": len(own_goals),
                "goals_achieved": sum(1 for g in own_goals if g.status == GoalStatus.ACHIEVED),
                "goals_percent": (
                    sum(g.percent for g in own_goals) // len(own_goals) if own_goals else 0
                ),
                "gaps": guidance.gaps(
                    cohort,
                    attended=attended.get(application.pk, 0),
                    sessions=session_count,
                    plan_submitted=application.pk in submitted,
                    held=held,
                )
                if application.status == Status.ATTENDING
                else [],
            }
        )
    return rows


def status_counts(cohort):
    counts = dict(
        Application.objects.filter(cohort=cohort)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [(Status(s).label, s, counts.get(s, 0)) for s in Status.values]


def staff_cohorts():
    return Cohort.objects.annotate(
        applied=Count("applications"),
        seated=Count("applications", filter=Q(applications__status__in=SEAT_STATUSES)),
    ).order_by("-number")


# --- CSV exports: (header, rows) of every list on the dashboard --------------------------------


def _who(application):
    profile = getattr(application.applicant, "shopkeeper_profile", None)
    return [
        str(application.applicant),
        application.applicant.email,
        profile.shop_id if profile else "",
        profile.region if profile else "",
    ]


PERSON_COLUMNS = [pgettext_lazy("person", "Name"), _("E-mail"), _("Shop ID"), _("Region")]


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _applications_table(cohort):
    header = [
        *PERSON_COLUMNS,
        _("Status"),
        _("Waitlist position"),
        _("Team size"),
        _("Monthly sales"),
        _("Applied at"),
        _("Current situation"),
        _("Difficulties"),
        _("Goals"),
    ]
    rows = [
        [
            *_who(a),
            a.get_status_display(),
            a.waitlist_position or "",
            a.team_size,
            a.get_sales_band_display(),
            _local(a.created_at),
            a.situation,
            a.difficulties,
            a.goals,
        ]
        for a in applications(cohort)
    ]
    return header, rows


def _attendance_table(cohort):
    header = [_("Class"), _("Module"), _("Starts at"), _("Room"), _("Mentor"), _("Present")]
    rows = [
        [
            s.title,
            s.get_module_display(),
            _local(s.starts_at),
            s.room,
            str(s.mentor or ""),
            s.present,
        ]
        for s in sessions_with_attendance(cohort)
    ]
    return header, rows


def _checkins_table(cohort):
    header = [*PERSON_COLUMNS, _("Class"), _("How"), _("Checked in at")]
    checkins = (
        Attendance.objects.filter(session__cohort=cohort)
        .select_related("session", "application__applicant__shopkeeper_profile")
        .order_by("session__starts_at", "checked_in_at")
    )
    rows = [
        [*_who(a.application), a.session.title, a.get_method_display(), _local(a.checked_in_at)]
        for a in checkins
    ]
    return header, rows


def _members_table(cohort):
    header = [
        *PERSON_COLUMNS,
        _("Status"),
        _("Attendance (%)"),
        _("Action plan submitted"),
        _("Guidance expert"),
        _("Guidance sessions held"),
        _("Guidance sessions booked"),
        _("Goals"),
        _("Goals achieved"),
        _("Goals progress (%)"),
        _("Still missing"),
    ]
    rows = [
        [
            *_who(r["application"]),
            r["application"].get_status_display(),
            r["attendance_percent"],
            _("Yes") if r["plan_submitted"] else _("No"),
            str(r["expert"] or ""),
            r["held"],
            r["booked"],
            r["goals"],
            r["goals_achieved"],
            r["goals_percent"],
            " ".join(str(g) for g in r["gaps"]),
        ]
        for r in member_rows(cohort)
    ]
    return header, rows


# The dashboard's guidance and graduation lists are views of the member rows.
TABLES = {
    "applications": _applications_table,
    "attendance": _attendance_table,
    "checkins": _checkins_table,
    "members": _members_table,
    "guidance": _members_table,
    "graduation": _members_table,
}


def export(cohort, name):
    """The (header, rows) of one dashboard list for CSV, all text; None for an unknown list."""
    table = TABLES.get(name)
    if table is None:
        return None
    header, rows = table(cohort)
    return [str(h) for h in header], [[str(v) for v in row] for row in rows]


EXPORTS = ["applications", "attendance", "checkins", "members"]


def home_context(request, page=None, **kwargs):
    """The home page's Star Leader section: the page of the next cohort taking applications."""
    from mentorship.starleader.models import CohortPage

    next_page = (
        CohortPage.objects.live()
        .filter(cohort__applications_close_at__gt=timezone.now())
        .select_related("cohort")
        .order_by("cohort__number")
        .first()
    )
    return {"next_cohort_page": next_page}
