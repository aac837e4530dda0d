"""Queries shared by the course pages, the home page, the dashboard and the mentee view.

Each function reads a fixed number of queries whatever the number of courses,
lessons or enrolments: lists are fetched in one query each and joined in Python.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from wagtail.models import Page

from academy import roles
from courses import access
from courses.models import (
    Certificate,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    QuizPage,
    TierPage,
)

COVER_SPEC = "fill-640x360"
PAGE_FIELDS = ("id", "title", "slug", "path", "depth", "url_path", "live")


@dataclass
class LessonStep:
    page: LessonPage
    completed: bool = False
    position_seconds: int = 0
    url: str = ""


@dataclass
class CourseProgress:
    """A learner's progress in one course: lessons in order, the quiz, and where to go next."""

    course: CoursePage
    enrolment: Enrolment | None = None
    lessons: list = field(default_factory=list)
    quiz: QuizPage | None = None
    quiz_url: str = ""
    quiz_passed: bool = False
    next_url: str = ""
    next_title: str = ""

    @property
    def required_lessons(self):
        return [s for s in self.lessons if s.page.required]

    @property
    def total_steps(self):
        return len(self.required_lessons) + (1 if self.quiz else 0)

    @property
    def done_steps(self):
        done = sum(1 for s in self.required_lessons if s.completed)
        return done + (1 if self.quiz and self.quiz_passed else 0)

    @property
    def completed(self):
        return bool(self.enrolment and self.enrolment.completed_at)

    @property
    def percent(self):
        if self.completed:
            return 100
        if not self.total_steps:
            return 0
        return round(100 * self.done_steps / self.total_steps)

    @property
    def started(self):
        return any(s.completed for s in self.lessons) or self.quiz_passed


def _under_any(paths, depth):
    """Pages at ``depth`` below any of ``paths``."""
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Q(depth=depth) & condition


def progress_for(request, user, courses, enrolments=None):
    """``{course_id: CourseProgress}`` in at most five queries for any number of courses."""
    courses = [c for c in courses if c is not None]
    if not courses:
        return {}
    steplen = Page.steplen
    result = {c.id: CourseProgress(course=c) for c in courses}
    by_path = {c.path: result[c.id] for c in courses}
    depths = {c.depth for c in courses}
    paths = [c.path for c in courses]
    lesson_filter = Q()
    for depth in depths:
        lesson_filter |= _under_any(paths, depth + 1)
    lessons = (
        LessonPage.objects.live()
        .filter(lesson_filter)
        .only(*PAGE_FIELDS, "required")
        .order_by("path")
    )
    lesson_ids = []
    for lesson in lessons:
        progress = by_path.get(lesson.path[:-steplen])
        if progress is not None:
            progress.lessons.append(LessonStep(page=lesson, url=lesson.get_url(request)))
            lesson_ids.append(lesson.id)
    for quiz in QuizPage.objects.live().filter(lesson_filter).only(*PAGE_FIELDS).order_by("path"):
        progress = by_path.get(quiz.path[:-steplen])
        if progress is not None and progress.quiz is None:
            progress.quiz = quiz
            progress.quiz_url = quiz.get_url(request)
    if user.is_authenticated:
        if enrolments is None:
            enrolments = Enrolment.objects.filter(user=user, course_id__in=list(result))
        for enrolment in enrolments:
            if enrolment.course_id in result:
                result[enrolment.course_id].enrolment = enrolment
        done = {}
        if any(p.enrolment for p in result.values()):
            for lesson_id, completed_at, position in LessonProgress.objects.filter(
                user=user, lesson_id__in=lesson_ids
            ).values_list("lesson_id", "completed_at", "position_seconds"):
                done[lesson_id] = (completed_at is not None, position)
            quiz_ids = [p.quiz.id for p in result.values() if p.quiz]
            passed = set(
                QuizAttempt.objects.filter(user=user, quiz_id__in=quiz_ids, passed=True)
                .values_list("quiz_id", flat=True)
                .distinct()
            )
        else:
            passed = set()
        for progress in result.values():
            for step in progress.lessons:
                step.completed, step.position_seconds = done.get(step.page.id, (False, 0))
            progress.quiz_passed = bool(progress.quiz and progress.quiz.id in passed)
    for progress in result.values():
        _choose_next(progress)
    return result


def _choose_next(progress):
    """Resume where the learner left: the last lesson if unfinished, else the next one."""
    steps = progress.lessons
    last_id = progress.enrolment.last_lesson_id if progress.enrolment else None
    start = 0
    for index, step in enumerate(steps):
        if step.page.id == last_id:
            if not step.completed:
                progress.next_url, progress.next_title = step.url, step.page.title
                return
            start = index + 1
            break
    for step in steps[start:] + steps[:start]:
        if not step.completed:
            progress.next_url, progress.next_title = step.url, step.page.title
            return
    if progress.quiz and not progress.quiz_passed:
        progress.next_url, progress.next_title = progress.quiz_url, progress.quiz.title
        return
    if steps:
        progress.next_url, progress.next_title = steps[0].url, steps[0].page.title


def tiers_with_status(request):
    """Live tiers in order, each with ``status`` (locked/unlocked/completed) for the visitor."""
    state = access.learner_state(request.user)
    tiers = list(TierPage.objects.live().order_by("level"))
    for tier in tiers:
        tier_state = state.tier_by_id(tier.id)
        tier.status = tier_state.status if tier_state else access.LOCKED
        tier.previous_title = tier_state.previous_title if tier_state else ""
        tier.required_count = len(tier_state.required_course_ids) if tier_state else 0
        tier.completed_count = (
            len(tier_state.required_course_ids & state.completed_course_ids) if tier_state else 0
        )
    return tiers


def _prerequisites(course_ids):
    """``{course_id: [live prerequisite courses]}`` in one query."""
    through = CoursePage.prerequisites.through
    rows = list(
        through.objects.filter(from_coursepage_id__in=course_ids, to_coursepage__live=True)
        .select_related("to_coursepage")
        .only(
            "from_coursepage_id",
            "to_coursepage__id",
            "to_coursepage__title",
            "to_coursepage__url_path",
            "to_coursepage__path",
        )
    )
    result = {}
    for row in rows:
        result.setdefault(row.from_coursepage_id, []).append(row.to_coursepage)
    return result


def tier_page_context(request, tier):
    state = access.learner_state(request.user)
    tier_state = state.tier_by_id(tier.id)
    courses = list(
        CoursePage.objects.child_of(tier)
        .live()
        .select_related("instructor__user", "cover_image")
        .prefetch_related("cover_image__renditions")
        .order_by("path")
    )
    prerequisites = _prerequisites([c.id for c in courses])
    progress = progress_for(request, request.user, courses)
    for course in courses:
        course.progress = progress[course.id]
        course.lock_reason = access.course_lock_reason(
            state, course, prerequisites.get(course.id, [])
        )
    return {
        "courses": courses,
        "tier_status": tier_state.status if tier_state else access.LOCKED,
        "previous_title": tier_state.previous_title if tier_state else "",
        "cover_spec": COVER_SPEC,
    }


def course_page_context(request, course):
    user = request.user
    state = access.learner_state(user)
    prerequisites = _prerequisites([course.id]).get(course.id, [])
    progress = progress_for(request, user, [course])[course.id]
    certificate = None
    if user.is_authenticated and progress.completed:
        certificate = Certificate.objects.filter(
            user=user, kind="course", subject_key=f"course:{course.id}"
        ).first()
    tier = state.tier_for_path(course.path)
    return {
        "progress": progress,
        "lock_reason": access.course_lock_reason(state, course, prerequisites),
        "prerequisites": prerequisites,
        "tier": tier,
        "certificate": certificate,
        "tags": list(course.tags.all()),
        "instructor": course.instructor,
    }


def lesson_page_context(request, lesson):
    course = lesson.get_parent().specific if lesson.depth > 1 else None
    if course is None or not isinstance(course, CoursePage):
        return {"course": None, "progress": None}
    progress = progress_for(request, request.user, [course])[course.id]
    steps = progress.lessons
    index = next((i for i, s in enumerate(steps) if s.page.id == lesson.id), None)
    current = steps[index] if index is not None else LessonStep(page=lesson)
    previous_step = steps[index - 1] if index else None
    next_step = steps[index + 1] if index is not None and index + 1 < len(steps) else None
    return {
        "course": course,
        "progress": progress,
        "step": current,
        "step_number": (index or 0) + 1,
        "previous_step": previous_step,
        "next_step": next_step,
    }


def quiz_state(user, quiz, now=None):
    """Attempts so far, whether the quiz is passed, and when the next attempt is allowed."""
    now = now or timezone.now()
    attempts = list(QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("-number"))
    passed = any(a.passed for a in attempts)
    if quiz.cooldown_hours:
        since = now - timedelta(hours=quiz.cooldown_hours)
        recent = [a for a in attempts if a.submitted_at > since]
    else:
        recent = attempts
    remaining = max(0, quiz.max_attempts - len(recent))
    available_at = None
    if remaining == 0 and quiz.cooldown_hours:
        oldest = min(a.submitted_at for a in recent)
        available_at = oldest + timedelta(hours=quiz.cooldown_hours)
    return {
        "attempts": attempts,
        "passed": passed,
        "remaining": remaining,
        "available_at": available_at,
    }


def shuffled_questions(quiz, user, attempt_number):
    """The questions without their answers' correctness, in an order fixed per attempt."""
    rng = random.Random(f"{quiz.id}:{user.id}:{attempt_number}")  # noqa: S311 - not secret
    questions = []
    for question in quiz.question_list():
        choices = [{"id": c["id"], "text": c["text"]} for c in question["choices"]]
        if question["kind"] != "true_false":
            rng.shuffle(choices)
        questions.append(
            {
                "id": question["id"],
                "kind": question["kind"],
                "text": question["text"],
                "choices": choices,
            }
        )
    rng.shuffle(questions)
    return questions


def quiz_page_context(request, quiz):
    user = request.user
    if not user.is_authenticated:
        return {}
    course = quiz.get_parent().specific if quiz.depth > 1 else None
    state = quiz_state(user, quiz)
    shown = None
    number = request.GET.get("attempt", "")
    if number.isdigit():
        shown = next((a for a in state["attempts"] if a.number == int(number)), None)
    next_number = (state["attempts"][0].number if state["attempts"] else 0) + 1
    progress = progress_for(request, user, [course])[course.id] if course else None
    return {
        "course": course,
        "progress": progress,
        "quiz_state": state,
        "shown_attempt": shown,
        "questions": shuffled_questions(quiz, user, next_number),
        "nonce": uuid.uuid4(),
    }


# --- sections of the home page, the dashboard and the mentee view ---------------------


def home_tiers_context(request, **kwargs):
    return {"tiers": tiers_with_status(request), "signed_in": request.user.is_authenticated}


def learning_summary(request, user, recent_attempts=5):
    """The learner's courses, certificates, tiers and recent quiz results, in fixed queries."""
    state = access.learner_state(user)
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .defer("course__description")
        .order_by("-last_seen_at", "-id")
    )
    live_current = [e for e in enrolments if e.completed_at is None and e.course and e.course.live]
    progress = progress_for(request, user, [e.course for e in live_current], enrolments)
    current = [progress[e.course_id] for e in live_current]
    completed = [e for e in enrolments if e.completed_at is not None]
    certificates = list(Certificate.objects.filter(user=user))
    attempts = list(
        QuizAttempt.objects.filter(user=user).order_by("-submitted_at", "-id")[:recent_attempts]
    )
    tiers = []
    for tier in state.tiers:
        tiers.append(
            {
                "title": tier.title,
                "level": tier.level,
                "status": tier.status,
                "required": len(tier.required_course_ids),
                "done": len(tier.required_course_ids & state.completed_course_ids),
                "previous_title": tier.previous_title,
            }
        )
    return {
        "current": current,
        "continue": current[0] if current else None,
        "completed": completed,
        "certificates": certificates,
        "attempts": attempts,
        "tiers": tiers,
    }


def dashboard_learning_context(request, **kwargs):
    return learning_summary(request, request.user)


def mentee_learning_context(request, mentee=None, **kwargs):
    """A mentee's course progress for their mentor (the mentorship page checks the relation).

    Refused (None) to anyone who is neither the mentee, a mentor, nor staff.
    """
    viewer = request.user
    if mentee is None or not viewer.is_authenticated:
        return None
    if viewer.pk != mentee.pk and not roles.has_role(
        viewer, roles.MENTOR, roles.PROGRAM_STAFF, roles.ADMINISTRATOR
    ):
        return None
    summary = learning_summary(request, mentee, recent_attempts=3)
    summary["mentee"] = mentee
    return summary


def course_counts(course_ids):
    """Enrolment and completion counts per course, one query."""
    rows = (
        Enrolment.objects.filter(course_id__in=course_ids)
        .values("course_id")
        .annotate(enrolled=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False)))
    )
    return {r["course_id"]: (r["enrolled"], r["completed"]) for r in rows}
