"""Forms of the Star Leader pages; the services re-check everything they accept."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.models import MentorKind, MentorProfile
from academy.validators import SingleLineTextMixin
from mentorship.starleader.models import ActionPlan, Application


class ApplicationForm(SingleLineTextMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["situation", "difficulties", "goals", "team_size", "sales_band", "focus"]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "difficulties": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "goals": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "team_size": forms.NumberInput(attrs={"min": 0, "max": 100000, "inputmode": "numeric"}),
        }
        help_texts = {
            "situation": _("How your shop and team are doing now."),
            "difficulties": _("What holds you back."),
            "team_size": _("How many shopkeepers you recruited, directly and indirectly."),
        }

    def clean_team_size(self):
        value = self.cleaned_data["team_size"]
        if value is not None and value > 100_000:
            raise forms.ValidationError(_("Please give your team size as a whole number."))
        return value


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["diagnosis", "targets", "steps"]
        widgets = {
            "diagnosis": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "targets": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "steps": forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
        help_text=_("The 6 digits shown in the room."),
    )


class DecisionForm(SingleLineTextMixin, forms.Form):
    ACTIONS = [
        ("admit", _("Admit")),
        ("waitlist", _("Waitlist")),
        ("reject", pgettext_lazy("application decision", "Reject")),
        ("withdraw", _("Withdraw")),
        ("graduate", _("Graduate")),
    ]
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("Feedback for the member"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} · {obj.headline}" if obj.headline else str(obj.user)


class AssignExpertForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Member"), queryset=Application.objects.none())
    expert = ExpertChoiceField(
        label=_("Guidance expert"),
        queryset=MentorProfile.objects.filter(kind=MentorKind.EXPERT, is_active=True)
        .select_related("user")
        .order_by("user__display_name", "pk"),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = members
        self.fields["application"].label_from_instance = lambda a: str(a.applicant)
