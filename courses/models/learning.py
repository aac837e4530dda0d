"""What learners do: enrolments, lesson progress, quiz attempts, and tier exemptions.

Rows are keyed by user and page. Page references use ``SET_NULL`` and keep the
title they had, so unpublishing, editing or even deleting a course never erases
a learner's history; the unique constraints hold the "once per user" rules.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TierExemption(models.Model):
    """Staff open a tier to one learner before the tier below is complete (who and why kept)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tier_exemptions",
        verbose_name=_("learner"),
    )
    tier = models.ForeignKey(
        "courses.TierPage",
        on_delete=models.CASCADE,
        related_name="exemptions",
        verbose_name=_("tier"),
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("tier exemption")
        verbose_name_plural = _("tier exemptions")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "tier"], name="courses_one_exemption_per_tier"),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="courses_exemption_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.tier}"


class Enrolment(models.Model):
    """A learner in a course; one per user and course. ``completed_at`` is set once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="enrolments",
        verbose_name=_("course"),
    )
    course_title = models.CharField(_("course title"), max_length=255)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last studied at"), default=timezone.now)
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last lesson"),
    )
    quiz_passed_at = models.DateTimeField(_("quiz passed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        permissions = [("export_progress", _("Can see and export learners' progress"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="courses_one_enrolment_per_user_course"
            ),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True)
                | models.Q(completed_at__gte=models.F("enrolled_at")),
                name="courses_enrolment_completed_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-last_seen_at"], name="courses_enrol_user_recent"),
            models.Index(fields=["course", "completed_at"], name="courses_enrol_course_done"),
        ]

    def __str__(self):
        return f"{self.user} · {self.course_title}"


class LessonProgress(models.Model):
    """A learner's progress in one lesson (and video position); one per user and lesson."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="progress",
        verbose_name=_("lesson"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("course"),
    )
    lesson_title = models.CharField(_("lesson title"), max_length=255)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    position_seconds = models.PositiveIntegerField(_("media position (s)"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="courses_one_progress_per_user_lesson"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "course"], name="courses_progress_user_course"),
        ]

    def __str__(self):
        return f"{self.user} · {self.lesson_title}"


class QuizAttempt(models.Model):
    """One submitted attempt at a quiz, with its graded answers kept as they were shown.

    ``number`` counts a learner's attempts at a quiz and ``nonce`` identifies the
    form that was submitted: both are unique, so a double submit records once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("learner"),
    )
    quiz = models.ForeignKey(
        "courses.QuizPage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="attempts",
        verbose_name=_("quiz"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("course"),
    )
    quiz_title = models.CharField(_("quiz title"), max_length=255)
    number = models.PositiveSmallIntegerField(_("attempt"))
    nonce = models.UUIDField(default=uuid.uuid4)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    score = models.PositiveSmallIntegerField(_("score (%)"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    passed = models.BooleanField(_("passed"))
    results = models.JSONField(_("graded answers"), default=list)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="courses_attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz", "nonce"], name="courses_attempt_nonce_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="courses_attempt_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-submitted_at"], name="courses_attempt_user_recent"),
            models.Index(fields=["quiz", "user", "submitted_at"], name="courses_attempt_window"),
        ]

    def __str__(self):
        return f"{self.user} · {self.quiz_title} #{self.number}"
