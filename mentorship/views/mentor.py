"""The mentor's pages: agenda, availability editor, mentees and one mentee."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy import sections
from academy.models import User
from mentorship import access, selectors
from mentorship.errors import ScheduleError
from mentorship.forms import OverrideForm, RuleFormSet, ScheduleForm
from mentorship.models import (
    AssignmentStatus,
    Booking,
    BookingStatus,
    Goal,
    MentorAssignment,
    SessionNote,
    Thread,
)
from mentorship.services import schedule as schedule_services
from mentorship.views.common import mentor_required


@mentor_required
def agenda(request):
    """导师日程: upcoming sessions by day, and past ones still to be marked."""
    mentor = request.user
    # Her sessions in the zone her hours are set in, whatever her account's zone says.
    zone = request.mentor_profile.zone
    now = timezone.now()
    qs = Booking.objects.filter(mentor=mentor).select_related("mentee")
    upcoming = list(qs.filter(status=BookingStatus.CONFIRMED, end__gt=now).order_by("start")[:100])
    days = {}
    for booking in upcoming:
        days.setdefault(booking.start.astimezone(zone).date(), []).append(booking)
    to_mark = list(
        qs.filter(
            status=BookingStatus.CONFIRMED, start__lte=now, start__gte=now - timedelta(days=30)
        ).order_by("-start")[:20]
    )
    return render(
        request,
        "mentorship/agenda.html",
        {
            "days": sorted(days.items()),
            "to_mark": to_mark,
            "zone": request.mentor_profile.time_zone,
            "tab": "agenda",
        },
    )


def _rule_initial(schedule):
    return [
        {"weekday": r.weekday, "start_time": r.start, "end_time": r.end}
        for r in selectors.rules_of(schedule)
    ]


@mentor_required
def availability(request):
    """可预约时间: booking settings, weekly hours and date overrides, on one page."""
    profile = request.mentor_profile
    schedule = selectors.schedule_for(profile)
    action = request.POST.get("action") if request.method == "POST" else None
    settings_form = ScheduleForm(
        request.POST if action == "settings" else None, instance=schedule, profile=profile
    )
    rules = RuleFormSet(
        request.POST if action == "rules" else None,
        initial=_rule_initial(schedule),
        prefix="rules",
    )
    override_form = OverrideForm(request.POST if action == "override" else None, prefix="override")
    try:
        if action == "settings" and settings_form.is_valid():
            settings_form.save()
            messages.success(request, _("Booking settings saved."))
            return redirect("mentorship:availability")
        if action == "rules" and rules.is_valid():
            schedule_services.replace_weekly_rules(profile, rules.ranges)
            messages.success(request, _("Weekly hours saved."))
            return redirect("mentorship:availability")
        if action == "override" and override_form.is_valid():
            schedule_services.add_override(profile, **override_form.cleaned_data)
            messages.success(request, _("Date override added."))
            return redirect("mentorship:availability")
    except ScheduleError as error:
        messages.error(request, error.message)
    today = timezone.now().astimezone(profile.zone).date()
    return render(
        request,
        "mentorship/availability.html",
        {
            "profile": profile,
            "schedule": schedule,
            "settings_form": settings_form,
            "rules": rules,
            "override_form": override_form,
            "overrides": selectors.upcoming_overrides(schedule, today),
            "tab": "availability",
        },
        status=400 if action else 200,
    )


@mentor_required
@require_POST
def delete_override(request, pk):
    if not schedule_services.remove_override(request.mentor_profile, pk):
        raise Http404
    messages.success(request, _("Date override removed."))
    return redirect("mentorship:availability")


@mentor_required
def mentees(request):
    """我的学员: assigned mentees and mentees with sessions, with their next session."""
    mentor = request.user
    now = timezone.now()
    ids = access.mentee_ids_of(mentor)
    people = {u.pk: u for u in User.objects.filter(pk__in=ids).order_by("display_name")}
    upcoming = {}
    for booking in Booking.objects.filter(
        mentor=mentor, mentee_id__in=ids, status=BookingStatus.CONFIRMED, end__gt=now
    ).order_by("-start"):
        upcoming[booking.mentee_id] = booking
    assignments = {}
    for assignment in MentorAssignment.objects.filter(
        mentor=mentor, mentee_id__in=ids, status=AssignmentStatus.ACTIVE
    ).order_by("starts_on"):
        assignments[assignment.mentee_id] = assignment
    unread = {t.mentee_id: t.unread for t in selectors.threads_of(mentor).filter(mentor=mentor)}
    rows = [
        {
            "mentee": person,
            "next": upcoming.get(pk),
            "assignment": assignments.get(pk),
            "unread": unread.get(pk, 0),
        }
        for pk, person in people.items()
    ]
    return render(request, "mentorship/mentees.html", {"rows": rows, "tab": "mentees"})


@login_required
def mentee_detail(request, user_id):
    """One mentee as her mentor (or staff) sees her: sessions, notes, goals, course progress."""
    viewer = request.user
    mentee = get_object_or_404(User, pk=user_id)
    is_mentor = access.mentor_profile(viewer) is not None and access.is_mentee_of(viewer, mentee)
    if not (is_mentor or access.can_manage_mentoring(viewer)) or viewer.pk == mentee.pk:
        raise Http404
    bookings = Booking.objects.filter(mentee=mentee).select_related("mentor")
    if is_mentor and not access.can_manage_mentoring(viewer):
        bookings = bookings.filter(mentor=viewer)
    bookings = list(bookings.order_by("-start")[:50])
    notes = SessionNote.objects.filter(booking__in=bookings).select_related("author", "booking")
    notes = [n for n in notes if n.visible_to(viewer)]
    goals = list(Goal.objects.filter(mentee=mentee).prefetch_related("updates", "comments__author"))
    assignments = MentorAssignment.objects.filter(mentee=mentee).select_related("mentor")
    if is_mentor and not access.can_manage_mentoring(viewer):
        assignments = assignments.filter(mentor=viewer)
    thread = Thread.objects.filter(mentor=viewer, mentee=mentee).first() if is_mentor else None
    return render(
        request,
        "mentorship/mentee_detail.html",
        {
            "mentee": mentee,
            "bookings": bookings,
            "notes": notes,
            "goals": goals,
            "assignments": list(assignments),
            "thread": thread,
            "sections": sections.render_context(sections.MENTEE, request, mentee=mentee),
            "tab": "mentees",
        },
    )
