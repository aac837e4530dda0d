"""Use cases of the online academy: enrol, study, pass quizzes, earn certificates.

Each writes in one transaction and locks the learner's enrolment row, which
guards everything done in that course: double clicks and concurrent requests
queue behind the lock, re-check, and find the work already done.
"""

import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import userpages
from academy.errors import DomainError
from academy.services import notify
from courses import access, catalogue, requirements
from courses.models import (
    Certificate,
    CertificateKind,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    TierExemption,
    TierPage,
)

# Completion from the player: this share of a video or audio watched.
WATCHED_SHARE = 0.9
MAX_MEDIA_SECONDS = 24 * 3600


class LearningError(DomainError):
    """A refused action of the online academy, with a translated message for the learner."""

    default_code = "learning_refused"


class LearningDenied(LearningError):
    """The learner may not study this course (locked, not enrolled, anonymous): 403."""

    default_code = "not_allowed"


class QuizError(LearningError):
    """A quiz submission that cannot be accepted; nothing was recorded."""

    default_code = "quiz_refused"


def _require_study(user, course):
    outcome, reason = access.check_study(user, course)
    if outcome != access.ALLOW:
        raise LearningDenied(reason)


def _course_of(page):
    parent = page.get_parent()
    course = parent.specific if parent is not None else None
    return course if isinstance(course, CoursePage) else None


def _locked_enrolment(user, course):
    """The learner's enrolment, locked for this transaction; refused when there is none
    (staff may browse a course without enrolling, but not record progress in it)."""
    enrolment = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    if enrolment is None:
        raise LearningDenied(_("Enrol in the course first: it takes one tap."))
    return enrolment


def enrol(user, course):
    """Enrol ``user`` in ``course`` (idempotent); refused while the course is locked."""
    if not user.is_authenticated:
        raise LearningDenied(_("Log in to enrol."))
    if not course.live:
        raise LearningError(_("This course is not open."))
    state = access.learner_state(user)
    reason = access.course_lock_reason(state, course)
    if reason:
        raise LearningDenied(reason)
    first_lesson = LessonPage.objects.child_of(course).live().order_by("path").first()
    try:
        with transaction.atomic():
            enrolment, created = Enrolment.objects.get_or_create(
                user=user,
                course=course,
                defaults={"course_title": course.title, "last_lesson": first_lesson},
            )
    except IntegrityError:
        # A concurrent request enrolled first.
        enrolment, created = Enrolment.objects.get(user=user, course=course), False
    access.forget_state(user)
    return enrolment, created


# Re-reading the same lesson moves "last studied" forward at most this often.
VISIT_GRANULARITY = timedelta(minutes=5)


def record_lesson_visit(user, lesson):
    """Remember the lesson a learner opened, so 继续学习 resumes there.

    The enrolment already loaded for the gating check tells whether anything
    would change: a reader going back and forth costs no write per page view.
    Returns until when opening the lesson again would change nothing (None when
    she is not enrolled), which is how long her lesson page may be kept.
    """
    course = lesson.get_course()
    if course is None:
        return None
    now = timezone.now()
    known = access.learner_state(user).enrolments.get(course.id)
    if (
        known is not None
        and known.last_lesson_id == lesson.id
        and known.last_seen_at >= now - VISIT_GRANULARITY
    ):
        return known.last_seen_at + VISIT_GRANULARITY
    Enrolment.objects.filter(user=user, course_id=course.id).update(
        last_lesson=lesson, last_seen_at=now
    )
    userpages.bump_users(user.pk)
    return now + VISIT_GRANULARITY if known is not None else None


def record_lesson_complete(user, lesson):
    """Mark a lesson complete once; completes the course when everything is done.

    Returns the learner's LessonProgress. Raises LearningDenied (403) when the
    learner may not study the course.
    """
    course = _course_of(lesson)
    _require_study(user, course)
    with transaction.atomic():
        enrolment = _locked_enrolment(user, course)
        progress = _progress_row(user, lesson, course)
        now = timezone.now()
        if progress.completed_at is None:
            progress.completed_at = now
            progress.updated_at = now
            progress.save(update_fields=["completed_at", "updated_at"])
        enrolment.last_lesson = lesson
        enrolment.last_seen_at = now
        enrolment.save(update_fields=["last_lesson", "last_seen_at"])
        _complete_course_if_done(user, course, enrolment)
    return progress


def _progress_row(user, lesson, course):
    progress, _created = LessonProgress.objects.get_or_create(
        user=user,
        lesson=lesson,
        defaults={"course": course, "lesson_title": lesson.title},
    )
    return progress


def parse_position(seconds, duration):
    """A player's report as numbers: (seconds, duration), the position never past the end."""
    try:
        seconds, duration = float(seconds), float(duration)
    except (TypeError, ValueError):
        raise LearningError(_("The position must be a number of seconds.")) from None
    if not (0 <= seconds <= MAX_MEDIA_SECONDS and 0 < duration <= MAX_MEDIA_SECONDS):
        raise LearningError(_("The position must be a number of seconds."))
    return min(seconds, duration), duration


def record_position(user, lesson, *, seconds, duration):
    """Keep the video/audio position; watching ≥ 90 % completes the lesson.

    Returns (progress, completed_now).
    """
    seconds, duration = parse_position(seconds, duration)
    course = _course_of(lesson)
    _require_study(user, course)
    with transaction.atomic():
        enrolment = _locked_enrolment(user, course)
        progress = _progress_row(user, lesson, course)
        progress.position_seconds = int(seconds)
        progress.updated_at = timezone.now()
        progress.save(update_fields=["position_seconds", "updated_at"])
        Enrolment.objects.filter(pk=enrolment.pk).update(
            last_lesson=lesson, last_seen_at=progress.updated_at
        )
    completed_now = False
    if seconds / duration >= WATCHED_SHARE and progress.completed_at is None:
        progress = record_lesson_complete(user, lesson)
        completed_now = True
    return progress, completed_now


def parse_answers(querydict):
    """``{question_id: [choice ids]}`` from a POST; other fields are ignored."""
    return {
        key[2:]: querydict.getlist(key) for key in querydict if key.startswith("q-") and key[2:]
    }


def grade(quiz, answers):
    """Check answers against the quiz and grade them; raises QuizError on bad input."""
    questions = quiz.question_list()
    if not questions:
        raise QuizError(_("This quiz has no questions yet."))
    known = {q["id"] for q in questions}
    extra = set(answers) - known
    if extra:
        raise QuizError(
            _(
                "The answers name questions that are not in this quiz. "
                "Reload the page and try again."
            )
        )
    missing = [q for q in questions if not answers.get(q["id"])]
    if missing:
        raise QuizError(
            _("Answer every question before submitting (%(count)s unanswered).")
            % {"count": len(missing)}
        )
    results, correct_count = [], 0
    for question in questions:
        chosen = answers[question["id"]]
        choice_ids = {c["id"] for c in question["choices"]}
        if len(set(chosen)) != len(chosen) or not set(chosen) <= choice_ids:
            raise QuizError(
                _("An answer does not belong to its question. Reload the page and try again.")
            )
        if question["kind"] != "multiple" and len(chosen) != 1:
            raise QuizError(_("Choose exactly one answer for each single-choice question."))
        right = {c["id"] for c in question["choices"] if c["correct"]}
        is_correct = set(chosen) == right
        correct_count += is_correct
        results.append(
            {
                "id": question["id"],
                "text": question["text"],
                "choices": [
                    {
                        "text": str(c["text"]),
                        "chosen": c["id"] in chosen,
                        "correct": c["correct"],
                    }
                    for c in question["choices"]
                ],
                "correct": is_correct,
                "explanation": question["explanation"],
            }
        )
    score = round(100 * correct_count / len(questions))
    return score, results


def submit_quiz(user, quiz, answers, nonce):
    """Record one graded attempt; the same form (``nonce``) submitted twice records once.

    Refused with QuizError, and nothing recorded, for bad answers, after the
    quiz was passed, or when no attempt is left in the cool-down window.
    """
    try:
        nonce = uuid.UUID(str(nonce))
    except ValueError:
        raise QuizError(_("The form has expired. Reload the page and try again.")) from None
    course = _course_of(quiz)
    _require_study(user, course)
    score, results = grade(quiz, answers)
    from courses.selectors import quiz_state

    with transaction.atomic():
        enrolment = _locked_enrolment(user, course)
        existing = QuizAttempt.objects.filter(user=user, quiz=quiz, nonce=nonce).first()
        if existing is not None:
            return existing
        state = quiz_state(user, quiz)
        _refuse_another_attempt(quiz, state)
        number = (state["attempts"][0].number if state["attempts"] else 0) + 1
        attempt = QuizAttempt.objects.create(
            user=user,
            quiz=quiz,
            course=course,
            quiz_title=quiz.title,
            number=number,
            nonce=nonce,
            score=score,
            pass_mark=quiz.pass_mark,
            passed=score >= quiz.pass_mark,
            results=results,
        )
        enrolment.last_seen_at = attempt.submitted_at
        if attempt.passed:
            enrolment.quiz_passed_at = attempt.submitted_at
        enrolment.save(update_fields=["last_seen_at", "quiz_passed_at"])
        if attempt.passed:
            _complete_course_if_done(user, course, enrolment)
    return attempt


def _refuse_another_attempt(quiz, state):
    """Refuse an attempt after the quiz was passed, or with no attempt left for now."""
    if state["passed"]:
        raise QuizError(_("You have already passed this quiz."))
    if state["remaining"] > 0:
        return
    if state["available_at"]:
        raise QuizError(
            _("You have used all %(count)s attempts. Try again after %(time)s.")
            % {
                "count": quiz.max_attempts,
                "time": timezone.localtime(state["available_at"]).strftime("%Y-%m-%d %H:%M"),
            }
        )
    raise QuizError(
        _("You have used all %(count)s attempts at this quiz.") % {"count": quiz.max_attempts}
    )


def _complete_course_if_done(user, course, enrolment):
    """Inside the enrolment lock: complete the course when all required steps are done."""
    if enrolment.completed_at is not None:
        return False
    node = catalogue.get().courses.get(course.id)
    done = requirements.completed_required_lesson_ids(user, node)
    if not requirements.course_requirements_met(node, done, enrolment.quiz_passed_at is not None):
        return False
    now = timezone.now()
    enrolment.completed_at = now
    enrolment.course_title = course.title
    enrolment.save(update_fields=["completed_at", "course_title"])
    issue_certificate(
        user,
        kind=CertificateKind.COURSE,
        subject_key=f"course:{course.id}",
        title=course.title,
        course=course,
    )
    notify(
        user,
        key=f"courses:completed:{enrolment.pk}",
        title=_("You completed the course %(course)s") % {"course": course.title},
        body=_("Your certificate is ready to download from My learning."),
        url=reverse("dashboard") + "#dash-certificates",
        kind="course_progress",
    )
    access.forget_state(user)
    _complete_tier_if_done(user, course)
    return True


def _complete_tier_if_done(user, course):
    """After a course is completed: certify its tier when the tier's requirements are all done."""
    node = catalogue.get().tier_of(course.id)
    if node is None:
        return False
    if not requirements.tier_completed(node, requirements.completed_required_ids(user, node)):
        return False
    tier = TierPage.objects.filter(pk=node.id).first()
    if tier is None:
        # Deleted since the catalogue was read.
        return False
    issue_certificate(
        user, kind=CertificateKind.TIER, subject_key=f"tier:{tier.id}", title=tier.title, tier=tier
    )
    following = TierPage.objects.live().filter(level__gt=tier.level).order_by("level").first()
    if following is not None:
        notify(
            user,
            key=f"courses:tier-unlocked:{user.pk}:{following.pk}",
            title=_("%(tier)s is now open to you") % {"tier": following.title},
            body=_("You completed every required course of %(tier)s.") % {"tier": tier.title},
            url=following.url or "",
            kind="course_progress",
        )
    return True


def issue_certificate(user, *, kind, subject_key, title, course=None, tier=None):
    """Issue a certificate once per (holder, kind, subject) and queue its PDF.

    Generic on purpose: programs issue their graduation certificates here too.
    """
    certificate, created = Certificate.objects.get_or_create(
        user=user,
        kind=kind,
        subject_key=subject_key,
        defaults={
            "title": title,
            "holder_name": user.get_full_name(),
            "course": course,
            "tier": tier,
        },
    )
    if created or not certificate.pdf:
        from courses.tasks import generate_certificate_pdf

        certificate_id = certificate.pk
        transaction.on_commit(lambda: queue_task(generate_certificate_pdf, certificate_id))
    return certificate


def queue_task(task, *args):
    """Send a task; if the broker is down, the download view queues it again later."""
    import logging

    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - the PDF is generated on the next download instead
        logging.getLogger(__name__).warning("Could not queue %s%r", task.name, args)


def grant_exemption(user, tier, *, reason, granted_by):
    """Open ``tier`` to ``user`` before the tier below is complete, recording who and why."""
    reason = (reason or "").strip()
    if not reason:
        raise LearningError(_("Say why the exception is granted."))
    with transaction.atomic():
        exemption, created = TierExemption.objects.get_or_create(
            user=user, tier=tier, defaults={"reason": reason, "granted_by": granted_by}
        )
        if created:
            notify(
                user,
                key=f"courses:exemption:{exemption.pk}",
                title=_("%(tier)s is now open to you") % {"tier": tier.title},
                body=reason,
                url=tier.url or "",
                kind="course_progress",
            )
    access.forget_state(user)
    return exemption, created
