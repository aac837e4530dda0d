"""Referral codes, the visits they bring and the sign-ups attributed to them."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_referral_code():
    # 72 random bits: not guessable, short enough for a QR code and a link.
    return secrets.token_urlsafe(9)


class ReferralCode(models.Model):
    """A shopkeeper's secret referral code; one per user, unique."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referral_code",
        verbose_name=_("sharer"),
    )
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_referral_code)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "academy_referralcode"  # kept from when it was part of academy
        verbose_name = _("referral code")
        verbose_name_plural = _("referral codes")

    def __str__(self):
        return self.code


class ReferralVisit(models.Model):
    """A visitor who opened a card's link; counted once per visitor and code."""

    code = models.ForeignKey(
        ReferralCode, on_delete=models.CASCADE, related_name="visits", verbose_name=_("code")
    )
    visitor = models.CharField(_("visitor"), max_length=64)
    card = models.CharField(_("card"), max_length=80)
    visited_at = models.DateTimeField(_("visited at"), default=timezone.now)

    class Meta:
        db_table = "academy_referralvisit"  # kept from when it was part of academy
        verbose_name = _("referral visit")
        verbose_name_plural = _("referral visits")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "visitor"], name="academy_one_visit_per_visitor"
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.card}"


class Referral(models.Model):
    """A sign-up attributed to the first card its person opened (within 30 days).

    It counts for the sharer only once ``credited_at`` is set: when the new
    shopkeeper's shop ID is verified. One visitor (the browser that opened the
    card) brings at most one referral, however many accounts she signs up.
    """

    sharer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("sharer"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referred_by",
        verbose_name=_("new shopkeeper"),
    )
    card = models.CharField(_("card"), max_length=80, blank=True)
    first_visit_at = models.DateTimeField(_("first visit at"))
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    visitor = models.CharField(_("visitor"), max_length=64, blank=True)
    credited_at = models.DateTimeField(_("credited at"), null=True, blank=True)

    class Meta:
        db_table = "academy_referral"  # kept from when it was part of academy
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(sharer=models.F("user")), name="academy_referral_not_self"
            ),
            models.UniqueConstraint(
                fields=["visitor"],
                condition=~models.Q(visitor=""),
                name="academy_one_referral_per_visitor",
            ),
        ]
        indexes = [models.Index(fields=["sharer", "-signed_up_at"], name="academy_referral_sharer")]

    def __str__(self):
        return f"{self.sharer} → {self.user}"


__all__ = ["Referral", "ReferralCode", "ReferralVisit", "new_referral_code"]
