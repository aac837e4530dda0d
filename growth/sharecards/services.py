"""Referral codes, visits and first-touch attribution of sign-ups."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy import userpages
from growth.models import Referral, ReferralCode, ReferralVisit

REF_COOKIE = "academy_ref"
VISITOR_COOKIE = "academy_visitor"
SALT = "growth.sharecards.referral"


def code_of(user):
    """The user's referral code, created on first use."""
    code, _created = ReferralCode.objects.get_or_create(user=user)
    return code


def find_code(value):
    """The code row for a code from a link, or None (forged or unknown)."""
    if not value or len(value) > 16:
        return None
    return ReferralCode.objects.select_related("user").filter(code=value).first()


def new_visitor_id():
    return secrets.token_urlsafe(16)


def _visitor_key(visitor_id):
    # Only a hash of the cookie is stored: the table never holds a usable identifier.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{visitor_id}".encode()).hexdigest()


def record_visit(code, visitor_id, card_key):
    """Count a visitor once per code; returns True when this visit was new."""
    try:
        with transaction.atomic():
            ReferralVisit.objects.create(
                code=code, visitor=_visitor_key(visitor_id), card=card_key[:80]
            )
    except IntegrityError:
        return False
    return True


def first_touch_value(code, card_key, visitor_id="", now=None):
    """The signed referral cookie: the card, when it was opened, and by which visitor."""
    now = now or timezone.now()
    return signing.dumps(
        {"c": code.code, "k": card_key, "t": int(now.timestamp()), "v": visitor_id}, salt=SALT
    )


def read_first_touch(value, now=None):
    """(code, card key, first visit time, visitor id) of a still valid cookie, else None."""
    if not value:
        return None
    try:
        data = signing.loads(
            value, salt=SALT, max_age=timedelta(days=settings.ACADEMY_REFERRAL_DAYS)
        )
    except signing.BadSignature:
        return None
    visited = datetime.fromtimestamp(data["t"], tz=UTC)
    return data["c"], data["k"], visited, data.get("v", "")


def attribute_signup(user, cookie_value, visitor_id="", now=None):
    """Note which card brought a new account (first touch, within 30 days); not yet credited.

    The visitor is the one in the signed cookie (else the visitor cookie): one
    visitor brings one referral, so signing up again with the same cookie
    brings nothing. Returns the referral, or None.
    """
    touch = read_first_touch(cookie_value, now)
    if touch is None:
        return None
    code = find_code(touch[0])
    visitor = touch[3] or visitor_id
    if code is None or code.user_id == user.pk or not visitor:
        return None
    try:
        with transaction.atomic():
            referral, _created = Referral.objects.get_or_create(
                user=user,
                defaults={
                    "sharer": code.user,
                    "card": touch[1][:80],
                    "first_visit_at": touch[2],
                    "visitor": _visitor_key(visitor),
                },
            )
    except IntegrityError:
        return None  # this visitor already brought someone
    return referral


def credit_referral(profile):
    """Credit the sharer who brought her, once: her shop ID was just verified."""
    waiting = Referral.objects.filter(user_id=profile.user_id, credited_at__isnull=True)
    sharers = list(waiting.values_list("sharer_id", flat=True))
    credited = waiting.update(credited_at=timezone.now())
    userpages.bump_users(profile.user_id, *sharers)
    return credited


def suggested_leader(user):
    """The shopkeeper whose card brought this user: a suggestion for her team leader."""
    referral = (
        Referral.objects.filter(user=user).select_related("sharer__shopkeeper_profile").first()
    )
    if referral is None:
        return None
    return getattr(referral.sharer, "shopkeeper_profile", None)
