"""Forms of accounts and profiles."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.models import SHOP_ID_VALIDATOR, ShopkeeperProfile
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

    field_order = ["email", "display_name", "shop_id", "password1", "password2"]

    def clean_shop_id(self):
        # Whether another account claims this ID is not said here (that would tell
        # anyone whose shop is in the academy): the claim waits for verification.
        return self.cleaned_data["shop_id"].strip()

    def signup(self, request, user):
        # allauth calls this after saving the user; the adapter creates the profile.
        pass


class ProfileForm(SingleLineTextMixin, forms.ModelForm):
    """The shopkeeper completes and later edits her profile here.

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

    class Meta:
        model = ShopkeeperProfile
        fields = ["province", "city"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        from academy.timezones import COMMON_TIME_ZONES

        self.fields["time_zone"].choices = COMMON_TIME_ZONES
        self.fields["display_name"].initial = user.display_name
        self.fields["time_zone"].initial = user.time_zone
        leader = self.instance.team_leader
        if leader is None and not self.instance.is_complete:
            # Whoever's learning card brought her is suggested; she confirms or clears it.
            from academy.sharecards.services import suggested_leader

            leader = suggested_leader(user)
        if leader is not None:
            self.fields["team_leader_shop_id"].initial = leader.shop_id
        self.order_fields(["display_name", "province", "city", "team_leader_shop_id", "time_zone"])

    def clean_team_leader_shop_id(self):
        shop_id = self.cleaned_data["team_leader_shop_id"].strip()
        if not shop_id:
            return None
        if shop_id == self.instance.shop_id:
            raise forms.ValidationError(_("You cannot be your own team leader."))
        # Several accounts may claim one ID: the verified one leads, else the first claim.
        leader = (
            ShopkeeperProfile.objects.filter(shop_id=shop_id)
            .order_by("-shop_verified", "pk")
            .first()
        )
        if leader is None:
            raise forms.ValidationError(
                _("No shopkeeper has the shop ID %(shop_id)s."), params={"shop_id": shop_id}
            )
        # Walk up the leader's chain: a team cannot lead itself in a circle.
        seen, current = set(), leader
        while current is not None and current.pk not in seen:
            if current.pk == self.instance.pk:
                raise forms.ValidationError(
                    _("%(shop_id)s is in your own team, so cannot be your team leader."),
                    params={"shop_id": shop_id},
                )
            seen.add(current.pk)
            current = current.team_leader
        return leader

    def save(self, commit=True):
        profile = super().save(commit=False)
        profile.team_leader = self.cleaned_data["team_leader_shop_id"]
        if profile.completed_at is None:
            profile.completed_at = timezone.now()
        self.user.display_name = self.cleaned_data["display_name"]
        self.user.time_zone = self.cleaned_data["time_zone"]
        if commit:
            self.user.save(update_fields=["display_name", "time_zone"])
            profile.save()
        return profile
