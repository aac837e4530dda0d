"""The one sign-up form a new WeChat user sees (SOCIALACCOUNT_FORMS["signup"])."""

from allauth.account import app_settings as account_settings
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.forms import DisconnectForm, SignupForm
from django.utils.translation import gettext_lazy as _

from academy import phones


class WeChatSignupForm(SignupForm):
    """Her name, shop ID and mobile number, asked once; the number is verified by a code.

    WeChat gives no e-mail address and she needs none: her number is her other way in,
    so WeChat can later be unlinked without locking her out. Whether the number already
    has an account is never said here (allauth texts its owner instead).
    """

    field_order = ["display_name", "phone", "shop_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        phone = self.fields["phone"]
        phone.required = True
        phone.label = _("Mobile number")
        phone.help_text = _("We text you a six-digit code once, to check it is yours.")
        self.order_fields(self.field_order)

    def clean(self):
        cleaned_data = super().clean()
        phone = cleaned_data.get("phone")
        if phone and not self.errors:
            refusal = phones.sms_refusal(context.request, phone)
            if refusal:
                self.add_error("phone", refusal)
        return cleaned_data


class WeChatDisconnectForm(DisconnectForm):
    """Unlinking WeChat (SOCIALACCOUNT_FORMS["disconnect"]): allowed when she keeps a way in.

    allauth keeps the last social account of someone with no password (or, with
    mandatory e-mail verification, no verified address). A verified mobile number is
    a way in too: she signs in with a texted code.
    """

    def clean(self):
        account = self.cleaned_data.get("account")
        phone_login = "phone" in account_settings.LOGIN_METHODS
        if account is not None and phone_login and getattr(account.user, "phone_verified", False):
            others = self.accounts.exclude(pk=account.pk)
            get_adapter().validate_disconnect(account, others)
            return self.cleaned_data
        return super().clean()
