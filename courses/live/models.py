"""Star mentors' live sharing sessions (明星导师分享): pages, sign-ups, questions, notices.

A session is a Wagtail page under the live-session index; everything people do
with it is a row keyed by user and session with a unique constraint (one
sign-up, one vote per question, one replay record). ``LiveSessionState`` is the
row a sign-up locks: it holds the sign-up counter checked against the capacity
and the revision of the schedule that reminders belong to. Notices to all
signed-up people are ``LiveNoticeRun`` rows worked through in batches by a
periodic task, with a cursor that moves in the same transaction as the notices.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses import blocks


class LiveTopic(models.TextChoices):
    MOMENTS = "moments", _("WeChat Moments")
    COMMUNITY = "community", _("Customer groups")
    PRODUCTS = "products", _("Choosing products")
    TEAM = "team", _("Team building")
    PLATFORM = "platform", _("Platform tactics")
    BRAND = "brand", _("Personal brand")


class LiveSessionIndexPage(Page):
    """The list of live sessions (直播分享): upcoming ones first, then replays."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["academy.HomePage"]
    subpage_types = ["courses.LiveSessionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("live session index")

    @property
    def meta_description(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        from courses.live import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.index_context(request, self))
        return context


class LiveSessionPage(Page):
    """One live sharing session by a star mentor; its replay is gated like a lesson."""

    mentor = models.ForeignKey(
        "academy.MentorProfile",
        on_delete=models.SET_NULL,
        null=True,
        related_name="live_sessions",
        limit_choices_to={"kind": "star"},
        verbose_name=_("star mentor"),
    )
    topic = models.CharField(_("topic"), max_length=16, choices=LiveTopic.choices)
    tier = models.ForeignKey(
        "courses.TierPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier"),
        help_text=_("Leave empty for every shopkeeper; otherwise only this tier and above."),
    )
    start = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    join_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_(
            "The stream or meeting address; shown only to people signed up, near the start."
        ),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    summary = models.TextField(_("summary"), max_length=300)
    description = RichTextField(
        pgettext_lazy("live session", "description"),
        blank=True,
        features=["h3", "bold", "italic", "ul", "ol", "link"],
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    cancelled = models.BooleanField(
        _("cancelled"), default=False, help_text=_("Everyone signed up is told.")
    )
    replay_video = models.ForeignKey(
        "wagtailmedia.Media",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replay video"),
    )
    replay_url = models.URLField(
        _("replay link"),
        max_length=500,
        blank=True,
        help_text=_("Instead of an uploaded video: the replay on the streaming platform."),
    )
    materials = StreamField(
        [("file", blocks.DownloadBlock())], blank=True, verbose_name=_("materials")
    )
    related_courses = ParentalManyToManyField(
        "courses.CoursePage", blank=True, related_name="live_sessions", verbose_name=_("courses")
    )

    search_fields = [*Page.search_fields, index.SearchField("summary")]

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("mentor"), FieldPanel("topic")]),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("duration_minutes")]),
                FieldRowPanel([FieldPanel("tier"), FieldPanel("capacity")]),
                FieldPanel("join_url"),
                FieldPanel("cancelled"),
            ],
            heading=_("Schedule and audience"),
        ),
        MultiFieldPanel(
            [FieldPanel("replay_video"), FieldPanel("replay_url"), FieldPanel("materials")],
            heading=_("Replay and materials"),
        ),
        FieldPanel("related_courses"),
    ]
    parent_page_types = ["courses.LiveSessionIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5), name="courses_live_duration_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="courses_live_capacity_positive",
            ),
        ]

    @property
    def end(self):
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def has_replay(self):
        return bool(self.replay_video_id or self.replay_url)

    def is_over(self, now=None):
        return (now or timezone.now()) >= self.end

    def join_window(self):
        """From a few minutes before the start until the end: when the join link shows."""
        opens = self.start - timedelta(minutes=settings.LIVE_JOIN_OPENS_MINUTES)
        return opens, self.end

    def join_open(self, now=None):
        opens, closes = self.join_window()
        return not self.cancelled and opens <= (now or timezone.now()) < closes

    def cover_url(self, spec="fill-640x360"):
        """The cover at a signed, cached URL (no rendition made inside the page request)."""
        from courses.catalogue import CourseNode

        return CourseNode.cover_url(self, spec)

    @property
    def meta_description(self):
        return self.summary

    @property
    def meta_image_path(self):
        return self.cover_url("fill-1200x630")

    @cached_property
    def topic_label(self):
        return LiveTopic(self.topic).label if self.topic in LiveTopic.values else self.topic

    def get_context(self, request, *args, **kwargs):
        from courses.live import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.session_context(request, self))
        return context


class LiveSessionState(models.Model):
    """The row a sign-up locks: sign-up counter (never above capacity) and schedule revision.

    ``sequence`` grows whenever a published session moves or is cancelled;
    notices of an older revision are never sent. ``start`` is the start that
    was last announced.
    """

    session = models.OneToOneField(
        LiveSessionPage,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="state",
        verbose_name=_("live session"),
    )
    signups = models.PositiveIntegerField(_("sign-ups"), default=0)
    sequence = models.PositiveIntegerField(_("schedule revision"), default=0)
    start = models.DateTimeField(_("announced start"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancellation announced"), default=False)

    class Meta:
        verbose_name = _("live session state")
        verbose_name_plural = _("live session states")

    def __str__(self):
        return f"{self.session_id}: {self.signups}"


class LiveSignup(models.Model):
    """One person signed up for one session (the constraint keeps it one), with attendance."""

    session = models.ForeignKey(
        LiveSessionPage,
        on_delete=models.CASCADE,
        related_name="signups",
        verbose_name=_("live session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="live_signups",
        verbose_name=_("shopkeeper"),
    )
    created_at = models.DateTimeField(
        pgettext_lazy("live session", "signed up at"), default=timezone.now
    )
    joined_at = models.DateTimeField(_("first joined at"), null=True, blank=True)
    join_clicks = models.PositiveIntegerField(_("join link clicks"), default=0)

    class Meta:
        verbose_name = _("live session sign-up")
        verbose_name_plural = _("live session sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="courses_one_live_signup"),
        ]
        indexes = [models.Index(fields=["user", "session"], name="courses_live_signup_user")]

    def __str__(self):
        return f"{self.user_id} → {self.session_id}"


class LiveQuestion(models.Model):
    """A question asked before the session; ``votes`` counts its LiveQuestionVote rows."""

    session = models.ForeignKey(
        LiveSessionPage,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("live session"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("asked by"),
    )
    text = models.CharField(_("question"), max_length=300)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )

    class Meta:
        verbose_name = _("live session question")
        verbose_name_plural = _("live session questions")
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="courses_live_question_text")
        ]
        indexes = [
            models.Index(fields=["session", "-votes", "created_at"], name="courses_live_q_votes")
        ]

    def __str__(self):
        return self.text[:50]


class LiveQuestionVote(models.Model):
    """One upvote of one person for one question."""

    question = models.ForeignKey(
        LiveQuestion, on_delete=models.CASCADE, related_name="vote_rows", verbose_name=_("question")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("question vote")
        verbose_name_plural = _("question votes")
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="courses_one_vote_per_user")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.question_id}"


class LiveReplayView(models.Model):
    """A person watching a session's replay, kept like lesson progress (position, 90 % = done)."""

    session = models.ForeignKey(
        LiveSessionPage,
        on_delete=models.SET_NULL,
        null=True,
        related_name="replay_views",
        verbose_name=_("live session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="live_replay_views",
        verbose_name=_("learner"),
    )
    session_title = models.CharField(_("session title"), max_length=255)
    views = models.PositiveIntegerField(_("times opened"), default=1)
    first_viewed_at = models.DateTimeField(_("first watched at"), default=timezone.now)
    last_viewed_at = models.DateTimeField(_("last watched at"), default=timezone.now)
    position_seconds = models.PositiveIntegerField(_("media position (s)"), default=0)
    completed_at = models.DateTimeField(_("watched to the end at"), null=True, blank=True)

    class Meta:
        verbose_name = _("replay view")
        verbose_name_plural = _("replay views")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="courses_one_replay_view"),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.session_title}"


class LiveNoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    MOVED = "moved", _("New time")
    CANCELLED = "cancelled", _("Cancelled")


class LiveNoticeRun(models.Model):
    """A notice to everyone signed up for a session, sent in batches by a periodic task.

    Unique per session, kind, offset and schedule revision. ``cursor`` is the
    last sign-up ID notified; it moves in the transaction that writes that
    batch's notices, so a worker that dies loses at most its open batch and
    the next run continues where the last commit left off.
    """

    session = models.ForeignKey(
        LiveSessionPage,
        on_delete=models.CASCADE,
        related_name="notice_runs",
        verbose_name=_("live session"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LiveNoticeKind.choices)
    minutes_before = models.PositiveIntegerField(_("minutes before"), default=0)
    sequence = models.PositiveIntegerField(_("schedule revision"))
    previous_start = models.DateTimeField(_("previous start"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    cursor = models.BigIntegerField(_("last sign-up notified"), default=0)
    sent = models.PositiveIntegerField(_("notices sent"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("live session notice")
        verbose_name_plural = _("live session notices")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "minutes_before", "sequence"],
                name="courses_live_notice_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(finished_at__isnull=True, cancelled_at__isnull=True),
                name="courses_live_notice_due",
            )
        ]

    def __str__(self):
        return f"{self.session_id} {self.kind} {self.minutes_before} #{self.sequence}"
