"""Forms of mentorship: the availability editor, booking, notes, goals, messages, staff."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.models import MentorProfile, ShopkeeperProfile, User
from academy.timezones import COMMON_TIME_ZONES, zone_name
from academy.validators import SingleLineTextMixin
from mentorship.errors import REFUSAL_MESSAGES, ScheduleError
from mentorship.models import (
    SESSION_LENGTHS,
    AvailabilityOverride,
    CancelReason,
    GoalStatus,
    MeetingMethod,
    MentorSchedule,
    NoteVisibility,
    OverrideKind,
    Weekday,
)
from mentorship.models.schedule import MAX_BUFFER, MAX_HORIZON_DAYS, MAX_NOTICE_MINUTES
from mentorship.services import schedule as schedule_services
from mentorship.slots import Refusal

MAX_OVERRIDE_DAYS = 366


def _date_input():
    """A date picker; its value must be ISO (YYYY-MM-DD), whatever the language's format."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScheduleForm(SingleLineTextMixin, forms.ModelForm):
    """A mentor's booking settings and time zone."""

    time_zone = forms.ChoiceField(
        label=_("My time zone"),
        choices=COMMON_TIME_ZONES,
        error_messages={"invalid_choice": _("Unknown time zone: %(value)s")},
        help_text=_("Your weekly hours and days off are in this time zone."),
    )
    session_lengths = forms.TypedMultipleChoiceField(
        label=_("Session lengths offered"),
        choices=[(m, _("%(minutes)s minutes") % {"minutes": m}) for m in SESSION_LENGTHS],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Offer at least one session length.")},
    )
    notice_hours = forms.IntegerField(
        label=_("Minimum notice (hours)"),
        min_value=0,
        max_value=MAX_NOTICE_MINUTES // 60,
        help_text=_("Mentees cannot book a session starting sooner than this."),
    )
    meeting_link = forms.URLField(
        label=_("meeting link"), max_length=300, required=False, assume_scheme="https"
    )
    cutoff_hours = forms.IntegerField(
        label=_("Mentees may move or cancel until (hours before)"),
        min_value=0,
        max_value=14 * 24,
    )

    class Meta:
        model = MentorSchedule
        fields = [
            "session_lengths",
            "slot_interval",
            "buffer_before",
            "buffer_after",
            "horizon_days",
            "daily_limit",
            "weekly_limit_per_mentee",
            "meeting_method",
            "wechat_id",
            "phone",
            "meeting_link",
            "address",
        ]
        widgets = {
            "buffer_before": forms.NumberInput(attrs={"min": 0, "max": MAX_BUFFER}),
            "buffer_after": forms.NumberInput(attrs={"min": 0, "max": MAX_BUFFER}),
            "horizon_days": forms.NumberInput(attrs={"min": 1, "max": MAX_HORIZON_DAYS}),
        }

    field_order = ["time_zone", "session_lengths", "slot_interval", "notice_hours"]

    def __init__(self, *args, profile, **kwargs):
        self.profile = profile
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = profile.time_zone
        self.fields["notice_hours"].initial = self.instance.minimum_notice // 60
        self.fields["cutoff_hours"].initial = self.instance.change_cutoff // 60
        self.fields["session_lengths"].initial = self.instance.lengths
        self.fields["buffer_before"].validators.append(_max(MAX_BUFFER))
        self.fields["buffer_after"].validators.append(_max(MAX_BUFFER))
        self.fields["horizon_days"].validators.append(_range(1, MAX_HORIZON_DAYS))

    def clean(self):
        data = super().clean()
        method = data.get("meeting_method")
        needed = {
            MeetingMethod.WECHAT_VOICE: ("wechat_id", _("Please give your WeChat ID.")),
            MeetingMethod.WECHAT_VIDEO: ("wechat_id", _("Please give your WeChat ID.")),
            MeetingMethod.PHONE: ("phone", _("Please give the phone number to call.")),
            MeetingMethod.ONLINE: ("meeting_link", _("Please give the meeting link.")),
            MeetingMethod.IN_PERSON: ("address", _("Please give the address.")),
        }.get(method)
        if needed and not data.get(needed[0]) and needed[0] not in self.errors:
            self.add_error(needed[0], needed[1])
        return data

    def changes(self):
        """The cleaned values as ``update_booking_settings`` takes them."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self._meta.fields if name != "session_lengths"}
        return {
            **fields,
            "time_zone": data["time_zone"],
            "session_lengths": sorted(data["session_lengths"]),
            "minimum_notice": data["notice_hours"] * 60,
            "change_cutoff": data["cutoff_hours"] * 60,
        }

    def save(self, commit=True):
        """Save through ``update_booking_settings``: under the schedule lock, checked again.

        Raises ``ScheduleError`` when a change breaks a rule; nothing is saved then.
        """
        if not commit:
            raise ValueError("Booking settings are saved only under the schedule lock.")
        return schedule_services.update_booking_settings(self.profile, self.changes())


def _max(limit):
    def check(value):
        if value is not None and value > limit:
            raise forms.ValidationError(
                _("Please enter at most %(limit)s."), params={"limit": limit}
            )

    return check


def _range(low, high):
    def check(value):
        if value is not None and not low <= value <= high:
            raise forms.ValidationError(
                _("Please enter a number from %(low)s to %(high)s."),
                params={"low": low, "high": high},
            )

    return check


class RuleForm(forms.Form):
    """One weekly range of hours; a row left wholly blank is no range at all."""

    weekday = forms.TypedChoiceField(
        label=pgettext_lazy("availability", "Day"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start_time = forms.TimeField(
        label=pgettext_lazy("time range", "From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self):
        data = super().clean()
        names = ("weekday", "start_time", "end_time")
        if not any(self.data.get(self.add_prefix(name)) for name in names):
            data["blank"] = True
            return data
        if data.get("weekday") is None and "weekday" not in self.errors:
            self.add_error("weekday", _("Please choose a day of the week."))
        for name in ("start_time", "end_time"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, forms.Field.default_error_messages["required"])
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            raise forms.ValidationError(_("The end must be after the start."))
        return data


class BaseRuleFormSet(forms.BaseFormSet):
    """Every rendered row as the mentor left it: kept, changed, removed or blank.

    ``ranges`` holds all the rows that are neither blank nor ticked for removal,
    so rows she did not touch are saved as they were.
    """

    def clean(self):
        if any(self.errors):
            return
        by_day = {}
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if not data or data.get("blank"):
                continue
            by_day.setdefault(data["weekday"], []).append((data["start_time"], data["end_time"]))
        try:
            schedule_services.check_weekly_ranges(by_day)
        except ScheduleError as error:
            raise forms.ValidationError(error.message) from None
        self.ranges = by_day


RuleFormSet = forms.formset_factory(
    RuleForm, formset=BaseRuleFormSet, extra=2, can_delete=True, max_num=42, validate_max=True
)


class OverrideForm(SingleLineTextMixin, forms.ModelForm):
    class Meta:
        model = AvailabilityOverride
        fields = ["kind", "first_day", "last_day", "start_time", "end_time", "note"]
        widgets = {
            "first_day": _date_input(),
            "last_day": _date_input(),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "start_time": _("Leave both times empty for whole days off."),
            "note": _("For example: National Day holiday."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_day"].required = False
        self.fields["last_day"].help_text = _("Leave empty for one day.")

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day") or data.get("first_day")
        data["last_day"] = last
        if first and last:
            if last < first:
                self.add_error("last_day", _("The last day must not be before the first day."))
            elif (last - first).days >= MAX_OVERRIDE_DAYS:
                self.add_error("last_day", _("Please enter at most a year at a time."))
        start, end = data.get("start_time"), data.get("end_time")
        if (start is None) != (end is None):
            self.add_error("end_time", _("Please give both times, or neither."))
        elif start and end and end <= start:
            self.add_error("end_time", _("The end must be after the start."))
        elif start is None and data.get("kind") == OverrideKind.EXTRA:
            self.add_error("start_time", _("Extra hours need a start and an end time."))
        return data


def parse_instant(value):
    """An ISO instant from a form or a link; None if missing, malformed or without zone."""
    try:
        moment = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


class BookingForm(forms.Form):
    start = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": REFUSAL_MESSAGES[Refusal.NOT_OFFERED]},
    )
    minutes = forms.TypedChoiceField(
        choices=[(m, m) for m in SESSION_LENGTHS], coerce=int, widget=forms.HiddenInput
    )
    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    agenda = forms.CharField(
        label=_("What I want help with"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _(
                    "For example: my Moments posts get few replies; how to start a customer group."
                ),
            }
        ),
        help_text=_("A few lines help your mentor prepare."),
    )

    def clean_start(self):
        moment = parse_instant(self.cleaned_data["start"])
        if moment is None:
            raise forms.ValidationError(REFUSAL_MESSAGES[Refusal.NOT_OFFERED])
        return moment


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CancelReason.choices)
    note = forms.CharField(
        label=_("A few words (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, as_mentor=False, **kwargs):
        super().__init__(*args, **kwargs)
        hidden = {CancelReason.ASSIGNMENT_ENDED}
        if not as_mentor:
            hidden.add(CancelReason.MENTOR_UNAVAILABLE)
        self.fields["reason"].choices = [c for c in CancelReason.choices if c[0] not in hidden]

    def clean(self):
        data = super().clean()
        if data.get("reason") == CancelReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Please say briefly why you cancel."))
        return data


class ProposeForm(forms.Form):
    """A new time, typed as a date and a time in the mentor's own zone."""

    day = forms.DateField(label=pgettext_lazy("availability", "Day"), widget=_date_input())
    time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    reason = forms.CharField(
        label=_("Why move it"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, zone, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)
        self.fields["time"].help_text = _("In your time zone (%(zone)s).") % {
            "zone": zone_name(zone)
        }

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            local = datetime.combine(data["day"], data["time"], tzinfo=zoneinfo.ZoneInfo(self.zone))
            data["start"] = local.astimezone(UTC)
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        label=pgettext_lazy("session note", "Note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(
        label=_("Who can read it"),
        choices=NoteVisibility.choices,
        initial=NoteVisibility.SHARED,
        widget=forms.RadioSelect,
    )


class GoalForm(SingleLineTextMixin, forms.Form):
    title = forms.CharField(
        label=_("Goal"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("For example: weekly sales of 5000 yuan")}),
    )
    target_value = forms.DecimalField(
        label=_("Target"), min_value=0.01, max_digits=12, decimal_places=2
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "元"}),
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=_date_input())
    description = forms.CharField(
        label=_("How to get there"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due and due < date.today() - timedelta(days=1):  # noqa: DTZ011 - a loose bound
            raise forms.ValidationError(_("The due date is in the past."))
        return due


class ProgressForm(forms.Form):
    value = forms.DecimalField(
        label=_("Value reached so far"), min_value=0, max_digits=12, decimal_places=2
    )
    comment = forms.CharField(
        label=_("What happened"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=pgettext_lazy("mentorship message", "Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignmentForm(SingleLineTextMixin, forms.Form):
    mentor = forms.ModelChoiceField(
        label=_("Mentor"),
        queryset=MentorProfile.objects.filter(is_active=True).select_related("user"),
    )
    mentee = forms.CharField(
        label=_("Mentee (e-mail or shop ID)"),
        max_length=254,
    )
    starts_on = forms.DateField(label=_("First day"), widget=_date_input())
    ends_on = forms.DateField(label=_("Last day"), widget=_date_input())
    weekly_limit = forms.IntegerField(
        label=_("Sessions per week"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Empty keeps the mentor's limit."),
    )
    session_limit = forms.IntegerField(
        label=_("Sessions in the period"), min_value=1, max_value=500, required=False
    )
    notice_hours = forms.IntegerField(
        label=_("Minimum notice (hours)"),
        min_value=0,
        max_value=14 * 24,
        required=False,
        help_text=_("Empty keeps the mentor's notice."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean_mentee(self):
        value = self.cleaned_data["mentee"].strip()
        user = User.objects.filter(email__iexact=value).first()
        if user is None:
            profile = (
                ShopkeeperProfile.objects.filter(shop_id=value)
                .order_by("-shop_verified", "pk")
                .select_related("user")
                .first()
            )
            user = profile.user if profile else None
        if user is None:
            raise forms.ValidationError(_("No shopkeeper with this e-mail or shop ID."))
        return user

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day must not be before the first day."))
        return data


class PeriodForm(forms.Form):
    """A report's days; an empty field takes the default the view passes in ``initial``."""

    start = forms.DateField(
        label=pgettext_lazy("time range", "From"),
        required=False,
        widget=_date_input(),
    )
    end = forms.DateField(
        label=_("Until"),
        required=False,
        widget=_date_input(),
    )

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            if name not in self.errors and not data.get(name):
                data[name] = self.initial[name]
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("The last day must not be before the first day."))
            if (data["end"] - data["start"]).days > 92:
                raise forms.ValidationError(_("Please choose at most three months."))
        return data
