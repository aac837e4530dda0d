"""Use cases of accounts and notifications."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from academy import mail, roles
from academy.models import Notification, OutboundEmail, ShopkeeperProfile, ShopMonth, User

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5


def register_shopkeeper(user, *, shop_id):
    """Give a new account the shopkeeper role and its (incomplete) shop profile."""
    with transaction.atomic():
        profile = ShopkeeperProfile.objects.create(user=user, shop_id=shop_id)
        user.groups.add(Group.objects.get(name=roles.SHOPKEEPER))
    return profile


class ShopVerificationError(Exception):
    """A shop ID could not be verified; the message says why."""


def verify_shop(profile, *, by, level=None):
    """Staff confirm that ``profile`` owns its shop ID (and set her level).

    Her shop's imported months and the referral credit of her sign-up follow.
    Only one profile holds a shop ID verified: the lock and the database
    constraint keep it so; a second one is refused with the holder's name.
    """
    from academy.sharecards.services import credit_referral

    with transaction.atomic():
        profile = ShopkeeperProfile.objects.select_for_update().get(pk=profile.pk)
        holder = (
            ShopkeeperProfile.objects.filter(shop_id=profile.shop_id, shop_verified=True)
            .exclude(pk=profile.pk)
            .select_related("user")
            .first()
        )
        if holder is not None:
            raise ShopVerificationError(
                _("Shop ID %(shop_id)s is already verified for %(name)s. Undo that first.")
                % {"shop_id": profile.shop_id, "name": holder.user}
            )
        if not profile.shop_verified:
            profile.shop_verified = True
            profile.shop_verified_at = timezone.now()
            profile.shop_verified_by = by
        if level is not None:
            profile.level = level
        try:
            with transaction.atomic():
                profile.save(
                    update_fields=["shop_verified", "shop_verified_at", "shop_verified_by", "level"]
                )
        except IntegrityError:
            raise ShopVerificationError(
                _("Shop ID %(shop_id)s was verified for another account just now.")
                % {"shop_id": profile.shop_id}
            ) from None
        ShopMonth.objects.filter(shop_id=profile.shop_id).update(profile=profile)
        credit_referral(profile.user)
    return profile


def unverify_shop(profile, *, by):
    """Take back a verification: the shop's months go back to waiting for their owner."""
    with transaction.atomic():
        profile = ShopkeeperProfile.objects.select_for_update().get(pk=profile.pk)
        profile.shop_verified = False
        profile.shop_verified_at = None
        profile.shop_verified_by = None
        profile.save(update_fields=["shop_verified", "shop_verified_at", "shop_verified_by"])
        ShopMonth.objects.filter(profile=profile).update(profile=None)
    logger.info("Shop ID %s of profile %s unverified by %s", profile.shop_id, profile.pk, by.pk)
    return profile


def render_for(user, template_name, context):
    """Render a notice template in the recipient's language and time zone."""
    with (
        translation.override(user.language or settings.LANGUAGE_CODE),
        timezone.override(user.zone),
    ):
        return render_to_string(template_name, {"user": user, **context}).strip()


def notify(user, *, key, title, body="", url="", email=True):
    """Send an in-site notice and queue its e-mail, at most once per ``key``.

    Both rows are written in the caller's transaction: if it rolls back, nothing
    is sent; if the broker is down, the periodic relay sends the e-mail later.
    Returns False when a notice with this key already exists.
    """
    try:
        with transaction.atomic():
            Notification.objects.create(user=user, key=key, title=title, body=body, url=url)
            if email and user.email:
                link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
                OutboundEmail.objects.create(
                    key=key,
                    to=user.email,
                    subject=mail.notice_subject(title),
                    body=f"{body}\n\n{link}".strip(),
                )
    except IntegrityError:
        return False
    _queue_email_relay()
    return True


def notify_many(notices, *, email=True):
    """``notify`` for many people at once: two inserts, whatever the number of notices.

    ``notices`` are ``(user, key, title, body, url)``; keys already used are
    skipped by the unique constraints, so a batch written twice sends once.
    Call it inside the transaction that records the batch as done.
    """
    rows, emails = [], []
    for user, key, title, body, url in notices:
        rows.append(Notification(user=user, key=key, title=title, body=body, url=url))
        if email and user.email:
            link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
            emails.append(
                OutboundEmail(
                    key=key,
                    to=user.email,
                    subject=mail.notice_subject(title),
                    body=f"{body}\n\n{link}".strip(),
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    OutboundEmail.objects.bulk_create(emails, ignore_conflicts=True)
    if emails:
        _queue_email_relay()
    return len(rows)


# After the broker refuses a kick, the next ones are skipped for this long: the
# periodic relay sends the e-mails, and requests do not wait on a dead broker.
BROKER_RETRY_SECONDS = 30
_broker_failed_at = None


def _queue_email_relay():
    """Kick the e-mail relay once when the transaction commits, however many notices it wrote."""
    connection = transaction.get_connection()
    if any(entry[1] is _kick_email_relay for entry in connection.run_on_commit):
        return
    transaction.on_commit(_kick_email_relay)


def _kick_email_relay():
    global _broker_failed_at
    from academy.tasks import send_pending_emails

    if (
        _broker_failed_at is not None
        and time.monotonic() - _broker_failed_at < BROKER_RETRY_SECONDS
    ):
        return
    try:
        send_pending_emails.delay()
    except Exception:  # noqa: BLE001 - the periodic relay will send it
        _broker_failed_at = time.monotonic()
        logger.warning("Could not queue the e-mail relay; the periodic task will send it")
    else:
        _broker_failed_at = None


def claim_due_emails(limit=100):
    """Rows ready to send, claimed so that no other worker sends them too."""
    now = timezone.now()
    with transaction.atomic():
        qs = OutboundEmail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        qs = qs.filter(attempts__lt=MAX_EMAIL_ATTEMPTS).order_by("next_attempt_at", "id")
        if connection_supports_skip_locked():
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("id", flat=True)[:limit])
        # Push the claimed rows into the future: a second relay skips them, and
        # if this one dies they become due again after the lease.
        OutboundEmail.objects.filter(id__in=ids).update(
            next_attempt_at=now + timedelta(minutes=5), attempts=F("attempts") + 1
        )
    return ids


def send_due_emails(limit=100):
    """Send queued e-mails (text and HTML, see academy/mail.py); returns how many went out."""
    sent = 0
    rows = list(OutboundEmail.objects.filter(id__in=claim_due_emails(limit), sent_at__isnull=True))
    # The HTML part's own words (the footer) in each recipient's language.
    languages = dict(
        User.objects.filter(email__in={row.to for row in rows}).values_list("email", "language")
    )
    for row in rows:
        try:
            with translation.override(languages.get(row.to) or settings.LANGUAGE_CODE):
                message = mail.compose(row.subject, row.body, [row.to])
            message.send()
        except Exception as exc:  # noqa: BLE001 - recorded on the row, retried later
            OutboundEmail.objects.filter(id=row.id).update(last_error=str(exc)[:1000])
            continue
        OutboundEmail.objects.filter(id=row.id).update(sent_at=timezone.now(), last_error="")
        sent += 1
    return sent


def connection_supports_skip_locked():
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked


def mark_notifications_read(user, ids=None):
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    from academy import usercache

    usercache.forget("unread", user.pk)
    return qs.update(read_at=timezone.now())
