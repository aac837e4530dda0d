"""Use cases of live sessions: sign up, join, ask and vote, watch the replay, reschedule.

A sign-up counts itself on the session's ``LiveSessionState`` row with one
conditional UPDATE (the row lock is held only until the commit), so a burst of
thousands never goes over the capacity and the counter always equals the
rows; the unique constraint on (session, user) is the last word on
duplicates. Refusals are ``LiveError``s with a translated message.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import roles, userpages
from courses import access
from courses.models import (
    LiveNoticeKind,
    LiveNoticeRun,
    LiveQuestion,
    LiveQuestionVote,
    LiveReplayView,
    LiveSessionPage,
    LiveSessionState,
    LiveSignup,
)
from courses.services import WATCHED_SHARE, LearningDenied, LearningError, parse_position

QUESTION_MAX_LENGTH = 300


class LiveError(LearningError):
    """A refused action on a live session, with a translated message; nothing was saved."""

    default_code = "live_refused"


class LiveDenied(LiveError, LearningDenied):
    """The person may not do this at all (anonymous, locked tier, not theirs): 403."""

    default_code = "not_allowed"


# --- who may -----------------------------------------------------------------------------


def tier_lock_reason(user, session):
    """Why the session's tier is closed to ``user`` (like a locked lesson), or None."""
    if session.tier_id is None:
        return None
    state = access.learner_state(user)
    if state.has_staff_role:
        return None
    tier = state.tier_by_id(session.tier_id)
    if tier is None or tier.status != access.LOCKED:
        return None
    return _(
        "This live session is for %(tier)s, which opens when you have completed "
        "all required courses of %(previous)s."
    ) % {"tier": tier.title, "previous": tier.previous_title}


def check_replay(user, session, now=None):
    """May ``user`` watch the replay? (outcome, reason) with the outcomes of courses.access."""
    if not user.is_authenticated:
        return access.LOGIN, _("Log in to watch the replay.")
    if not session.live or not session.has_replay or not session.is_over(now):
        return access.DENY, _("The replay is not available yet.")
    reason = tier_lock_reason(user, session)
    if reason:
        return access.DENY, reason
    return access.ALLOW, ""


def is_signed_up(user, session):
    return user.is_authenticated and LiveSignup.objects.filter(session=session, user=user).exists()


# --- sign-up -----------------------------------------------------------------------------


def _locked_state(session_id):
    """The session's state row, locked for this transaction (created on first use)."""
    state = LiveSessionState.objects.select_for_update().filter(session_id=session_id).first()
    if state is None:
        LiveSessionState.objects.get_or_create(session_id=session_id)
        state = LiveSessionState.objects.select_for_update().get(session_id=session_id)
    return state


def _refuse_closed(session, now):
    if not session.live:
        raise LiveError(_("This live session is not open."))
    if session.cancelled:
        raise LiveError(_("This live session has been cancelled."))
    if session.is_over(now):
        raise LiveError(_("This live session is over. Watch the replay instead."))


def _take_place(session_id, capacity):
    """Count one sign-up on the state row, if there is room: one atomic UPDATE.

    The row stays locked only from this statement to the commit. PostgreSQL
    re-checks ``signups < capacity`` on the latest row version after waiting
    for a concurrent sign-up, so the counter never passes the capacity.
    """
    qs = LiveSessionState.objects.filter(session_id=session_id)
    if capacity is not None:
        qs = qs.filter(signups__lt=capacity)
    if qs.update(signups=F("signups") + 1):
        return True
    if not LiveSessionState.objects.filter(session_id=session_id).exists():
        LiveSessionState.objects.get_or_create(session_id=session_id)
        return _take_place(session_id, capacity)
    return False


def sign_up(user, session, now=None):
    """Sign ``user`` up for ``session`` once; returns (signup, created).

    Signing up again returns the existing row. Refused for past, cancelled or
    full sessions and for a tier the shopkeeper has not reached. The sign-up
    row and the counter change in one transaction: a full session rolls the
    row back, a duplicate is stopped by the unique constraint.
    """
    now = now or timezone.now()
    if not user.is_authenticated:
        raise LiveDenied(_("Log in to sign up."))
    _refuse_closed(session, now)
    reason = tier_lock_reason(user, session)
    if reason:
        raise LiveDenied(reason)
    existing = LiveSignup.objects.filter(session_id=session.pk, user=user).first()
    if existing is not None:
        return existing, False
    # The editor may have changed the session since it was read: decide on the fresh row.
    current = LiveSessionPage.objects.only(
        "live", "cancelled", "capacity", "start", "duration_minutes"
    ).get(pk=session.pk)
    _refuse_closed(current, now)
    with transaction.atomic():
        try:
            with transaction.atomic():
                signup = LiveSignup.objects.create(session_id=session.pk, user=user, created_at=now)
        except IntegrityError:
            # A double tap signed up a moment ago.
            return LiveSignup.objects.get(session_id=session.pk, user=user), False
        if not _take_place(session.pk, current.capacity):
            raise LiveError(_("This live session is full."))
    return signup, True


def withdraw(user, session):
    """Cancel one's sign-up (freeing a place); returns False when there was none."""
    with transaction.atomic():
        deleted, _rows = LiveSignup.objects.filter(session_id=session.pk, user=user).delete()
        if not deleted:
            return False
        LiveSessionState.objects.filter(session_id=session.pk, signups__gt=0).update(
            signups=F("signups") - 1
        )
    return True


# --- joining -------------------------------------------------------------------------------


def join(user, session, now=None):
    """Record a click on the join link and return the link; only signed up, only near start."""
    now = now or timezone.now()
    if session.cancelled:
        raise LiveError(_("This live session has been cancelled."))
    if not session.join_open(now):
        raise LiveError(
            _("The join link opens %(minutes)s minutes before the start.")
            % {"minutes": settings.LIVE_JOIN_OPENS_MINUTES}
        )
    if not session.join_url:
        raise LiveError(_("The join link is not ready yet. Please try again in a minute."))
    updated = LiveSignup.objects.filter(session_id=session.pk, user=user).update(
        join_clicks=F("join_clicks") + 1, joined_at=Coalesce("joined_at", now)
    )
    if not updated:
        raise LiveDenied(_("Sign up first: the join link is for people signed up."))
    userpages.bump_users(user.pk)
    return session.join_url


# --- questions -----------------------------------------------------------------------------


def _may_take_part(user, session):
    return roles.has_staff_role(user) or is_signed_up(user, session)


def ask(user, session, text, now=None):
    """Add a question before or during the session; only people signed up may ask."""
    now = now or timezone.now()
    text = " ".join((text or "").split())
    if not text:
        raise LiveError(_("Write your question first."))
    if len(text) > QUESTION_MAX_LENGTH:
        raise LiveError(
            _("Keep your question under %(count)s characters.") % {"count": QUESTION_MAX_LENGTH}
        )
    if session.cancelled or session.is_over(now):
        raise LiveError(_("Questions are closed for this session."))
    if not _may_take_part(user, session):
        raise LiveDenied(_("Sign up first to ask a question."))
    return LiveQuestion.objects.create(session=session, author=user, text=text, created_at=now)


def vote(user, question):
    """Upvote a question once; returns False when the person had already voted."""
    if question.hidden_at is not None:
        raise LiveError(_("This question is no longer shown."))
    if not _may_take_part(user, question.session):
        raise LiveDenied(_("Sign up first to vote for questions."))
    try:
        with transaction.atomic():
            LiveQuestionVote.objects.create(question=question, user=user)
            LiveQuestion.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
    except IntegrityError:
        return False
    return True


def set_hidden(question, by, hidden=True):
    """Staff hide a question (or show it again); who and when is kept."""
    if hidden:
        question.hidden_at, question.hidden_by = timezone.now(), by
    else:
        question.hidden_at, question.hidden_by = None, None
    question.save(update_fields=["hidden_at", "hidden_by"])
    return question


# --- replays -------------------------------------------------------------------------------


def _require_replay(user, session):
    outcome, reason = check_replay(user, session)
    if outcome != access.ALLOW:
        raise LiveDenied(reason)


def record_replay_open(user, session):
    """Count an opening of the replay; the first one creates the person's replay record."""
    _require_replay(user, session)
    now = timezone.now()
    view, created = LiveReplayView.objects.get_or_create(
        session=session,
        user=user,
        defaults={"session_title": session.title, "first_viewed_at": now, "last_viewed_at": now},
    )
    if not created:
        LiveReplayView.objects.filter(pk=view.pk).update(views=F("views") + 1, last_viewed_at=now)
        userpages.bump_users(user.pk)
        view.refresh_from_db()
    return view


def record_replay_position(user, session, *, seconds, duration):
    """Keep the replay position like a lesson video's; 90 % watched marks it done."""
    seconds, duration = parse_position(seconds, duration)
    _require_replay(user, session)
    now = timezone.now()
    with transaction.atomic():
        view, _created = LiveReplayView.objects.select_for_update().get_or_create(
            session=session,
            user=user,
            defaults={"session_title": session.title, "first_viewed_at": now},
        )
        completed_now = view.completed_at is None and seconds / duration >= WATCHED_SHARE
        view.position_seconds = int(seconds)
        view.last_viewed_at = now
        if completed_now:
            view.completed_at = now
        view.save(update_fields=["position_seconds", "last_viewed_at", "completed_at"])
    return view, completed_now


# --- schedule --------------------------------------------------------------------------------


def reminder_offsets():
    return sorted(set(settings.LIVE_REMINDER_MINUTES), reverse=True)


def sync_schedule(session, now=None):
    """After a publish: plan reminders, and tell everyone when the time moved or it was cancelled.

    The first publish plans the reminders. A later publish with a new start
    raises the revision, cancels the unsent notices of the old one, queues a
    "new time" notice and plans new reminders; a cancellation queues a
    "cancelled" notice instead. Publishing again without changes does nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        state = _locked_state(session.pk)
        if session.cancelled:
            if not state.cancelled:
                state.cancelled = True
                state.sequence += 1
                state.save(update_fields=["cancelled", "sequence"])
                _cancel_runs(session, now, keep_sequence=state.sequence)
                if state.start is not None and session.start > now:
                    _queue(session, state, LiveNoticeKind.CANCELLED, now)
            return state
        moved = state.start is not None and state.start != session.start
        if moved or state.cancelled:
            state.sequence += 1
            _cancel_runs(session, now, keep_sequence=state.sequence)
            if session.end > now:
                _queue(session, state, LiveNoticeKind.MOVED, now, previous_start=state.start)
        state.start, state.cancelled = session.start, False
        state.save(update_fields=["start", "cancelled", "sequence"])
        for minutes in reminder_offsets():
            due = session.start - timedelta(minutes=minutes)
            if due > now:
                _queue(session, state, LiveNoticeKind.REMINDER, due, minutes=minutes)
    return state


def _queue(session, state, kind, due, *, minutes=0, previous_start=None):
    run, _created = LiveNoticeRun.objects.get_or_create(
        session=session,
        kind=kind,
        minutes_before=minutes,
        sequence=state.sequence,
        defaults={"due_at": due, "previous_start": previous_start},
    )
    return run


def _cancel_runs(session, now, keep_sequence):
    return (
        LiveNoticeRun.objects.filter(session=session, finished_at__isnull=True)
        .filter(cancelled_at__isnull=True)
        .exclude(sequence=keep_sequence)
        .update(cancelled_at=now)
    )
