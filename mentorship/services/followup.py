"""Notes, action items, goals, messages and calendar feeds."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import userpages
from academy.claims import claim
from mentorship import access
from mentorship.errors import FollowUpError, NotAllowed
from mentorship.models import (
    AssignmentStatus,
    Booking,
    BookingStatus,
    CalendarFeed,
    Goal,
    GoalComment,
    GoalStatus,
    GoalUpdate,
    MentorAssignment,
    Message,
    NoteVisibility,
    SessionNote,
    Thread,
)
from mentorship.models.followup import new_feed_token
from mentorship.services import notices

MAX_VALUE = Decimal("9999999999.99")


def _text(value, limit, empty_message):
    value = (value or "").strip()
    if not value:
        raise FollowUpError(empty_message, "empty")
    if len(value) > limit:
        raise FollowUpError(
            _("Please keep it under %(count)s characters.") % {"count": limit}, "too_long"
        )
    return value


def _amount(value, *, positive=False):
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise FollowUpError(_("Please enter a number."), "number") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_VALUE:
        raise FollowUpError(_("Please enter a number between 0 and 9,999,999,999."), "number")
    if positive and amount == 0:
        raise FollowUpError(_("The target must be more than 0."), "number")
    return amount


# --- notes and action items --------------------------------------------------------


def add_note(booking, author, body, visibility=NoteVisibility.SHARED):
    """A note on a session by one of its two participants."""
    if not booking.is_party(author):
        raise NotAllowed()
    if booking.status == BookingStatus.CANCELLED:
        raise FollowUpError(_("This session was cancelled."), "cancelled")
    if visibility not in NoteVisibility.values:
        raise FollowUpError(_("Please choose who can read the note."), "visibility")
    body = _text(body, 4000, _("Please write the note first."))
    return SessionNote.objects.create(
        booking=booking, author=author, body=body, visibility=visibility
    )


def _goal_fields(title, target_value, unit, due_on, description):
    return {
        "title": _text(title, 120, _("Please name the goal.")),
        "target_value": _amount(target_value, positive=True),
        "unit": (unit or "").strip()[:12],
        "due_on": due_on,
        "description": (description or "").strip()[:2000],
    }


def add_action_item(booking, mentor, *, title, target_value, unit="", due_on=None, description=""):
    """An action item of a session: it becomes a goal of the mentee, linked to the session."""
    if mentor.pk != booking.mentor_id:
        raise NotAllowed(_("Only the mentor adds action items."))
    if booking.status == BookingStatus.CANCELLED:
        raise FollowUpError(_("This session was cancelled."), "cancelled")
    fields = _goal_fields(title, target_value, unit, due_on, description)
    with transaction.atomic():
        goal = Goal.objects.create(
            mentee_id=booking.mentee_id, source_booking=booking, created_by=mentor, **fields
        )
        notices.action_item(goal)
    return goal


def create_goal(mentee, by, *, title, target_value, unit="", due_on=None, description=""):
    """A goal the mentee sets herself, or one of her mentors sets for her."""
    if by.pk != mentee.pk and not access.is_mentee_of(by, mentee):
        raise NotAllowed()
    fields = _goal_fields(title, target_value, unit, due_on, description)
    with transaction.atomic():
        goal = Goal.objects.create(mentee=mentee, created_by=by, **fields)
        if by.pk != mentee.pk:
            notices.action_item(goal)
    return goal


# --- goals -------------------------------------------------------------------------


def record_progress(goal, by, value, comment=""):
    """The mentee records the value reached so far; reaching the target achieves the goal."""
    if by.pk != goal.mentee_id:
        raise NotAllowed(_("Only the mentee records progress."))
    value = _amount(value)
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        if goal.status != GoalStatus.ACTIVE:
            raise FollowUpError(_("This goal is closed."), "closed")
        update = GoalUpdate.objects.create(goal=goal, author=by, value=value, comment=comment)
        goal.current_value = value
        if value >= goal.target_value:
            goal.status = GoalStatus.ACHIEVED
        goal.save(update_fields=["current_value", "status", "updated_at"])
    return update


def set_goal_status(goal, by, status):
    """The mentee closes, drops or reopens her goal; under the goal's lock, as progress is."""
    if by.pk != goal.mentee_id:
        raise NotAllowed()
    if status not in GoalStatus.values:
        raise FollowUpError(_("Unknown status."), "status")
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        goal.status = status
        goal.save(update_fields=["status", "updated_at"])
    return goal


def comment_on_goal(goal, by, body):
    """A comment by the mentee or one of her mentors."""
    if by.pk != goal.mentee_id and not access.is_mentee_of(by, goal.mentee):
        raise NotAllowed()
    body = _text(body, 1000, _("Please write a comment first."))
    return GoalComment.objects.create(goal=goal, author=by, body=body)


# --- messages ----------------------------------------------------------------------


def messaging_open(thread, now=None):
    """Messages flow while the pair works together: an assignment today, an upcoming
    session, or a session in the last days (``MENTORSHIP_MESSAGE_WINDOW_DAYS``)."""
    now = now or timezone.now()
    window = timedelta(days=getattr(settings, "MENTORSHIP_MESSAGE_WINDOW_DAYS", 14))
    today = timezone.localdate(now)
    pair = {"mentor_id": thread.mentor_id, "mentee_id": thread.mentee_id}
    return (
        MentorAssignment.objects.filter(
            status=AssignmentStatus.ACTIVE,
            starts_on__lte=today + timedelta(days=1),
            ends_on__gte=today - timedelta(days=1),
            **pair,
        ).exists()
        or Booking.objects.filter(
            ~Q(status=BookingStatus.CANCELLED), end__gt=now - window, **pair
        ).exists()
    )


def thread_for(user, other):
    """The thread of a mentor and her mentee, whichever of the two asks."""
    if access.is_mentee_of(user, other):
        mentor, mentee = user, other
    elif access.is_mentee_of(other, user):
        mentor, mentee = other, user
    else:
        raise NotAllowed(_("You can only write to your mentors and mentees."))
    thread, _created = Thread.objects.get_or_create(mentor=mentor, mentee=mentee)
    return thread


def send_message(thread, sender, body, now=None):
    if sender.pk not in (thread.mentor_id, thread.mentee_id):
        raise NotAllowed()
    body = _text(body, 2000, _("Please write a message first."))
    if not messaging_open(thread, now):
        raise FollowUpError(
            _("Messages are open while you work together. Book a session to write again."),
            "closed",
        )
    with transaction.atomic():
        message = Message.objects.create(thread=thread, sender=sender, body=body)
        side = thread.side(sender)
        Thread.objects.filter(pk=thread.pk).update(
            last_message_at=message.created_at, **{f"{side}_read_upto": message.pk}
        )
    return message


def mark_read(thread, user):
    last = thread.messages.aggregate(last=Max("id"))["last"] or 0
    field = f"{thread.side(user)}_read_upto"
    if Thread.objects.filter(pk=thread.pk, **{f"{field}__lt": last}).update(**{field: last}):
        userpages.bump_users(user.pk)


def send_digests(now=None):
    """One notice per user for messages unread for a while and not announced before.

    Threads are claimed with ``skip_locked``; a side's digest position advances in
    the same transaction as the notice, whose key names the last message: every
    message is announced at most once, and never if it was read in time.
    """
    now = now or timezone.now()
    delay = timedelta(minutes=getattr(settings, "MENTORSHIP_MESSAGE_DIGEST_DELAY_MINUTES", 30))
    cutoff = now - delay
    sides = (("mentor", "mentee"), ("mentee", "mentor"))
    sent = 0
    with transaction.atomic():
        ids = set()
        for side, other in sides:
            ids |= set(
                Message.objects.filter(
                    sender_id=F(f"thread__{other}_id"),
                    id__gt=F(f"thread__{side}_read_upto"),
                    created_at__lte=cutoff,
                )
                .filter(id__gt=F(f"thread__{side}_digest_upto"))
                .values_list("thread_id", flat=True)
                .distinct()
            )
        if not ids:
            return 0
        threads = claim(Thread.objects.filter(pk__in=ids).select_related("mentor", "mentee"))
        per_user = {}
        for thread in threads:
            for side, other in sides:
                after = max(
                    getattr(thread, f"{side}_read_upto"), getattr(thread, f"{side}_digest_upto")
                )
                found = Message.objects.filter(
                    thread=thread,
                    id__gt=after,
                    sender_id=getattr(thread, f"{other}_id"),
                    created_at__lte=cutoff,
                ).aggregate(count=Count("id"), last=Max("id"))
                if found["count"]:
                    recipient = getattr(thread, side)
                    per_user.setdefault(recipient.pk, (recipient, []))[1].append(
                        (thread, side, found["count"], found["last"], getattr(thread, other))
                    )
        for recipient, items in per_user.values():
            for thread, side, _count, last, _sender in items:
                setattr(thread, f"{side}_digest_upto", last)
                thread.save(update_fields=[f"{side}_digest_upto"])
            names = "、".join(sorted({str(item[4]) for item in items}))
            total = sum(item[2] for item in items)
            if notices.message_digest(recipient, total, names, max(item[3] for item in items)):
                sent += 1
    return sent


# --- calendar feeds ----------------------------------------------------------------


def feed_of(user, create=True):
    if create:
        return CalendarFeed.objects.get_or_create(user=user)[0]
    return CalendarFeed.objects.filter(user=user).first()


def reset_feed(user):
    """A new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    return feed


def revoke_feed(user):
    return CalendarFeed.objects.filter(user=user).delete()[0] > 0
