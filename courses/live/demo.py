"""Demo live sessions: five star mentors, sessions coming up, and past ones with replays.

Sessions are found by slug before they are created, so seeding twice changes
nothing; their dates are set relative to the first seeding. Sign-ups, votes
and replay views of the bulk demo shopkeepers are written in bulk.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from academy import roles
from academy.demo import _ensure_user, demo_email
from academy.models import HomePage, MentorKind, MentorProfile, User
from courses.demo import demo_audio, demo_image
from courses.live import services
from courses.models import (
    CoursePage,
    LiveQuestion,
    LiveQuestionVote,
    LiveReplayView,
    LiveSessionIndexPage,
    LiveSessionPage,
    LiveSessionState,
    LiveSignup,
    TierPage,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Star mentors beyond those of academy.demo: local part, name, headline.
MORE_STAR_MENTORS = [
    ("mentor.chen", "陈静老师", "宝妈店主，每天两小时做到月销五万"),
    ("mentor.huang", "黄蓉老师", "三年带出千人团队的团队长"),
]

# slug, mentor, title, topic, tier slug, days from today, clock, minutes, capacity,
# replay ("video", a link or ""), summary, related course slugs
SESSIONS = [
    (
        "moments-three-part-copy",
        "mentor",
        "朋友圈三段式文案：让好物自己说话",
        "moments",
        "",
        2,
        time(20, 0),
        60,
        None,
        "",
        "场景、体验、行动：王老师拆解十条爆款朋友圈，教你写出让客户主动来问的文案。",
        ["moments-basics"],
    ),
    (
        "group-buying-zero-to-one",
        "mentor.liu",
        "社群团购从0到1：第一次开团就爆单",
        "community",
        "",
        4,
        time(20, 30),
        90,
        None,
        "",
        "建群、预热、开团、复盘，刘老师用自己的第一场团购讲透每一步。",
        [],
    ),
    (
        "double-twelve-picks",
        "mentor.zhao",
        "双十二选品清单：跟着数据选爆款",
        "products",
        "intermediate",
        6,
        time(20, 0),
        60,
        5000,
        "",
        "哪些品适合冲量、哪些品适合拉新？赵老师带你看懂平台数据，列出自己的选品清单。",
        [],
    ),
    (
        "two-hours-a-day",
        "mentor.chen",
        "宝妈店主的时间管理：每天两小时也能出单",
        "platform",
        "",
        9,
        time(10, 0),
        45,
        None,
        "",
        "接娃、做饭、辅导作业之间怎么安排发圈和回复？陈老师分享她的一天。",
        [],
    ),
    (
        "first-hundred-team",
        "mentor.huang",
        "从店主到团队长：带出第一个百人团队",
        "team",
        "advanced",
        12,
        time(20, 0),
        90,
        2000,
        "",
        "招募、培训、激励：黄老师讲她如何带出第一个百人团队，以及踩过的坑。",
        [],
    ),
    (
        "show-off-orders-right",
        "mentor",
        "朋友圈晒单的正确姿势",
        "moments",
        "",
        -5,
        time(20, 0),
        60,
        None,
        "video",
        "晒单不是刷屏：什么时候晒、晒什么、怎么配文，王老师现场改了二十条学员的晒单。",
        ["moments-basics"],
    ),
    (
        "seven-group-games",
        "mentor.liu",
        "社群活跃的7个小游戏",
        "community",
        "",
        -12,
        time(20, 30),
        60,
        None,
        "https://live.example.com/replay/seven-group-games",
        "接龙、猜价、晒单抽奖……七个拿来就能用的小游戏，让沉默的群重新热闹起来。",
        [],
    ),
    (
        "platform-rules-after-sales",
        "mentor.zhao",
        "平台新规解读：售后与物流",
        "platform",
        "",
        -20,
        time(19, 30),
        45,
        None,
        "https://live.example.com/replay/platform-rules",
        "退换货规则、物流时效和客户投诉处理，一次讲清楚，帮你少走弯路。",
        [],
    ),
]
QUESTIONS = [
    "发圈的最佳时间是几点？",
    "客户只看不回复，怎么破？",
    "新手店主一天发几条合适？",
    "文案里可以放价格吗？",
    "朋友圈被屏蔽了怎么办？",
]
COLORS = [(196, 43, 28), (9, 105, 218), (26, 127, 55), (154, 103, 0), (130, 80, 223)]


def seed(stdout, options):
    mentors = seed_star_mentors()
    index = seed_index()
    tiers = {tier.slug: tier for tier in TierPage.objects.all()}
    created = 0
    for number, spec in enumerate(SESSIONS):
        created += seed_session(index, spec, number, mentors, tiers)
    seed_people()
    stdout.write(
        f"  {LiveSessionPage.objects.count()} live sessions ({created} new) by "
        f"{len(mentors)} star mentors, with sign-ups, questions and replays"
    )


def seed_star_mentors():
    for local, name, headline in MORE_STAR_MENTORS:
        user = _ensure_user(local, name, [roles.MENTOR])
        MentorProfile.objects.get_or_create(
            user=user,
            defaults={
                "kind": MentorKind.STAR,
                "headline": headline,
                "bio": f"{headline}。喜欢把自己的经验讲成人人能用的方法。",
                "specialities": ["moments", "team"],
                "languages": ["zh-hans"],
            },
        )
    return {
        profile.user.email.split("@")[0]: profile
        for profile in MentorProfile.objects.filter(kind=MentorKind.STAR).select_related("user")
    }


def seed_index():
    index = LiveSessionIndexPage.objects.first()
    if index is None:
        index = HomePage.objects.get().add_child(
            instance=LiveSessionIndexPage(
                title="明星导师直播",
                slug="live",
                intro="<p>三十位明星导师，分享运营难题的解法和平台玩法。报名后开播前会提醒你，"
                "错过了也能看回放。</p>",
            )
        )
    return index


def seed_session(index, spec, number, mentors, tiers):
    (slug, mentor, title, topic, tier, days, clock, minutes, capacity, replay, summary, related) = (
        spec
    )
    if LiveSessionPage.objects.filter(slug=slug).exists():
        return 0
    day = timezone.localdate(timezone=SHANGHAI) + timedelta(days=days)
    start = datetime.combine(day, clock, tzinfo=SHANGHAI)
    cover = demo_image(
        f"直播封面：{title}", "明星导师直播", COLORS[number % len(COLORS)], (1280, 720)
    )
    page = LiveSessionPage(
        title=title,
        slug=slug,
        mentor=mentors.get(mentor),
        topic=topic,
        tier=tiers.get(tier),
        start=start,
        duration_minutes=minutes,
        capacity=capacity,
        join_url=f"https://live.example.com/room/{slug}",
        cover_image=cover,
        summary=summary,
        description=f"<p>{summary}</p><p>直播中可以连麦提问；开播前可以先把问题写在下面，"
        "大家点赞最多的问题导师优先回答。</p>",
        replay_video=demo_audio() if replay == "video" else None,
        replay_url=replay if replay.startswith("https://") else "",
    )
    index.add_child(instance=page)
    page.related_courses.set(CoursePage.objects.filter(slug__in=related))
    page.save_revision().publish()  # plans the reminders (courses.apps)
    return 1


def seed_people():
    """The demo shopkeeper and the first bulk shopkeepers sign up, ask, vote and watch."""
    shopkeeper = User.objects.filter(email=demo_email("shopkeeper")).first()
    bulk = list(
        User.objects.filter(email__startswith="shop0")
        .order_by("email")
        .values_list("id", flat=True)
    )[:300]
    now = timezone.now()
    for page in LiveSessionPage.objects.live().order_by("start"):
        if LiveSignup.objects.filter(session=page).exists():
            continue
        rng = random.Random(page.slug)  # noqa: S311 - repeatable demo data
        people = bulk[: rng.randint(len(bulk) // 3, len(bulk))]
        signed_at = min(now, page.start) - timedelta(days=1)
        LiveSignup.objects.bulk_create(
            [LiveSignup(session=page, user_id=uid, created_at=signed_at) for uid in people],
            ignore_conflicts=True,
        )
        LiveSessionState.objects.update_or_create(
            session=page, defaults={"signups": LiveSignup.objects.filter(session=page).count()}
        )
        if page.start > now and shopkeeper is not None and page.tier_id is None:
            services.sign_up(shopkeeper, page)
        askers = people[:5]
        for text, asker in zip(QUESTIONS, askers, strict=False):
            question = LiveQuestion.objects.create(
                session=page, author_id=asker, text=text, created_at=signed_at
            )
            voters = people[: rng.randint(0, min(60, len(people)))]
            LiveQuestionVote.objects.bulk_create(
                [LiveQuestionVote(question=question, user_id=uid) for uid in voters],
                ignore_conflicts=True,
            )
            LiveQuestion.objects.filter(pk=question.pk).update(votes=len(voters))
        if page.end <= now:
            joined = people[: len(people) * 2 // 3]
            LiveSignup.objects.filter(session=page, user_id__in=joined).update(
                joined_at=page.start, join_clicks=F("join_clicks") + 1
            )
            LiveReplayView.objects.bulk_create(
                [
                    LiveReplayView(
                        session=page,
                        user_id=uid,
                        session_title=page.title,
                        first_viewed_at=page.end + timedelta(hours=2),
                        last_viewed_at=page.end + timedelta(hours=2),
                    )
                    for uid in people[len(people) // 2 :]
                ],
                ignore_conflicts=True,
            )
