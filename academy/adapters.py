"""allauth adapters: every new account is a shopkeeper with a shop profile."""

import logging

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import RateLimited
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from academy import mail, phones, ratelimits, services, sms
from academy.notices import delivery, kinds

logger = logging.getLogger(__name__)

ACCOUNT_LOCKED = _(
    "Too many failed sign-ins for this account. Try again in a few minutes, or reset your "
    "password: the link we e-mail you signs you in."
)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=False)
            user.display_name = form.cleaned_data.get("display_name", "")
            # Empty is NULL: the address is unique when present (phone sign-ups may have none).
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
        ) and ratelimits.account_locked(request, _login_name(credentials))
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
        ratelimits.count_wrong_password(request, _login_name(credentials))

    # --- phone numbers: stored on the user (academy/phones.py), codes by allauth

    def get_login_stages(self):
        replaced = {
            f"allauth.account.stages.{name}": f"academy.stages.{name}"
            for name in ("PhoneVerificationStage", "EmailVerificationStage")
        }
        return [replaced.get(path, path) for path in super().get_login_stages()]

    def phone_form_field(self, **kwargs):
        return phones.PhoneField(**kwargs)

    def clean_phone(self, phone):
        return phones.normalize(phone)

    def set_phone(self, user, phone, verified):
        user.phone = phone
        user.phone_verified = verified
        if user.pk is not None:  # at sign-up allauth sets it before the user is saved
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        if not user.phone:
            return None
        return user.phone, user.phone_verified

    def set_phone_verified(self, user, phone):
        # Also the end of a change of number: the new one is stored once verified,
        # and text messages the old one refused may go to it.
        self.set_phone(user, phone, True)
        if user.pk is not None:
            delivery.channel_usable_again(user, kinds.SMS)

    def get_user_by_phone(self, phone):
        from academy.models import User

        phone = phones.normalize_or_blank(phone)
        if not phone:
            return None
        return User.objects.filter(phone=phone).first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        minutes = max(
            account_settings.LOGIN_BY_CODE_TIMEOUT, account_settings.PHONE_VERIFICATION_TIMEOUT
        )
        self._text(phone, "login_code", [code, minutes // 60])

    def send_unknown_account_sms(self, phone, **kwargs):
        # Counted like a code, so the limits answer alike for every number.
        if settings.ACADEMY_SMS_UNKNOWN_ACCOUNT_HINT:
            self._text(phone, "unknown_account", [])
        else:
            self._count_text(phone)

    def send_account_already_exists_sms(self, phone):
        self._text(phone, "account_exists", [])

    def _count_text(self, phone):
        request = context.request
        if getattr(request, "_academy_sms_counted", False):
            return
        refusal = phones.consume_sms(request, phone)
        if refusal:
            # allauth's views answer RateLimited with a message: ours says which limit.
            request._academy_sms_refusal = refusal
            raise RateLimited

    def _text(self, phone, kind, params):
        self._count_text(phone)
        try:
            sms.send(phone, kind, params)
        except sms.SmsRejected as error:
            logger.warning("SMS %s to %s refused by the provider: %s", kind, phone, error)
        except sms.SmsError as error:
            # She asks again after a minute; the page cannot say more without
            # telling whether the number has an account.
            logger.error("SMS %s to %s not sent: %s", kind, phone, error)

    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ):
        refusal = getattr(request, "_academy_sms_refusal", None)
        if refusal and message == self.error_messages["rate_limited"]:
            message = refusal
        return super().add_message(
            request, level, message_template, message_context, extra_tags, message
        )

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


def _login_name(credentials):
    """What the wrong-password lock counts against: the e-mail address or the number."""
    if credentials.get("email"):
        return credentials["email"]
    phone = credentials.get("phone")
    return phones.normalize_or_blank(phone) or phone


def has_totp(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request, provider, client_id=None):
        """The provider, even when its sign-in is switched off (its app not configured).

        Accounts linked while it was on are still shown on her profile and can be
        unlinked; without an app nobody can sign in with it (no button, no login URL
        answers), so the stand-in app is never used to reach the provider.
        """
        from allauth.socialaccount.models import SocialApp
        from allauth.socialaccount.providers import registry

        try:
            return super().get_provider(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            provider_class = registry.get_class(provider)
            if provider_class is None:
                raise
            return provider_class(request, app=SocialApp(provider=provider, name=provider))

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
