"""allauth adapters: every new account is a shopkeeper with a shop profile."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from academy import mail, ratelimits, services

ACCOUNT_LOCKED = _(
    "Too many failed sign-ins for this account. Try again in a few minutes, or reset your "
    "password: the link we e-mail you signs you in."
)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=False)
            user.display_name = form.cleaned_data.get("display_name", "")
            # No address is NULL, not "": the address is unique when present.
            user.email = user.email or None
            language = getattr(request, "LANGUAGE_CODE", None)
            if language:
                user.language = language
            if commit:
                user.save()
                services.register_shopkeeper(user, shop_id=form.cleaned_data["shop_id"])
        return user

    def pre_authenticate(self, request, **credentials):
        # Replaces allauth's check: the address limit refuses at once, the account
        # limit is decided in authenticate(), once the password has been checked.
        usage = ratelimits.count_login_attempt(request)
        if not usage:
            raise self.validation_error("too_many_login_attempts")
        # Someone signed in confirming her own password is the owner: the lock is
        # not for her (wrong passwords still count, and the address limit holds).
        self._account_locked = not getattr(
            self, "_reauthenticating", False
        ) and ratelimits.account_locked(request, credentials.get("email"))
        # allauth rolls this usage back when the password is right; on a locked
        # account a right password without a second factor must cost as much as a
        # wrong one, or the address limit would tell which guess was right.
        self._login_failed_rl_usage = None if self._account_locked else usage

    def authenticate(self, request, **credentials):
        """Check the password; on a locked account only a second factor lets the owner on.

        Anyone can lock an account with five wrong passwords. The owner is not
        shut out: with TOTP she goes on to the code (counted per account by
        allauth), and without it the password-reset link signs her in.
        """
        user = super().authenticate(request, **credentials)
        if self._account_locked and not (user is not None and has_totp(user)):
            raise forms.ValidationError(ACCOUNT_LOCKED, code="account_locked")
        return user

    def reauthenticate(self, user, password):
        self._reauthenticating = True
        try:
            return super().reauthenticate(user, password)
        finally:
            self._reauthenticating = False

    def authentication_failed(self, request, **credentials):
        ratelimits.count_wrong_password(request, credentials.get("email"))

    # --- mail: links on the configured site, branded, both parts (academy/mail.py)

    def get_reset_password_from_key_url(self, key):
        return mail.site_link(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation):
        return mail.site_link(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix, email, context):
        # allauth builds some links (sign-up, reset) from the request's Host; every
        # one a mail shows is put back on the site's own address.
        context = {
            name: mail.site_link(value)
            if name.endswith("_url") and isinstance(value, str) and value
            else value
            for name, value in context.items()
        }
        context["site_url"] = settings.SITE_URL
        super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        return mail.finish(super().render_mail(template_prefix, email, context, headers))

    def get_login_redirect_url(self, request):
        profile = getattr(request.user, "shopkeeper_profile", None)
        if profile is not None and not profile.is_complete:
            return reverse("profile")
        return super().get_login_redirect_url(request)


def has_totp(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # WeChat names her by nickname: her display name until she changes it.
        if not user.display_name and data.get("name"):
            user.display_name = data["name"][:40]
        return user

    def get_signup_form_initial_data(self, sociallogin):
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["display_name"] = sociallogin.user.display_name
        return initial

    def save_user(self, request, sociallogin, form=None):
        # With the sign-up form, the account adapter's save_user (called by allauth's)
        # makes her a shopkeeper with the shop ID she gave; all of it or nothing.
        with transaction.atomic():
            return super().save_user(request, sociallogin, form)
