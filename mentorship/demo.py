"""Demo data of mentorship: availability, an assignment, sessions past and future,
notes, goals with progress, and a message thread.

Schedules are keyed by mentor, the rest by the demo pair's first session: running
the seed twice changes nothing. Times are relative to today, so a fresh
``make run`` always shows past sessions with notes and bookings ahead.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from academy.models import MentorProfile, User
from mentorship import selectors, services, slots
from mentorship.errors import BookingError
from mentorship.models import (
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    BookingEvent,
    BookingStatus,
    EventKind,
    Goal,
    GoalComment,
    GoalUpdate,
    MentorAssignment,
    MentorSchedule,
    Message,
    NoteVisibility,
    SessionNote,
    Thread,
)

WEEKDAYS = range(5)
ALL_WEEK = range(7)

# e-mail local part: (settings, [(weekdays, start, end), ...])
SCHEDULES = {
    "mentor": (
        {
            "session_lengths": [30, 60],
            "buffer_after": 10,
            "minimum_notice": 12 * 60,
            "daily_limit": 6,
            "weekly_limit_per_mentee": 2,
            "meeting_method": "wechat_video",
            "wechat_id": "wangxiaohong_88",
        },
        [(WEEKDAYS, "09:30", "11:30"), (WEEKDAYS, "14:00", "17:00"), ([5], "10:00", "12:00")],
    ),
    "mentor.liu": (
        {"session_lengths": [30, 45], "meeting_method": "wechat_voice", "wechat_id": "liufang_sq"},
        [([0, 2, 4], "19:30", "21:30")],
    ),
    "mentor.zhao": (
        {"session_lengths": [30, 60], "meeting_method": "phone", "phone": "13800000003"},
        [([1, 3], "10:00", "12:00"), ([5], "14:00", "17:00")],
    ),
    "mentor.sun": (
        {"meeting_method": "online", "meeting_link": "https://meeting.example.com/sunjing"},
        [(WEEKDAYS, "14:00", "17:00")],
    ),
    "mentor.zhou": (
        {"meeting_method": "online", "meeting_link": "https://meeting.example.com/zhouting"},
        [(WEEKDAYS, "14:00", "17:00")],
    ),
    "mentor.wu": (
        {
            "session_lengths": [45, 60],
            "meeting_method": "online",
            "meeting_link": "https://meeting.example.com/wuhaiyan",
        },
        [(WEEKDAYS, "09:00", "12:00")],
    ),
    "mentor.he": (
        {
            "session_lengths": [30, 60],
            "minimum_notice": 2 * 60,
            "weekly_limit_per_mentee": 5,
            "meeting_method": "wechat_video",
            "wechat_id": "hedandan_yy",
        },
        [(ALL_WEEK, "09:00", "12:00"), (ALL_WEEK, "20:00", "22:00")],
    ),
    "mentor.lin": (
        {"minimum_notice": 4 * 60, "meeting_method": "wechat_voice", "wechat_id": "linxue_ny"},
        [(WEEKDAYS, "19:00", "22:00")],
    ),
    "mentor.gao": (
        {
            "meeting_method": "in_person",
            "address": "郑州市金水区商务外环路 8 号 店主之家 3 楼",
        },
        [(range(6), "13:00", "15:00")],
    ),
}


def _user(local):
    return User.objects.filter(email=f"{local}@example.com").first()


def seed(stdout, options):
    with transaction.atomic():
        seed_schedules(stdout)
        seed_sessions(stdout)


def seed_schedules(stdout):
    made = 0
    for local, (fields, rules) in SCHEDULES.items():
        profile = MentorProfile.objects.filter(user__email=f"{local}@example.com").first()
        if profile is None:
            continue
        schedule, created = MentorSchedule.objects.get_or_create(
            mentor=profile, defaults={"session_lengths": [30, 60], **fields}
        )
        if created:
            made += 1
            AvailabilityRule.objects.bulk_create(
                AvailabilityRule(
                    schedule=schedule,
                    weekday=day,
                    start_time=time.fromisoformat(start),
                    end_time=time.fromisoformat(end),
                )
                for days, start, end in rules
                for day in days
            )
            if local == "mentor":
                today = timezone.now().astimezone(profile.zone).date()
                AvailabilityOverride.objects.bulk_create(
                    [
                        AvailabilityOverride(
                            schedule=schedule,
                            kind="off",
                            first_day=today + timedelta(days=10),
                            last_day=today + timedelta(days=11),
                            note="外出参加品牌培训",
                        ),
                        AvailabilityOverride(
                            schedule=schedule,
                            kind="extra",
                            first_day=today + timedelta(days=4),
                            last_day=today + timedelta(days=4),
                            start_time=time(19, 30),
                            end_time=time(21, 0),
                            note="晚间加开答疑",
                        ),
                    ]
                )
    stdout.write(f"  {made} mentor schedules")


def _local(profile, days, hour, minute=0):
    """A time ``days`` from today at hour:minute on the mentor's clock."""
    day = timezone.now().astimezone(profile.zone).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=profile.zone)


def _past_session(profile, mentee, days_ago, hour, agenda, *, status=BookingStatus.ATTENDED):
    start = _local(profile, -days_ago, hour)
    end = start + timedelta(minutes=60)
    booking = Booking.objects.create(
        mentor=profile.user,
        mentee=mentee,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end + timedelta(minutes=profile.schedule.buffer_after),
        status=status,
        agenda=agenda,
        attendance_marked_at=end,
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=start - timedelta(days=3))
    BookingEvent.objects.create(
        booking=booking, kind=EventKind.BOOKED, actor=mentee, new_start=start
    )
    BookingEvent.objects.create(
        booking=booking,
        kind=EventKind.ATTENDED if status == BookingStatus.ATTENDED else EventKind.NO_SHOW,
        actor=profile.user,
    )
    BookingEvent.objects.filter(booking=booking).update(at=start - timedelta(days=3))
    return booking


def _note(booking, author, body, visibility):
    note = SessionNote.objects.create(
        booking=booking, author=author, body=body, visibility=visibility
    )
    SessionNote.objects.filter(pk=note.pk).update(created_at=booking.end + timedelta(minutes=5))


def _goal(mentee, by, title, target, unit, due_days, booking=None, updates=(), description=""):
    goal = Goal.objects.create(
        mentee=mentee,
        created_by=by,
        title=title,
        target_value=Decimal(target),
        unit=unit,
        due_on=timezone.localdate() + timedelta(days=due_days),
        source_booking=booking,
        description=description,
    )
    for days_ago, value, comment in updates:
        update = GoalUpdate.objects.create(
            goal=goal, author=mentee, value=Decimal(value), comment=comment
        )
        GoalUpdate.objects.filter(pk=update.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        goal.current_value = Decimal(value)
    goal.save()
    return goal


def _first_free(profile, mentee, after_days, assignment=None):
    schedule = profile.schedule
    now = timezone.now()
    calendar = selectors.load_period_calendar(
        schedule, profile, mentee, assignment=assignment, now=now
    )
    earliest = now + timedelta(days=after_days)
    for slot in slots.free_slots(calendar, schedule.lengths[-1], now, start=earliest):
        return slot
    return None


def _book(profile, mentee, after_days, agenda, assignment=None):
    slot = _first_free(profile, mentee, after_days, assignment)
    if slot is None:
        return None
    try:
        return services.book_session(
            mentee, profile, slot.start, slot.minutes, agenda=agenda, announce=False
        )
    except BookingError:
        return None


def seed_sessions(stdout):
    mentor, shopkeeper = _user("mentor"), _user("shopkeeper")
    if mentor is None or shopkeeper is None or not hasattr(mentor, "mentor_profile"):
        return
    if Booking.objects.filter(mentor=mentor, mentee=shopkeeper).exists():
        stdout.write("  demo sessions already exist")
        return
    profile = mentor.mentor_profile
    first, second = _seed_past_sessions(profile, shopkeeper)
    _seed_goals(mentor, shopkeeper, first, second)
    _seed_conversation(mentor, shopkeeper)
    _seed_other_mentees(profile, shopkeeper)
    _seed_guidance(shopkeeper)
    stdout.write(
        f"  {Booking.objects.count()} sessions, {Goal.objects.count()} goals, "
        f"{Message.objects.count()} messages"
    )


def _seed_past_sessions(profile, shopkeeper):
    """The demo pair's two sessions so far, with the mentor's and the mentee's notes."""
    mentor = profile.user
    first = _past_session(
        profile, shopkeeper, 14, 10, "朋友圈发了很多，但是很少有人回复，想学怎么写文案。"
    )
    second = _past_session(profile, shopkeeper, 7, 15, "想开一个自己的客户群，不知道怎么开始。")
    _note(
        first,
        mentor,
        "丽娟很用心，但文案都是商品参数。她白天带孩子，晚上 9 点后才有时间发圈。",
        NoteVisibility.PRIVATE,
    )
    _note(
        first,
        mentor,
        "本次总结：朋友圈用“三段式”——先讲自己的真实使用场景，再讲一个细节，最后给一个行动理由。"
        "每天固定 3 条：早上生活、中午好物、晚上答疑。",
        NoteVisibility.SHARED,
    )
    _note(
        second, mentor, "建群先从 30 个老客户开始，群规和每日节奏已发给她。", NoteVisibility.SHARED
    )
    _note(second, shopkeeper, "记得问老师：群里发红包多大合适？", NoteVisibility.PRIVATE)
    return first, second


def _seed_goals(mentor, shopkeeper, first, second):
    """Action items of the two sessions with progress, a goal of her own, a comment."""
    sales = _goal(
        shopkeeper,
        mentor,
        "每周朋友圈销售额达到 5000 元",
        "5000",
        "元",
        21,
        booking=first,
        updates=[
            (10, "1800", "用了三段式，第一周有 6 个人私信。"),
            (3, "3200", "晚上发圈效果更好。"),
        ],
        description="每天 3 条三段式朋友圈，周日晚上复盘一次数据。",
    )
    _goal(
        shopkeeper,
        mentor,
        "客户群拉满 30 位老客户",
        "30",
        "人",
        14,
        booking=second,
        updates=[(2, "12", "先拉了最熟的 12 位。")],
    )
    _goal(
        shopkeeper,
        shopkeeper,
        "新增 3 名团队成员",
        "3",
        "人",
        45,
        updates=[(1, "1", "表妹加入了！")],
    )
    comment = GoalComment.objects.create(
        goal=sales, author=mentor, body="进步很快！下周试试在晚上 9 点发一条买家秀。"
    )
    GoalComment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=2))


def _seed_conversation(mentor, shopkeeper):
    """A few days of messages; the mentor's last reply is still unread."""
    thread, _created = Thread.objects.get_or_create(mentor=mentor, mentee=shopkeeper)
    conversation = [
        (shopkeeper, 3, "王老师，今天按您说的发了三条，有两个老客户来问价了！"),
        (mentor, 3, "太棒了👍 问价的客户记得当天回复，顺手拉进你的客户群。"),
        (shopkeeper, 1, "好的！群规我写好了，您帮我看看？"),
        (mentor, 0, "看了，写得很清楚。再加一条：每晚 8 点固定答疑，大家会更愿意留在群里。"),
    ]
    last = None
    for sender, days_ago, body in conversation:
        last = Message.objects.create(thread=thread, sender=sender, body=body)
        Message.objects.filter(pk=last.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago, hours=1)
        )
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=timezone.now() - timedelta(hours=1),
        mentor_read_upto=last.pk,
        mentee_read_upto=last.pk - 1,
    )


def _seed_other_mentees(profile, shopkeeper):
    """Sessions ahead with the demo mentee and three others; a cancellation and a no-show."""
    _book(profile, shopkeeper, 2, "想请老师看看我的客户群，讨论下一步怎么做活动。")
    others = list(
        User.objects.filter(email__startswith="shop0", shopkeeper_profile__isnull=False).order_by(
            "email"
        )[:6]
    )
    topics = [
        "刚开店一个月，不知道先卖什么。",
        "团队里的新人不爱发圈，怎么带？",
        "想做一场社群团购，想请老师帮我排流程。",
    ]
    for index, other in enumerate(others[:3]):
        _book(profile, other, 1 + index, topics[index])
    if others:
        cancelled = _past_session(profile, others[0], 5, 14, "想聊聊选品。")
        Booking.objects.filter(pk=cancelled.pk).update(
            status=BookingStatus.CANCELLED,
            cancelled_at=cancelled.start - timedelta(days=1),
            cancelled_by=others[0],
            cancel_reason="conflict",
            cancel_note="孩子发烧，改天再约。",
        )
        _past_session(profile, others[1 % len(others)], 3, 10, "想问怎么涨粉。", status="no_show")


def _seed_guidance(shopkeeper):
    """The community-operations expert's one month of guidance (the Star Leader way)."""
    expert = _user("mentor.he")
    if expert is None or not hasattr(expert, "mentor_profile"):
        return
    today = timezone.localdate()
    assignment = MentorAssignment.objects.filter(mentor=expert, mentee=shopkeeper).first()
    if assignment is None:
        assignment = services.assign_mentee(
            expert,
            shopkeeper,
            starts_on=today - timedelta(days=3),
            ends_on=today + timedelta(days=27),
            reason="聚星领导者计划结业后一对一陪跑（演示）",
            weekly_limit=5,
            announce=False,
        )
    _book(expert.mentor_profile, shopkeeper, 1, "复盘这周的群活动数据。", assignment)
