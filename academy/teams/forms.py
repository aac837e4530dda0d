"""Forms of the team view: the training plan and nudges."""

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.teams.services import MAX_PLAN_STEPS, NUDGE_PRESETS
from courses import catalogue


def course_choices():
    cat = catalogue.get()
    choices = [("", "—")]
    for tier in cat.tiers:
        choices.append((tier.title, [(str(course.id), course.title) for course in tier.courses]))
    return choices


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Plan name"), max_length=80)
    welcome = forms.CharField(
        label=_("Welcome words"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("New recruits see them above the plan."),
    )


class StepForm(forms.Form):
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, required=False, empty_value=None)
    target_days = forms.IntegerField(
        label=_("Finish within (days of joining)"),
        min_value=1,
        max_value=365,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = course_choices()

    def clean(self):
        data = super().clean()
        if data.get("course") and not data.get("target_days"):
            self.add_error("target_days", _("Give the number of days for this course."))
        return data


StepFormSet = forms.formset_factory(
    StepForm, extra=2, min_num=1, max_num=MAX_PLAN_STEPS, validate_max=True
)


class NudgeForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("Message"),
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
