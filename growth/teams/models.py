"""Training plans of team leaders, their assignment to new recruits, and nudges."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TrainingPlan(models.Model):
    """A leader's new-recruit training plan 新人培训计划; one per leader."""

    leader = models.OneToOneField(
        "academy.ShopkeeperProfile",
        on_delete=models.CASCADE,
        related_name="training_plan",
        verbose_name=_("team leader"),
    )
    title = models.CharField(_("title"), max_length=80)
    welcome = models.CharField(_("welcome text"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "academy_trainingplan"  # kept from when it was part of academy
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")

    def __str__(self):
        return self.title


class PlanItemKind(models.TextChoices):
    COURSE = "course", _("Course")
    REPLAY = "replay", _("Live-session replay")


class PlanItem(models.Model):
    """One step of a plan: finish a course, or watch a live session's replay, within
    ``target_days`` of joining the team. A step names a course or a session, never both."""

    plan = models.ForeignKey(
        TrainingPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=PlanItemKind.choices, default=PlanItemKind.COURSE
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    live_session = models.ForeignKey(
        "courses.LiveSessionPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("live session"),
    )
    title = models.CharField(_("title"), max_length=255)
    target_days = models.PositiveSmallIntegerField(_("within days of joining"))

    class Meta:
        db_table = "academy_planitem"  # kept from when it was part of academy
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="academy_plan_item_position"),
            models.CheckConstraint(
                condition=models.Q(target_days__gte=1, target_days__lte=365),
                name="academy_plan_item_target_days",
            ),
            # The target may be deleted later (SET_NULL), so only the other one must be empty.
            models.CheckConstraint(
                condition=models.Q(kind="course", live_session__isnull=True)
                | models.Q(kind="replay", course__isnull=True),
                name="academy_plan_item_one_target",
            ),
        ]

    def __str__(self):
        return self.title


class PlanAssignment(models.Model):
    """A recruit following her leader's plan from ``started_on``; one plan per recruit."""

    plan = models.ForeignKey(
        TrainingPlan,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("plan"),
    )
    member = models.OneToOneField(
        "academy.ShopkeeperProfile",
        on_delete=models.CASCADE,
        related_name="plan_assignment",
        verbose_name=_("recruit"),
    )
    started_on = models.DateField(_("joined the team on"), default=timezone.localdate)

    class Meta:
        db_table = "academy_planassignment"  # kept from when it was part of academy
        verbose_name = _("plan assignment")
        verbose_name_plural = _("plan assignments")

    def __str__(self):
        return f"{self.member} · {self.plan}"


class Nudge(models.Model):
    """A reminder a leader sent to a member; at most one per member and day (the key)."""

    leader = models.ForeignKey(
        "academy.ShopkeeperProfile",
        on_delete=models.CASCADE,
        related_name="nudges_sent",
        verbose_name=_("team leader"),
    )
    member = models.ForeignKey(
        "academy.ShopkeeperProfile",
        on_delete=models.CASCADE,
        related_name="nudges_received",
        verbose_name=_("member"),
    )
    day = models.DateField(_("day"))
    text = models.CharField(_("text"), max_length=200)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "academy_nudge"  # kept from when it was part of academy
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="academy_one_nudge_per_day"),
        ]

    def __str__(self):
        return f"{self.leader} → {self.member} ({self.day})"


__all__ = ["Nudge", "PlanAssignment", "PlanItem", "PlanItemKind", "TrainingPlan"]
