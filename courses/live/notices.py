"""Notices to everyone signed up for a live session, in batches that survive a dead worker.

A due ``LiveNoticeRun`` is claimed (``academy.claims.claim``: SKIP LOCKED);
its sign-ups are read by key range (ID after the cursor, a batch at a time),
so 50,000 people never sit in memory at once. Each batch writes its notices
(unique keys) and moves the cursor in one transaction: if the worker dies,
the batch rolls back and the next run redoes only it; nobody hears twice.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from academy.claims import claim
from academy.models import User
from academy.notices import delivery
from academy.services import notify_many, render_for
from courses.models import LiveNoticeKind, LiveNoticeRun, LiveSessionState, LiveSignup

TITLES = {
    LiveNoticeKind.REMINDER: _("Live session soon: %(title)s"),
    LiveNoticeKind.MOVED: _("New time for the live session: %(title)s"),
    LiveNoticeKind.CANCELLED: _("Live session cancelled: %(title)s"),
}
TEMPLATES = {
    LiveNoticeKind.REMINDER: "courses/live/notices/reminder.txt",
    LiveNoticeKind.MOVED: "courses/live/notices/moved.txt",
    LiveNoticeKind.CANCELLED: "courses/live/notices/cancelled.txt",
}
RECIPIENT_FIELDS = ("id", "display_name", "language", "time_zone")
# Kinds of notice (academy.notices.kinds), registered in courses.apps.
LIVE_STARTING = "live_starting"
LIVE_NEWS = "live_news"
# Reminders this close to the start are time-critical (SMS allowed).
STARTING_MINUTES = 60


def send_due(now=None, *, batch_size=None, max_batches=None):
    """Work through due notice runs; returns how many notices went out."""
    now = now or timezone.now()
    batch_size = batch_size or settings.LIVE_NOTICE_BATCH
    max_batches = max_batches or settings.LIVE_NOTICE_BATCHES_PER_RUN
    sent = 0
    for _batch in range(max_batches):
        done = send_batch(now, batch_size)
        if done is None:
            break
        sent += done
    return sent


def _claim(now):
    due = LiveNoticeRun.objects.filter(
        finished_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now
    ).order_by("due_at", "id")
    return claim(due).select_related("session__mentor__user").first()


def _stale(run, state, now):
    session = run.session
    if state is None or run.sequence != state.sequence or not session.live:
        return True
    if run.kind == LiveNoticeKind.REMINDER:
        # Too late to remind, or a shorter reminder is due as well (the beat was down).
        return session.cancelled or session.start <= now or _shorter_due(run, now)
    return False


def _shorter_due(run, now):
    return (
        LiveNoticeRun.objects.filter(
            session_id=run.session_id,
            kind=LiveNoticeKind.REMINDER,
            sequence=run.sequence,
            minutes_before__lt=run.minutes_before,
            due_at__lte=now,
            cancelled_at__isnull=True,
        )
        .exclude(pk=run.pk)
        .exists()
    )


def send_batch(now, batch_size):
    """Send one batch of one due run in one transaction; None when nothing is due."""
    with transaction.atomic():
        run = _claim(now)
        if run is None:
            return None
        state = LiveSessionState.objects.filter(session_id=run.session_id).first()
        if _stale(run, state, now):
            run.cancelled_at = now
            run.save(update_fields=["cancelled_at"])
            return 0
        signups = list(
            LiveSignup.objects.filter(session_id=run.session_id, id__gt=run.cursor)
            .order_by("id")
            .values_list("id", "user_id")[:batch_size]
        )
        fields = (*RECIPIENT_FIELDS, *delivery.RECIPIENT_FIELDS)
        users = User.objects.only(*fields).in_bulk([u for _i, u in signups])
        deliver(run, [users[u] for _i, u in signups if u in users])
        if signups:
            run.cursor = signups[-1][0]
            run.sent += len(signups)
        if len(signups) < batch_size:
            run.finished_at = now
        run.save(update_fields=["cursor", "sent", "finished_at"])
        return len(signups)


def deliver(run, users):
    """Write the in-site notices and e-mails of one batch (same text per language and zone)."""
    session = run.session
    url = session.get_url() or ""
    rendered = {}
    notices = []
    for user in users:
        shape = (user.language or settings.LANGUAGE_CODE, user.time_zone)
        if shape not in rendered:
            rendered[shape] = _render(run, user)
        title, body, at = rendered[shape]
        key = f"live:{run.session_id}:{run.kind}:{run.minutes_before}:{run.sequence}:{user.pk}"
        notices.append((user, key, title, body, url, {"when": at}))
    reminder = run.kind == LiveNoticeKind.REMINDER
    notify_many(
        notices,
        kind=LIVE_STARTING if reminder and run.minutes_before <= STARTING_MINUTES else LIVE_NEWS,
        context={"name": session.title},
        event_start=session.start if reminder else None,
    )


def _render(run, user):
    session = run.session
    with translation.override(user.language or settings.LANGUAGE_CODE):
        title = str(TITLES[run.kind]) % {"title": session.title}
        body = render_for(
            user,
            TEMPLATES[run.kind],
            {
                "session": session,
                "mentor": session.mentor.user if session.mentor_id else None,
                "run": run,
                "hours": run.minutes_before // 60,
                "minutes": run.minutes_before % 60,
            },
        )
    with timezone.override(user.zone):
        at = f"{timezone.localtime(session.start):%m-%d %H:%M}"
    return title, body, at
