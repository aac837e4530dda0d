"""Guidance experts, the end of the guidance month, class reminders and graduation rules."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from academy import roles
from academy.models import MentorKind, Notification
from courses.models import Certificate
from mentorship import services as mentorship
from mentorship.errors import BookingError
from mentorship.models import Booking, GoalStatus, MentorAssignment
from mentorship.starleader import guidance, services, tasks
from mentorship.starleader.errors import CohortError
from tests.academy.factories import staff
from tests.mentorship.factories import GoalFactory, make_booking, open_mentor
from tests.mentorship.starleader.factories import (
    CohortFactory,
    add_session,
    applicant,
    member,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def officer():
    return staff(roles.PROGRAM_STAFF)


def expert(capacity=5, specialities=("community",), province=""):
    profile = open_mentor(kind=MentorKind.EXPERT, capacity=capacity)
    profile.specialities = list(specialities)
    profile.save()
    if province:
        from academy.models import ShopkeeperProfile

        ShopkeeperProfile.objects.create(
            user=profile.user, shop_id=f"9{profile.user.pk:08d}", province=province
        )
    return profile


def guidance_now(**extra):
    """A cohort whose guidance month runs from today."""
    today = timezone.localdate()
    return CohortFactory(
        classes_start_on=today - timedelta(days=3),
        classes_end_on=today - timedelta(days=2),
        guidance_starts_on=today,
        guidance_ends_on=today + timedelta(days=29),
        **extra,
    )


def test_auto_assign_matches_speciality_and_region_within_capacity(officer):
    cohort = guidance_now(capacity=10)
    trainer = expert(capacity=1, specialities=["training"])
    local = expert(capacity=5, province="浙江")
    other = expert(capacity=5)
    wants_training = member(cohort, officer, applicant(province="河南"))
    in_zhejiang = member(cohort, officer, applicant(province="浙江"))
    Application = type(wants_training)
    Application.objects.filter(pk=in_zhejiang.pk).update(focus="brand")
    third = member(cohort, officer, applicant(province="河南"))  # training too, trainer full
    done, left = guidance.auto_assign(cohort, officer)
    assert len(done) == 3 and not left
    pairs = dict(MentorAssignment.objects.values_list("mentee_id", "mentor_id"))
    assert pairs[wants_training.applicant_id] == trainer.user_id
    assert pairs[in_zhejiang.applicant_id] == local.user_id
    assert pairs[third.applicant_id] in {local.user_id, other.user_id}
    assignment = MentorAssignment.objects.get(mentee=wants_training.applicant)
    assert (assignment.starts_on, assignment.ends_on) == (
        cohort.guidance_starts_on,
        cohort.guidance_ends_on,
    )
    assert assignment.session_limit == cohort.guidance_session_limit
    # Running again changes nothing.
    assert guidance.auto_assign(cohort, officer) == ([], [])


def test_auto_assign_leaves_members_over_capacity_unassigned(officer):
    cohort = guidance_now(capacity=10)
    expert(capacity=1)
    members = [member(cohort, officer) for _ in range(3)]
    done, left = guidance.auto_assign(cohort, officer)
    assert len(done) == 1
    assert len(left) == 2
    assert MentorAssignment.objects.count() == 1
    assert {a.pk for a in left} <= {m.pk for m in members}


def test_only_experts_and_only_members_are_paired(officer):
    cohort = guidance_now()
    application = member(cohort, officer)
    star = open_mentor(kind=MentorKind.STAR)
    with pytest.raises(CohortError):
        guidance.assign_expert(application, star.user, officer)
    services.withdraw(application, application.applicant)
    application.refresh_from_db()
    with pytest.raises(CohortError):
        guidance.assign_expert(application, expert().user, officer)
    assert not MentorAssignment.objects.exists()


def test_reassigning_moves_the_member_to_the_new_expert(officer):
    cohort = CohortFactory()
    application = member(cohort, officer)
    first, second = expert(), expert()
    guidance.assign_expert(application, first.user, officer)
    guidance.assign_expert(application, second.user, officer)
    assert guidance.assignment_of(application).mentor == second.user
    assert MentorAssignment.objects.filter(status="active").count() == 1


def _tomorrow_at(hour):
    day = timezone.now().astimezone(SHANGHAI).date() + timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def test_program_booking_stops_when_the_guidance_month_ends_and_both_get_a_summary(officer):
    cohort = guidance_now(guidance_weekly_limit=3)
    application = member(cohort, officer)
    profile = expert()
    guidance.assign_expert(application, profile.user, officer)
    user = application.applicant
    booking = mentorship.book_session(user, profile, _tomorrow_at(10), 60)
    assert booking.assignment.source == "starleader"
    GoalFactory(mentee=user, title="月销售额 5 万", status=GoalStatus.ACHIEVED)
    Booking.objects.filter(pk=booking.pk).update(status="attended")

    # After the month: booking under the program is refused.
    after = timezone.now() + timedelta(days=31)
    with pytest.raises(BookingError):
        mentorship.book_session(user, profile, after + timedelta(days=1), 60, now=after)
    assert guidance.close_guidance(now=after) == 1
    assert guidance.close_guidance(now=after) == 0  # once
    for person in (user, profile.user):
        notice = Notification.objects.get(user=person, key__startswith="starleader:guidance:")
        assert "辅导月已结束" in notice.title
        assert "已完成辅导 1 次" in notice.body
        assert "月销售额 5 万" in notice.body


def test_the_program_weekly_limit_applies_to_guidance_bookings(officer):
    cohort = guidance_now(guidance_weekly_limit=1)
    application = member(cohort, officer)
    profile = expert()
    guidance.assign_expert(application, profile.user, officer)
    mentorship.book_session(application.applicant, profile, _tomorrow_at(10), 30)
    with pytest.raises(BookingError) as error:
        mentorship.book_session(application.applicant, profile, _tomorrow_at(14), 30)
    assert error.value.code == "weekly_limit"


def test_class_reminders_go_out_once_to_members_only(officer):
    cohort = CohortFactory()
    session = add_session(cohort, starts_at=timezone.now() + timedelta(hours=20))
    add_session(cohort, starts_at=timezone.now() + timedelta(days=3))  # not yet
    confirmed = member(cohort, officer)
    from tests.mentorship.starleader.factories import apply

    applied = apply(cohort)
    assert tasks.send_class_reminders() == 1
    assert tasks.send_class_reminders() == 0
    notice = Notification.objects.get(user=confirmed.applicant, key__startswith="starleader:class")
    assert "上课提醒" in notice.title
    assert session.title in notice.body
    assert not Notification.objects.filter(
        user=applied.applicant, key__startswith="starleader:class"
    ).exists()


# --- graduation -----------------------------------------------------------------------------


def ready_member(cohort, officer, *, attend=2, plan=True, held=2):
    application = member(cohort, officer)
    for session in list(cohort.sessions.all())[:attend]:
        # The list is the whole roll of the class: keep those already marked.
        present = {*session.attendances.values_list("application_id", flat=True), application.pk}
        services.take_attendance(session, officer, present)
    application.refresh_from_db()
    if plan:
        services.save_action_plan(
            application,
            application.applicant,
            diagnosis="团队 12 人",
            targets="月销 5 万",
            steps="每周带新人",
            submit=True,
        )
    profile = expert(capacity=20)
    assignment = guidance.assign_expert(application, profile.user, officer)
    for i in range(held):
        make_booking(
            profile,
            application.applicant,
            start=timezone.now() - timedelta(days=i + 1),
            status="attended",
            assignment=assignment,
        )
    return application


@pytest.fixture
def two_class_cohort():
    cohort = CohortFactory(attendance_threshold=100, guidance_sessions_required=2, capacity=10)
    add_session(cohort)
    add_session(cohort, starts_at=timezone.now() + timedelta(days=15))
    return cohort


def test_a_member_meeting_every_rule_graduates_with_a_certificate(officer, two_class_cohort):
    application = ready_member(two_class_cohort, officer)
    guidance.graduate(application, officer)
    application.refresh_from_db()
    assert application.status == "graduated"
    certificate = Certificate.objects.get(user=application.applicant)
    assert certificate.kind == "program"
    assert str(two_class_cohort.number) in certificate.title


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"attend": 1}, "出勤率 50%"),
        ({"plan": False}, "行动计划尚未提交"),
        ({"held": 1}, "已完成辅导 1 次"),
    ],
)
def test_a_member_missing_a_rule_is_not_graduated(officer, two_class_cohort, missing, message):
    application = ready_member(two_class_cohort, officer, **missing)
    with pytest.raises(CohortError) as error:
        guidance.graduate(application, officer)
    assert message in str(error.value.message)
    application.refresh_from_db()
    assert application.status == "attending"
    assert not Certificate.objects.exists()


def test_graduate_all_graduates_only_those_who_qualify(officer, two_class_cohort):
    ready = ready_member(two_class_cohort, officer)
    not_ready = ready_member(two_class_cohort, officer, plan=False)
    graduated, waiting = guidance.graduate_all(two_class_cohort, officer)
    assert [a.pk for a in graduated] == [ready.pk], waiting
    assert [a.pk for a, _reason in waiting] == [not_ready.pk]
