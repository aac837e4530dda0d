"""allauth's own forms, phone first (ACCOUNT_FORMS).

Apart from academy/forms.py: allauth builds its sign-up form on ours
(ACCOUNT_SIGNUP_FORM_CLASS), so ours cannot import allauth's forms.
"""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.utils import filter_users_by_email
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from academy import phones

PHONE_OR_EMAIL = _("Enter your mobile number, or an e-mail address and a password.")
PASSWORD_WITH_EMAIL = _("Without a mobile number, choose a password to sign in with.")


class AccountSignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, phone first: her mobile number, or else an e-mail and a password.

    With a number, the e-mail address and the password are optional: the code texted
    to her proves the number and signs her in. Whether the number or the address
    already has an account is never said here (allauth texts or mails the owner).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _("We text you a six-digit code to sign up.")
        self.fields["email"].label = _("E-mail (optional)")
        if "password1" in self.fields:
            self.fields["password1"].label = _("Password (optional)")
            self.fields["password1"].help_text = _(
                "Only if you also want to sign in with a password. "
                "At least 8 characters, not only digits."
            )

    _taken_email = None

    def validate_unique_email(self, value):
        # allauth hides a taken address only under mandatory verification; here
        # verification depends on the phone (academy/stages.py), so it is hidden here.
        if filter_users_by_email(value):
            self._taken_email = value
            return value
        return super().validate_unique_email(value)

    def clean(self):
        cleaned_data = super().clean()
        phone = cleaned_data.get("phone")
        if self._taken_email and not self.account_already_exists:
            if phone:
                # Her number makes the account; the address stays with its owner,
                # who is told by mail, and she may add another one later.
                cleaned_data["email"] = ""
            else:
                self.account_already_exists = True
        if not phone and not self.has_error("phone"):
            if not cleaned_data.get("email") and not self.has_error("email"):
                self.add_error("phone", PHONE_OR_EMAIL)
            elif not cleaned_data.get("password1") and not self.has_error("password1"):
                self.add_error("password1", PASSWORD_WITH_EMAIL)
        if phone and not self.errors:
            refusal = phones.sms_refusal(context.request, phone)
            if refusal:
                self.add_error("phone", refusal)
        return cleaned_data

    def try_save(self, request):
        user, response = super().try_save(request)
        if user is not None and self._taken_email:
            get_adapter().send_account_already_exists_mail(self._taken_email)
        return user, response


class PhoneCodeRequestForm(allauth_forms.RequestLoginCodeForm):
    """Ask for a sign-in code by SMS: the number only, the same answer for every number.

    A number that was typed but never verified signs in only an account that has
    nothing else (made by a phone sign-up left before its code): otherwise whoever
    holds that number could enter someone else's account.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        self.fields["phone"].required = True

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        refusal = phones.sms_refusal(context.request, phone)
        if refusal:
            raise forms.ValidationError(refusal, code="sms_refused")
        phone = super().clean_phone()
        if self._user is not None and not phones.signs_in(self._user):
            self._user = None
        return phone


class ChangePhoneForm(allauth_forms.ChangePhoneForm):
    """Add or change the mobile number on her account; refused before a text is due."""

    def clean_phone(self):
        phone = super().clean_phone()
        refusal = phones.sms_refusal(context.request, phone)
        if refusal:
            raise forms.ValidationError(refusal, code="sms_refused")
        return phone


class LoginForm(allauth_forms.LoginForm):
    """allauth's password sign-in, second on the page: an e-mail address or a number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail or mobile number")
        self.fields["login"].widget.attrs.pop("placeholder", None)


class ConfirmLoginCodeForm(allauth_forms.ConfirmLoginCodeForm):
    """The six digits texted to her, on a phone's number pad."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _six_digits(self.fields["code"])


class VerifyPhoneForm(allauth_forms.VerifyPhoneForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _six_digits(self.fields["code"])


def _six_digits(field):
    field.label = _("Six-digit code")
    field.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
    )
    field.widget.attrs.pop("placeholder", None)
