"""Forms of accounts and profiles."""

from django import forms
from django.utils.translation import gettext_lazy as _

from academy import hooks, services
from academy.models import SHOP_ID_VALIDATOR
from academy.regions import PROVINCES
from academy.validators import SingleLineTextMixin


class SignupForm(SingleLineTextMixin, forms.Form):
    """Extra fields of allauth's signup: the display name and the shop ID."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        help_text=_("The name other shopkeepers and your mentor see."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    shop_id = forms.CharField(
        label=_("Shop ID"),
        max_length=12,
        validators=[SHOP_ID_VALIDATOR],
        help_text=_("6 to 12 digits, shown under Me → Shop settings in the shop app."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    field_order = ["phone", "display_name", "shop_id", "email", "password1", "password2"]

    def clean_shop_id(self):
        # Whether another account claims this ID is not said here (that would tell
        # anyone whose shop is in the academy): the claim waits for verification.
        return self.cleaned_data["shop_id"].strip()

    def signup(self, request, user):
        # allauth calls this after saving the user; the adapter creates the profile.
        pass


class ProfileForm(SingleLineTextMixin, forms.Form):
    """The shopkeeper completes and later edits her profile here (saved by
    ``services.update_profile``).

    Her shop ID and level are not hers to choose: they come from verification.
    """

    display_name = forms.CharField(label=_("Display name"), max_length=40)
    province = forms.ChoiceField(label=_("Province"), choices=[("", "—"), *PROVINCES])
    city = forms.CharField(label=_("City"), max_length=40)
    team_leader_shop_id = forms.CharField(
        label=_("Team leader's shop ID"),
        required=False,
        max_length=12,
        validators=[SHOP_ID_VALIDATOR],
        help_text=_("The shopkeeper who invited you. Leave empty if nobody did."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[])

    def __init__(self, *args, instance, user, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        from academy.timezones import COMMON_TIME_ZONES

        self.fields["time_zone"].choices = COMMON_TIME_ZONES
        self.fields["display_name"].initial = user.display_name
        self.fields["time_zone"].initial = user.time_zone
        self.fields["province"].initial = instance.province
        self.fields["city"].initial = instance.city
        leader = self.instance.team_leader
        if leader is None and not self.instance.is_complete:
            # Whoever brought her (a share card's link) is suggested; she confirms or clears it.
            leader = hooks.first(hooks.SUGGEST_LEADER, user)
        if leader is not None:
            self.fields["team_leader_shop_id"].initial = leader.shop_id
        if instance.team_from_platform:
            field = self.fields["team_leader_shop_id"]
            field.disabled = True
            field.help_text = _(
                "Set by the platform from your shop's records. If it is wrong, ask "
                "your team leader or the platform's service to correct it."
            )
        self.order_fields(["display_name", "province", "city", "team_leader_shop_id", "time_zone"])

    def clean_team_leader_shop_id(self):
        # Checked here for the message; the service checks again under the team lock.
        shop_id = (self.cleaned_data["team_leader_shop_id"] or "").strip()
        if shop_id and not self.instance.team_from_platform:
            try:
                services.find_team_leader(self.instance, shop_id)
            except services.ProfileError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return shop_id
