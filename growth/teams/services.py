"""Use cases of the team view: plans, their assignment to recruits, and nudges."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import userpages
from academy.errors import DomainError
from academy.models import ShopkeeperProfile
from academy.services import notify, render_for
from courses.models import LiveSessionPage
from growth.models import Nudge, PlanAssignment, PlanItem, PlanItemKind, TrainingPlan
from growth.teams import selectors, tree

MAX_PLAN_STEPS = 12
# Recruits this recent get a plan that their leader creates after they joined.
RECENT_RECRUIT_DAYS = 30

NUDGE_PRESETS = [
    _("Keep going! One short lesson today is enough."),
    _("Your training plan has a step due. Shall we finish it together?"),
    _("Stuck on a quiz? Tell me, I am happy to help."),
]


class TeamError(DomainError):
    """A refused team action, with a message for the leader."""

    default_code = "team"


def _item(plan, position, target, days):
    """A plan step for a course or, for a live session page, its replay."""
    if isinstance(target, LiveSessionPage):
        return PlanItem(
            plan=plan,
            position=position,
            kind=PlanItemKind.REPLAY,
            live_session=target,
            title=target.title,
            target_days=days,
        )
    return PlanItem(
        plan=plan, position=position, course=target, title=target.title, target_days=days
    )


def save_plan(leader, *, title, welcome="", steps):
    """Create or replace the leader's plan; ``steps`` are (course or live session, target_days)
    in order; a live session stands for watching its replay."""
    if not steps:
        raise TeamError(_("A plan needs at least one course."))
    if len(steps) > MAX_PLAN_STEPS:
        raise TeamError(_("A plan has at most %(max)s steps.") % {"max": MAX_PLAN_STEPS})
    replays = [t.pk for t, _days in steps if isinstance(t, LiveSessionPage)]
    course_ids = [t.pk for t, _days in steps if not isinstance(t, LiveSessionPage)]
    if len(set(course_ids)) != len(course_ids):
        raise TeamError(_("Each course can be in the plan only once."))
    if len(set(replays)) != len(replays):
        raise TeamError(_("Each replay can be in the plan only once."))
    for _course, days in steps:
        if not 1 <= days <= 365:
            raise TeamError(_("Target days are between 1 and 365."))
    with transaction.atomic():
        ShopkeeperProfile.objects.select_for_update().get(pk=leader.pk)
        plan, created = TrainingPlan.objects.update_or_create(
            leader=leader,
            defaults={"title": title, "welcome": welcome, "updated_at": timezone.now()},
        )
        plan.items.all().delete()
        PlanItem.objects.bulk_create(
            _item(plan, i, target, days) for i, (target, days) in enumerate(steps, start=1)
        )
        if created:
            _assign_recent_recruits(plan, leader)
    return plan


def _assign_recent_recruits(plan, leader):
    today = timezone.localdate()
    recent = list(
        leader.recruits.filter(
            joined_on__gte=today - timedelta(days=RECENT_RECRUIT_DAYS),
            plan_assignment__isnull=True,
        ).values_list("pk", "joined_on", "user_id")
    )
    PlanAssignment.objects.bulk_create(
        PlanAssignment(plan=plan, member_id=pk, started_on=joined_on)
        for pk, joined_on, _user in recent
    )
    userpages.bump_users(*(user_id for _pk, _joined, user_id in recent))


def on_team_change(profile):
    """A member joined or left a team: she follows her new leader's plan, from today."""
    with transaction.atomic():
        plan = (
            TrainingPlan.objects.filter(leader_id=profile.team_leader_id).first()
            if profile.team_leader_id
            else None
        )
        if plan is None:
            PlanAssignment.objects.filter(member=profile).delete()
            return None
        assignment, _created = PlanAssignment.objects.update_or_create(
            member=profile, defaults={"plan": plan, "started_on": timezone.localdate()}
        )
    return assignment


def send_nudge(leader, member, text):
    """Remind one member of the team (in-site and e-mail); at most once per member and day."""
    text = (text or "").strip()
    if not text:
        raise TeamError(_("Write a short message or choose one."))
    if len(text) > 200:
        raise TeamError(_("A reminder has at most 200 characters."))
    if not tree.is_member(leader, member):
        raise TeamError(_("This shopkeeper is not in your team."))
    day = timezone.localdate()
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(leader=leader, member=member, day=day, text=text)
            user = member.user
            notify(
                user,
                key=f"team-nudge:{nudge.pk}",
                title=render_for(user, "growth/teams/nudge_title.txt", {"leader": leader.user}),
                body=text,
                url=reverse("dashboard"),
                kind="team_nudge",
            )
    except IntegrityError:
        raise TeamError(
            _("%(name)s has already been reminded today. Try again tomorrow.")
            % {"name": member.user}
        ) from None
    return nudge


def nudge_behind_plan(leader, text):
    """Remind every direct recruit behind the plan; returns (sent, already reminded today)."""
    sent = skipped = 0
    for member, _progress in selectors.behind_plan(leader):
        try:
            send_nudge(leader, member, text)
        except TeamError:
            skipped += 1
        else:
            sent += 1
    return sent, skipped
