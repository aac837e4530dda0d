"""Views of live sessions: sign up, calendar file, join, questions, replay, mentor and staff.

Thin, like ``courses.views``: each parses the request, calls one service or
selector, and turns a refusal into a message (or a 403 for what the person may
never do). The session page itself is a Wagtail page (LiveSessionPage).
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from academy import roles
from academy.access import staff_required
from academy.exports import csv_response
from academy.ratelimits import too_many
from courses import access
from courses.live import ics, selectors, services
from courses.models import LiveQuestion, LiveSessionPage, MediaStream
from courses.views import document_download, player_report, ranged_file_response


def _session(session_id):
    return get_object_or_404(
        LiveSessionPage.objects.live().select_related("mentor__user"), pk=session_id
    )


def _back(request, session):
    return redirect(session.get_url(request) or "/")


@login_required
@require_POST
def signup(request, session_id):
    session = _session(session_id)
    try:
        _signup, created = services.sign_up(request.user, session)
    except services.LiveDenied as error:
        raise PermissionDenied(error.message) from None
    except services.LiveError as error:
        messages.error(request, error.message)
        return _back(request, session)
    if created:
        messages.success(request, _("You are signed up. We will remind you before it starts."))
    else:
        messages.info(request, _("You are already signed up for this session."))
    return _back(request, session)


@login_required
@require_POST
def withdraw(request, session_id):
    session = _session(session_id)
    if services.withdraw(request.user, session):
        messages.success(request, _("Your sign-up is cancelled."))
    return _back(request, session)


@require_GET
def calendar_file(request, session_id):
    """The session as an .ics file (public: it holds what the page shows, not the join link)."""
    session = _session(session_id)
    response = HttpResponse(
        ics.session_calendar(request, session), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="live-{session.pk}.ics"'
    return response


@login_required
@require_POST
def join(request, session_id):
    """Record the click on the join link and send the person on to the stream."""
    session = _session(session_id)
    try:
        url = services.join(request.user, session)
    except services.LiveError as error:
        messages.error(request, error.message)
        return _back(request, session)
    return redirect(url)


@login_required
@require_POST
def ask(request, session_id):
    session = _session(session_id)
    if too_many(request, "live_question"):
        messages.error(request, _("You have asked many questions. Please wait a while."))
        return _back(request, session)
    try:
        services.ask(request.user, session, request.POST.get("text", ""))
    except services.LiveError as error:
        messages.error(request, error.message)
        return _back(request, session)
    messages.success(request, _("Your question is in. Others can vote for it."))
    return redirect(f"{session.get_url(request)}#questions")


def _question(question_id):
    return get_object_or_404(
        LiveQuestion.objects.select_related("session").filter(session__live=True), pk=question_id
    )


@login_required
@require_POST
def vote(request, question_id):
    question = _question(question_id)
    session = question.session.specific
    if too_many(request, "live_vote"):
        messages.error(request, _("Too many votes at once. Please wait a while."))
        return _back(request, session)
    try:
        if not services.vote(request.user, question):
            messages.info(request, _("You already voted for this question."))
    except services.LiveError as error:
        messages.error(request, error.message)
    return redirect(f"{session.get_url(request)}#questions")


@login_required
@require_POST
def hide(request, question_id):
    if not roles.has_staff_role(request.user):
        raise Http404
    question = _question(question_id)
    hidden = request.POST.get("show") != "1"
    services.set_hidden(question, request.user, hidden=hidden)
    if hidden:
        messages.success(request, _("The question is hidden."))
    else:
        messages.success(request, _("The question shows again."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = question.session.specific.get_url(request) or "/"
    return redirect(target)


def _replay_session(request, session_id):
    """The session if the visitor may watch its replay; else the locked-lesson answer."""
    session = _session(session_id)
    outcome, reason = services.check_replay(request.user, session)
    if outcome == access.LOGIN:
        return None, redirect_to_login(request.get_full_path())
    if outcome != access.ALLOW:
        return None, TemplateResponse(
            request, "courses/locked.html", {"reason": reason, "course": None}, status=403
        )
    return session, None


@require_GET
def replay(request, session_id):
    session, refusal = _replay_session(request, session_id)
    if refusal is not None:
        return refusal
    view = services.record_replay_open(request.user, session)
    stream = session.replay_video_id and (
        MediaStream.objects.filter(media_id=session.replay_video_id).first()
    )
    return render(
        request,
        "courses/live/replay.html",
        {
            "session": session,
            "view": view,
            "stream": stream,
            "zone": timezone.get_current_timezone_name(),
        },
    )


@require_GET
def replay_media(request, session_id):
    session, refusal = _replay_session(request, session_id)
    if refusal is not None or not session.replay_video_id:
        # Players fetch the file: a plain 403, also for visitors.
        raise PermissionDenied
    media = session.replay_video
    content_type = mimetypes.guess_type(media.file.name)[0] or "application/octet-stream"
    return ranged_file_response(request, media.file, content_type)


@require_POST
def replay_position(request, session_id):
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to watch the replay.")}, status=403)
    session = _session(session_id)
    return player_report(request, services.record_replay_position, session)


@require_GET
def material(request, session_id, document_id):
    """A material of the session, for those who may see the session's tier."""
    session = _session(session_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if services.tier_lock_reason(request.user, session):
        raise PermissionDenied
    ids = {block.value["document"].id for block in session.materials if block.value["document"]}
    if document_id not in ids:
        raise Http404
    return document_download(request, document_id)


# --- star mentors --------------------------------------------------------------------------


@login_required
@require_GET
def mentor_sessions(request):
    """导师的直播: one's own sessions with sign-up and question counts."""
    if not hasattr(request.user, "mentor_profile"):
        raise Http404
    page = Paginator(selectors.mentor_sessions(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "courses/live/mentor_sessions.html", {"page_obj": page})


@login_required
@require_GET
def mentor_session(request, session_id):
    """One session as its mentor (or staff) sees it: the questions, most votes first."""
    session = get_object_or_404(LiveSessionPage.objects.select_related("state"), pk=session_id)
    own = session.mentor_id and session.mentor.user_id == request.user.pk
    staff = roles.has_staff_role(request.user)
    if not own and not staff:
        raise Http404
    return render(
        request,
        "courses/live/mentor_session.html",
        {
            "session": session,
            "questions": selectors.questions(session, include_hidden=True, limit=200),
            "may_moderate": staff,
            "own": own,
        },
    )


# --- staff ---------------------------------------------------------------------------------


@staff_required(roles.has_staff_role)
@require_GET
def staff_report(request):
    """Sign-ups and attendance (join clicks, replay viewers) per session."""
    page = Paginator(selectors.staff_sessions(), 30).get_page(request.GET.get("page"))
    return render(request, "courses/live/staff_report.html", {"page_obj": page})


@staff_required(roles.has_staff_role)
@require_GET
def staff_export(request, session_id):
    """Everyone signed up for one session, with attendance, as CSV (streamed)."""
    session = get_object_or_404(LiveSessionPage, pk=session_id)
    zone = timezone.get_current_timezone()

    def when(value):
        return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M") if value else ""

    header = [
        pgettext("person", "Name"),
        _("E-mail"),
        _("Shop ID"),
        _("Signed up at"),
        _("First joined at"),
        _("Join link clicks"),
        _("Replay views"),
        _("Replay watched to the end at"),
    ]
    rows = (
        [name, email, shop, when(signed), when(joined), clicks, views, when(done)]
        for name, email, shop, signed, joined, clicks, views, done in selectors.export_rows(session)
    )
    return csv_response(f"live-{session.pk}-signups.csv", header, rows)
