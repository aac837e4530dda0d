"""Read-side of live sessions: listings, the session page, mentor and staff views.

Every listing costs a fixed number of queries whatever the number of sessions,
sign-ups or questions: counters come from ``LiveSessionState`` and per-session
figures from subqueries.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from academy import roles
from courses import access
from courses.live import services
from courses.models import (
    CoursePage,
    LiveQuestion,
    LiveQuestionVote,
    LiveReplayView,
    LiveSessionIndexPage,
    LiveSessionPage,
    LiveSignup,
    LiveTopic,
    TierLevel,
)

HOME_LIMIT = 3
QUESTION_LIMIT = 50
PAST_PER_PAGE = 10


def sessions():
    """Published sessions with what their cards show."""
    return (
        LiveSessionPage.objects.live()
        .select_related("mentor__user", "cover_image", "tier", "state")
        .order_by("start", "id")
    )


def upcoming(now=None):
    now = now or timezone.now()
    # Ends after now: a session that started is still "on" until its end.
    return [s for s in sessions().filter(start__gt=now - _longest()) if s.end > now]


def _longest():
    from datetime import timedelta

    return timedelta(minutes=600)


def _signed_up_ids(user, session_ids):
    if not user.is_authenticated or not session_ids:
        return set()
    return set(
        LiveSignup.objects.filter(user=user, session_id__in=session_ids).values_list(
            "session_id", flat=True
        )
    )


def _mark(request, items):
    signed = _signed_up_ids(request.user, [s.pk for s in items])
    for item in items:
        item.signed_up = item.pk in signed
    return items


def home_context(request, **kwargs):
    """The home page's live-session section: the next few sessions."""
    items = _mark(request, [s for s in upcoming() if not s.cancelled][:HOME_LIMIT])
    index = LiveSessionIndexPage.objects.live().first()
    return {"sessions": items, "index": index, "signed_in": request.user.is_authenticated}


def with_replays(qs=None, now=None):
    """Sessions that have started and have a replay attached, newest first."""
    qs = sessions() if qs is None else qs
    return (
        qs.filter(start__lte=now or timezone.now())
        .filter(Q(replay_video__isnull=False) | ~Q(replay_url=""))
        .order_by("-start", "-id")
    )


def index_context(request, index):
    """The list: upcoming sessions and past ones with replays, filtered by tier and topic."""
    now = timezone.now()
    tier = request.GET.get("tier", "")
    topic = request.GET.get("topic", "")
    qs = sessions()
    if tier in {str(v) for v in TierLevel.values}:
        # Sessions for every shopkeeper stay in every tier's list.
        qs = qs.filter(Q(tier__isnull=True) | Q(tier__level=int(tier)))
    else:
        tier = ""
    if topic in LiveTopic.values:
        qs = qs.filter(topic=topic)
    else:
        topic = ""
    coming = _mark(request, [s for s in qs.filter(start__gt=now - _longest()) if s.end > now])
    past_qs = with_replays(qs, now)
    past_page = Paginator(past_qs, PAST_PER_PAGE).get_page(request.GET.get("page"))
    past = [s for s in past_page.object_list if s.end <= now]
    return {
        "upcoming": coming,
        "past": past,
        "page_obj": past_page,
        "tier": tier,
        "topic": topic,
        "tiers": TierLevel.choices,
        "topics": LiveTopic.choices,
        "zone": timezone.get_current_timezone_name(),
    }


def questions(session, user=None, *, include_hidden=False, limit=QUESTION_LIMIT):
    """The session's questions, most votes first, each marked ``voted`` for ``user``."""
    qs = LiveQuestion.objects.filter(session=session).select_related("author")
    if not include_hidden:
        qs = qs.filter(hidden_at__isnull=True)
    if user is not None and user.is_authenticated:
        qs = qs.annotate(
            voted=Exists(LiveQuestionVote.objects.filter(question=OuterRef("pk"), user=user))
        )
    else:
        qs = qs.annotate(voted=Value(False))
    return list(qs.order_by("-votes", "created_at", "id")[:limit])


def session_context(request, session):
    """What the session page shows to this visitor."""
    user = request.user
    now = timezone.now()
    signup = (
        LiveSignup.objects.filter(session=session, user=user).first()
        if user.is_authenticated
        else None
    )
    state = getattr(session, "state", None) if _has_state(session) else None
    signups = state.signups if state else 0
    full = session.capacity is not None and signups >= session.capacity
    staff = user.is_authenticated and roles.has_staff_role(user)
    lock_reason = services.tier_lock_reason(user, session) if user.is_authenticated else None
    replay_outcome, replay_reason = services.check_replay(user, session, now)
    return {
        "now": now,
        "signup": signup,
        "signups": signups,
        "full": full,
        "over": session.is_over(now),
        "lock_reason": lock_reason,
        "join_open": bool(signup) and session.join_open(now),
        "join_opens_at": session.join_window()[0],
        "questions": questions(session, user, include_hidden=staff),
        "may_ask": bool(signup) or staff,
        "may_moderate": staff,
        "replay_allowed": replay_outcome == access.ALLOW,
        "replay_reason": replay_reason if replay_outcome == access.DENY else "",
        "related": CoursePage.objects.live().filter(live_sessions=session).order_by("path"),
        "zone": timezone.get_current_timezone_name(),
    }


def _has_state(session):
    from courses.models import LiveSessionState

    try:
        session.state  # noqa: B018 - loads the reverse one-to-one
    except LiveSessionState.DoesNotExist:
        return False
    return True


def mentor_sessions(user):
    """A star mentor's own sessions, newest first, with sign-up and question counts."""
    return (
        LiveSessionPage.objects.filter(mentor__user=user)
        .select_related("state")
        .annotate(question_count=Count("questions", filter=Q(questions__hidden_at__isnull=True)))
        .order_by("-start", "-id")
    )


def _count(model, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(session=OuterRef("pk"), **filters)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def staff_sessions():
    """Every session with sign-ups, people who clicked the join link, and replay viewers."""
    return (
        LiveSessionPage.objects.select_related("mentor__user", "state")
        .annotate(
            joined=_count(LiveSignup, joined_at__isnull=False),
            replay_viewers=_count(LiveReplayView),
        )
        .order_by("-start", "-id")
    )


def export_rows(session):
    """One row per sign-up for the CSV export, read in chunks (never all at once)."""
    replay = LiveReplayView.objects.filter(session=session, user=OuterRef("user"))
    return (
        LiveSignup.objects.filter(session=session)
        .annotate(
            replay_views=Coalesce(Subquery(replay.values("views")[:1]), 0),
            replay_done=Subquery(replay.values("completed_at")[:1]),
        )
        .order_by("id")
        .values_list(
            "user__display_name",
            "user__email",
            "user__shopkeeper_profile__shop_id",
            "created_at",
            "joined_at",
            "join_clicks",
            "replay_views",
            "replay_done",
        )
        .iterator(chunk_size=2000)
    )


def dashboard_context(request, **kwargs):
    """我的学习: the live sessions one signed up for that are still to come (mentors: theirs)."""
    user = request.user
    now = timezone.now()
    mine = [
        s
        for s in sessions().filter(signups__user=user, start__gt=now - _longest(), cancelled=False)
        if s.end > now
    ]
    # The role comes from the per-user cache: no query for the many who are not mentors.
    is_mentor = roles.has_role(user, roles.MENTOR)
    if not mine and not is_mentor:
        return None
    for session in mine:
        session.signed_up = True
    return {"sessions": mine, "is_mentor": is_mentor}
