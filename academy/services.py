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

from academy import claims, hooks, mail, roles
from academy.errors import DomainError
from academy.models import Notification, OutboundEmail, PlatformEntry, ShopkeeperProfile, User
from academy.notices import delivery
from academy.platform import LEEWAY, PlatformEntryError, StaffEntryError, UsedEntryError

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5


def register_shopkeeper(user, *, shop_id):
    """Give a new account the shopkeeper role and its (incomplete) shop profile."""
    with transaction.atomic():
        profile = ShopkeeperProfile.objects.create(user=user, shop_id=shop_id)
        user.groups.add(Group.objects.get(name=roles.SHOPKEEPER))
    return profile


class ProfileError(DomainError):
    """A profile change that cannot be made; nothing was saved."""


class ShopVerificationError(DomainError):
    """A shop ID could not be verified; the message says why."""

    default_code = "shop_verification"


# Every team leader change takes this lock: no row alone guards "no circles".
TEAM_TREE_LOCK = "academy:team-tree"


def find_team_leader(profile, shop_id):
    """The profile that ``shop_id`` names as her team leader, or ProfileError saying why not.

    Several accounts may claim one ID: the verified one leads, else the first
    claim. A leader inside her own team would make a circle and is refused.
    """
    if shop_id == profile.shop_id:
        raise ProfileError(_("You cannot be your own team leader."), "own_leader")
    leader = (
        ShopkeeperProfile.objects.filter(shop_id=shop_id).order_by("-shop_verified", "pk").first()
    )
    if leader is None:
        raise ProfileError(
            _("No shopkeeper has the shop ID %(shop_id)s.") % {"shop_id": shop_id}, "no_leader"
        )
    check_team_leader(profile, leader)
    return leader


def check_team_leader(profile, leader):
    """ProfileError unless ``leader`` may lead her: not herself, not inside her own team."""
    if leader.pk == profile.pk:
        raise ProfileError(_("You cannot be your own team leader."), "own_leader")
    seen, current = set(), leader
    while current is not None and current.pk not in seen:
        if current.pk == profile.pk:
            raise ProfileError(
                _("%(shop_id)s is in your own team, so cannot be your team leader.")
                % {"shop_id": leader.shop_id},
                "circle",
            )
        seen.add(current.pk)
        current = current.team_leader


def update_profile(profile, *, display_name, province, city, time_zone, team_leader_shop_id):
    """She completes or edits her shop profile (her shop ID and level are not hers to set,
    nor her team once the platform has said who leads it).

    A new team leader is looked up again under the team-tree lock, so two changes
    at once never make a circle, and her new team follows in the same transaction
    (``hooks.TEAM_CHANGED``: plans, team pages).
    """
    with transaction.atomic():
        claims.lock_named(TEAM_TREE_LOCK)
        profile = ShopkeeperProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.team_from_platform:
            leader = profile.team_leader
        elif team_leader_shop_id:
            leader = find_team_leader(profile, team_leader_shop_id)
        else:
            leader = None
        profile.province, profile.city = province, city
        if profile.completed_at is None:
            profile.completed_at = timezone.now()
        profile.save(update_fields=["province", "city", "completed_at"])
        user = profile.user
        user.display_name, user.time_zone = display_name, time_zone
        user.save(update_fields=["display_name", "time_zone"])
        _change_leader(profile, leader)
    return profile


def set_team_leader(profile, leader, *, from_platform=False):
    """Put her in ``leader``'s team (or in none), for staff tools and imports.

    The same lock, circle check and consequences as her own profile change. When
    the platform says so (``from_platform``), her team is no longer hers to edit.
    """
    with transaction.atomic():
        claims.lock_named(TEAM_TREE_LOCK)
        profile = ShopkeeperProfile.objects.select_for_update().get(pk=profile.pk)
        if leader is not None:
            check_team_leader(profile, leader)
        _change_leader(profile, leader)
        if from_platform and not profile.team_from_platform:
            profile.team_from_platform = True
            profile.save(update_fields=["team_from_platform"])
    return profile


def _change_leader(profile, leader):
    leader_id = leader.pk if leader is not None else None
    if leader_id == profile.team_leader_id:
        return
    profile.team_leader = leader
    profile.save(update_fields=["team_leader"])
    hooks.run(hooks.TEAM_CHANGED, profile)


def verify_shop(profile, *, by, level=None):
    """Staff confirm that ``profile`` owns its shop ID (and set her level).

    What the apps above attach to a verified shop follows (``hooks.SHOP_VERIFIED``:
    her shop's imported months, the referral credit of her sign-up).
    Only one profile holds a shop ID verified: the lock and the database
    constraint keep it so; a second one is refused with the holder's name.
    """
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
        hooks.run(hooks.SHOP_VERIFIED, profile)
    return profile


def unverify_shop(profile, *, by):
    """Take back a verification (``hooks.SHOP_UNVERIFIED``: her shop's months wait again)."""
    with transaction.atomic():
        profile = ShopkeeperProfile.objects.select_for_update().get(pk=profile.pk)
        profile.shop_verified = False
        profile.shop_verified_at = None
        profile.shop_verified_by = None
        profile.save(update_fields=["shop_verified", "shop_verified_at", "shop_verified_by"])
        hooks.run(hooks.SHOP_UNVERIFIED, profile)
    logger.info("Shop ID %s of profile %s unverified by %s", profile.shop_id, profile.pk, by.pk)
    return profile


def enter_from_platform(entry):
    """The platform's entry link: sign her in as the owner of the shop it names.

    In one transaction: the link's ``jti`` is used up (a replay or a second tab is
    refused by its unique row), the shop's account is found or made, verified, and
    given the level, region and team leader the platform sent. Staff accounts are
    never signed in this way. Returns the user to sign in.
    """
    with transaction.atomic():
        # Two links of one new shop at once must not make two accounts.
        claims.lock_named(f"academy:platform-shop:{entry.shop_id}")
        PlatformEntry.objects.filter(expires_at__lt=timezone.now() - 2 * LEEWAY).delete()
        profile = _profile_of_shop(entry.shop_id)
        if profile is not None:
            _check_may_enter(profile.user)
        try:
            with transaction.atomic():
                used = PlatformEntry.objects.create(
                    jti=entry.jti, shop_id=entry.shop_id, expires_at=entry.expires_at
                )
        except IntegrityError:
            raise UsedEntryError() from None
        if profile is None:
            profile = _new_platform_shopkeeper(entry.shop_id)
        try:
            profile = verify_shop(profile, by=None, level=entry.level)
        except ShopVerificationError:
            raise PlatformEntryError() from None
        _take_platform_region(profile, entry)
        _take_platform_leader(profile, entry.leader_shop_id)
        used.user = profile.user
        used.save(update_fields=["user"])
    logger.info("Shop ID %s entered from the platform as user %s", entry.shop_id, used.user_id)
    return profile.user


def _profile_of_shop(shop_id):
    """Whoever holds the shop ID verified, else its earliest claim, else None."""
    return (
        ShopkeeperProfile.objects.filter(shop_id=shop_id)
        .select_related("user")
        .order_by("-shop_verified", "pk")
        .first()
    )


def _has_staff_access(user):
    """Staff roles, Django staff or superusers, or any way into the admin."""
    return (
        user.is_staff
        or user.is_superuser
        or roles.has_staff_role(user)
        or user.has_perm("wagtailadmin.access_admin")
    )


def _check_may_enter(user):
    if _has_staff_access(user):
        raise StaffEntryError()
    if not user.is_active:
        raise PlatformEntryError()


def _new_platform_shopkeeper(shop_id):
    # No e-mail address and no password: the platform's link is how she signs in
    # until she adds an address of her own.
    user = User(email=None)
    user.set_unusable_password()
    user.save()
    return register_shopkeeper(user, shop_id=shop_id)


def _take_platform_region(profile, entry):
    changed = [
        name
        for name in ("province", "city")
        if getattr(entry, name) and getattr(entry, name) != getattr(profile, name)
    ]
    for name in changed:
        setattr(profile, name, getattr(entry, name))
    if changed:
        profile.save(update_fields=changed)


def _take_platform_leader(profile, leader_shop_id):
    """Her leader is the verified holder of the shop ID the platform names, if there is one."""
    if not leader_shop_id:
        return
    leader = ShopkeeperProfile.objects.filter(shop_id=leader_shop_id, shop_verified=True).first()
    if leader is None:
        logger.info(
            "Leader shop ID %s of shop ID %s has no verified account yet: team unchanged",
            leader_shop_id,
            profile.shop_id,
        )
        return
    try:
        set_team_leader(profile, leader, from_platform=True)
    except ProfileError as error:
        logger.warning(
            "Leader shop ID %s refused for shop ID %s (%s): team unchanged",
            leader_shop_id,
            profile.shop_id,
            error.code,
        )


def render_for(user, template_name, context):
    """Render a notice template in the recipient's language and time zone."""
    with (
        translation.override(user.language or settings.LANGUAGE_CODE),
        timezone.override(user.zone),
    ):
        return render_to_string(template_name, {"user": user, **context}).strip()


def notify(
    user, *, key, title, body="", url="", email=True, kind=None, context=None, event_start=None
):
    """Send a notice on her channels, at most once per ``key`` and channel.

    In the academy always; by e-mail when she keeps it on (``email=False``: never);
    on her phone by WeChat, else SMS, as ``kind`` allows (``academy.notices``).
    ``context`` holds what the kind's SMS and WeChat templates need; ``event_start``
    is when what it is about starts (a reminder within the hour beats quiet hours).
    Every row is written in the caller's transaction: if it rolls back, nothing is
    sent; the relays send after the commit, or the periodic ones later if the broker
    is down. Returns False when a notice with this key already exists.
    """
    notice = delivery.Notice(user, key, title, body, url, kind, context, event_start)
    try:
        with transaction.atomic():
            Notification.objects.create(
                user=user, key=key, kind=notice.kind.name, title=title, body=body, url=url
            )
            wants_email, rows = delivery.plan([notice], email=email)
            if wants_email[0]:
                OutboundEmail.objects.create(**_email_fields(notice))
            delivery.write(rows)
    except IntegrityError:
        return False
    _queue_email_relay()
    return True


def notify_many(notices, *, email=True, kind=None, context=None, event_start=None):
    """``notify`` for many people at once: a fixed number of queries, whatever their number.

    ``notices`` are ``(user, key, title, body, url)``, or with a sixth item, her own
    template ``context`` (added to the shared one); ``kind`` and ``event_start`` are
    the same for all. Keys already used are skipped, so a batch written twice sends
    once. Call it inside the transaction that records the batch as done.
    """
    planned = [
        delivery.Notice(
            user, key, title, body, url, kind, {**(context or {}), **dict(*rest)}, event_start
        )
        for user, key, title, body, url, *rest in notices
    ]
    existing = set(
        Notification.objects.filter(key__in=[n.key for n in planned]).values_list("key", flat=True)
    )
    fresh = [n for n in planned if n.key not in existing]
    rows = [
        Notification(
            user=n.user, key=n.key, kind=n.kind.name, title=n.title, body=n.body, url=n.url
        )
        for n in fresh
    ]
    wants_email, deliveries = delivery.plan(fresh, email=email)
    emails = [
        OutboundEmail(**_email_fields(n)) for n, on in zip(fresh, wants_email, strict=True) if on
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    OutboundEmail.objects.bulk_create(emails, ignore_conflicts=True)
    from academy import usercache, userpages

    # A bulk insert sends no signals: drop the unread counts and kept pages it changed here.
    notified = {row.user_id for row in rows}
    usercache.forget("unread", *notified)
    userpages.bump_users(*notified)
    delivery.write(deliveries)
    if emails or deliveries:
        _queue_email_relay()
    return len(planned)


def _email_fields(notice):
    url = notice.url
    link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    return {
        "key": notice.key,
        "kind": notice.kind.name,
        "to": notice.user.email,
        "subject": mail.notice_subject(notice.title),
        "body": f"{notice.body}\n\n{link}".strip(),
    }


# After the broker refuses a kick, the next ones are skipped for this long: the
# periodic relays send the notices, and requests do not wait on a dead broker.
BROKER_RETRY_SECONDS = 30
_broker_failed_at = None


def _queue_email_relay():
    """Kick the relays once when the transaction commits, however many notices it wrote."""
    connection = transaction.get_connection()
    if any(entry[1] is _kick_email_relay for entry in connection.run_on_commit):
        return
    transaction.on_commit(_kick_email_relay)


def _kick_email_relay():
    """Queue the e-mail relay and the WeChat/SMS relay (``academy.notices``)."""
    global _broker_failed_at
    from academy.tasks import send_pending_emails, send_pending_notices

    if (
        _broker_failed_at is not None
        and time.monotonic() - _broker_failed_at < BROKER_RETRY_SECONDS
    ):
        return
    try:
        send_pending_emails.delay()
        send_pending_notices.delay()
    except Exception:  # noqa: BLE001 - the periodic relays will send them
        _broker_failed_at = time.monotonic()
        logger.warning("Could not queue the notice relays; the periodic tasks will send them")
    else:
        _broker_failed_at = None


def claim_due_emails(limit=100):
    """Rows ready to send, claimed so that no other worker sends them too."""
    now = timezone.now()
    with transaction.atomic():
        qs = OutboundEmail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        qs = qs.filter(attempts__lt=MAX_EMAIL_ATTEMPTS).order_by("next_attempt_at", "id")
        ids = list(claims.claim(qs).values_list("id", flat=True)[:limit])
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


def mark_notifications_read(user, ids=None):
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    from academy import usercache, userpages

    # After the write: outside a transaction, a drop before it could be refilled
    # with the old rows.
    changed = qs.update(read_at=timezone.now())
    usercache.forget("unread", user.pk)
    userpages.bump_users(user.pk)
    return changed
