"""Notices on WeChat and by SMS: rows written with the notice, sent by a relay.

``plan`` (called by ``academy.services.notify``) decides, in the caller's
transaction, which channels a notice goes to: always in the academy; by e-mail
when she keeps it on and has an address (as before); and on her phone by the first
of WeChat, then SMS, that the kind allows, she keeps on, and that can reach her.

The relay (``send_due``) claims due rows with SKIP LOCKED, never sends on her phone
during quiet hours (22:00–08:00 her time: postponed to 08:00) unless the notice is
urgent or about something starting within the hour (or before 08:00), keeps to the
daily SMS limit,
retries temporary errors with exponential back-off, and when a channel fails for good
(she unfollowed, the number is refused, the limit is reached) falls back once to the
next channel: WeChat → SMS → e-mail (e-mail even if she switched it off for the
group: it is the only way left to reach her outside the academy).
"""

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from academy import claims, mail
from academy.notices import kinds
from academy.notices.models import ChannelState, Delivery, DeliveryStatus, NoticePreference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=2)
QUIET_FROM, QUIET_UNTIL = time(22), time(8)
URGENT_WITHIN = timedelta(hours=1)
FALLBACK_ORDER = (kinds.WECHAT, kinds.SMS, kinds.EMAIL)


# --- her phone and her choices ---------------------------------------------------------


def sms_number(user):
    """The number text messages go to, or "" (none, or not verified by a code)."""
    return user.phone if user.phone and user.phone_verified else ""


def default_enabled(group, channel):
    """In the academy and WeChat always; SMS for time-critical groups; e-mail on."""
    if channel == kinds.SMS:
        return kinds.group_time_critical(group)
    return True


def choices_of(user_ids):
    """{user_id: {(group, channel): enabled}} of the choices they made (one query)."""
    chosen = defaultdict(dict)
    for user_id, group, channel, enabled in NoticePreference.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "group", "channel", "enabled"):
        chosen[user_id][group, channel] = enabled
    return chosen


def enabled(chosen, group, channel):
    """Her choice for ``channel`` in ``group`` (``chosen``: her entry of ``choices_of``)."""
    if channel == kinds.SITE:
        return True
    return chosen.get((group, channel), default_enabled(group, channel))


def save_choices(user, values):
    """Save 通知设置: ``values`` maps (group, channel) to on/off; returns how many changed."""
    with transaction.atomic():
        for (group, channel), on in values.items():
            NoticePreference.objects.update_or_create(
                user=user, group=group, channel=channel, defaults={"enabled": bool(on)}
            )
    return len(values)


def channel_usable_again(user, channel):
    """She linked WeChat again, or verified a new phone: use that channel again."""
    return ChannelState.objects.filter(user=user, channel=channel).delete()[0] > 0


# The user fields ``plan`` reads, for callers that load recipients with ``only()``.
RECIPIENT_FIELDS = ("email", "phone", "phone_verified")


def _wechat_relinked(sender, request=None, sociallogin=None, **kwargs):
    account = getattr(sociallogin, "account", None)
    if account is not None and account.provider == "wechat" and account.user_id:
        channel_usable_again(account.user, kinds.WECHAT)


def connect_signals():
    """Linking WeChat again (allauth) makes WeChat usable again."""
    from allauth.socialaccount.signals import social_account_added, social_account_updated

    for signal in (social_account_added, social_account_updated):
        signal.connect(_wechat_relinked, dispatch_uid=f"academy-wechat-relinked-{id(signal)}")


def _mark_unusable(user_id, channel, reason):
    ChannelState.objects.get_or_create(
        user_id=user_id, channel=channel, defaults={"reason": str(reason)[:200]}
    )


def _wechat_linked(user_ids):
    from allauth.socialaccount.models import SocialAccount

    from academy.wechat.accounts import PROVIDER

    return set(
        SocialAccount.objects.filter(user_id__in=user_ids, provider=PROVIDER).values_list(
            "user_id", flat=True
        )
    )


# --- writing a notice's rows -----------------------------------------------------------


class Notice:
    """What ``plan`` needs of one notice; ``context`` feeds the kind's SMS and WeChat templates."""

    __slots__ = ("body", "context", "event_start", "key", "kind", "title", "url", "user")

    def __init__(
        self, user, key, title, body="", url="", kind=None, context=None, event_start=None
    ):
        self.user, self.key, self.title, self.body, self.url = user, key, title, body, url
        self.kind = kinds.get(kind)
        self.context = {"title": str(title), **{k: str(v) for k, v in (context or {}).items()}}
        self.event_start = event_start


def plan(notices, *, email=True):
    """The channels of each notice: (e-mail wanted, phone Delivery rows to write).

    A fixed number of queries for any number of notices. Returns
    ``(email_users, deliveries)``: which notices also go by e-mail, and the unsaved
    Delivery rows (at most one per notice: WeChat, else SMS).
    """
    user_ids = {n.user.pk for n in notices}
    chosen = choices_of(user_ids)
    unusable = set(
        ChannelState.objects.filter(user_id__in=user_ids).values_list("user_id", "channel")
    )
    linked = _wechat_linked(user_ids)
    now = timezone.now()
    wants_email, rows = [], []
    for notice in notices:
        user, kind = notice.user, notice.kind
        mine = chosen.get(user.pk, {})
        email_on = email and bool(user.email) and enabled(mine, kind.group, kinds.EMAIL)
        wants_email.append(email_on)
        routes = {kinds.SMS: sms_number(user), kinds.EMAIL: (user.email or "") if email else ""}
        for channel in kinds.PHONE_CHANNELS:
            reachable = user.pk in linked if channel == kinds.WECHAT else bool(routes[kinds.SMS])
            if (
                kind.allows(channel)
                and enabled(mine, kind.group, channel)
                and (user.pk, channel) not in unusable
                and reachable
            ):
                rows.append(_row(notice, channel, routes, now))
                break
    return wants_email, rows


def _row(notice, channel, routes, now, fallback_of=None):
    kind = notice.kind
    payload = {
        "title": notice.context["title"],
        "body": notice.body,
        "url": notice.url,
        "routes": routes,
        "context": notice.context,
    }
    if channel == kinds.SMS:
        payload["params"] = [str(p) for p in kind.sms_params(notice.context)]
    if channel == kinds.WECHAT:
        payload["data"] = {k: str(v) for k, v in kind.wechat_data(notice.context).items()}
    return Delivery(
        key=notice.key,
        kind=kind.name,
        user_id=notice.user.pk,
        channel=channel,
        to=routes.get(kinds.SMS, "") if channel == kinds.SMS else "",
        payload=payload,
        event_start=notice.event_start,
        fallback_of=fallback_of,
        created_at=now,
        due_at=now,
        next_attempt_at=now,
    )


def write(rows):
    """Save planned rows; a (key, channel) already there is left as it is."""
    if rows:
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- the relay -------------------------------------------------------------------------


def quiet_until(user, now):
    """08:00 her time if ``now`` is in her quiet hours (22:00–08:00), else None."""
    local = timezone.localtime(now, user.zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    wake = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(wake, QUIET_UNTIL, tzinfo=user.zone)


def is_urgent(row, now, wake=None):
    """Sent even in quiet hours: an urgent kind, or about something starting within the
    hour (or before she wakes: waiting would tell her too late)."""
    if kinds.get(row.kind).urgent:
        return True
    if row.event_start is None:
        return False
    return row.event_start <= max(now + URGENT_WITHIN, wake or now)


def claim_due(limit=100, now=None):
    """Due rows, claimed so no other relay sends them; rows in her quiet hours wait.

    Claimed rows move a lease into the future (if this relay dies they come back);
    rows in quiet hours move to 08:00 her time without using an attempt.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        due = due.select_related("user").order_by("next_attempt_at", "id")
        rows = list(claims.claim(due, of=("self",))[:limit])
        taken, waiting = [], defaultdict(list)
        for row in rows:
            wake = quiet_until(row.user, now)
            if wake is not None and not is_urgent(row, now, wake):
                waiting[wake].append(row.pk)
            else:
                taken.append(row)
        for wake, ids in waiting.items():
            Delivery.objects.filter(id__in=ids).update(next_attempt_at=wake)
        Delivery.objects.filter(id__in=[r.pk for r in taken]).update(
            next_attempt_at=now + LEASE, attempts=F("attempts") + 1
        )
    for row in taken:
        row.attempts += 1
    return taken


def send_due(limit=100, batches=10):
    """Send what is due on WeChat and by SMS; returns how many went out.

    Batch after batch, so the fallbacks a batch made go out in the same run.
    """
    sent = 0
    for _batch in range(batches):
        rows = claim_due(limit)
        if not rows:
            break
        unusable = set(
            ChannelState.objects.filter(user_id__in={r.user_id for r in rows}).values_list(
                "user_id", "channel"
            )
        )
        for row in rows:
            sent += _send(row, unusable)
    return sent


def _send(row, unusable):
    from academy import sms
    from academy.wechat import accounts, messages

    if (row.user_id, row.channel) in unusable:
        return _skip(row, "channel unusable")
    try:
        if row.channel == kinds.SMS:
            if not _reserve_sms(row):
                return _skip(row, "daily SMS limit")
            message_id = sms.send(row.to, row.kind, row.payload.get("params", []))
        elif row.channel == kinds.WECHAT:
            openid = accounts.official_openid(row.user)
            if not openid:
                return _skip(row, "no official account openid")
            link = mail.site_link(row.payload["url"]) if row.payload.get("url") else ""
            message_id = messages.send_template(openid, row.kind, row.payload.get("data", {}), link)
        else:
            return _skip(row, "unknown channel")
    except (messages.WeChatUnfollowed, sms.SmsRejected) as exc:
        _mark_unusable(row.user_id, row.channel, exc)
        unusable.add((row.user_id, row.channel))
        _finish(row, DeliveryStatus.FAILED, error=str(exc) or type(exc).__name__)
        fall_back(row)
        return 0
    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried with back-off
        _retry(row, exc)
        return 0
    _finish(row, DeliveryStatus.SENT, message_id=str(message_id or "")[:100])
    return 1


def _midnight(user):
    local = timezone.localtime(timezone.now(), user.zone)
    return datetime.combine(local.date(), time(0), tzinfo=user.zone)


def sms_today(user):
    """Her text messages of today (her calendar day), sent or being sent now."""
    return Delivery.objects.filter(
        user=user,
        channel=kinds.SMS,
        status__in=[DeliveryStatus.SENT, DeliveryStatus.PENDING],
        sent_at__gte=_midnight(user),
    )


def _reserve_sms(row):
    """Count this SMS in today's before it is sent, under her lock: two relays sending
    her messages at once still keep to ``ACADEMY_SMS_DAILY_LIMIT_PER_USER``."""
    with transaction.atomic():
        claims.lock_named(f"academy:sms-day:{row.user_id}")
        if sms_today(row.user).exclude(pk=row.pk).count() >= (
            settings.ACADEMY_SMS_DAILY_LIMIT_PER_USER
        ):
            return False
        Delivery.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    return True


def _finish(row, status, *, message_id="", error=""):
    now = timezone.now()
    Delivery.objects.filter(pk=row.pk, status=DeliveryStatus.PENDING).update(
        status=status,
        provider_message_id=message_id,
        error=error[:1000],
        sent_at=now if status == DeliveryStatus.SENT else None,
    )


def _skip(row, reason):
    _finish(row, DeliveryStatus.SKIPPED, error=reason)
    fall_back(row)
    return 0


def _retry(row, exc):
    error = f"{type(exc).__name__}: {exc}"[:1000]
    if row.attempts >= MAX_ATTEMPTS:
        logger.warning(
            "Notice %s on %s failed after %s attempts", row.key, row.channel, row.attempts
        )
        _finish(row, DeliveryStatus.FAILED, error=error)
        return
    wait = min(FIRST_RETRY * 2 ** (row.attempts - 1), LONGEST_RETRY)
    Delivery.objects.filter(pk=row.pk, status=DeliveryStatus.PENDING).update(
        next_attempt_at=timezone.now() + wait, error=error, sent_at=None
    )


def fall_back(row):
    """The next channel for the notice of ``row``, once: WeChat → SMS → e-mail.

    The next one must be allowed by the kind, have no row for this notice yet, and
    (for the phone channels) be on in her choices and usable. Returns the channel or None.
    """
    kind = kinds.get(row.kind)
    tried = set(Delivery.objects.filter(key=row.key).values_list("channel", flat=True))
    routes = row.payload.get("routes", {})
    chosen = choices_of([row.user_id]).get(row.user_id, {})
    unusable = set(
        ChannelState.objects.filter(user_id=row.user_id).values_list("channel", flat=True)
    )
    start = FALLBACK_ORDER.index(row.channel) + 1 if row.channel in FALLBACK_ORDER else 0
    for channel in FALLBACK_ORDER[start:] + FALLBACK_ORDER[:start]:
        if channel in tried or channel == row.channel or not kind.allows(channel):
            continue
        if channel == kinds.EMAIL:
            return kinds.EMAIL if _email_fallback(row, routes.get(kinds.EMAIL, "")) else None
        if channel in unusable or not enabled(chosen, kind.group, channel):
            continue
        if channel == kinds.WECHAT and row.user_id not in _wechat_linked([row.user_id]):
            continue
        if channel == kinds.SMS and not routes.get(kinds.SMS):
            continue
        notice = Notice(
            row.user,
            row.key,
            row.payload.get("title", ""),
            row.payload.get("body", ""),
            row.payload.get("url", ""),
            kind=row.kind,
            context=row.payload.get("context"),
            event_start=row.event_start,
        )
        try:
            with transaction.atomic():
                _row(notice, channel, routes, timezone.now(), fallback_of=row).save()
        except IntegrityError:
            return None
        return channel
    return None


def _email_fallback(row, address):
    """Queue the notice's e-mail if it has none yet (its unique key says so)."""
    from academy.models import OutboundEmail

    if not address:
        return False
    url = row.payload.get("url", "")
    link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                key=row.key,
                kind=row.kind,
                to=address,
                subject=mail.notice_subject(row.payload.get("title", "")),
                body=f"{row.payload.get('body', '')}\n\n{link}".strip(),
            )
        ],
        ignore_conflicts=True,
    )
    exists_now = OutboundEmail.objects.filter(key=row.key, sent_at__isnull=True).exists()
    if exists_now:
        from academy.services import _queue_email_relay

        _queue_email_relay()
    return exists_now


# --- figures for staff -----------------------------------------------------------------


def figures(since):
    """Sent, failed, pending and skipped per channel and kind since ``since`` (three queries)."""
    from academy.models import Notification, OutboundEmail

    table = defaultdict(lambda: dict.fromkeys(DeliveryStatus.values, 0))
    for channel, kind, status, count in (
        Delivery.objects.filter(created_at__gte=since)
        .values_list("channel", "kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        table[channel, kind][status] += count
    failed = Q(sent_at__isnull=True, attempts__gte=MAX_ATTEMPTS)
    for kind, sent, failed_n, total in (
        OutboundEmail.objects.filter(created_at__gte=since)
        .values_list("kind")
        .annotate(
            sent=Count("id", filter=Q(sent_at__isnull=False)),
            failed=Count("id", filter=failed),
            total=Count("id"),
        )
        .order_by()
    ):
        row = table[kinds.EMAIL, kind]
        row["sent"] += sent
        row["failed"] += failed_n
        row["pending"] += total - sent - failed_n
    for kind, count in (
        Notification.objects.filter(created_at__gte=since)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        table[kinds.SITE, kind]["sent"] += count
    order = {channel: i for i, channel in enumerate(kinds.CHANNELS)}
    return sorted(table.items(), key=lambda item: (order.get(item[0][0], 9), item[0][1]))
