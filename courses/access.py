"""Who may study what: tier gating, prerequisites and enrolment, in one place.

Every page and view that serves lesson content or lesson files asks this module
(``refuse_page`` for pages, ``check_study`` for views and services), so typing a
URL never bypasses a lock. The learner's state is read once per request in a
fixed number of queries, whatever the number of courses.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Page

from academy import roles

LOCKED = "locked"
UNLOCKED = "unlocked"
COMPLETED = "completed"

# Outcomes of check_study.
ALLOW = "allow"
LOGIN = "login"
DENY = "deny"
NOT_ENROLLED = "not_enrolled"


@dataclass
class TierState:
    id: int
    level: int
    title: str
    path: str
    required_course_ids: set = field(default_factory=set)
    status: str = LOCKED
    exempt: bool = False
    previous_title: str = ""


@dataclass
class LearnerState:
    """What a learner has done, read in four queries: tiers, courses, enrolments, exemptions."""

    is_staff: bool
    tiers: list
    enrolled_course_ids: set
    completed_course_ids: set

    def tier_for_path(self, path):
        for tier in self.tiers:
            if path.startswith(tier.path) and path != tier.path:
                return tier
        return None

    def tier_by_id(self, tier_id):
        return next((t for t in self.tiers if t.id == tier_id), None)


def is_staff(user):
    return roles.is_staff_role(user)


def learner_state(user):
    """The learner's tier statuses and courses, cached on the user for this request."""
    cached = getattr(user, "_courses_state", None)
    if cached is not None:
        return cached
    from courses.models import CoursePage, Enrolment, TierExemption, TierPage

    staff = user.is_authenticated and is_staff(user)
    tiers = [
        TierState(id=pk, level=level, title=title, path=path)
        for pk, level, title, path in TierPage.objects.live()
        .order_by("level")
        .values_list("id", "level", "title", "path")
    ]
    steplen = Page.steplen
    by_path = {t.path: t for t in tiers}
    for course_id, path in (
        CoursePage.objects.live().filter(required=True).values_list("id", "path")
    ):
        tier = by_path.get(path[:-steplen])
        if tier is not None:
            tier.required_course_ids.add(course_id)
    enrolled, completed, exempt = set(), set(), set()
    if user.is_authenticated:
        for course_id, completed_at in Enrolment.objects.filter(
            user=user, course__isnull=False
        ).values_list("course_id", "completed_at"):
            enrolled.add(course_id)
            if completed_at is not None:
                completed.add(course_id)
        exempt = set(TierExemption.objects.filter(user=user).values_list("tier_id", flat=True))
    previous = None
    for tier in tiers:
        tier.exempt = tier.id in exempt
        done = tier.required_course_ids <= completed
        if staff or previous is None or previous.status == COMPLETED or tier.exempt:
            tier.status = COMPLETED if done and user.is_authenticated else UNLOCKED
        else:
            tier.status = LOCKED
        # A tier whose lower tier is not complete stays locked even if its own
        # courses are done (they could only be done with an exemption or by staff).
        tier.previous_title = previous.title if previous else ""
        previous = tier
    state = LearnerState(
        is_staff=staff, tiers=tiers, enrolled_course_ids=enrolled, completed_course_ids=completed
    )
    if user.is_authenticated:
        user._courses_state = state
    return state


def forget_state(user):
    """Drop the cached state after the learner's progress changed."""
    if hasattr(user, "_courses_state"):
        del user._courses_state


def course_lock_reason(state, course, prerequisites=None):
    """Why a course cannot be studied yet (a translated sentence), or None.

    ``prerequisites``: the course's prerequisite courses, if already fetched.
    """
    if state.is_staff:
        return None
    tier = state.tier_for_path(course.path)
    if tier is None:
        return _("This course is not open.")
    if tier.status == LOCKED:
        return _("%(tier)s opens when you have completed all required courses of %(previous)s.") % {
            "tier": tier.title,
            "previous": tier.previous_title,
        }
    if prerequisites is None:
        prerequisites = list(course.prerequisites.live().only("id", "title"))
    missing = [p.title for p in prerequisites if p.id not in state.completed_course_ids]
    if missing:
        return _("Complete these courses first: %(courses)s") % {"courses": "、".join(missing)}
    return None


def check_study(user, course):
    """May ``user`` study (read lessons, take the quiz, fetch files of) ``course``?

    Returns (outcome, reason): ALLOW, LOGIN (anonymous), DENY (tier locked,
    prerequisites missing, course not live) or NOT_ENROLLED.
    """
    if not user.is_authenticated:
        return LOGIN, _("Log in to study this course.")
    state = learner_state(user)
    if state.is_staff:
        return ALLOW, ""
    if course is None or not course.live:
        return DENY, _("This course is not open.")
    reason = course_lock_reason(state, course)
    if reason:
        return DENY, reason
    if course.id not in state.enrolled_course_ids:
        return NOT_ENROLLED, _("Enrol in the course first: it takes one tap.")
    return ALLOW, ""


def refuse_page(request, course):
    """The response that refuses a gated page, or None when the learner may see it."""
    outcome, reason = check_study(request.user, course)
    if outcome == ALLOW:
        return None
    if outcome == LOGIN:
        return redirect_to_login(request.get_full_path())
    if outcome == NOT_ENROLLED:
        messages.info(request, reason)
        return redirect(course.get_url(request))
    return TemplateResponse(
        request,
        "courses/locked.html",
        {"reason": reason, "course": course if course and course.live else None},
        status=403,
    )
