"""What a team leader sees: her members' learning, and progress against her plan.

Every function costs a fixed number of queries whatever the team's size; the
members come from :mod:`growth.teams.tree`, so nothing outside her team (as
it is now) is ever read. Only learning data is read: never notes, goals,
messages, applications or sales.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from academy.models import ShopkeeperProfile
from courses import catalogue
from courses.models import Enrolment, LiveReplayView, QuizAttempt
from growth.models import PlanAssignment, PlanItem, PlanItemKind, TrainingPlan
from growth.teams import tree

STUCK_IDLE_DAYS = 7
STUCK_FAILED_ATTEMPTS = 2

ALL, STUCK, DIRECT = "all", "stuck", "direct"


def profile_of(user):
    if not user.is_authenticated:
        return None
    try:
        return user.shopkeeper_profile
    except ShopkeeperProfile.DoesNotExist:
        return None


def _count(queryset):
    return Coalesce(
        Subquery(queryset.values("user_id").annotate(n=Count("id")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def annotate_learning(queryset, now=None):
    """Add in-progress and completed counts, last learning and the two stuck flags."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=STUCK_IDLE_DAYS)
    enrolments = Enrolment.objects.filter(user_id=OuterRef("user_id"))
    passed = QuizAttempt.objects.filter(user_id=OuterRef(OuterRef("user_id")), passed=True)
    failed_twice = (
        QuizAttempt.objects.filter(user_id=OuterRef("user_id"), passed=False, quiz__isnull=False)
        .exclude(quiz_id__in=passed.values("quiz_id"))
        .values("quiz_id")
        .annotate(n=Count("id"))
        .filter(n__gte=STUCK_FAILED_ATTEMPTS)
    )
    return queryset.annotate(
        in_progress=_count(enrolments.filter(completed_at__isnull=True)),
        completed=_count(enrolments.filter(completed_at__isnull=False)),
        last_learned=Subquery(enrolments.order_by("-last_seen_at").values("last_seen_at")[:1]),
        failed_quiz=Exists(failed_twice),
    ).annotate(
        idle=Case(
            When(
                Q(last_learned__lt=cutoff)
                | Q(last_learned__isnull=True, user__date_joined__lt=cutoff),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def team_queryset(leader, *, depth=None, show=ALL, now=None):
    """The leader's members with their learning, newest recruits first."""
    qs = tree.members(leader, depth)
    if show == DIRECT:
        qs = qs.filter(team_leader=leader)
    qs = annotate_learning(qs.select_related("user", "plan_assignment"), now)
    if show == STUCK:
        qs = qs.filter(Q(idle=True) | Q(failed_quiz=True))
    return qs.order_by("-joined_on", "-id")


def team_page(leader, *, show=ALL, number=None, per_page=30, now=None):
    """One page of members: (page of ids, their annotated profiles in order); 3 queries.

    The page's ids are chosen first and only those rows are annotated, so the cost
    of a page does not grow with the team (except for the stuck filter, which has
    to look at everyone's learning to choose).
    """
    from django.core.paginator import Paginator

    if show == STUCK:
        ids = team_queryset(leader, show=show, now=now).values_list("pk", flat=True)
    else:
        ids = tree.members(leader)
        if show == DIRECT:
            ids = ids.filter(team_leader=leader)
        ids = ids.order_by("-joined_on", "-id").values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(number)
    chosen = list(page.object_list)
    rows = annotate_learning(
        ShopkeeperProfile.objects.filter(pk__in=chosen).select_related("user", "plan_assignment"),
        now,
    )
    order = {pk: i for i, pk in enumerate(chosen)}
    return page, sorted(rows, key=lambda p: order[p.pk])


def current_tier(cat, completed_ids):
    """The tier a learner is working in: the first whose required courses are not all done."""
    if not cat.tiers:
        return None
    for tier in cat.tiers:
        if not tier.required_course_ids <= completed_ids:
            return tier
    return cat.tiers[-1]


@dataclass
class StepStatus:
    item: PlanItem
    due_on: object
    done_on: object = None
    url: str = ""

    @property
    def done(self):
        return self.done_on is not None

    @property
    def late(self):
        return self.done and self.done_on > self.due_on

    def overdue(self, today):
        return not self.done and today > self.due_on


@dataclass
class PlanProgress:
    plan: TrainingPlan
    started_on: object
    today: object
    steps: list = field(default_factory=list)

    @property
    def done(self):
        return sum(1 for s in self.steps if s.done)

    @property
    def total(self):
        return len(self.steps)

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def overdue(self):
        return [s for s in self.steps if s.overdue(self.today)]

    @property
    def behind(self):
        return bool(self.overdue)


def plan_items(plan_ids):
    """``{plan_id: [items]}``, one query."""
    items = {}
    for item in PlanItem.objects.filter(plan_id__in=plan_ids).select_related("plan"):
        items.setdefault(item.plan_id, []).append(item)
    return items


def completions(user_ids, course_ids):
    """``{(user_id, course_id): completed day}``, one query."""
    rows = Enrolment.objects.filter(
        user_id__in=user_ids, course_id__in=course_ids, completed_at__isnull=False
    ).values_list("user_id", "course_id", "completed_at")
    return {(u, c): timezone.localdate(at) for u, c, at in rows}


def replays_watched(user_ids, session_ids):
    """``{(user_id, session_id): day watched}``, one query (none without sessions).

    Watched means to the end (as a lesson video: the replay record's ``completed_at``)
    where the academy plays the video; where the replay is only a link to the
    streaming platform nothing reports the position, so opening it counts.
    """
    if not session_ids:
        return {}
    rows = (
        LiveReplayView.objects.filter(user_id__in=user_ids, session_id__in=session_ids)
        .filter(Q(completed_at__isnull=False) | Q(session__replay_video__isnull=True))
        .values_list("user_id", "session_id", "completed_at", "first_viewed_at")
    )
    return {(u, s): timezone.localdate(done or opened) for u, s, done, opened in rows}


def _step_done(item, user_id, courses_done, replays_done):
    if item.kind == PlanItemKind.REPLAY:
        return replays_done.get((user_id, item.live_session_id))
    return courses_done.get((user_id, item.course_id))


def _step_url(item, cat):
    if item.kind == PlanItemKind.REPLAY:
        return (
            reverse("courses:live_replay", args=[item.live_session_id])
            if item.live_session_id
            else ""
        )
    node = cat.courses.get(item.course_id)
    return node.url if node else ""


def plan_progress_for(assignments, today=None):
    """``{member profile id: PlanProgress}`` for assignments (with ``member`` loaded); 2 queries,
    3 when a plan has a replay step."""
    assignments = [a for a in assignments if a is not None]
    if not assignments:
        return {}
    today = today or timezone.localdate()
    items = plan_items({a.plan_id for a in assignments})
    steps = [i for group in items.values() for i in group]
    user_ids = [a.member.user_id for a in assignments]
    done = completions(user_ids, {i.course_id for i in steps if i.course_id})
    watched = replays_watched(user_ids, {i.live_session_id for i in steps if i.live_session_id})
    cat = catalogue.get()
    result = {}
    for assignment in assignments:
        plan_steps = items.get(assignment.plan_id, [])
        progress = PlanProgress(
            plan=plan_steps[0].plan if plan_steps else assignment.plan,
            started_on=assignment.started_on,
            today=today,
        )
        for item in plan_steps:
            progress.steps.append(
                StepStatus(
                    item=item,
                    due_on=assignment.started_on + timedelta(days=item.target_days),
                    done_on=_step_done(item, assignment.member.user_id, done, watched),
                    url=_step_url(item, cat),
                )
            )
        result[assignment.member_id] = progress
    return result


@dataclass
class MemberRow:
    profile: ShopkeeperProfile
    level: int
    tier: object
    plan: PlanProgress | None

    @property
    def stuck(self):
        return self.profile.idle or self.profile.failed_quiz

    @property
    def idle_days(self):
        """The days without learning that make a member idle (the row's own, so
        every page that shows a row can say it)."""
        return STUCK_IDLE_DAYS


def rows_for(profiles, depths, today=None):
    """Listing rows for one page of annotated profiles: tier and plan; at most 3 queries."""
    profiles = list(profiles)
    cat = catalogue.get()
    completed = {}
    for user_id, course_id in Enrolment.objects.filter(
        user_id__in=[p.user_id for p in profiles], completed_at__isnull=False
    ).values_list("user_id", "course_id"):
        completed.setdefault(user_id, set()).add(course_id)
    assignments = []
    for profile in profiles:
        assignment = getattr(profile, "plan_assignment", None)
        if assignment is not None:
            assignment.member = profile
            assignments.append(assignment)
    plans = plan_progress_for(assignments, today)
    return [
        MemberRow(
            profile=p,
            level=depths.get(p.pk, 0),
            tier=current_tier(cat, completed.get(p.user_id, set())),
            plan=plans.get(p.pk),
        )
        for p in profiles
    ]


def plan_of(leader):
    return TrainingPlan.objects.filter(leader=leader).first()


def behind_plan(leader, today=None):
    """The leader's direct recruits who are behind her plan, with their progress; 3 queries."""
    assignments = list(
        PlanAssignment.objects.filter(
            plan__leader=leader, member__team_leader=leader
        ).select_related("member__user")
    )
    progress = plan_progress_for(assignments, today)
    return [(a.member, progress[a.member_id]) for a in assignments if progress[a.member_id].behind]


def member_enrolments(profile):
    return Enrolment.objects.filter(user_id=profile.user_id).order_by("-last_seen_at")


def dashboard_summary(request):
    """What the dashboard's team, plan and shop sections need, in one query per request.

    ``None`` for accounts without a shop. The result is kept on the request, so
    the three sections share it.
    """
    if hasattr(request, "_growth_summary"):
        return request._growth_summary
    from growth.models import ShopMonth

    summary = None
    profile = profile_of(request.user)
    if profile is not None:
        latest = ShopMonth.objects.filter(profile_id=OuterRef("pk")).order_by("-month")
        summary = (
            ShopkeeperProfile.objects.filter(pk=profile.pk)
            .annotate(
                has_recruits=Exists(
                    ShopkeeperProfile.objects.filter(team_leader_id=OuterRef("pk"))
                ),
                latest_month=Subquery(latest.values("month")[:1]),
                latest_gmv=Subquery(latest.values("gmv")[:1]),
            )
            .select_related("plan_assignment__plan__leader__user")
            .first()
        )
    request._growth_summary = summary
    return summary


def recruit_plan_context(request, **kwargs):
    """The dashboard section of a recruit with a plan (None hides it)."""
    summary = dashboard_summary(request)
    assignment = getattr(summary, "plan_assignment", None) if summary else None
    if assignment is None:
        return None
    assignment.member = summary
    progress = plan_progress_for([assignment])[summary.pk]
    return {"progress": progress, "leader": assignment.plan.leader, "today": progress.today}


def leader_context(request, **kwargs):
    """The dashboard section of a team leader (None for a shopkeeper without recruits)."""
    summary = dashboard_summary(request)
    if summary is None or not summary.has_recruits:
        return None
    return {"profile": summary}
