"""Queries shared by the course pages, the home page, the dashboard and the mentee view.

The academy's structure comes from the cached catalogue; each function adds a
fixed number of queries for the learner's own rows, whatever the number of
courses, lessons or enrolments.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from academy import roles
from courses import access, catalogue, requirements
from courses.models import Certificate, Enrolment, LessonProgress, QuizAttempt

COVER_SPEC = "fill-640x360"


@dataclass
class LessonStep:
    page: catalogue.LessonNode
    completed: bool = False
    position_seconds: int = 0

    @property
    def url(self):
        return self.page.url


@dataclass
class CourseProgress:
    """A learner's progress in one course: lessons in order, the quiz, and where to go next."""

    course: catalogue.CourseNode
    enrolment: Enrolment | None = None
    lessons: list = field(default_factory=list)
    next_url: str = ""
    next_title: str = ""

    @property
    def quiz(self):
        return self.course.quiz

    @property
    def quiz_url(self):
        return self.course.quiz.url if self.course.quiz else ""

    @property
    def quiz_passed(self):
        return bool(self.enrolment and self.enrolment.quiz_passed_at)

    @property
    def required_lessons(self):
        required = set(requirements.required_lesson_ids(self.course))
        return [s for s in self.lessons if s.page.id in required]

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


def progress_for(user, courses, state=None):
    """``{course_id: CourseProgress}`` for catalogue courses, in at most one query."""
    courses = [c for c in courses if c is not None]
    result = {c.id: CourseProgress(course=c) for c in courses}
    if user.is_authenticated and result:
        state = state or access.learner_state(user)
        lesson_ids = []
        for progress in result.values():
            progress.enrolment = state.enrolments.get(progress.course.id)
            if progress.enrolment is not None:
                lesson_ids.extend(lesson.id for lesson in progress.course.lessons)
        done = {}
        if lesson_ids:
            for lesson_id, completed_at, position in LessonProgress.objects.filter(
                user=user, lesson_id__in=lesson_ids
            ).values_list("lesson_id", "completed_at", "position_seconds"):
                done[lesson_id] = (completed_at is not None, position)
        for progress in result.values():
            progress.lessons = [
                LessonStep(lesson, *done.get(lesson.id, (False, 0)))
                for lesson in progress.course.lessons
            ]
    else:
        for progress in result.values():
            progress.lessons = [LessonStep(lesson) for lesson in progress.course.lessons]
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
    """Published tiers in order, each with ``status`` (locked/unlocked/completed)."""
    return access.learner_state(request.user).tiers


def tier_page_context(request, tier):
    state = access.learner_state(request.user)
    tier_state = state.tier_by_id(tier.id)
    courses = list(tier_state.node.courses) if tier_state else []
    progress = progress_for(request.user, courses, state)
    cards = []
    for course in courses:
        cards.append(
            {
                "course": course,
                "progress": progress[course.id],
                "lock_reason": access.course_lock_reason(state, course),
            }
        )
    return {
        "cards": cards,
        "tier_status": tier_state.status if tier_state else access.LOCKED,
        "previous_title": tier_state.previous_title if tier_state else "",
        "academy_url": tier_state.url.rstrip("/").rsplit("/", 1)[0] + "/" if tier_state else "/",
    }


def course_page_context(request, course):
    user = request.user
    state = access.learner_state(user)
    node = state.catalogue.courses.get(course.id)
    if node is None:
        # A draft being previewed: its lessons are not published yet.
        return {"progress": None, "lock_reason": None, "node": None, "tags": []}
    progress = progress_for(user, [node], state)[node.id]
    certificate = None
    if progress.completed:
        certificate = Certificate.objects.filter(
            user=user, kind="course", subject_key=f"course:{course.id}"
        ).first()
    tier = state.tier_by_id(node.tier_id)
    return {
        "node": node,
        "progress": progress,
        "lock_reason": access.course_lock_reason(state, node),
        "prerequisites": [state.catalogue.courses[i] for i in node.prerequisite_ids],
        "tier": tier,
        "certificate": certificate,
        "tags": list(course.tags.all()),
    }


def lesson_page_context(request, lesson):
    state = access.learner_state(request.user)
    course = state.catalogue.course_for_path(lesson.path)
    if course is None:
        return {"course": None, "progress": None}
    progress = progress_for(request.user, [course], state)[course.id]
    steps = progress.lessons
    index = next((i for i, s in enumerate(steps) if s.page.id == lesson.id), None)
    current = steps[index] if index is not None else None
    return {
        "course": course,
        "progress": progress,
        "step": current,
        "step_number": (index or 0) + 1,
        "previous_step": steps[index - 1] if index else None,
        "next_step": steps[index + 1] if index is not None and index + 1 < len(steps) else None,
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
        available_at = min(a.submitted_at for a in recent) + timedelta(hours=quiz.cooldown_hours)
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
    state = access.learner_state(user)
    course = state.catalogue.course_for_path(quiz.path)
    attempts = quiz_state(user, quiz)
    shown = None
    number = request.GET.get("attempt", "")
    if number.isdigit():
        shown = next((a for a in attempts["attempts"] if a.number == int(number)), None)
    next_number = (attempts["attempts"][0].number if attempts["attempts"] else 0) + 1
    return {
        "course": course,
        "progress": progress_for(user, [course], state)[course.id] if course else None,
        "quiz_state": attempts,
        "shown_attempt": shown,
        "questions": shuffled_questions(quiz, user, next_number),
        "nonce": uuid.uuid4(),
    }


# --- sections of the home page, the dashboard and the mentee view ---------------------


def home_tiers_context(request, **kwargs):
    return {"tiers": tiers_with_status(request), "signed_in": request.user.is_authenticated}


def current_progress(user):
    """Her courses in progress, studied last first, with their progress; one query.

    Kept on the user object for the request: 我的学习's "continue" and "my courses"
    sections share it.
    """
    state = access.learner_state(user)
    cached = getattr(user, "_courses_current", None)
    if cached is not None and cached[0] is state:
        return cached[1]
    courses = state.catalogue.courses
    live_current = [
        e for e in state.all_enrolments if e.completed_at is None and e.course_id in courses
    ]
    progress = progress_for(user, [courses[e.course_id] for e in live_current], state)
    current = [progress[e.course_id] for e in live_current]
    user._courses_current = (state, current)
    return current


def learning_summary(user, recent_attempts=5):
    """The learner's courses, certificates, tiers and recent quiz results, in four queries."""
    state = access.learner_state(user)
    current = current_progress(user)
    completed = [e for e in state.all_enrolments if e.completed_at is not None]
    certificates = list(Certificate.objects.filter(user=user))
    attempts = list(
        QuizAttempt.objects.filter(user=user).order_by("-submitted_at", "-id")[:recent_attempts]
    )
    return {
        "current": current,
        "continue": current[0] if current else None,
        "completed": completed,
        "certificates": certificates,
        "attempts": attempts,
        "tiers": state.tiers,
    }


def continue_context(request, **kwargs):
    """The lesson to continue, one tap away: the course studied last, at its next step.

    None for visitors and for learners with no course in progress. The lesson page
    itself resumes a video at the saved position.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    current = current_progress(user)
    if not current or not current[0].next_url:
        return None
    return {"next": current[0]}


def dashboard_learning_context(request, **kwargs):
    return learning_summary(request.user)


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
    summary = learning_summary(mentee, recent_attempts=3)
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
