"""Staff views of the academy admin: a course's learners' progress as CSV."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.access import has_permission, staff_required
from academy.exports import csv_response
from courses import catalogue, requirements
from courses.models import Certificate, CoursePage, Enrolment, QuizAttempt

BATCH = 2000


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def progress_header():
    return [
        _("Learner"),
        _("E-mail address"),
        _("Shop ID"),
        _("Enrolled at"),
        _("Last studied at"),
        _("Required lessons done"),
        _("Required lessons"),
        _("Best quiz score (%)"),
        _("Quiz attempts"),
        _("Completed at"),
        _("Certificate code"),
    ]


def progress_rows(course):
    """One row per learner; a few queries per batch of 2,000 learners.

    Required lessons are counted by the one rule of ``courses.requirements``, as on
    the learner's progress bar: drafts, unpublished and optional lessons never count.
    """
    node = catalogue.get().courses.get(course.id)
    required = requirements.required_lesson_ids(node)
    enrolments = (
        Enrolment.objects.filter(course=course)
        .select_related("user", "user__shopkeeper_profile")
        .order_by("id")
    )
    last_id = 0
    while True:
        batch = list(enrolments.filter(id__gt=last_id)[:BATCH])
        if not batch:
            return
        last_id = batch[-1].id
        user_ids = [e.user_id for e in batch]
        lessons_done = requirements.completed_required_lesson_counts(node, user_ids)
        quiz = {
            row["user_id"]: row
            for row in QuizAttempt.objects.filter(user_id__in=user_ids, course=course)
            .values("user_id")
            .annotate(best=Max("score"), attempts=Count("id"))
        }
        codes = dict(
            Certificate.objects.filter(
                user_id__in=user_ids, kind="course", subject_key=f"course:{course.id}"
            ).values_list("user_id", "code")
        )
        for enrolment in batch:
            user = enrolment.user
            profile = getattr(user, "shopkeeper_profile", None)
            attempts = quiz.get(user.id, {})
            yield [
                user.get_full_name(),
                user.email,
                profile.shop_id if profile else "",
                _when(enrolment.enrolled_at),
                _when(enrolment.last_seen_at),
                lessons_done.get(user.id, 0),
                len(required),
                attempts.get("best", ""),
                attempts.get("attempts", 0),
                _when(enrolment.completed_at),
                codes.get(user.id, ""),
            ]


@staff_required(has_permission("courses.export_progress"))
def progress_csv(request, course_id):
    """Learners' progress in one course; needs the export permission and access to the page."""
    course = get_object_or_404(CoursePage, pk=course_id)
    if not course.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    filename = f"course-{course.pk}-progress-{timezone.localdate():%Y%m%d}.csv"
    return csv_response(filename, progress_header(), progress_rows(course))
