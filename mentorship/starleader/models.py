"""The Star Leader Program (聚星领导者计划): cohorts, applications, classes, attendance.

A cohort (第N期) admits shopkeepers up to its capacity. Its row is the lock every
admission, confirmation and promotion takes, so the seats held (admitted,
confirmed, attending, graduated) never exceed the capacity. An application's
status changes only through ``mentorship.starleader.transitions``, which keeps
an ``ApplicationEvent`` per change.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from academy.models import ShopkeeperLevel


class Module(models.TextChoices):
    GOALS = "goals", _("Goal management")
    TRAINING = "training", _("New-recruit training system")
    BRAND = "brand", _("Team-leader personal brand (IP)")
    REVENUE = "revenue", _("Operations for revenue growth")


# A member's guidance month is a mentorship assignment with this source and the
# reference of her cohort (``Cohort.reference``).
GUIDANCE_SOURCE = "starleader"


class Cohort(ClusterableModel):
    """One monthly cohort (第N期): offline classes, then a month of one-on-one guidance."""

    number = models.PositiveIntegerField(_("cohort number"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    city = models.CharField(_("city"), max_length=40)
    venue = models.CharField(_("venue"), max_length=120)
    capacity = models.PositiveSmallIntegerField(_("seats"))
    waitlist_enabled = models.BooleanField(_("keep a waitlist when full"), default=True)
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    classes_start_on = models.DateField(_("first day of classes"))
    classes_end_on = models.DateField(_("last day of classes"))
    guidance_starts_on = models.DateField(_("first day of guidance"))
    guidance_ends_on = models.DateField(_("last day of guidance"))
    min_level = models.PositiveSmallIntegerField(
        _("minimum shopkeeper level"), choices=ShopkeeperLevel.choices, default=1
    )
    min_tenure_days = models.PositiveIntegerField(
        _("minimum days since joining"), default=0, help_text=_("0: no minimum.")
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to confirm a seat"),
        default=48,
        help_text=_("How long an admitted applicant has to confirm."),
    )
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance needed to graduate (%)"), default=80
    )
    guidance_sessions_required = models.PositiveSmallIntegerField(
        _("guidance sessions needed to graduate"), default=2
    )
    guidance_weekly_limit = models.PositiveSmallIntegerField(
        _("guidance sessions per week"), default=5
    )
    guidance_session_limit = models.PositiveSmallIntegerField(
        _("guidance sessions in the month"), default=16
    )
    guidance_closed_at = models.DateTimeField(_("guidance summaries sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("number"), FieldPanel("name")]),
                FieldPanel("city"),
                FieldPanel("venue"),
            ],
            heading=_("Cohort"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("waitlist_enabled")]),
                FieldRowPanel(
                    [FieldPanel("applications_open_at"), FieldPanel("applications_close_at")]
                ),
                FieldRowPanel([FieldPanel("min_level"), FieldPanel("min_tenure_days")]),
                FieldPanel("offer_hours"),
            ],
            heading=_("Applications"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("classes_start_on"), FieldPanel("classes_end_on")]),
                FieldRowPanel([FieldPanel("guidance_starts_on"), FieldPanel("guidance_ends_on")]),
                FieldRowPanel(
                    [FieldPanel("guidance_weekly_limit"), FieldPanel("guidance_session_limit")]
                ),
            ],
            heading=_("Dates"),
        ),
        MultiFieldPanel(
            [FieldPanel("attendance_threshold"), FieldPanel("guidance_sessions_required")],
            heading=_("Graduation"),
        ),
        InlinePanel("sessions", heading=_("Curriculum"), label=_("class session")),
    ]

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-number"]
        permissions = [("manage_cohorts", _("Can run Star Leader cohorts"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="starleader_cohort_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(applications_close_at__gt=F("applications_open_at")),
                name="starleader_cohort_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(classes_end_on__gte=F("classes_start_on"))
                & Q(guidance_ends_on__gte=F("guidance_starts_on")),
                name="starleader_cohort_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(attendance_threshold__lte=100),
                name="starleader_cohort_threshold_percent",
            ),
        ]

    def __str__(self):
        return _("Cohort %(number)s · %(name)s") % {"number": self.number, "name": self.name}

    def clean(self):
        errors = {}
        if (
            self.applications_open_at
            and self.applications_close_at
            and self.applications_close_at <= self.applications_open_at
        ):
            errors["applications_close_at"] = _("Applications must close after they open.")
        if (
            self.classes_start_on
            and self.classes_end_on
            and self.classes_end_on < self.classes_start_on
        ):
            errors["classes_end_on"] = _("The last day of classes is before the first.")
        if (
            self.guidance_starts_on
            and self.guidance_ends_on
            and self.guidance_ends_on < self.guidance_starts_on
        ):
            errors["guidance_ends_on"] = _("The last day of guidance is before the first.")
        if self.attendance_threshold is not None and self.attendance_threshold > 100:
            errors["attendance_threshold"] = _("A percentage is at most 100.")
        if errors:
            raise ValidationError(errors)

    @property
    def reference(self):
        """The reference of this cohort's mentor assignments (``MentorAssignment.reference``)."""
        return f"cohort-{self.pk}"

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.applications_open_at <= now < self.applications_close_at


class ClassSession(models.Model):
    """One offline class of a cohort's curriculum: a module, a time, a room, a mentor."""

    cohort = ParentalKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    module = models.CharField(_("module"), max_length=12, choices=Module.choices)
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=60, blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="starleader_sessions",
        verbose_name=_("official mentor"),
        limit_choices_to={"mentor_profile__kind": "official"},
    )
    reminded_at = models.DateTimeField(_("reminders sent"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("module"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("room"), FieldPanel("mentor")]),
    ]

    class Meta:
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="starleader_session_end_after_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=["starts_at"],
                condition=Q(reminded_at__isnull=True),
                name="starleader_session_unreminded",
            )
        ]

    def __str__(self):
        return f"{self.get_module_display()} · {self.title}"


class Status(models.TextChoices):
    APPLIED = "applied", _("Applied")
    WAITLISTED = "waitlisted", _("Waitlisted")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Not admitted")
    CONFIRMED = "confirmed", _("Confirmed")
    ATTENDING = "attending", _("Attending")
    GRADUATED = "graduated", _("Graduated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Offer expired")


# Statuses that hold a seat, and those that keep a shopkeeper's one application open.
SEAT_STATUSES = [Status.ADMITTED, Status.CONFIRMED, Status.ATTENDING, Status.GRADUATED]
ACTIVE_STATUSES = [Status.APPLIED, Status.WAITLISTED, *SEAT_STATUSES]
MEMBER_STATUSES = [Status.CONFIRMED, Status.ATTENDING, Status.GRADUATED]


class SalesBand(models.TextChoices):
    UNDER_10K = "lt10k", _("Under 10,000 yuan a month")
    TO_50K = "10k-50k", _("10,000 to 50,000 yuan a month")
    TO_200K = "50k-200k", _("50,000 to 200,000 yuan a month")
    OVER_200K = "gt200k", _("Over 200,000 yuan a month")


class Application(models.Model):
    """A shopkeeper's application to a cohort (报名申请); at most one active per cohort.

    ``waitlist_position`` orders the waitlist (unique per cohort); ``offer_expires_at``
    is the deadline to confirm an admission.
    """

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cohort")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="starleader_applications",
        verbose_name=_("applicant"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    situation = models.TextField(_("current situation"), max_length=1000)
    difficulties = models.TextField(_("difficulties"), max_length=1000)
    goals = models.TextField(_("what I want to achieve"), max_length=1000)
    team_size = models.PositiveIntegerField(_("team size"))
    sales_band = models.CharField(_("monthly sales"), max_length=10, choices=SalesBand.choices)
    focus = models.CharField(
        _("where I need most help"), max_length=12, choices=Module.choices, default=Module.GOALS
    )
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("confirm by"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "applicant"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="starleader_one_active_application",
            ),
            models.UniqueConstraint(
                fields=["cohort", "waitlist_position"],
                condition=Q(waitlist_position__isnull=False),
                name="starleader_waitlist_position_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="admitted") | Q(offer_expires_at__isnull=False),
                name="starleader_admission_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlist_position__isnull=False),
                name="starleader_waitlist_has_position",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"], name="starleader_app_cohort_status"),
            models.Index(
                fields=["offer_expires_at"],
                condition=Q(status="admitted"),
                name="starleader_app_offer_due",
            ),
        ]

    def __str__(self):
        return f"{self.applicant} · {self.cohort}"

    @property
    def holds_seat(self):
        return self.status in SEAT_STATUSES

    @property
    def is_member(self):
        return self.status in MEMBER_STATUSES


class ApplicationEvent(models.Model):
    """One status change of an application, kept forever: from, to, who, when, why."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("application")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


def new_check_in_code():
    return f"{secrets.randbelow(1_000_000):06d}"


class CheckInCode(models.Model):
    """The code shown in the room for one class session; a new one retires the last."""

    session = models.ForeignKey(
        ClassSession,
        on_delete=models.CASCADE,
        related_name="codes",
        verbose_name=pgettext_lazy("class session", "session"),
    )
    code = models.CharField(
        pgettext_lazy("check-in", "code"), max_length=6, default=new_check_in_code
    )
    created_at = models.DateTimeField(_("shown from"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["code"], name="starleader_checkin_code")]

    def __str__(self):
        return self.code


class AttendanceMethod(models.TextChoices):
    CODE = "code", _("Check-in code")
    LIST = "list", _("Marked by staff")


class Attendance(models.Model):
    """A member present at a class session; one row per member and session."""

    session = models.ForeignKey(
        ClassSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=pgettext_lazy("class session", "session"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=pgettext_lazy("star leader", "member"),
    )
    method = models.CharField(_("how"), max_length=8, choices=AttendanceMethod.choices)
    code = models.ForeignKey(
        CheckInCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "application"], name="starleader_attendance_once"
            ),
        ]

    def __str__(self):
        return f"{self.application_id} @ {self.session_id}"


class ActionPlan(models.Model):
    """A member's action plan (行动计划) after the classes; submitted once it is complete."""

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="action_plan",
        verbose_name=pgettext_lazy("star leader", "member"),
    )
    diagnosis = models.TextField(_("where my business stands"), max_length=2000)
    targets = models.TextField(_("targets for the next three months"), max_length=2000)
    steps = models.TextField(_("steps, week by week"), max_length=4000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return str(self.application)


class Feedback(models.Model):
    """A mentor's feedback on a member (official mentor or guidance expert)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=pgettext_lazy("star leader", "member"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    body = models.TextField(_("feedback"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentor feedback")
        verbose_name_plural = _("mentor feedback")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.body[:40]


class CohortPage(Page):
    """The public page of a cohort; editors write the introduction, the facts come from it."""

    cohort = models.OneToOneField(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        related_name="page",
        verbose_name=_("cohort"),
    )
    intro = RichTextField(
        _("introduction"), blank=True, features=["h2", "h3", "bold", "italic", "ul", "ol", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("cohort"), FieldPanel("intro")]
    parent_page_types = ["academy.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("cohort page")
        verbose_name_plural = _("cohort pages")

    def get_context(self, request, *args, **kwargs):
        from academy import userpages
        from mentorship.starleader import selectors

        # Seats taken by others' applications and the timetable change the page.
        userpages.cache_page(request, f"cohort:{self.cohort_id}")
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.cohort_page_context(self.cohort, request.user))
        return context
