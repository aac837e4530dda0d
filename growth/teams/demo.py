"""Demo team: 陈丽娟 (shopkeeper@example.com) leads a team of a few hundred with a plan.

Forty demo shopkeepers are her direct recruits and their own recruits are the
second level; the plan ends with the latest live-session replay. Rows are
bulk-inserted and keyed by unique constraints, so seeding again changes nothing.
"""

import random
from datetime import timedelta

from django.utils import timezone

from academy.demo import BULK_SHOP_ID_BASE, demo_email
from academy.models import ShopkeeperProfile
from courses.live.selectors import with_replays
from courses.models import CoursePage, Enrolment, TierLevel, TierPage
from growth.models import PlanAssignment, PlanItem, PlanItemKind, TrainingPlan

DIRECT = range(8, 48)  # demo shopkeepers recruited by 陈丽娟
PLAN_DAYS = (3, 7, 14)


def seed(stdout, options):
    leader = ShopkeeperProfile.objects.filter(user__email=demo_email("shopkeeper")).first()
    if leader is None:
        return
    shop_ids = [str(BULK_SHOP_ID_BASE + i) for i in DIRECT]
    ShopkeeperProfile.objects.filter(shop_id__in=shop_ids).exclude(team_leader=leader).update(
        team_leader=leader
    )
    tier_path = _beginner_path()
    courses = (
        list(
            CoursePage.objects.live()
            .filter(path__startswith=tier_path)
            .order_by("path")[: len(PLAN_DAYS)]
        )
        if tier_path
        else []
    )
    plan, created = TrainingPlan.objects.get_or_create(
        leader=leader,
        defaults={
            "title": "新人14天起步计划",
            "welcome": "欢迎加入丽娟团队！先把这三门课学完，有问题随时在群里问我。",
        },
    )
    if created:
        PlanItem.objects.bulk_create(
            PlanItem(plan=plan, position=i, course=c, title=c.title, target_days=days)
            for i, (c, days) in enumerate(zip(courses, PLAN_DAYS, strict=False), start=1)
        )
    _add_replay_step(plan)
    today = timezone.localdate()
    direct = ShopkeeperProfile.objects.filter(team_leader=leader).values_list("pk", flat=True)
    PlanAssignment.objects.bulk_create(
        [
            PlanAssignment(plan=plan, member_id=pk, started_on=today - timedelta(days=pk % 20))
            for pk in direct
        ],
        ignore_conflicts=True,
    )
    _team_learning(leader, courses)
    stdout.write(f"  team of {leader.user}: {len(direct)} direct recruits, plan “{plan.title}”")


def _add_replay_step(plan):
    """The latest live-session replay as the plan's last step, once."""

    session = with_replays().first()
    if session is None or plan.items.filter(kind=PlanItemKind.REPLAY).exists():
        return
    last = plan.items.order_by("-position").values_list("position", flat=True).first() or 0
    PlanItem.objects.create(
        plan=plan,
        position=last + 1,
        kind=PlanItemKind.REPLAY,
        live_session=session,
        title=session.title,
        target_days=PLAN_DAYS[-1],
    )


def _beginner_path():

    tier = TierPage.objects.filter(level=TierLevel.BEGINNER).first()
    return tier.path if tier else ""


def _team_learning(leader, courses):
    """Some learning for members without any, so the team view shows progress and stuck flags."""
    if not courses:
        return
    from growth.teams import tree

    members = list(
        tree.members(leader)
        .exclude(user__enrolments__isnull=False)
        .values_list("user_id", flat=True)
    )
    now = timezone.now()
    rows = []
    for user_id in members:
        rng = random.Random(user_id)  # noqa: S311 - repeatable demo data
        if rng.random() < 0.3:
            continue  # never started: shown as stuck
        for course in courses[: rng.randint(1, len(courses))]:
            started = now - timedelta(days=rng.randint(3, 40))
            seen = started + timedelta(days=rng.randint(0, 2))
            done = rng.random() < 0.5
            rows.append(
                Enrolment(
                    user_id=user_id,
                    course=course,
                    course_title=course.title,
                    enrolled_at=started,
                    last_seen_at=min(seen, now),
                    completed_at=min(seen, now) if done else None,
                )
            )
    Enrolment.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
