"""Notes and action items of a session, goals, messages and the calendar feed."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from academy.models import User
from mentorship import access, ics, selectors, services
from mentorship.errors import MentorshipError
from mentorship.forms import (
    CommentForm,
    GoalForm,
    GoalStatusForm,
    MessageForm,
    NoteForm,
    ProgressForm,
)
from mentorship.models import Booking, CalendarFeed, Goal, GoalStatus, Thread
from mentorship.views.common import booking_of, first_error

# --- notes and action items of a session --------------------------------------------


@login_required
@require_POST
def add_note(request, pk):
    booking = booking_of(request.user, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            services.add_note(
                booking, request.user, form.cleaned_data["body"], form.cleaned_data["visibility"]
            )
        except MentorshipError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Note saved."))
    return redirect(reverse("mentorship:booking", args=[booking.pk]) + "#notes")


@login_required
@require_POST
def add_action_item(request, pk):
    booking = booking_of(request.user, pk)
    form = GoalForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            services.add_action_item(booking, request.user, **form.cleaned_data)
        except MentorshipError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Action item added to the mentee's goals."))
    return redirect(reverse("mentorship:booking", args=[booking.pk]) + "#action-items")


# --- goals -------------------------------------------------------------------------


def _goal_of(user, pk):
    """The user's own goal, or a goal of one of her mentees; else 404."""
    goal = get_object_or_404(Goal.objects.select_related("mentee", "source_booking"), pk=pk)
    if goal.mentee_id == user.pk or access.can_manage_mentoring(user):
        return goal
    if access.mentor_profile(user) is not None and access.is_mentee_of(user, goal.mentee):
        return goal
    raise Http404


@login_required
def goals(request):
    """目标 / 行动计划: my goals, and a form to add one."""
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.create_goal(request.user, request.user, **form.cleaned_data)
        except MentorshipError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Goal added."))
            return redirect("mentorship:goal", pk=goal.pk)
    mine = list(
        Goal.objects.filter(mentee=request.user)
        .select_related("created_by", "source_booking")
        .order_by("status", "due_on", "id")
    )
    return render(
        request,
        "mentorship/goals.html",
        {
            "active": [g for g in mine if g.status == GoalStatus.ACTIVE],
            "closed": [g for g in mine if g.status != GoalStatus.ACTIVE],
            "form": form,
            "tab": "goals",
        },
        status=400 if form.errors else 200,
    )


@login_required
def goal_detail(request, pk):
    goal = _goal_of(request.user, pk)
    owner = goal.mentee_id == request.user.pk
    action = request.POST.get("action") if request.method == "POST" else None
    progress = ProgressForm(request.POST if action == "progress" else None)
    comment = CommentForm(request.POST if action == "comment" else None)
    status_form = GoalStatusForm(
        request.POST if action == "status" else None, initial={"status": goal.status}
    )
    done = None
    try:
        if action == "progress" and progress.is_valid():
            services.record_progress(goal, request.user, **progress.cleaned_data)
            done = _("Progress saved.")
        elif action == "comment" and comment.is_valid():
            services.comment_on_goal(goal, request.user, comment.cleaned_data["body"])
            done = _("Comment posted.")
        elif action == "status" and status_form.is_valid():
            services.set_goal_status(goal, request.user, status_form.cleaned_data["status"])
            done = _("Status saved.")
    except MentorshipError as exc:
        messages.error(request, exc.message)
        return redirect("mentorship:goal", pk=goal.pk)
    if done:
        messages.success(request, done)
        return redirect("mentorship:goal", pk=goal.pk)
    return render(
        request,
        "mentorship/goal_detail.html",
        {
            "goal": goal,
            "owner": owner,
            "updates": list(goal.updates.select_related("author")),
            "comments": list(goal.comments.select_related("author")),
            "progress_form": progress,
            "comment_form": comment,
            "status_form": status_form,
            "tab": "goals" if owner else "mentees",
        },
        status=400 if action else 200,
    )


# --- messages ----------------------------------------------------------------------


def _thread_of(user, pk):
    return get_object_or_404(
        Thread.objects.select_related("mentor", "mentee"), Q(mentor=user) | Q(mentee=user), pk=pk
    )


@login_required
def threads(request):
    """消息: one thread per mentor or mentee, with unread counts."""
    rows = list(selectors.threads_of(request.user))
    return render(
        request,
        "mentorship/threads.html",
        {
            "rows": [
                {"thread": t, "other": t.other(request.user), "unread": t.unread} for t in rows
            ],
            "tab": "messages",
        },
    )


@login_required
def thread(request, pk):
    thread = _thread_of(request.user, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_message(thread, request.user, form.cleaned_data["body"])
        except MentorshipError as exc:
            form.add_error("body", exc.message)
        else:
            return redirect(reverse("mentorship:thread", args=[thread.pk]) + "#latest")
    recent = list(thread.messages.select_related("sender").order_by("-id")[:100])[::-1]
    services.mark_read(thread, request.user)
    return render(
        request,
        "mentorship/thread.html",
        {
            "thread": thread,
            "other": thread.other(request.user),
            "messages_list": recent,
            "form": form,
            "open": services.messaging_open(thread),
            "tab": "messages",
        },
        status=400 if form.errors else 200,
    )


@login_required
def thread_with(request, user_id):
    other = get_object_or_404(User, pk=user_id)
    try:
        thread = services.thread_for(request.user, other)
    except MentorshipError:
        raise Http404 from None
    return redirect("mentorship:thread", pk=thread.pk)


# --- calendar feed -----------------------------------------------------------------


@login_required
def calendar_settings(request):
    """The private feed address: show, reset (revokes the old one) or turn off."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reset":
            services.reset_feed(request.user)
            messages.success(
                request, _("A new calendar address was made; the old one no longer works.")
            )
        elif action == "revoke":
            services.revoke_feed(request.user)
            messages.success(request, _("The calendar address is turned off."))
        return redirect("mentorship:calendar")
    feed = services.feed_of(request.user, create=False)
    url = None
    if feed is not None:
        url = request.build_absolute_uri(reverse("mentorship:feed", args=[feed.token]))
    return render(
        request,
        "mentorship/calendar.html",
        {
            "feed": feed,
            "url": url,
            "webcal": url.replace("https://", "webcal://").replace("http://", "webcal://")
            if url
            else None,
            "tab": "bookings",
        },
    )


@never_cache
def feed(request, token):
    """The subscription feed itself: no login, the secret token is the key."""
    try:
        owner = CalendarFeed.objects.select_related("user").get(token=token).user
    except CalendarFeed.DoesNotExist:
        raise Http404 from None
    since = timezone.now() - timedelta(days=60)
    bookings = (
        Booking.objects.filter(Q(mentor=owner) | Q(mentee=owner), end__gte=since)
        .select_related("mentor__mentor_profile__schedule", "mentee")
        .order_by("start")[:500]
    )
    response = HttpResponse(
        ics.feed_calendar(owner, bookings), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
