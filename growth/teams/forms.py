"""Forms of the team view: the training plan and nudges."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.validators import SingleLineTextMixin
from courses import catalogue
from courses.live.selectors import with_replays
from growth.teams.services import MAX_PLAN_STEPS, NUDGE_PRESETS


def course_choices():
    cat = catalogue.get()
    choices = [("", "—")]
    for tier in cat.tiers:
        choices.append((tier.title, [(str(course.id), course.title) for course in tier.courses]))
    return choices


class PlanForm(SingleLineTextMixin, forms.Form):
    title = forms.CharField(label=_("Plan name"), max_length=80)
    welcome = forms.CharField(
        label=_("Welcome words"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("New recruits see them above the plan."),
    )


# The replays a leader can choose from: the most recent ones.
REPLAY_CHOICES = 100


def replay_choices():

    return [("", "—")] + [
        (str(s.id), f"{s.title} · {timezone.localtime(s.start):%Y-%m-%d}")
        for s in with_replays()[:REPLAY_CHOICES]
    ]


class StepForm(forms.Form):
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, required=False, empty_value=None)
    replay = forms.TypedChoiceField(
        label=_("Or a live-session replay"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Watched to the end, or opened if the replay is on another platform."),
    )
    target_days = forms.IntegerField(
        label=_("Finish within (days of joining)"),
        min_value=1,
        max_value=365,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, replays=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = course_choices()
        # The formset passes the replays in, read once for all its steps.
        self.fields["replay"].choices = replay_choices() if replays is None else replays

    def clean(self):
        data = super().clean()
        if data.get("course") and data.get("replay"):
            self.add_error("replay", _("Choose a course or a replay for a step, not both."))
        elif data.get("course") and not data.get("target_days"):
            self.add_error("target_days", _("Give the number of days for this course."))
        elif data.get("replay") and not data.get("target_days"):
            self.add_error("target_days", _("Give the number of days for this replay."))
        return data


StepFormSet = forms.formset_factory(
    StepForm, extra=2, min_num=1, max_num=MAX_PLAN_STEPS, validate_max=True
)


class NudgeForm(SingleLineTextMixin, forms.Form):
    preset = forms.ChoiceField(
        label=pgettext_lazy("team reminder", "Message"),
        required=False,
        choices=[],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Or write your own"),
        max_length=200,
        required=False,
        widget=forms.TextInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [(str(i), text) for i, text in enumerate(NUDGE_PRESETS)]

    def message(self):
        text = self.cleaned_data.get("text", "").strip()
        if text:
            return text
        preset = self.cleaned_data.get("preset")
        return str(NUDGE_PRESETS[int(preset)]) if preset not in (None, "") else ""
