"""Finding a mentor, picking a slot, booking, and everything done to one booking."""

import dataclasses
import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy import userpages
from academy.models import MentorProfile
from academy.ratelimits import too_many
from mentorship import access, choices, ics, policies, selectors, services, slots
from mentorship.errors import REFUSAL_MESSAGES, BookingError, NotAllowed, refused
from mentorship.forms import BookingForm, CancelForm, ProposeForm, parse_instant
from mentorship.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    NoteVisibility,
    ProposalStatus,
    RescheduleProposal,
)
from mentorship.views.common import booking_of, error_status, first_error

AVAILABLE_WITHIN = {"3": 3, "7": 7, "14": 14}


@login_required
def finder(request):
    """找导师: mentors the user can book, filtered by speciality, language and availability."""
    user = request.user
    now = timezone.now()
    profiles = [
        p for p in selectors.star_or_assigned(user, timezone.localdate(now)) if p.user_id != user.pk
    ]
    speciality = request.GET.get("speciality", "")
    language = request.GET.get("language", "")
    within = AVAILABLE_WITHIN.get(request.GET.get("available", ""))
    all_specialities = sorted({s for p in profiles for s in p.specialities or []})
    all_languages = sorted({code for p in profiles for code in p.languages or []})
    if speciality:
        profiles = [p for p in profiles if speciality in (p.specialities or [])]
    if language:
        profiles = [p for p in profiles if language in (p.languages or [])]
    free = selectors.next_free_slots(profiles, user, now)
    if within:
        limit = now + timedelta(days=within)
        profiles = [p for p in profiles if free.get(p.pk) and free[p.pk].start <= limit]
    far = now + timedelta(days=3650)
    profiles.sort(
        key=lambda p: (free.get(p.pk) is None, free[p.pk].start if free.get(p.pk) else far)
    )
    page = Paginator(profiles, 20).get_page(request.GET.get("page"))
    cards = [
        {
            "profile": p,
            "next_free": free.get(p.pk),
            "specialities": [choices.speciality_label(s) for s in p.specialities or []],
            "languages": [choices.language_label(code) for code in p.languages or []],
        }
        for p in page
    ]
    return render(
        request,
        "mentorship/finder.html",
        {
            "page": page,
            "cards": cards,
            "specialities": [(s, choices.speciality_label(s)) for s in all_specialities],
            "languages": [(code, choices.language_label(code)) for code in all_languages],
            "selected": {
                "speciality": speciality,
                "language": language,
                "available": request.GET.get("available", ""),
            },
            "tab": "finder",
        },
    )


def _minutes_param(request, lengths):
    try:
        minutes = int(request.GET.get("minutes", ""))
    except ValueError:
        return lengths[0]
    return minutes if minutes in lengths else lengths[0]


def _slot_picker(request, profile, *, rescheduling=None):
    """Days with free slots (the user's zone) and the chosen day's slots."""
    user = request.user
    schedule = selectors.schedule_for(profile)
    lengths = schedule.lengths
    minutes = (
        rescheduling.duration_minutes
        if rescheduling is not None
        else _minutes_param(request, lengths)
    )
    if minutes not in lengths:
        lengths = sorted({*lengths, minutes})
    now = timezone.now()
    problem, days = None, []
    try:
        assignment = access.booking_assignment(profile, user, access.today_for(profile))
        if assignment is None and rescheduling is None:
            problem = services.capacity_refusal(profile, user, now)
    except NotAllowed as error:
        problem, assignment = error.message, None
    if problem is None:
        calendar = selectors.load_period_calendar(
            schedule, profile, user, assignment=assignment, now=now, exclude=rescheduling
        )
        if rescheduling is not None and minutes not in calendar.policy.lengths:
            # A session keeps its length even if the mentor no longer offers it.
            calendar.policy = dataclasses.replace(
                calendar.policy, lengths=(*calendar.policy.lengths, minutes)
            )
        days = slots.group_by_day(slots.free_slots(calendar, minutes, now), user.zone)
    chosen = request.GET.get("day", "")
    selected = next((d for d in days if d[0].isoformat() == chosen), days[0] if days else None)
    return {
        "schedule": schedule,
        "lengths": lengths,
        "minutes": minutes,
        "days": days,
        "selected_day": selected[0] if selected else None,
        "selected_later": bool(selected) and days.index(selected) >= 6,
        "day_slots": selected[1] if selected else [],
        "problem": problem,
        "assignment": assignment if problem is None else None,
        "other_zone": profile.time_zone != user.time_zone,
    }


@userpages.keepable
@login_required
def mentor_detail(request, pk):
    """A mentor's profile and the slot picker."""
    # Kept until the mentor's hours, his bookings or hers change (each booking
    # changes both people's scopes).
    userpages.cache_page(request, f"mentor:{pk}")
    profile = get_object_or_404(MentorProfile.objects.select_related("user"), pk=pk, is_active=True)
    userpages.cache_page(request, userpages.user(profile.user_id))
    context = _slot_picker(request, profile)
    context.update(
        profile=profile,
        specialities=[choices.speciality_label(s) for s in profile.specialities or []],
        languages=[choices.language_label(code) for code in profile.languages or []],
        tab="finder",
    )
    return render(request, "mentorship/mentor_detail.html", context)


@login_required
def book(request, pk):
    """Confirm a chosen slot with an agenda; POST books it."""
    profile = get_object_or_404(
        MentorProfile.objects.select_related("user", "schedule"), pk=pk, is_active=True
    )
    schedule = selectors.schedule_for(profile)
    if request.method == "POST":
        outcome = _book_posted(request, profile)
        if isinstance(outcome, HttpResponse):
            return outcome
    else:
        outcome = _book_linked(request, schedule)
    context, status = outcome
    start, minutes = context["start"], context["minutes"]
    context.update(
        profile=profile,
        schedule=schedule,
        end=start + timedelta(minutes=minutes) if start and minutes else None,
        other_zone=profile.time_zone != request.user.time_zone,
        tab="finder",
    )
    return render(request, "mentorship/book.html", context, status=status)


def _slot_page(form, start, minutes, error=None, *, slot_gone=False):
    return {
        "form": form,
        "start": start,
        "minutes": minutes,
        "error": error,
        "slot_gone": slot_gone,
    }


def _book_posted(request, profile):
    """Book the posted slot: a redirect to the booking, else the page again and its status."""
    form = BookingForm(request.POST)
    if too_many(request, "booking"):
        form.is_valid()  # keeps the chosen time on the page
        error, status = _("Too many booking attempts. Please wait a while and try again."), 429
    elif form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.book_session(
                request.user,
                profile,
                data["start"],
                data["minutes"],
                agenda=data["agenda"],
                idempotency_key=data["token"],
            )
        except BookingError as exc:
            error, status = exc.message, error_status(exc)
        else:
            messages.success(request, _("Booked! You and your mentor have been notified."))
            return redirect("mentorship:booking", pk=booking.pk)
    else:
        error, status = first_error(form), 400
    data = form.cleaned_data
    # A time just taken cannot be confirmed again: the page leads back to the free times.
    page = _slot_page(form, data.get("start"), data.get("minutes"), error, slot_gone=status == 409)
    return page, status


def _book_linked(request, schedule):
    """The slot a link chose, checked early: the page and its status."""
    start = parse_instant(request.GET.get("start"))
    try:
        minutes = int(request.GET.get("minutes", ""))
    except ValueError:
        minutes = None
    form = BookingForm(
        initial={
            "start": start.isoformat() if start else "",
            "minutes": minutes,
            "token": uuid.uuid4().hex,
        }
    )
    if start is None or minutes is None:
        return _slot_page(form, start, minutes, REFUSAL_MESSAGES[slots.Refusal.NOT_OFFERED]), 400
    try:
        services.booking.check_slot(schedule, request.user, start, minutes, now=timezone.now())
    except BookingError as exc:
        status = error_status(exc)
        if status == 409:
            # A link to a time taken since the list was shown is no error of
            # hers: the page says so and leads back to the free times.
            return _slot_page(form, start, minutes, exc.message, slot_gone=True), 200
        return _slot_page(form, start, minutes, exc.message), status
    return _slot_page(form, start, minutes), 200


@login_required
def my_bookings(request):
    """我的预约: upcoming and past sessions as mentee (and as mentor, for mentors)."""
    now = timezone.now()
    qs = Booking.objects.filter(Q(mentee=request.user) | Q(mentor=request.user)).select_related(
        "mentor", "mentee"
    )
    upcoming = list(qs.filter(status=BookingStatus.CONFIRMED, end__gt=now).order_by("start")[:50])
    past = Paginator(
        qs.exclude(status=BookingStatus.CONFIRMED, end__gt=now).order_by("-start"), 20
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorship/bookings.html",
        {"upcoming": upcoming, "page": past, "tab": "bookings"},
    )


@login_required
def booking_detail(request, pk):
    booking = booking_of(request.user, pk)
    user = request.user
    as_mentor = user.pk == booking.mentor_id
    now = timezone.now()
    schedule = selectors.schedule_for(booking.mentor.mentor_profile)
    notes = [n for n in booking.notes.select_related("author") if n.visible_to(user)]
    proposal = booking.proposals.filter(status=ProposalStatus.PENDING).first()
    ahead = policies.still_ahead(booking, now)
    can_change = ahead and policies.mentee_may_change(booking, schedule, now)
    return render(
        request,
        "mentorship/booking_detail.html",
        {
            "booking": booking,
            "as_mentor": as_mentor,
            "other": booking.mentee if as_mentor else booking.mentor,
            "schedule": schedule,
            "show_meeting_detail": booking.status == BookingStatus.CONFIRMED,
            "notes": notes,
            "action_items": list(booking.action_items.all()),
            "proposal": proposal,
            "events": list(booking.events.select_related("actor")),
            "can_reschedule": not as_mentor and can_change,
            "can_cancel": ahead and (as_mentor or can_change),
            "cancel_form": CancelForm(as_mentor=as_mentor),
            "can_propose": as_mentor and ahead,
            "can_mark": as_mentor and booking.start <= now and booking.status in ACTIVE_STATUSES,
            "can_write": booking.status != BookingStatus.CANCELLED,
            "note_visibilities": NoteVisibility.choices,
            "cutoff_hours": policies.cutoff_hours(schedule),
            "tab": "agenda" if as_mentor else "bookings",
        },
    )


@login_required
def reschedule(request, pk):
    """The mentee picks a new slot (GET) and confirms it (POST)."""
    booking = booking_of(request.user, pk)
    if request.user.pk != booking.mentee_id:
        return redirect("mentorship:booking", pk=booking.pk)
    profile = booking.mentor.mentor_profile
    if request.method == "POST":
        start = parse_instant(request.POST.get("start"))
        try:
            if start is None:
                raise refused(slots.Refusal.NOT_OFFERED)
            services.reschedule_booking(
                booking,
                request.user,
                start,
                booking.duration_minutes,
                reason=request.POST.get("reason", ""),
            )
        except BookingError as exc:
            messages.error(request, exc.message)
            return redirect("mentorship:reschedule", pk=booking.pk)
        messages.success(request, _("Moved. You and your mentor have been notified."))
        return redirect("mentorship:booking", pk=booking.pk)
    context = _slot_picker(request, profile, rescheduling=booking)
    context.update(profile=profile, booking=booking, tab="bookings")
    return render(request, "mentorship/reschedule.html", context)


@login_required
@require_POST
def cancel(request, pk):
    booking = booking_of(request.user, pk)
    form = CancelForm(request.POST, as_mentor=request.user.pk == booking.mentor_id)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("mentorship:booking", pk=booking.pk)
    try:
        services.cancel_booking(
            booking, request.user, form.cleaned_data["reason"], form.cleaned_data["note"]
        )
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The session is cancelled. Both of you have been notified."))
    return redirect("mentorship:booking", pk=booking.pk)


@login_required
def propose(request, pk):
    """The mentor proposes a new time with a reason."""
    booking = booking_of(request.user, pk)
    if request.user.pk != booking.mentor_id:
        return redirect("mentorship:booking", pk=booking.pk)
    zone = booking.mentor.mentor_profile.time_zone
    form = ProposeForm(request.POST or None, zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_new_time(
                booking,
                request.user,
                form.cleaned_data["start"],
                reason=form.cleaned_data["reason"],
            )
        except BookingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Proposal sent. The mentee will accept or decline it."))
            return redirect("mentorship:booking", pk=booking.pk)
    return render(
        request,
        "mentorship/propose.html",
        {"booking": booking, "form": form, "tab": "agenda"},
        status=400 if form.errors else 200,
    )


def _proposal_of(user, pk):
    return get_object_or_404(
        RescheduleProposal.objects.select_related("booking"),
        Q(booking__mentee=user) | Q(booking__mentor=user),
        pk=pk,
    )


@login_required
@require_POST
def answer_proposal(request, pk, accept):
    proposal = _proposal_of(request.user, pk)
    try:
        if accept:
            services.accept_proposal(proposal, request.user)
            messages.success(request, _("The session has moved to the new time."))
        else:
            services.decline_proposal(proposal, request.user)
            messages.success(request, _("You kept the original time; your mentor has been told."))
    except BookingError as exc:
        messages.error(request, exc.message)
    return redirect("mentorship:booking", pk=proposal.booking_id)


@login_required
@require_POST
def attendance(request, pk):
    booking = booking_of(request.user, pk)
    try:
        services.mark_attendance(
            booking, request.user, attended=request.POST.get("attended") == "1"
        )
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attendance saved."))
    return redirect("mentorship:booking", pk=booking.pk)


@login_required
def booking_ics(request, pk):
    booking = booking_of(request.user, pk)
    response = HttpResponse(
        ics.booking_calendar(booking, request.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{booking.pk}.ics"'
    return response


def booking_url(booking):
    return reverse("mentorship:booking", args=[booking.pk])
