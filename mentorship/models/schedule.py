"""A mentor's scheduling settings, weekly availability rules and date overrides.

Times of day and dates are in the mentor's own time zone (``MentorProfile.time_zone``);
slots are computed from them in ``mentorship.slots`` and stored in UTC.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

SESSION_LENGTHS = [15, 20, 30, 45, 60, 90, 120]
SLOT_INTERVALS = [15, 20, 30, 60]
MAX_BUFFER = 120
MAX_HORIZON_DAYS = 180
MAX_NOTICE_MINUTES = 14 * 24 * 60


class MeetingMethod(models.TextChoices):
    WECHAT_VOICE = "wechat_voice", _("WeChat voice call")
    WECHAT_VIDEO = "wechat_video", _("WeChat video call")
    PHONE = "phone", _("Phone call")
    ONLINE = "online", _("Online meeting")
    IN_PERSON = "in_person", _("In person")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class MentorSchedule(models.Model):
    """How and when a mentor can be booked; one per mentor profile.

    Its row is the lock every booking, reschedule and assignment of the mentor
    takes (``select_for_update``), so the mentor's limits and capacity are checked
    and written by one transaction at a time.
    """

    mentor = models.OneToOneField(
        "academy.MentorProfile",
        on_delete=models.CASCADE,
        related_name="schedule",
        verbose_name=_("mentor"),
    )
    session_lengths = models.JSONField(_("session lengths (minutes)"), default=list, blank=True)
    slot_interval = models.PositiveSmallIntegerField(
        _("start times every (minutes)"),
        default=30,
        choices=[(m, m) for m in SLOT_INTERVALS],
    )
    buffer_before = models.PositiveSmallIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after = models.PositiveSmallIntegerField(_("buffer after (minutes)"), default=10)
    minimum_notice = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=12 * 60,
        help_text=_("How long before a session it can be booked at the latest."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=30,
        help_text=_("How far ahead mentees can book."),
    )
    daily_limit = models.PositiveSmallIntegerField(
        _("sessions per day"),
        null=True,
        blank=True,
        default=6,
        help_text=_("Leave empty for no limit."),
    )
    weekly_limit_per_mentee = models.PositiveSmallIntegerField(
        _("sessions per mentee per week"),
        null=True,
        blank=True,
        default=2,
        help_text=_("Leave empty for no limit."),
    )
    change_cutoff = models.PositiveIntegerField(
        _("mentees may change or cancel until (minutes before)"), default=6 * 60
    )
    meeting_method = models.CharField(
        _("meeting method"),
        max_length=16,
        choices=MeetingMethod.choices,
        default=MeetingMethod.WECHAT_VIDEO,
    )
    wechat_id = models.CharField(
        _("WeChat ID"),
        max_length=40,
        blank=True,
        help_text=_("Shown only to mentees with a booking."),
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    meeting_link = models.URLField(_("meeting link"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mentor schedule")
        verbose_name_plural = _("mentor schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(buffer_before__lte=MAX_BUFFER) & Q(buffer_after__lte=MAX_BUFFER),
                name="mentorship_schedule_buffers_bounded",
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1) & Q(horizon_days__lte=MAX_HORIZON_DAYS),
                name="mentorship_schedule_horizon_bounded",
            ),
            models.CheckConstraint(
                condition=Q(minimum_notice__lte=MAX_NOTICE_MINUTES),
                name="mentorship_schedule_notice_bounded",
            ),
            models.CheckConstraint(
                condition=Q(slot_interval__gte=5), name="mentorship_schedule_interval_positive"
            ),
        ]

    def __str__(self):
        return str(self.mentor)

    @property
    def lengths(self):
        return sorted(
            {int(m) for m in self.session_lengths or [] if int(m) in SESSION_LENGTHS}
        ) or [30]

    @property
    def meeting_detail(self):
        """The address, number, link or WeChat ID that goes with the meeting method."""
        return {
            MeetingMethod.WECHAT_VOICE: self.wechat_id,
            MeetingMethod.WECHAT_VIDEO: self.wechat_id,
            MeetingMethod.PHONE: self.phone,
            MeetingMethod.ONLINE: self.meeting_link,
            MeetingMethod.IN_PERSON: self.address,
        }.get(self.meeting_method, "")


class AvailabilityRule(models.Model):
    """A weekly range of hours, in the mentor's time zone; several per weekday."""

    schedule = models.ForeignKey(
        MentorSchedule, on_delete=models.CASCADE, related_name="rules", verbose_name=_("schedule")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("availability rule")
        verbose_name_plural = _("availability rules")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="mentorship_rule_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="mentorship_rule_weekday_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class OverrideKind(models.TextChoices):
    OFF = "off", _("Not available")
    EXTRA = "extra", _("Extra hours")


class AvailabilityOverride(models.Model):
    """Days or hours that differ from the weekly rules (holidays, days off, extra hours).

    ``off`` without times is a whole day off for every day from ``first_day`` to
    ``last_day``; ``off`` with times blocks those hours; ``extra`` adds hours.
    """

    schedule = models.ForeignKey(
        MentorSchedule,
        on_delete=models.CASCADE,
        related_name="overrides",
        verbose_name=_("schedule"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=OverrideKind.choices)
    first_day = models.DateField(_("from day"))
    last_day = models.DateField(_("until day"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        ordering = ["first_day", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="mentorship_override_days_ordered",
            ),
            models.CheckConstraint(
                condition=(
                    Q(start_time__isnull=True, end_time__isnull=True, kind=OverrideKind.OFF)
                    | Q(
                        start_time__isnull=False,
                        end_time__isnull=False,
                        end_time__gt=F("start_time"),
                    )
                ),
                name="mentorship_override_times_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.first_day}-{self.last_day}"
