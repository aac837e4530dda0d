"""Booking, rescheduling, cancelling and attendance of one-on-one sessions.

Every write that could collide with another booking of the same mentor first
locks the mentor's ``MentorSchedule`` row (``select_for_update``), then loads the
calendar and re-checks the requested time inside the lock. On PostgreSQL the
exclusion constraints are the last word (a racing write that slipped past
becomes a clean "just taken" answer); on SQLite, IMMEDIATE transactions
serialise the writers. Limits (daily, weekly per mentee, period, capacity) are
checked inside the same lock, so they hold under concurrency too.

A new booking first asks, without the lock, whether the mentor's calendar
already shows the time as taken (one query): if so, the answer is "just taken"
at once, instead of a place in the queue behind the mentor's lock with everyone
who rushed for her slots. Refusing on a committed state is as exact as refusing
a moment earlier; only a yes needs the lock. And the lock is held only for the
full check, the booking row and its history: what a new booking brings besides
(message thread, reminders, notices) is written right after its commit, and a
periodic task writes it for a request that stopped in between.
"""

import logging
import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import timings
from academy.claims import claim
from academy.models import MentorProfile
from mentorship import access, errors, policies, selectors, slots
from mentorship.errors import BookingError, NotAllowed
from mentorship.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    CancelReason,
    EventKind,
    ProposalStatus,
    RescheduleProposal,
    Thread,
)
from mentorship.services import notices, reminders
from mentorship.services.schedule import lock_schedule

logger = logging.getLogger(__name__)

MAX_AGENDA = 1000


def _constraint(exc):
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or str(exc)


def _integrity_error(exc):
    name = _constraint(exc)
    if "mentee_no_overlap" in name:
        return errors.refused(slots.Refusal.MENTEE_BUSY)
    return errors.slot_taken()


def _blocked(schedule, start, end):
    return (
        start - timedelta(minutes=schedule.buffer_before),
        end + timedelta(minutes=schedule.buffer_after),
    )


def capacity_refusal(profile, mentee, now):
    """A message if a new mentee would exceed the mentor's capacity, else None.

    A mentor's current mentees are those with an upcoming session and those
    assigned to her today.
    """
    today = now.astimezone(profile.zone).date()
    current = set(
        Booking.objects.filter(
            mentor_id=profile.user_id, status=BookingStatus.CONFIRMED, end__gt=now
        ).values_list("mentee_id", flat=True)
    ) | set(
        policies.active_assignments(on=today)
        .filter(mentor_id=profile.user_id)
        .values_list("mentee_id", flat=True)
    )
    if mentee.pk not in current and len(current) >= profile.capacity:
        return _(
            "This mentor is already coaching as many mentees as possible. "
            "Please try again later or choose another mentor."
        )
    return None


def _clean_agenda(agenda):
    agenda = (agenda or "").strip()
    if len(agenda) > MAX_AGENDA:
        raise BookingError(
            _("Please keep the agenda under %(count)s characters.") % {"count": MAX_AGENDA},
            "agenda",
        )
    return agenda


def _ensure_thread(mentor, mentee):
    Thread.objects.get_or_create(mentor=mentor, mentee=mentee)


def check_slot(schedule, mentee, start, minutes, *, now, exclude=None):
    """Whether ``mentee`` may book this time; returns the assignment it falls under.

    The one check used by the booking page (to warn early) and, inside the
    mentor's lock, by booking and rescheduling. Raises ``BookingError``.
    """
    profile = schedule.mentor
    if start.tzinfo is None:
        raise errors.refused(slots.Refusal.NOT_OFFERED)
    today = now.astimezone(profile.zone).date()
    day = start.astimezone(profile.zone).date()
    assignment = access.booking_assignment(profile, mentee, today, day)
    calendar = selectors.load_calendar(
        schedule,
        profile,
        mentee,
        assignment=assignment,
        start=start,
        end=start,
        exclude_booking=exclude,
    )
    # A moved session keeps its length even if the mentor no longer offers it.
    reason = slots.refusal(calendar, start, minutes, now, any_length=exclude is not None)
    if reason is not None:
        raise errors.refused(reason)
    if assignment is None and exclude is None:
        message = capacity_refusal(profile, mentee, now)
        if message:
            raise NotAllowed(message, "capacity")
    return assignment


def _in_the_way(schedule, profile, start, minutes):
    """The mentor's bookings that already take this time: (pk, mentee id, key) each.

    One query, without the lock: what everyone who rushed for a slot just given
    away hears. Every other rule is checked under the lock.
    """
    if start.tzinfo is None or minutes not in schedule.lengths:
        return []  # refused with its own reason by check_slot
    end = start + timedelta(minutes=minutes)
    return selectors.mentor_sessions_between(profile, *_blocked(schedule, start, end))


def _booked_with_key(mentee, idempotency_key):
    if not idempotency_key:
        return None
    return Booking.objects.filter(mentee=mentee, idempotency_key=idempotency_key).first()


def book_session(
    mentee, profile, start, minutes, *, agenda="", idempotency_key="", now=None, announce=True
):
    """Book a session of ``minutes`` at ``start`` (aware) with the mentor of ``profile``.

    Returns the booking. The same ``idempotency_key`` from the same mentee returns
    the booking it already made (a double tap or a retried request books once).
    Raises ``BookingError`` with the reason when the time cannot be booked.
    ``announce=False`` writes no notices (the demo's bookings).
    """
    now = now or timezone.now()
    agenda = _clean_agenda(agenda)
    idempotency_key = (idempotency_key or "")[:64]
    schedule = selectors.schedule_for(profile)
    taken = _in_the_way(schedule, profile, start, minutes)
    if taken:
        for pk, mentee_id, key in taken:
            if idempotency_key and (mentee_id, key) == (mentee.pk, idempotency_key):
                return Booking.objects.get(pk=pk)  # her own double tap
        raise errors.slot_taken()
    try:
        booking = _book_under_lock(profile, mentee, start, minutes, agenda, idempotency_key, now)
    except BookingError:
        # A double tap whose first request booked meanwhile: the time is hers.
        existing = _booked_with_key(mentee, idempotency_key)
        if existing is not None:
            return existing
        raise
    try:
        announce_booking(booking, now=now, notify=announce)
    except Exception:
        # The booking stands; the periodic task writes what this request could not.
        logger.exception("Booking %s is made; its notices will follow", booking.pk)
    return booking


def _book_under_lock(profile, mentee, start, minutes, agenda, idempotency_key, now):
    """Under the mentor's lock, only what the rules need: the re-check, the row, its history.

    The lock is held from ``lock_schedule`` to the commit; how long is recorded
    for the benchmark (``academy.timings``).
    """
    asked = time.perf_counter()
    held = None
    try:
        with transaction.atomic():
            schedule = lock_schedule(profile)
            held = time.perf_counter()
            timings.record("booking-lock-wait", held - asked)
            # Registered first, so it runs first: right after the commit released the lock.
            transaction.on_commit(
                lambda: timings.record("booking-lock", time.perf_counter() - held)
            )
            assignment = check_slot(schedule, mentee, start, minutes, now=now)
            end = start + timedelta(minutes=minutes)
            blocked_start, blocked_end = _blocked(schedule, start, end)
            try:
                # No savepoint: a clash ends the whole transaction anyway.
                with transaction.atomic(savepoint=False):
                    booking = Booking.objects.create(
                        mentor=schedule.mentor.user,
                        mentee=mentee,
                        assignment=assignment,
                        start=start,
                        end=end,
                        blocked_start=blocked_start,
                        blocked_end=blocked_end,
                        agenda=agenda,
                        idempotency_key=idempotency_key,
                        pending_announcement=True,
                    )
            except IntegrityError as exc:
                raise _integrity_error(exc) from None
            BookingEvent.objects.create(
                booking=booking, kind=EventKind.BOOKED, actor=mentee, new_start=start
            )
    except BaseException:
        if held is not None:  # the rollback released it
            timings.record("booking-lock", time.perf_counter() - held)
        raise
    return booking


def announce_booking(booking, *, now=None, notify=True):
    """Write what a new booking brings, once: the pair's thread, reminders and notices.

    Runs right after the booking's commit, outside the mentor's lock. The booking
    row, locked, says whether it is still to do (``pending_announcement``), so a
    second run (:func:`announce_pending_bookings` after a request that stopped)
    writes nothing twice. A booking cancelled meanwhile gets no "booked" notice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("mentor", "mentee")
            .filter(pk=booking.pk, pending_announcement=True)
            .first()
        )
        if booking is None:
            return False
        _follow_up(booking, now, notify=notify)
    return True


def _follow_up(booking, now, *, notify):
    _ensure_thread(booking.mentor, booking.mentee)
    reminders.schedule(booking, now)
    if notify and booking.status == BookingStatus.CONFIRMED:
        notices.booked(booking)
    booking.pending_announcement = False
    booking.save(update_fields=["pending_announcement"])


# A request writes its booking's follow-ups within moments; older ones were left
# by a request that stopped. After a day, the notices would only confuse.
ANNOUNCE_AFTER = timedelta(minutes=1)
ANNOUNCE_WITHIN = timedelta(days=1)


def announce_pending_bookings(now=None, limit=100):
    """Write the follow-ups of bookings whose request stopped before it wrote them.

    For the one-minute periodic task. Rows are claimed (``SKIP LOCKED``), so runs
    at once split the work and a booking's follow-ups are never written twice.
    """
    now = now or timezone.now()
    done = 0
    with transaction.atomic():
        pending = claim(
            Booking.objects.filter(
                pending_announcement=True,
                created_at__lte=now - ANNOUNCE_AFTER,
                created_at__gte=now - ANNOUNCE_WITHIN,
            )
            .select_related("mentor", "mentee")
            .order_by("created_at")
        )[:limit]
        for booking in pending:
            try:
                with transaction.atomic():
                    _follow_up(booking, now, notify=True)
            except Exception:  # one bad booking must not stop the others
                logger.exception("The follow-ups of booking %s could not be written", booking.pk)
                continue
            done += 1
    return done


def _locked_booking(booking):
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("mentor", "mentee", "assignment")
        .get(pk=booking.pk)
    )


def _profile_of(booking):
    return MentorProfile.objects.select_related("user").get(user_id=booking.mentor_id)


def _check_still_ahead(booking, now):
    if not policies.still_ahead(booking, now):
        raise BookingError(_("This session can no longer be changed."), "closed")


def _check_mentee_may_change(booking, schedule, now):
    if not policies.mentee_may_change(booking, schedule, now):
        raise BookingError(
            _(
                "Sessions can be changed or cancelled up to %(hours)s hours before they "
                "start. Please message your mentor instead."
            )
            % {"hours": policies.cutoff_hours(schedule)},
            "cutoff",
        )


def _move(booking, schedule, start, end, by, kind, reason, now):
    old_start = booking.start
    booking.start, booking.end = start, end
    booking.blocked_start, booking.blocked_end = _blocked(schedule, start, end)
    booking.sequence += 1
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise _integrity_error(exc) from None
    BookingEvent.objects.create(
        booking=booking, kind=kind, actor=by, old_start=old_start, new_start=start, reason=reason
    )
    reminders.schedule(booking, now)
    notices.rescheduled(booking, old_start, by)
    return old_start


def reschedule_booking(booking, by, start, minutes, *, reason="", now=None):
    """The mentee moves her session to another free slot, up to the mentor's cut-off.

    The booking keeps its identity (and calendar UID); its sequence grows, its old
    reminders are cancelled and new ones planned.
    """
    now = now or timezone.now()
    profile = _profile_of(booking)
    with transaction.atomic():
        schedule = lock_schedule(profile)
        booking = _locked_booking(booking)
        if by.pk != booking.mentee_id:
            raise NotAllowed(_("Only the mentee can move a session; mentors propose a new time."))
        _check_still_ahead(booking, now)
        _check_mentee_may_change(booking, schedule, now)
        assignment = check_slot(schedule, by, start, minutes, now=now, exclude=booking)
        booking.assignment = assignment
        _withdraw_pending(booking, by, now)
        _move(
            booking,
            schedule,
            start,
            start + timedelta(minutes=minutes),
            by,
            EventKind.RESCHEDULED,
            (reason or "").strip()[:300],
            now,
        )
    return booking


def _withdraw_pending(booking, by, now):
    for proposal in booking.proposals.filter(status=ProposalStatus.PENDING):
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_at"])
        BookingEvent.objects.create(
            booking=booking, kind=EventKind.PROPOSAL_WITHDRAWN, actor=by, new_start=proposal.start
        )


def cancel_booking(booking, by, reason, note="", *, now=None):
    """Cancel a session with a reason; the row and its history stay.

    The mentee may cancel up to the mentor's cut-off, the mentor until the start.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    if reason not in CancelReason.values:
        raise BookingError(_("Please choose a reason for cancelling."), "reason")
    if reason == CancelReason.OTHER and not note:
        raise BookingError(_("Please say briefly why you cancel."), "reason")
    if len(note) > 300:
        raise BookingError(_("Please keep the note under 300 characters."), "reason")
    with transaction.atomic():
        booking = _locked_booking(booking)
        if not booking.is_party(by):
            raise NotAllowed()
        if not policies.still_ahead(booking, now):
            raise BookingError(_("This session can no longer be cancelled."), "closed")
        if by.pk == booking.mentee_id:
            schedule = selectors.schedule_for(_profile_of(booking))
            _check_mentee_may_change(booking, schedule, now)
        _cancel(booking, by, reason, note, now)
    return booking


def cancel_for_ended_assignment(booking, *, by, note="", now=None):
    """Cancel a session that falls after the end of the assignment it was booked under.

    For ``end_assignment``, which decided the period is over: neither side's cut-off
    applies and ``by`` (staff or a program, or None) need not take part. The reason
    is "mentoring period ended"; history and notices are those of any cancellation.
    A session cancelled meanwhile is left as it is.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if booking.status == BookingStatus.CONFIRMED:
            _cancel(booking, by, CancelReason.ASSIGNMENT_ENDED, note, now)
    return booking


def _cancel(booking, by, reason, note, now):
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = reason
    booking.cancel_note = note
    booking.sequence += 1
    booking.save()
    BookingEvent.objects.create(
        booking=booking,
        kind=EventKind.CANCELLED,
        actor=by,
        old_start=booking.start,
        reason=note or booking.get_cancel_reason_display(),
    )
    _withdraw_pending(booking, by, now)
    reminders.cancel(booking, now)
    notices.cancelled(booking)


def propose_new_time(booking, by, start, *, reason, now=None):
    """The mentor proposes another time for a session; the mentee will accept or decline.

    The time is checked against both calendars now and again on acceptance. A new
    proposal replaces one still waiting.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(_("Please tell the mentee why you propose a new time."), "reason")
    if start.tzinfo is None:
        raise errors.refused(slots.Refusal.NOT_OFFERED)
    profile = _profile_of(booking)
    with transaction.atomic():
        schedule = lock_schedule(profile)
        booking = _locked_booking(booking)
        if by.pk != booking.mentor_id:
            raise NotAllowed(_("Only the mentor can propose a new time."))
        _check_still_ahead(booking, now)
        if start == booking.start:
            raise BookingError(_("That is the session's current time."), "same")
        _check_clash(schedule, booking, start, now)
        _withdraw_pending(booking, by, now)
        proposal = RescheduleProposal.objects.create(
            booking=booking,
            proposed_by=by,
            start=start,
            end=start + (booking.end - booking.start),
            reason=reason[:300],
        )
        BookingEvent.objects.create(
            booking=booking,
            kind=EventKind.PROPOSED,
            actor=by,
            old_start=booking.start,
            new_start=start,
            reason=reason[:300],
        )
        notices.proposed(proposal)
    return proposal


def _check_clash(schedule, booking, start, now):
    calendar = selectors.load_calendar(
        schedule,
        schedule.mentor,
        booking.mentee,
        start=start,
        end=start,
        exclude_booking=booking,
    )
    refusal = slots.clash(calendar, start, booking.duration_minutes, now)
    if refusal is not None:
        raise errors.refused(refusal)


def _locked_proposal(proposal):
    return RescheduleProposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)


def accept_proposal(proposal, by, *, now=None):
    """The mentee accepts the mentor's proposed time; the booking moves there.

    Re-checked under the mentor's lock: of two accepts racing for one time, one
    wins and the other hears the time was just taken.
    """
    now = now or timezone.now()
    profile = _profile_of(proposal.booking)
    with transaction.atomic():
        schedule = lock_schedule(profile)
        proposal = _locked_proposal(proposal)
        booking = _locked_booking(proposal.booking)
        if by.pk != booking.mentee_id:
            raise NotAllowed()
        if proposal.status != ProposalStatus.PENDING or booking.status != BookingStatus.CONFIRMED:
            raise BookingError(_("This proposal is no longer open."), "closed")
        _check_clash(schedule, booking, proposal.start, now)
        proposal.status = ProposalStatus.ACCEPTED
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_at"])
        _move(
            booking,
            schedule,
            proposal.start,
            proposal.end,
            by,
            EventKind.PROPOSAL_ACCEPTED,
            proposal.reason,
            now,
        )
    return booking


def decline_proposal(proposal, by, *, now=None):
    """The mentee keeps the original time."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        booking = proposal.booking
        if by.pk != booking.mentee_id:
            raise NotAllowed()
        if proposal.status != ProposalStatus.PENDING:
            raise BookingError(_("This proposal is no longer open."), "closed")
        proposal.status = ProposalStatus.DECLINED
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_at"])
        BookingEvent.objects.create(
            booking=booking,
            kind=EventKind.PROPOSAL_DECLINED,
            actor=by,
            new_start=proposal.start,
        )
        notices.proposal_declined(proposal)
    return proposal


def mark_attendance(booking, by, *, attended, now=None):
    """The mentor marks a session that has started as attended or a no-show."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if by.pk != booking.mentor_id:
            raise NotAllowed(_("Only the mentor marks attendance."))
        if booking.status == BookingStatus.CANCELLED:
            raise BookingError(_("This session was cancelled."), "closed")
        if booking.start > now:
            raise BookingError(_("Attendance can be marked once the session has started."), "early")
        status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
        if booking.status != status:
            booking.status = status
            booking.attendance_marked_at = now
            booking.save(update_fields=["status", "attendance_marked_at", "updated_at"])
            BookingEvent.objects.create(
                booking=booking,
                kind=EventKind.ATTENDED if attended else EventKind.NO_SHOW,
                actor=by,
            )
            reminders.cancel(booking, now)
    return booking
