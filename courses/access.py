"""Who may study what: tier gating, prerequisites and enrolment, in one place.

Every page and view that serves lesson content or lesson files asks this module
(``refuse_page`` for pages, ``check_study`` for views and services), so typing a
URL never bypasses a lock. A learner's state costs two queries per request
(enrolments, exemptions) on top of the cached catalogue, whatever the number of
courses.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from academy import roles
from courses import catalogue, requirements

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
    """A tier as one learner sees it."""

    node: catalogue.TierNode
    status: str = LOCKED
    exempt: bool = False
    previous_title: str = ""
    done: int = 0
    # Open and every required course complete (true for an open tier with none):
    # what unlocks the next tier.
    requirements_met: bool = False

    @property
    def id(self):
        return self.node.id

    @property
    def level(self):
        return self.node.level

    @property
    def title(self):
        return self.node.title

    @property
    def tagline(self):
        return self.node.tagline

    @property
    def url(self):
        return self.node.url

    @property
    def required(self):
        return len(requirements.required_course_ids(self.node))


@dataclass
class LearnerState:
    """The learner's tiers, enrolments and completions for this request."""

    has_staff_role: bool
    tiers: list
    enrolments: dict  # course_id → Enrolment, live or not
    all_enrolments: list  # including those of deleted courses
    completed_course_ids: set
    catalogue: catalogue.Catalogue

    def tier_by_id(self, tier_id):
        return next((t for t in self.tiers if t.id == tier_id), None)


def learner_state(user):
    """The learner's state, cached on the user object for this request."""
    cat = catalogue.get()
    cached = getattr(user, "_courses_state", None)
    if cached is not None and cached.catalogue is cat:
        return cached
    from courses.models import Enrolment, TierExemption

    staff = user.is_authenticated and roles.has_staff_role(user)
    all_enrolments, exempt = [], set()
    if user.is_authenticated:
        all_enrolments = list(Enrolment.objects.filter(user=user).order_by("-last_seen_at", "-id"))
        exempt = set(TierExemption.objects.filter(user=user).values_list("tier_id", flat=True))
    enrolments = {e.course_id: e for e in all_enrolments if e.course_id is not None}
    completed = {cid for cid, e in enrolments.items() if e.completed_at is not None}
    tiers, previous = [], None
    for node in cat.tiers:
        tier = TierState(node=node, exempt=node.id in exempt)
        tier.done = len(requirements.required_course_ids(node) & completed)
        open_ = staff or previous is None or previous.requirements_met or tier.exempt
        if open_:
            tier.requirements_met = requirements.requirements_met(node, completed)
            done = user.is_authenticated and requirements.tier_completed(node, completed)
            tier.status = COMPLETED if done else UNLOCKED
        tier.previous_title = previous.title if previous else ""
        tiers.append(tier)
        previous = tier
    state = LearnerState(
        has_staff_role=staff,
        tiers=tiers,
        enrolments=enrolments,
        all_enrolments=all_enrolments,
        completed_course_ids=completed,
        catalogue=cat,
    )
    if user.is_authenticated:
        user._courses_state = state
    return state


def forget_state(user):
    """Drop the cached state after the learner's progress changed."""
    if hasattr(user, "_courses_state"):
        del user._courses_state


def course_lock_reason(state, course):
    """Why a (published) course cannot be studied yet, as a translated sentence, or None."""
    if state.has_staff_role:
        return None
    node = state.catalogue.courses.get(course.id)
    if node is None:
        return _("This course is not open.")
    tier = state.tier_by_id(node.tier_id)
    if tier is None:
        return _("This course is not open.")
    if tier.status == LOCKED:
        return _("%(tier)s opens when you have completed all required courses of %(previous)s.") % {
            "tier": tier.title,
            "previous": tier.previous_title,
        }
    missing = [i for i in node.prerequisite_ids if i not in state.completed_course_ids]
    if missing:
        return _("Complete these courses first: %(courses)s") % {
            "courses": "、".join(state.catalogue.titles(missing))
        }
    return None


def check_study(user, course):
    """May ``user`` study (read lessons, take the quiz, fetch files of) ``course``?

    ``course`` is a course page or catalogue node. Returns (outcome, reason):
    ALLOW, LOGIN (anonymous), DENY (tier locked, prerequisites missing, course
    not published) or NOT_ENROLLED.
    """
    if not user.is_authenticated:
        return LOGIN, _("Log in to study this course.")
    state = learner_state(user)
    if state.has_staff_role:
        return ALLOW, ""
    if course is None or course.id not in state.catalogue.courses:
        return DENY, _("This course is not open.")
    reason = course_lock_reason(state, course)
    if reason:
        return DENY, reason
    if course.id not in state.enrolments:
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
        return redirect(course.url)
    node = catalogue.get().courses.get(course.id) if course is not None else None
    return TemplateResponse(
        request, "courses/locked.html", {"reason": reason, "course": node}, status=403
    )
