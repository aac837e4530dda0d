"""Demo data of the Star Leader Program: last month's cohort graduated, this month's in
its guidance month, next month's open for applications, each with its public page.

Cohorts are keyed by their number (the month of their classes), so running the
seed twice changes nothing; dates are relative to today.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from academy.models import HomePage, MentorProfile, User
from courses.models import CertificateKind
from courses.services import issue_certificate
from mentorship.models import Booking, BookingStatus, Goal
from mentorship.starleader import guidance
from mentorship.starleader.models import (
    ActionPlan,
    Application,
    ApplicationEvent,
    Attendance,
    AttendanceMethod,
    ClassSession,
    Cohort,
    CohortPage,
    Feedback,
    Module,
    Status,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

CURRICULUM = [
    # day, start, end, module, title, official mentor, room
    (0, "09:00", "12:00", Module.GOALS, "目标管理：从年度目标到每周行动", "mentor.sun", "301"),
    (0, "14:00", "17:30", Module.TRAINING, "新人培训体系：第一周带教清单", "mentor.zhou", "301"),
    (1, "09:00", "12:00", Module.BRAND, "团队领袖IP：朋友圈人设与故事", "mentor.wu", "302"),
    (1, "14:00", "17:30", Module.REVENUE, "运营增收：社群团购与复盘", "mentor.sun", "302"),
]

INTRO = (
    "<h2>这一期适合谁</h2><p>团队遇到瓶颈、新人留不住、销售额下滑的店主。两天线下课，"
    "十位官方导师讲透<b>目标管理、新人培训体系建设、团队领袖IP打造、运营增收</b>四个模块；"
    "课后由社群运营专家一对一陪跑一个月，把学到的用到自己的团队里。</p>"
    "<h2>结业要求</h2><ul><li>线下课出勤不少于 80%</li><li>提交一份行动计划</li>"
    "<li>辅导月完成至少 2 次一对一辅导</li></ul>"
)

ANSWERS = [
    (
        "团队 35 人，去年月销 8 万，今年掉到 4 万。",
        "老带新没有方法，新人一个月就不发圈了。",
        "带出 3 个能独立带新人的骨干，月销回到 8 万。",
        35,
        "50k-200k",
        Module.TRAINING,
    ),
    (
        "全职宝妈，做了两年，团队 12 人。",
        "不知道怎么给团队定目标，大家都很随意。",
        "学会给团队定月目标和周计划。",
        12,
        "10k-50k",
        Module.GOALS,
    ),
    (
        "县城店主，客户都是熟人，增长停了。",
        "朋友圈没人看，不会做个人IP。",
        "做出自己的朋友圈风格，每月新增 50 位客户。",
        6,
        "lt10k",
        Module.BRAND,
    ),
    (
        "团队 80 人，社群 5 个，但转化很低。",
        "社群活跃但不下单，活动没有章法。",
        "学会做社群团购，单场成交过 2 万。",
        80,
        "50k-200k",
        Module.REVENUE,
    ),
]

PLAN = (
    "团队 30 人里真正在卖货的只有 8 个；新人第一个月流失一半；我自己每天花 3 小时回消息。",
    "三个月内：活跃店主从 8 人到 15 人；新人首月留存 70%；月销售额从 4 万到 6 万。",
    "第 1 周：整理新人带教清单；第 2 周：每周二晚上固定新人课；第 3 周：选 3 个骨干分组带；"
    "第 4 周：第一次社群团购，复盘数据。",
)


def _num(day):
    """The cohort number of classes held in ``day``'s month: 第N期, one a month."""
    return (day.year - 2024) * 12 + day.month


def _at(day, clock):
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SHANGHAI)


def _user(local):
    return User.objects.filter(email=f"{local}@example.com").first()


def seed(stdout, options):
    home = HomePage.objects.first()
    staff = _user("staff")
    if home is None or staff is None:
        return
    shops = list(
        User.objects.filter(email__startswith="shop0", shopkeeper_profile__isnull=False)
        .select_related("shopkeeper_profile")
        .order_by("email")[10:40]
    )
    today = timezone.localdate()
    with transaction.atomic():
        past = _cohort(home, today - timedelta(days=52), today - timedelta(days=50), "杭州")
        current = _cohort(home, today - timedelta(days=12), today - timedelta(days=10), "郑州")
        upcoming = _cohort(
            home, today + timedelta(days=20), today + timedelta(days=22), "成都", open_now=True
        )
        if not past.applications.exists():
            demo = _user("shopkeeper")
            _past(past, [demo, *shops[:7]] if demo else shops[:7], staff)
        if not current.applications.exists():
            _current(current, shops[8:18], staff)
        if not upcoming.applications.exists():
            _upcoming(upcoming, shops[18:26], staff)
    stdout.write(
        f"  Star Leader cohorts {past.number}, {current.number}, {upcoming.number}: "
        f"{Application.objects.count()} applications"
    )


def _cohort(home, classes_start, guidance_start, city, open_now=False):
    number = _num(classes_start)
    cohort = Cohort.objects.filter(number=number).first()
    if cohort is None:
        opens = _at(classes_start - timedelta(days=45), "09:00")
        closes = _at(classes_start - timedelta(days=10), "22:00")
        if open_now:
            opens = timezone.now() - timedelta(days=5)
        cohort = Cohort.objects.create(
            number=number,
            name="聚星领导者计划",
            city=city,
            venue={
                "杭州": "滨江区店主之家培训中心",
                "郑州": "金水区商务外环路 8 号 店主之家 3 楼",
                "成都": "高新区天府三街 198 号 商学院教室",
            }[city],
            capacity=12,
            applications_open_at=opens,
            applications_close_at=closes,
            classes_start_on=classes_start,
            classes_end_on=classes_start + timedelta(days=1),
            guidance_starts_on=guidance_start,
            guidance_ends_on=guidance_start + timedelta(days=29),
            min_level=1,
            min_tenure_days=0,
        )
        mentors = {local: _user(local) for local in {row[5] for row in CURRICULUM}}
        ClassSession.objects.bulk_create(
            ClassSession(
                cohort=cohort,
                module=module,
                title=title,
                starts_at=_at(classes_start + timedelta(days=day), start),
                ends_at=_at(classes_start + timedelta(days=day), end),
                room=room,
                mentor=mentors.get(mentor),
            )
            for day, start, end, module, title, mentor, room in CURRICULUM
        )
    if not CohortPage.objects.filter(cohort=cohort).exists():
        page = home.add_child(
            instance=CohortPage(
                title=f"聚星领导者计划第{number}期 · {city}",
                slug=f"star-leader-{number}",
                cohort=cohort,
                intro=INTRO,
            )
        )
        page.save_revision().publish()
    return cohort


def _application(cohort, user, index, path, staff, at):
    """An application that went through ``path`` (statuses), with its audit trail."""
    situation, difficulties, goals, team, band, focus = ANSWERS[index % len(ANSWERS)]
    application = Application.objects.create(
        cohort=cohort,
        applicant=user,
        status=path[-1],
        situation=situation,
        difficulties=difficulties,
        goals=goals,
        team_size=team,
        sales_band=band,
        focus=focus,
        waitlist_position=index + 1 if path[-1] == Status.WAITLISTED else None,
        offer_expires_at=at + timedelta(days=2) if Status.ADMITTED in path else None,
    )
    previous = ""
    reasons = {
        Status.ADMITTED: "经营困难明确，符合本期方向",
        Status.REJECTED: "本期名额已满，欢迎报名下一期",
    }
    for step, status in enumerate(path):
        ApplicationEvent.objects.create(
            application=application,
            from_status=previous,
            to_status=status,
            actor=user if status in (Status.APPLIED, Status.CONFIRMED, Status.ATTENDING) else staff,
            at=at + timedelta(hours=step * 20),
            reason=reasons.get(status, ""),
        )
        previous = status
    return application


MEMBER_PATH = [Status.APPLIED, Status.ADMITTED, Status.CONFIRMED, Status.ATTENDING]


def _attend(application, sessions, staff, count):
    for session in sessions[:count]:
        Attendance.objects.create(
            session=session,
            application=application,
            method=AttendanceMethod.CODE if session.pk % 2 else AttendanceMethod.LIST,
            marked_by=application.applicant if session.pk % 2 else staff,
            checked_in_at=session.starts_at + timedelta(minutes=7),
        )


def _plan(application, submitted_at):
    ActionPlan.objects.create(
        application=application,
        diagnosis=PLAN[0],
        targets=PLAN[1],
        steps=PLAN[2],
        submitted_at=submitted_at,
    )


def _experts():
    return [
        p.user
        for p in MentorProfile.objects.filter(
            user__email__in=["mentor.lin@example.com", "mentor.gao@example.com"]
        ).select_related("user")
    ]


def _guide(cohort, application, expert, staff, held, slot):
    assignment = guidance.assign_guidance(expert, application, staff, announce=False)
    for i in range(held):
        day = cohort.guidance_starts_on + timedelta(days=2 + 4 * i)
        if day >= timezone.localdate():
            break
        start = _at(day, f"{9 + slot:02d}:00")  # one hour per member of this expert
        Booking.objects.create(
            mentor=expert,
            mentee=application.applicant,
            assignment=assignment,
            start=start,
            end=start + timedelta(minutes=45),
            blocked_start=start,
            blocked_end=start + timedelta(minutes=55),
            status=BookingStatus.ATTENDED,
            agenda="复盘这周的行动计划和团队数据。",
        )
    return assignment


def _past(cohort, users, staff):
    sessions = list(cohort.sessions.all())
    experts = _experts()
    opened = cohort.applications_open_at + timedelta(days=3)
    for index, user in enumerate(users):
        if index == len(users) - 1:
            _application(cohort, user, index, [Status.APPLIED, Status.REJECTED], staff, opened)
            continue
        if index == len(users) - 2:
            _application(cohort, user, index, [*MEMBER_PATH[:3], Status.WITHDRAWN], staff, opened)
            continue
        application = _application(
            cohort, user, index, [*MEMBER_PATH, Status.GRADUATED], staff, opened
        )
        _attend(application, sessions, staff, len(sessions))
        _plan(application, timezone.make_aware(datetime.combine(cohort.classes_end_on, time(21))))
        if experts and user.email != "shopkeeper@example.com":
            _guide(
                cohort, application, experts[index % len(experts)], staff, 3, index // len(experts)
            )
        issue_certificate(
            user,
            kind=CertificateKind.PROGRAM,
            subject_key=f"starleader:{cohort.pk}",
            title=f"聚星领导者计划第{cohort.number}期",
        )
    cohort.guidance_closed_at = timezone.now() - timedelta(days=20)
    cohort.save(update_fields=["guidance_closed_at"])


def _current(cohort, users, staff):
    sessions = list(cohort.sessions.all())
    experts = _experts()
    opened = cohort.applications_open_at + timedelta(days=2)
    official = sessions[0].mentor if sessions else None
    for index, user in enumerate(users):
        application = _application(cohort, user, index, MEMBER_PATH, staff, opened)
        _attend(application, sessions, staff, len(sessions) - (1 if index % 4 == 3 else 0))
        if index % 3 != 2:
            _plan(application, timezone.now() - timedelta(days=9))
        if experts:
            _guide(
                cohort,
                application,
                experts[index % len(experts)],
                staff,
                1 + index % 3,
                index // len(experts),
            )
        Goal.objects.create(
            mentee=user,
            title="团队活跃店主达到 15 人",
            unit="人",
            target_value=15,
            current_value=8 + index % 5,
            due_on=cohort.guidance_ends_on,
            created_by=user,
        )
        if official is not None and index < 3:
            Feedback.objects.create(
                application=application,
                author=official,
                body="目标拆解得很清楚，下一步把周计划落到每个骨干身上。",
            )


def _upcoming(cohort, users, staff):
    opened = timezone.now() - timedelta(days=4)
    paths = [
        [Status.APPLIED],
        [Status.APPLIED],
        [Status.APPLIED, Status.ADMITTED],
        [Status.APPLIED, Status.ADMITTED, Status.CONFIRMED],
        [Status.APPLIED, Status.ADMITTED, Status.CONFIRMED],
        [Status.APPLIED, Status.WAITLISTED],
        [Status.APPLIED],
        [Status.APPLIED, Status.REJECTED],
    ]
    for index, user in enumerate(users):
        application = _application(
            cohort, user, index, paths[index % len(paths)], staff, opened + timedelta(hours=index)
        )
        if application.status == Status.ADMITTED:
            application.offer_expires_at = timezone.now() + timedelta(hours=30)
            application.save(update_fields=["offer_expires_at"])
