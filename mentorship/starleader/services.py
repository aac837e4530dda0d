"""Use cases of the Star Leader Program, one function each.

Seats: every service that admits, confirms or promotes first locks the cohort
row (``select_for_update``) and counts the seats held inside the lock, so the
capacity holds however many requests arrive at once. The waitlist is served in
``waitlist_position`` order; a freed seat is offered to the next applicant by a
Celery task sent after commit, and offers not confirmed in time are expired by
a periodic task that claims due rows (the periodic run also promotes, so a lost
task only delays a promotion).
"""

import logging
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import roles
from academy.claims import claim
from academy.models import ShopkeeperProfile
from courses.services import queue_task
from mentorship.starleader.errors import CohortError
from mentorship.starleader.models import (
    ACTIVE_STATUSES,
    MEMBER_STATUSES,
    SEAT_STATUSES,
    ActionPlan,
    Application,
    Attendance,
    AttendanceMethod,
    CheckInCode,
    Cohort,
    Feedback,
    Module,
    SalesBand,
    Status,
)
from mentorship.starleader.transitions import change_status, record_application

logger = logging.getLogger(__name__)

MAX_TEAM_SIZE = 100_000
MAX_TEXT = 1000
CODE_MINUTES = 10


# --- seats and applications --------------------------------------------------------------


def lock_cohort(cohort):
    """Lock the cohort row: the guard of its seats and its waitlist order."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def _locked(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort", "applicant")
        .get(pk=application.pk)
    )


def seats_held(cohort):
    return Application.objects.filter(cohort=cohort, status__in=SEAT_STATUSES).count()


def eligibility_problems(cohort, user, now=None):
    """Why ``user`` may not apply to ``cohort`` (translated messages); empty if she may."""
    now = now or timezone.now()
    if not roles.has_role(user, roles.SHOPKEEPER):
        return [_("Only shopkeepers can apply to the Star Leader Program.")]
    profile = ShopkeeperProfile.objects.filter(user=user).first()
    if profile is None:
        return [_("Please complete your shop profile first.")]
    problems = []
    if profile.level < cohort.min_level:
        problems.append(
            _("This cohort is for shopkeepers of level V%(level)s and above.")
            % {"level": cohort.min_level}
        )
    tenure = (timezone.localdate(now) - profile.joined_on).days
    if tenure < cohort.min_tenure_days:
        problems.append(
            _("This cohort is for shopkeepers who joined at least %(days)s days ago.")
            % {"days": cohort.min_tenure_days}
        )
    return problems


def window_problem(cohort, now=None):
    now = now or timezone.now()
    if now < cohort.applications_open_at:
        return _("Applications for this cohort have not opened yet.")
    if now >= cohort.applications_close_at:
        return _("Applications for this cohort are closed.")
    return None


def _clean_answers(answers):
    cleaned = {}
    for field in ("situation", "difficulties", "goals"):
        value = (answers.get(field) or "").strip()
        if not value:
            raise CohortError(_("Please answer every question."), field)
        if len(value) > MAX_TEXT:
            raise CohortError(
                _("Please keep each answer under %(count)s characters.") % {"count": MAX_TEXT},
                field,
            )
        cleaned[field] = value
    team_size = answers.get("team_size")
    if not isinstance(team_size, int) or not 0 <= team_size <= MAX_TEAM_SIZE:
        raise CohortError(_("Please give your team size as a whole number."), "team_size")
    cleaned["team_size"] = team_size
    if answers.get("sales_band") not in SalesBand.values:
        raise CohortError(_("Please choose your monthly sales."), "sales_band")
    cleaned["sales_band"] = answers["sales_band"]
    cleaned["focus"] = (
        answers.get("focus") if answers.get("focus") in Module.values else Module.GOALS
    )
    return cleaned


def apply(cohort, user, *, now=None, **answers):
    """A shopkeeper applies to a cohort; refused outside the window, when ineligible,
    twice, or when the cohort is full and keeps no waitlist. Nothing is saved then."""
    now = now or timezone.now()
    answers = _clean_answers(answers)
    with transaction.atomic():
        cohort = lock_cohort(cohort)
        problem = window_problem(cohort, now)
        if problem:
            raise CohortError(problem, "window")
        problems = eligibility_problems(cohort, user, now)
        if problems:
            raise CohortError(problems[0], "ineligible")
        if Application.objects.filter(
            cohort=cohort, applicant=user, status__in=ACTIVE_STATUSES
        ).exists():
            raise CohortError(_("You have already applied to this cohort."), "twice")
        if not cohort.waitlist_enabled and seats_held(cohort) >= cohort.capacity:
            raise CohortError(
                _("This cohort is full and keeps no waitlist. Please apply to the next one."),
                "full",
            )
        try:
            with transaction.atomic():
                application = Application.objects.create(cohort=cohort, applicant=user, **answers)
        except IntegrityError:
            raise CohortError(_("You have already applied to this cohort."), "twice") from None
        record_application(application, by=user, now=now)
    return application


def _full(cohort):
    return CohortError(
        _("The cohort is full (%(capacity)s seats). Put the applicant on the waitlist instead.")
        % {"capacity": cohort.capacity},
        "full",
    )


def admit(application, by, *, reason="", now=None):
    """Staff admit an applicant into a free seat; she has ``offer_hours`` to confirm."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort = lock_cohort(application.cohort)
        application = _locked(application)
        if application.status in (Status.APPLIED, Status.WAITLISTED):
            if seats_held(cohort) >= cohort.capacity:
                raise _full(cohort)
        change_status(application, Status.ADMITTED, by=by, reason=reason, now=now)
    return application


def put_on_waitlist(application, by, *, reason="", now=None):
    """Staff put an applicant on the waitlist, behind everyone already on it."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort = lock_cohort(application.cohort)
        application = _locked(application)
        if not cohort.waitlist_enabled:
            raise CohortError(_("This cohort keeps no waitlist."), "no_waitlist")
        change_status(application, Status.WAITLISTED, by=by, reason=reason, now=now)
    return application


def admit_or_waitlist(application, by, *, now=None):
    """Admit into a free seat, else put on the waitlist (one decision, under one lock)."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort = lock_cohort(application.cohort)
        application = _locked(application)
        if seats_held(cohort) < cohort.capacity:
            change_status(application, Status.ADMITTED, by=by, now=now)
        elif cohort.waitlist_enabled:
            change_status(application, Status.WAITLISTED, by=by, now=now)
        else:
            raise _full(cohort)
    return application


def reject(application, by, *, reason, now=None):
    """Staff decline an application, with a reason the applicant reads."""
    with transaction.atomic():
        application = _locked(application)
        change_status(application, Status.REJECTED, by=by, reason=reason, now=now)
    return application


def confirm(application, by, *, now=None):
    """The admitted applicant confirms her seat before the deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort = lock_cohort(application.cohort)
        application = _locked(application)
        if by.pk != application.applicant_id:
            raise CohortError(_("Only the applicant can confirm her seat."), "not_allowed")
        if application.status != Status.ADMITTED:
            if application.status in MEMBER_STATUSES:
                raise CohortError(_("You have already confirmed your seat."), "confirmed")
            raise CohortError(_("You have not been offered a seat in this cohort."), "no_offer")
        if application.offer_expires_at <= now:
            raise CohortError(
                _("The deadline to confirm has passed; the seat goes to the waitlist."), "expired"
            )
        members = Application.objects.filter(cohort=cohort, status__in=MEMBER_STATUSES).count()
        if members >= cohort.capacity:
            raise _full(cohort)
        change_status(application, Status.CONFIRMED, by=by, now=now)
    return application


def withdraw(application, by, *, reason="", now=None):
    """The applicant (or staff) withdraws; a freed seat goes to the waitlist."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_cohort(application.cohort)
        application = _locked(application)
        freed = application.holds_seat
        change_status(application, Status.WITHDRAWN, by=by, reason=reason, now=now)
        if freed:
            _queue_promotion(application.cohort_id)
    return application


def _queue_promotion(cohort_id):
    from mentorship.starleader.tasks import promote_waitlist

    transaction.on_commit(lambda: queue_task(promote_waitlist, cohort_id))


def promote_waitlist(cohort, *, now=None):
    """Offer every free seat to the next applicant on the waitlist, in order.

    Stops when classes have begun. Safe to run twice at once: the cohort lock
    makes the second run see the seats the first one filled.
    """
    now = now or timezone.now()
    promoted = []
    with transaction.atomic():
        cohort = lock_cohort(cohort)
        if timezone.localdate(now) >= cohort.classes_start_on:
            return promoted
        free = cohort.capacity - seats_held(cohort)
        waiting = (
            Application.objects.select_for_update(of=("self",))
            .select_related("cohort", "applicant")
            .filter(cohort=cohort, status=Status.WAITLISTED)
            .order_by("waitlist_position")[: max(free, 0)]
        )
        for application in waiting:
            change_status(
                application, Status.ADMITTED, reason=str(_("A seat became free.")), now=now
            )
            promoted.append(application)
    return promoted


def expire_due_offers(*, now=None):
    """Expire offers not confirmed in time and offer their seats onwards; returns how many.

    Cohorts with due offers are claimed with ``SKIP LOCKED`` (PostgreSQL), so two
    runs split the work and neither waits on a confirmation in progress; a cohort
    skipped now is taken on the next run.
    """
    now = now or timezone.now()
    expired = 0
    cohort_ids = set(
        Application.objects.filter(status=Status.ADMITTED, offer_expires_at__lte=now).values_list(
            "cohort_id", flat=True
        )
    )
    # Seats freed while the broker was down are offered here too.
    cohort_ids |= set(
        Application.objects.filter(
            status=Status.WAITLISTED, cohort__classes_start_on__gt=timezone.localdate(now)
        ).values_list("cohort_id", flat=True)
    )
    for cohort_id in sorted(cohort_ids):
        with transaction.atomic():
            cohort = claim(Cohort.objects.filter(pk=cohort_id)).first()
            if cohort is None:
                continue
            due = (
                Application.objects.select_for_update(of=("self",))
                .select_related("cohort", "applicant")
                .filter(cohort=cohort, status=Status.ADMITTED, offer_expires_at__lte=now)
            )
            for application in due:
                change_status(
                    application,
                    Status.EXPIRED,
                    reason=str(_("Not confirmed before the deadline.")),
                    now=now,
                )
                expired += 1
            promote_waitlist(cohort, now=now)
    return expired


# --- classes, check-in codes and attendance ------------------------------------------------


def current_code(session, now=None):
    now = now or timezone.now()
    code = session.codes.order_by("-created_at", "-id").first()
    return code if code is not None and code.expires_at > now else None


def rotate_code(session, by, *, now=None, minutes=CODE_MINUTES):
    """Show a new check-in code for the session; the previous one stops working."""
    from datetime import timedelta

    from mentorship.starleader.models import ClassSession, new_check_in_code

    now = now or timezone.now()
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().get(pk=session.pk)
        previous = session.codes.order_by("-created_at", "-id").first()
        code = new_check_in_code()
        while previous is not None and code == previous.code:
            code = new_check_in_code()
        session.codes.filter(expires_at__gt=now).update(expires_at=now)
        return CheckInCode.objects.create(
            session=session,
            code=code,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
            created_by=by,
        )


CODE_PATTERN = re.compile(r"^\d{6}$")


def _record_presence(application, session, *, method, by, code=None, now):
    """Write the member's attendance (once) and make her an attending member."""
    if Attendance.objects.filter(session=session, application=application).exists():
        return None
    try:
        with transaction.atomic():
            row = Attendance.objects.create(
                session=session,
                application=application,
                method=method,
                code=code,
                marked_by=by,
                checked_in_at=now,
            )
    except IntegrityError:
        return None
    if application.status == Status.CONFIRMED:
        change_status(
            application, Status.ATTENDING, by=by, reason=str(_("Checked in to a class.")), now=now
        )
    return row


def check_in(user, code, *, now=None):
    """A member checks in with the code shown in the room; returns the attendance.

    Refused, with attendance unchanged, for an unknown code, another cohort's code,
    a code no longer shown (expired or replaced), or a second check-in.
    """
    now = now or timezone.now()
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise CohortError(_("Please enter the 6-digit code shown in the room."), "format")
    rows = list(
        CheckInCode.objects.filter(code=code).select_related("session").order_by("-created_at")
    )
    memberships = {
        a.cohort_id: a
        for a in Application.objects.filter(
            applicant=user, status__in=[Status.CONFIRMED, Status.ATTENDING]
        )
    }
    mine = [r for r in rows if r.session.cohort_id in memberships]
    if not mine:
        if rows:
            raise CohortError(_("This code is for another cohort's class."), "other_cohort")
        raise CohortError(
            _("This code is not valid. Please check the code in the room."), "unknown"
        )
    row = mine[0]
    latest = row.session.codes.order_by("-created_at", "-id").first()
    if latest.pk != row.pk or row.expires_at <= now:
        raise CohortError(
            _("This code has expired. Please enter the code shown in the room now."), "expired"
        )
    with transaction.atomic():
        application = _locked(memberships[row.session.cohort_id])
        if application.status not in (Status.CONFIRMED, Status.ATTENDING):
            raise CohortError(_("You are no longer a member of this cohort."), "not_member")
        attendance = _record_presence(
            application, row.session, method=AttendanceMethod.CODE, by=user, code=row, now=now
        )
        if attendance is None:
            raise CohortError(_("You have already checked in to this class."), "reused")
    return attendance


def take_attendance(session, by, present_ids, *, now=None):
    """Staff take attendance by list: ``present_ids`` are the members present.

    Members not in the list lose a mark staff gave; check-ins by code are kept.
    """
    now = now or timezone.now()
    present_ids = {int(i) for i in present_ids}
    with transaction.atomic():
        members = (
            Application.objects.select_for_update(of=("self",))
            .select_related("cohort", "applicant")
            .filter(cohort_id=session.cohort_id, status__in=[Status.CONFIRMED, Status.ATTENDING])
        )
        added = 0
        for application in members:
            if application.pk in present_ids:
                if _record_presence(
                    application, session, method=AttendanceMethod.LIST, by=by, now=now
                ):
                    added += 1
        Attendance.objects.filter(session=session, method=AttendanceMethod.LIST).exclude(
            application_id__in=present_ids
        ).delete()
    return added


# --- action plan and feedback ---------------------------------------------------------------


def save_action_plan(application, by, *, diagnosis, targets, steps, submit=False, now=None):
    """The member writes her action plan; submitting needs every part filled in."""
    now = now or timezone.now()
    parts = {
        "diagnosis": (diagnosis or "").strip(),
        "targets": (targets or "").strip(),
        "steps": (steps or "").strip(),
    }
    limits = {"diagnosis": 2000, "targets": 2000, "steps": 4000}
    for name, value in parts.items():
        if len(value) > limits[name]:
            raise CohortError(
                _("Please keep each part under %(count)s characters.") % {"count": limits[name]},
                name,
            )
    if submit and not all(parts.values()):
        raise CohortError(_("Please fill in every part before submitting."), "incomplete")
    with transaction.atomic():
        application = _locked(application)
        if by.pk != application.applicant_id:
            raise CohortError(_("Only the member writes her action plan."), "not_allowed")
        if application.status not in (Status.CONFIRMED, Status.ATTENDING):
            raise CohortError(_("The action plan can no longer be changed."), "closed")
        plan, _created = ActionPlan.objects.get_or_create(application=application, defaults=parts)
        for name, value in parts.items():
            setattr(plan, name, value)
        if submit and plan.submitted_at is None:
            plan.submitted_at = now
        plan.save()
    return plan


def add_feedback(application, author, body):
    """A mentor of the member (official or guidance expert) or staff writes feedback."""
    from mentorship.starleader import access

    body = (body or "").strip()
    if not body:
        raise CohortError(_("Please write your feedback."), "body")
    if len(body) > 2000:
        raise CohortError(_("Please keep the feedback under 2000 characters."), "body")
    if not access.can_mentor(author, application):
        raise CohortError(_("Only the member's mentors can write feedback."), "not_allowed")
    return Feedback.objects.create(application=application, author=author, body=body)
