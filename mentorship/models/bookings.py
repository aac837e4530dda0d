"""Assignments of mentees to mentors, bookings, their history, proposals and reminders."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentorship.constraints import DateRange, PostgresExclusionConstraint, TsTzRange


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("booking status", "Active")
    REVOKED = "revoked", _("Revoked")


class MentorAssignment(models.Model):
    """A mentee assigned to a mentor for a period (both days included, mentor's zone).

    Official mentors and community-operations experts can only be booked under
    an assignment; star mentors can also be booked without one. A program
    (``source``, ``reference``) may give its own limits, which override the
    mentor's defaults. Booking under it stops after ``ends_on``. A mentee has at
    most one active assignment with a mentor for any day.
    """

    SOURCE_STAFF = "staff"

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentee_assignments",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentor_assignments",
        verbose_name=_("mentee"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default="active"
    )
    source = models.CharField(_("source"), max_length=40, default=SOURCE_STAFF)
    reference = models.CharField(
        _("reference"),
        max_length=80,
        blank=True,
        help_text=_("What the source assigned it for, e.g. a cohort."),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    weekly_limit = models.PositiveSmallIntegerField(
        _("sessions per week"),
        null=True,
        blank=True,
        help_text=_("Overrides the mentor's limit per mentee; empty keeps it."),
    )
    session_limit = models.PositiveSmallIntegerField(
        _("sessions in the period"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    minimum_notice = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        null=True,
        blank=True,
        help_text=_("Overrides the mentor's minimum notice; empty keeps it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        ordering = ["-starts_on", "-id"]
        permissions = [
            ("manage_mentoring", _("Can assign mentees and see mentoring reports")),
        ]
        indexes = [
            models.Index(fields=["mentor", "ends_on"], name="mentorship_assign_mentor"),
            models.Index(fields=["mentee", "ends_on"], name="mentorship_assign_mentee"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="mentorship_assignment_period"
            ),
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="mentorship_assignment_not_self"
            ),
            models.UniqueConstraint(
                fields=["source", "reference", "mentee"],
                condition=~Q(reference="") & Q(status="active"),
                name="mentorship_assignment_source_unique",
            ),
            PostgresExclusionConstraint(
                name="mentorship_assignment_no_overlap",
                expressions=[
                    ("mentor", RangeOperators.EQUAL),
                    ("mentee", RangeOperators.EQUAL),
                    (
                        DateRange("starts_on", "ends_on", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(status="active"),
            ),
        ]

    def __str__(self):
        return f"{self.mentee} → {self.mentor} ({self.starts_on}-{self.ends_on})"


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = [BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW]


class CancelReason(models.TextChoices):
    SCHEDULE_CONFLICT = "conflict", _("Something else came up")
    NOT_NEEDED = "not_needed", _("No longer needed")
    ILLNESS = "illness", _("Illness or family emergency")
    MENTOR_UNAVAILABLE = "mentor_unavailable", _("Mentor unavailable")
    ASSIGNMENT_ENDED = "assignment_ended", _("Mentoring period ended")
    OTHER = "other", _("Other")


class Booking(models.Model):
    """A one-on-one session of a mentee with a mentor, stored in UTC.

    ``blocked_start``/``blocked_end`` include the mentor's buffers at booking
    time; on PostgreSQL an exclusion constraint keeps the blocked ranges of a
    mentor's active bookings from overlapping, and another keeps a mentee from
    two sessions at once. Bookings are never deleted: cancelling and marking
    attendance change the status, and every change is kept in ``BookingEvent``.
    ``sequence`` grows with every change calendars must pick up (ICS SEQUENCE).
    ``pending_announcement`` marks a new booking whose follow-ups (the pair's
    message thread, the reminders, both people's notices) are still to be written:
    right after the booking's own commit, which holds the mentor's lock only for
    the booking, or by a periodic task for a request that stopped in between.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentor_bookings",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentee_bookings",
        verbose_name=_("mentee"),
    )
    assignment = models.ForeignKey(
        MentorAssignment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("assignment"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    blocked_start = models.DateTimeField(_("blocked from"))
    blocked_end = models.DateTimeField(_("blocked until"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BookingStatus.choices,
        default=BookingStatus.CONFIRMED,
    )
    agenda = models.TextField(_("what I want help with"), max_length=1000, blank=True)
    sequence = models.PositiveIntegerField(pgettext_lazy("booking", "revision"), default=0)
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=24, choices=CancelReason.choices, blank=True
    )
    cancel_note = models.CharField(_("note"), max_length=300, blank=True)
    attendance_marked_at = models.DateTimeField(_("attendance marked at"), null=True, blank=True)
    pending_announcement = models.BooleanField(_("notices still to be written"), default=False)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["mentor", "start"], name="mentorship_booking_mentor"),
            models.Index(fields=["mentee", "start"], name="mentorship_booking_mentee"),
            models.Index(fields=["start"], name="mentorship_booking_start"),
            # "Still to come" reads filter on the end: a mentor with years of past sessions
            # must not scan them all (measured with a million sessions in bench/).
            models.Index(fields=["mentor", "end"], name="mentorship_booking_mentor_end"),
            models.Index(fields=["mentee", "end"], name="mentorship_booking_mentee_end"),
            models.Index(fields=["mentor", "blocked_end"], name="mentorship_booking_mentor_blk"),
            # The few bookings whose follow-ups are still to be written.
            models.Index(
                fields=["created_at"],
                condition=Q(pending_announcement=True),
                name="mentorship_booking_to_announce",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="mentorship_booking_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start")) & Q(blocked_end__gte=F("end")),
                name="mentorship_booking_blocked_covers_session",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="mentorship_booking_not_self"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="mentorship_booking_cancel_recorded",
            ),
            models.UniqueConstraint(
                fields=["mentee", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="mentorship_booking_idempotent",
            ),
            PostgresExclusionConstraint(
                name="mentorship_booking_mentor_no_overlap",
                expressions=[
                    ("mentor", RangeOperators.EQUAL),
                    (
                        TsTzRange("blocked_start", "blocked_end", RangeBoundary()),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=~Q(status="cancelled"),
            ),
            PostgresExclusionConstraint(
                name="mentorship_booking_mentee_no_overlap",
                expressions=[
                    ("mentee", RangeOperators.EQUAL),
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=~Q(status="cancelled"),
            ),
        ]

    def __str__(self):
        return f"{self.mentee} · {self.mentor} · {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def duration_minutes(self):
        return int((self.end - self.start).total_seconds() // 60)

    def is_party(self, user):
        return user.pk in (self.mentor_id, self.mentee_id)


class EventKind(models.TextChoices):
    BOOKED = "booked", _("Booked")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    CANCELLED = "cancelled", _("Cancelled")
    PROPOSED = "proposed", _("New time proposed")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("Proposed time accepted")
    PROPOSAL_DECLINED = "proposal_declined", _("Proposed time declined")
    PROPOSAL_WITHDRAWN = "proposal_withdrawn", _("Proposal withdrawn")
    ATTENDED = "attended", _("Marked attended")
    NO_SHOW = "no_show", _("Marked no-show")


class BookingEvent(models.Model):
    """One change of a booking, kept forever: who, when, from which time to which, why."""

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="events", verbose_name=_("booking")
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    old_start = models.DateTimeField(_("previous start"), null=True, blank=True)
    new_start = models.DateTimeField(_("new start"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.booking_id}: {self.kind}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the mentee")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RescheduleProposal(models.Model):
    """A new time the mentor proposes for a booking; the mentee accepts or declines.

    At most one proposal per booking waits for an answer. The time is not held:
    accepting re-checks it under the mentor's lock, so two accepts racing for
    one time cannot both win.
    """

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("booking")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    start = models.DateTimeField(_("proposed start"))
    end = models.DateTimeField(_("proposed end"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default="pending"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed new time")
        verbose_name_plural = _("proposed new times")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(status="pending"),
                name="mentorship_proposal_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="mentorship_proposal_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.booking_id} → {self.start:%Y-%m-%d %H:%M} UTC"


class Reminder(models.Model):
    """A notice due before a session, to one participant: a row, not a Celery ETA task.

    Unique per booking, recipient, offset and booking revision (``sequence``): a
    rescheduled booking gets new rows and its old ones are cancelled, so an old
    time is never announced. A one-minute beat task claims due rows with
    ``academy.claims.claim`` (``SKIP LOCKED``) and sets ``sent_at`` once.
    """

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("booking")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    minutes_before = models.PositiveIntegerField(_("minutes before"))
    sequence = models.PositiveIntegerField(_("booking revision"))
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "recipient", "minutes_before", "sequence"],
                name="mentorship_reminder_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(sent_at__isnull=True, cancelled_at__isnull=True),
                name="mentorship_reminder_due",
            ),
        ]

    def __str__(self):
        return f"{self.booking_id} -{self.minutes_before} min → {self.recipient_id}"
