"""What follows a session: notes, goals (the action plan) and messages between sessions."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NoteVisibility(models.TextChoices):
    PRIVATE = "private", _("Private (only me)")
    SHARED = "shared", _("Shared with the other side")


class SessionNote(models.Model):
    """A note on a session by the mentor or the mentee; private notes only their author sees.

    The mentor's shared note is the session summary the mentee reads.
    """

    booking = models.ForeignKey(
        "mentorship.Booking",
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("booking"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    visibility = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=NoteVisibility.choices,
        default=NoteVisibility.SHARED,
    )
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("session note")
        verbose_name_plural = _("session notes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:40]

    def visible_to(self, user):
        return self.visibility == NoteVisibility.SHARED or self.author_id == user.pk


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    MISSED = "missed", _("Not reached")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    """A mentee's measurable goal (目标); action items of a session become goals.

    ``current_value`` is the latest progress update, kept on the goal so lists
    need no aggregate. A goal is never deleted; it is dropped.
    """

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("mentee"),
    )
    title = models.CharField(_("goal"), max_length=120)
    description = models.TextField(_("how I will get there"), max_length=2000, blank=True)
    unit = models.CharField(
        _("unit"), max_length=12, blank=True, help_text=_("For example 元, 人 or 单.")
    )
    target_value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    current_value = models.DecimalField(
        _("current value"), max_digits=12, decimal_places=2, default=0
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    source_booking = models.ForeignKey(
        "mentorship.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("from session"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["mentee", "status"], name="mentorship_goal_mentee")]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__gt=0), name="mentorship_goal_target_positive"
            ),
            models.CheckConstraint(
                condition=Q(current_value__gte=0), name="mentorship_goal_value_not_negative"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def percent(self):
        if not self.target_value:
            return 0
        return max(0, min(100, int(self.current_value * 100 / self.target_value)))


class GoalUpdate(models.Model):
    """A progress update of a goal: the value reached so far and a comment."""

    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="updates", verbose_name=_("goal")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value reached"), max_digits=12, decimal_places=2)
    comment = models.CharField(pgettext_lazy("goal", "comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0), name="mentorship_goal_update_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.goal_id}: {self.value}"


class GoalComment(models.Model):
    """A comment on a goal by the mentee or one of her mentors."""

    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="comments", verbose_name=_("goal")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.CharField(pgettext_lazy("goal", "comment"), max_length=1000)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("goal comment")
        verbose_name_plural = _("goal comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:40]


class Thread(models.Model):
    """The one message thread of a mentor and a mentee.

    Read and digest positions are message ids per side, so the unread count is
    one indexed query and a digest never announces the same message twice.
    """

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentor_threads",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentee_threads",
        verbose_name=_("mentee"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    mentor_read_upto = models.PositiveBigIntegerField(default=0)
    mentee_read_upto = models.PositiveBigIntegerField(default=0)
    mentor_digest_upto = models.PositiveBigIntegerField(default=0)
    mentee_digest_upto = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = [F("last_message_at").desc(nulls_last=True), "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "mentee"], name="mentorship_thread_pair"),
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="mentorship_thread_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.mentor} ↔ {self.mentee}"

    def other(self, user):
        return self.mentee if user.pk == self.mentor_id else self.mentor

    def side(self, user):
        return "mentor" if user.pk == self.mentor_id else "mentee"


class Message(models.Model):
    """A message in a thread; messages are kept, never edited."""

    thread = models.ForeignKey(
        Thread, on_delete=models.PROTECT, related_name="messages", verbose_name=_("thread")
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["thread", "id"], name="mentorship_message_thread")]

    def __str__(self):
        return self.body[:40]


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private calendar feed address; resetting the token revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
