"""What a tier and a course require: the one rule behind gating, completion, certificates
and every listing.

A tier's required courses are its published courses marked "required for the
tier", as the catalogue lists them: electives and drafts never count, and a
course moved out of the tier stops counting with the next catalogue. Meeting
the requirements opens the next tier (a tier with none opens it at once); a
tier is *completed*, and earns its certificate, only when it had something to
complete. Gating (``courses.access``), the tier certificate
(``courses.services``) and the listings built on them all ask here, so their
answers cannot drift apart.

A course's required lessons are, likewise, its published lessons marked
"required", as the catalogue lists them: optional lessons, drafts and
unpublished lessons never count, and a course outside the published academy
requires nothing and can never be completed. A learner meets a course's
requirements when every required lesson is completed and the course's quiz, if
it has one, is passed. Course completion (``courses.services``), the progress
bars (``courses.selectors``) and the staff's progress export
(``courses.admin_views``) all ask here.

Completion is never taken back: when a required lesson is added to a course a
learner has already completed, the course stays completed with its
certificate, while the progress figures (bar and export alike) count the new
lesson as required and not yet done.
"""

from django.db.models import Count

# --- tiers ---------------------------------------------------------------------------


def required_course_ids(tier):
    """The ids of the required courses of ``tier`` (a catalogue ``TierNode``)."""
    return {course.id for course in tier.courses if course.required}


def requirements_met(tier, completed_ids):
    """True when every required course of ``tier`` is among ``completed_ids`` (or it has none)."""
    return required_course_ids(tier) <= set(completed_ids)


def tier_completed(tier, completed_ids):
    """True when ``tier`` has required courses and all of them are among ``completed_ids``."""
    required = required_course_ids(tier)
    return bool(required) and required <= set(completed_ids)


def completed_required_ids(user, tier):
    """The required courses of ``tier`` that ``user`` has completed, read from the database."""
    from courses.models import Enrolment

    return set(
        Enrolment.objects.filter(
            user=user, course_id__in=required_course_ids(tier), completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )


# --- courses -------------------------------------------------------------------------
# ``course`` is a catalogue ``CourseNode``, or None for a course outside the published
# academy (``catalogue.get().courses.get(page.id)``).


def required_lesson_ids(course):
    """The ids of the required lessons of ``course``, in the order they are studied."""
    if course is None:
        return []
    return [lesson.id for lesson in course.lessons if lesson.required]


def course_requirements_met(course, completed_lesson_ids, quiz_passed):
    """True when every required lesson of ``course`` is among ``completed_lesson_ids`` and
    its quiz, if it has one, is passed; never for a course outside the published academy."""
    if course is None:
        return False
    lessons_done = set(required_lesson_ids(course)) <= set(completed_lesson_ids)
    return lessons_done and (course.quiz is None or quiz_passed)


def _completed_required_lessons(course):
    from courses.models import LessonProgress

    return LessonProgress.objects.filter(
        lesson_id__in=required_lesson_ids(course), completed_at__isnull=False
    )


def completed_required_lesson_ids(user, course):
    """The required lessons of ``course`` that ``user`` has completed, read from the database."""
    return set(
        _completed_required_lessons(course).filter(user=user).values_list("lesson_id", flat=True)
    )


def completed_required_lesson_counts(course, user_ids):
    """``{user id: how many required lessons of course they completed}``, in one query
    (users who completed none are left out)."""
    return dict(
        _completed_required_lessons(course)
        .filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
