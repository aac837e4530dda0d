"""Her channel choices, the state of her channels, and one row per send of a notice."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.notices import kinds


class Channel(models.TextChoices):
    SITE = kinds.SITE, pgettext_lazy("notice channel", "In the academy")
    WECHAT = kinds.WECHAT, pgettext_lazy("notice channel", "WeChat")
    SMS = kinds.SMS, pgettext_lazy("notice channel", "Text message")
    EMAIL = kinds.EMAIL, pgettext_lazy("notice channel", "E-mail")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery", "Pending")
    SENT = "sent", pgettext_lazy("delivery", "Sent")
    FAILED = "failed", pgettext_lazy("delivery", "Failed")
    SKIPPED = "skipped", pgettext_lazy("delivery", "Skipped")


class NoticePreference(models.Model):
    """Her choice of one channel for one group of kinds; without a row the default holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    group = models.CharField(_("kind of notice"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("on"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group", "channel"], name="academy_notice_pref_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.group} {self.channel}: {self.enabled}"


class ChannelState(models.Model):
    """A channel that cannot reach her any more (she unfollowed, the number was refused).

    Set by the relay when the provider says so for good; cleared when she links
    WeChat again or verifies a new phone (``delivery.channel_usable_again``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_states"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    unusable_since = models.DateTimeField(_("unusable since"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unusable channel")
        verbose_name_plural = _("unusable channels")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="academy_channel_state_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.channel}"


class Delivery(models.Model):
    """One send of one notice on one channel: written with the notice, sent by the relay.

    (``key``, ``channel``) is unique, so a notice goes out at most once per channel
    however many times it is written or relayed; the relay claims due rows with
    SKIP LOCKED and sets ``sent_at`` once.
    """

    key = models.CharField(max_length=200)
    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Where it goes (openid, phone, address), fixed when the notice is written.
    to = models.CharField(max_length=200, blank=True)
    # title, body, url, the template's params/data, and the other channels' addresses.
    payload = models.JSONField(default=dict)
    # The start of what it is about: a reminder for something within the hour is urgent.
    event_start = models.DateTimeField(null=True, blank=True)
    fallback_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_message_id = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        permissions = [("view_delivery_figures", _("Can see notice delivery figures"))]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="academy_delivery_once"),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="academy_delivery_sent_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="academy_delivery_due",
            ),
            models.Index(fields=["user", "channel", "sent_at"], name="academy_delivery_user_sent"),
            models.Index(fields=["created_at"], name="academy_delivery_created"),
        ]

    def __str__(self):
        return f"{self.key} [{self.channel}] {self.status}"
