"""A small academy in which every object belongs to somebody.

Shopkeeper A ("owner") studies an open beginner course, holds its certificate,
leads a team of one recruit, shares learning cards, has shop results, and is
mentored by an assigned expert ("assigned") with bookings, notes, goals,
a message thread and a calendar feed. She is also a confirmed member of a Star
Leader cohort, with the same expert as her guidance expert for its month.
Shopkeeper B ("other"), an unassigned mentor, an editor and a program-staff
member own none of it.
"""

from datetime import datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.http import urlencode
from wagtail.images.utils import generate_signature

from academy import roles
from academy.models import MentorKind
from courses.live import services as live_services
from courses.models import Certificate
from courses.video import tokens
from growth.models import ReferralCode, ShopMonth
from mentorship.models import (
    AvailabilityOverride,
    CalendarFeed,
    Goal,
    RescheduleProposal,
    SessionNote,
    Thread,
)
from tests.academy.factories import (
    MentorProfileFactory,
    ShopkeeperProfileFactory,
    shopkeeper,
    staff,
)
from tests.courses import factories as courses
from tests.courses import files
from tests.mentorship.factories import AssignmentFactory, make_booking, open_mentor
from tests.mentorship.starleader import factories as starleader

ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF = (
    "anonymous",
    "shopkeeper A",
    "shopkeeper B",
    "mentor not assigned",
    "mentor assigned",
    "editor",
    "program staff",
)
ROLES = [ANON, OWNER, OTHER, MENTOR, ASSIGNED, EDITOR, STAFF]


def build(home_page):
    tree = courses.academy(home_page)
    doc, img, media = files.document(), files.image(), files.audio()
    stream = files.ready_stream(media)
    open_course = courses.course(
        tree.beginner, "open", lessons=1, bodies={1: files.body_with_files(doc, img, media)}
    )
    open_course.cover_image = img
    open_course.save_revision().publish()
    # A required intermediate course nobody finished keeps the advanced tier locked.
    courses.course(tree.intermediate, "growing-sales", lessons=1)
    locked_course = courses.course(
        tree.advanced, "locked", lessons=1, bodies={1: files.body_with_files(doc, img, media)}
    )
    owner, other = shopkeeper(), shopkeeper()
    courses.complete(owner, open_course)
    certificate = Certificate.objects.filter(user=owner).first()

    assigned_profile = open_mentor(kind=MentorKind.EXPERT)
    unassigned_profile = open_mentor(kind=MentorKind.EXPERT)
    assignment = AssignmentFactory(mentor=assigned_profile.user, mentee=owner)
    now = timezone.now()
    booking = make_booking(assigned_profile, owner, start=now + timedelta(days=3))
    past = make_booking(assigned_profile, owner, start=now - timedelta(days=3))
    SessionNote.objects.create(
        booking=past, author=assigned_profile.user, body="导师私人笔记", visibility="private"
    )
    proposal = RescheduleProposal.objects.create(
        booking=booking,
        proposed_by=assigned_profile.user,
        start=booking.start + timedelta(days=1),
        end=booking.end + timedelta(days=1),
        reason="临时有事",
    )
    goal = Goal.objects.create(
        mentee=owner, title="每周新增 3 位客户", target_value=3, created_by=owner
    )
    thread = Thread.objects.create(mentor=assigned_profile.user, mentee=owner)
    feed = CalendarFeed.objects.create(user=owner)
    override = AvailabilityOverride.objects.create(
        schedule=assigned_profile.schedule,
        kind="off",
        first_day=(now + timedelta(days=10)).date(),
        last_day=(now + timedelta(days=10)).date(),
    )
    program_staff = staff(roles.PROGRAM_STAFF)
    cohort, application, class_session, check_in_code = _star_leader(
        owner, assigned_profile.user, program_staff
    )
    # Shopkeeper A leads a team of one recruit, shares cards and has shop results.
    recruit = ShopkeeperProfileFactory(team_leader=owner.shopkeeper_profile).user
    referral_code = ReferralCode.objects.create(user=owner).code
    ShopMonth.objects.create(
        profile=owner.shopkeeper_profile,
        month=now.date().replace(day=1),
        gmv=1000,
        orders=10,
        new_recruits=1,
        team_size=1,
    )
    # Live sessions: a star mentor (none of the roles above) gives one soon, which A signed
    # up for and asked about; an advanced-tier replay is locked for every shopkeeper.
    live = courses.live_index(home_page)
    star = MentorProfileFactory(kind=MentorKind.STAR)
    session = courses.live_session(
        live,
        start=now + timedelta(minutes=5),
        mentor=star,
        materials=[{"type": "file", "value": {"document": doc.id, "label": "课件"}}],
    )
    live_services.sign_up(owner, session)
    question = live_services.ask(owner, session, "怎么写朋友圈文案？")
    locked_replay = courses.live_session(
        live,
        start=now - timedelta(days=2),
        mentor=star,
        tier=tree.advanced,
        replay_video=media,
    )
    users = {
        ANON: None,
        OWNER: owner,
        OTHER: other,
        MENTOR: unassigned_profile.user,
        ASSIGNED: assigned_profile.user,
        EDITOR: staff(roles.EDITOR),
        STAFF: program_staff,
    }
    return SimpleNamespace(
        users=users,
        open_course=open_course,
        open_lesson=courses.lessons_of(open_course)[0],
        locked_course=locked_course,
        locked_lesson=courses.lessons_of(locked_course)[0],
        doc=doc,
        img=img,
        media=media,
        # A signed link to the media's stream, as the lesson's check gives its owner.
        hls_token=tokens.mint(owner, stream),
        stream=stream,
        certificate=certificate,
        cover_signature=generate_signature(img.id, "fill-640x360"),
        booking=booking,
        proposal=proposal,
        goal=goal,
        thread=thread,
        feed=feed,
        override=override,
        owner=owner,
        recruit=recruit,
        referral_code=referral_code,
        assignment=assignment,
        cohort=cohort,
        application=application,
        class_session=class_session,
        check_in_code=check_in_code,
        live_session=session,
        live_question=question,
        locked_replay=locked_replay,
        free_slot_query="?"
        + urlencode({"start": _tomorrow_at_ten_shanghai().isoformat(), "minutes": 60}),
    )


def _star_leader(owner, expert, program_staff):
    """A cohort open for applications, with the owner confirmed and paired with ``expert``.

    Its guidance month starts after the owner's other assignment with that expert.
    """
    from mentorship.starleader import guidance, services

    cohort = starleader.CohortFactory(
        capacity=5, classes_start_on=timezone.localdate() + timedelta(days=35)
    )
    session = starleader.add_session(cohort)
    application = starleader.apply(cohort, owner)
    services.admit(application, program_staff)
    application = services.confirm(application, owner)
    guidance.assign_expert(application, expert, program_staff)
    code = services.rotate_code(session, program_staff)
    return cohort, application, session, code


def _tomorrow_at_ten_shanghai():
    zone = ZoneInfo("Asia/Shanghai")
    day = timezone.now().astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=zone)
