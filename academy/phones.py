"""Mainland mobile numbers: what we accept, how we store them, how often we text them.

A number is kept in E.164 (``+8613800138000``). Only mainland China mobiles are
accepted: SMS codes are the way in, and landlines or foreign numbers cannot receive
our templates. Every text the accounts send passes :func:`consume_sms`, which counts
it per number, per address and for the whole site, so nobody can spend the SMS
budget or flood one phone with codes.
"""

import phonenumbers
from allauth.core.internal import ratelimit as allauth_ratelimit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_NUMBER = _(
    "Enter a mainland China mobile number of 11 digits, for example 138 0013 8000. "
    "Landlines and numbers abroad cannot receive our codes."
)
TOO_MANY_TO_NUMBER = _(
    "A code was sent to this number a moment ago. Wait a minute before asking for another; "
    "after several codes, wait an hour."
)
TOO_MANY_FROM_ADDRESS = _(
    "Too many codes were asked for from your network. Please try again in an hour."
)
TOO_MANY_ON_SITE = _(
    "We cannot send text messages right now. Please try again later, or sign in with your "
    "e-mail address and password."
)

_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize(value):
    """The E.164 form of a mainland mobile number typed as people write it.

    Raises ValidationError (translated) for anything else.
    """
    text = (value or "").strip()
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_NUMBER, code="invalid_phone") from None
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
        or len(str(number.national_number)) != 11
    ):
        raise ValidationError(INVALID_NUMBER, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_or_blank(value):
    try:
        return normalize(value)
    except ValidationError:
        return ""


def display(phone):
    """``+8613800138000`` → ``138 0013 8000``, as she reads her own number."""
    digits = phone.removeprefix("+86")
    if len(digits) != 11:
        return phone
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"


class PhoneField(forms.CharField):
    """A mainland mobile number; cleans to E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "inputmode": "tel",
                    "autocomplete": "tel",
                    "placeholder": "138 0013 8000",
                }
            ),
        )
        kwargs.pop("validators", None)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value:
            value = normalize(value)
        return value


# --- how often texts go out ------------------------------------------------------

_APP = "academy"
_LIMITS = (
    # (action in ACADEMY_SMS_RATE_LIMITS, key, message when reached)
    ("sms_all", lambda phone: "all", TOO_MANY_ON_SITE),
    ("sms_address", lambda phone: None, TOO_MANY_FROM_ADDRESS),
    ("sms_number", lambda phone: phone, TOO_MANY_TO_NUMBER),
)


def _check(request, phone, *, dry_run):
    usages = []
    for action, key, message in _LIMITS:
        usage = allauth_ratelimit.consume(
            request,
            app=_APP,
            action=action,
            config=settings.ACADEMY_SMS_RATE_LIMITS,
            key=key(phone),
            dry_run=dry_run,
            limit_get=True,
        )
        if not usage:
            for earlier in usages:
                earlier.rollback()
            return message
        usages.append(usage)
    return None


def sms_refusal(request, phone):
    """Why a text to ``phone`` would be refused now (a translated message), or None.

    Counts nothing: forms ask before they start a flow, so the visitor sees the
    reason beside the field and nothing is saved.
    """
    return _check(request, phone, dry_run=True)


def consume_sms(request, phone):
    """Count one text to ``phone``; the translated refusal when over a limit, else None.

    Counted the same whether the number has an account or not. While the cache
    is unreachable the counters cannot be read, and texts are refused
    (academy/cache.py fails these closed).
    """
    return _check(request, phone, dry_run=False)


def signs_in(user):
    """Whether a code texted to ``user.phone`` may sign her in.

    A verified number does. An unverified one only for an account made by a phone
    sign-up and left before its code (no password, no e-mail): the number is all it
    has, and the code proves it.
    """
    if not user.phone or not user.is_active:
        return False
    return user.phone_verified or (not user.email and not user.has_usable_password())
