"""The life of a cohort through the service layer, and the bad input of the issue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from academy import roles
from academy.models import Notification, OutboundEmail
from mentorship.starleader import services
from mentorship.starleader.errors import CohortError
from mentorship.starleader.models import (
    Application,
    ApplicationEvent,
    Attendance,
    Status,
)
from mentorship.starleader.transitions import allowed_next
from tests.academy.factories import staff
from tests.mentorship.starleader.factories import (
    ANSWERS,
    CohortFactory,
    add_session,
    applicant,
    apply,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return staff(roles.PROGRAM_STAFF)


def statuses(cohort):
    return dict(Application.objects.filter(cohort=cohort).values_list("applicant_id", "status"))


def test_apply_admit_confirm_records_each_change_with_who_when_and_why(officer):
    cohort = CohortFactory()
    application = apply(cohort)
    services.admit(application, officer, reason="经营困难，符合条件")
    services.confirm(application, application.applicant)
    events = list(ApplicationEvent.objects.filter(application=application))
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", "applied"),
        ("applied", "admitted"),
        ("admitted", "confirmed"),
    ]
    assert events[1].actor == officer
    assert events[1].reason == "经营困难，符合条件"
    assert events[2].actor == application.applicant
    titles = list(
        Notification.objects.filter(user=application.applicant)
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert len(titles) == 3
    assert "已录取" in titles[1] or "录取" in titles[1]
    assert OutboundEmail.objects.filter(to=application.applicant.email).count() == 3


def test_admission_starts_a_deadline_to_confirm(officer):
    cohort = CohortFactory(offer_hours=24)
    application = apply(cohort)
    now = timezone.now()
    services.admit(application, officer, now=now)
    application.refresh_from_db()
    assert application.offer_expires_at == now + timedelta(hours=24)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"applications_open_at": timezone.now() + timedelta(days=1)}, "window"),
        (
            {
                "applications_close_at": timezone.now() - timedelta(minutes=1),
                "applications_open_at": timezone.now() - timedelta(days=3),
            },
            "window",
        ),
        ({"min_level": 3}, "ineligible"),
        ({"min_tenure_days": 400}, "ineligible"),
    ],
)
def test_applying_outside_the_window_or_when_ineligible_saves_nothing(change, code):
    cohort = CohortFactory(**change)
    user = applicant(level=1, joined_on=timezone.localdate() - timedelta(days=30))
    with pytest.raises(CohortError) as error:
        apply(cohort, user)
    assert error.value.code == code
    assert not Application.objects.exists()
    assert not Notification.objects.filter(user=user).exists()


def test_applying_twice_is_refused_but_a_later_cohort_keeps_the_history(officer):
    first, later = CohortFactory(), CohortFactory()
    user = applicant()
    application = apply(first, user)
    with pytest.raises(CohortError, match=r"已经报名|already applied"):
        apply(first, user)
    assert Application.objects.filter(applicant=user).count() == 1
    services.reject(application, officer, reason="本期名额已满，欢迎报下一期")
    apply(later, user)
    assert list(
        Application.objects.filter(applicant=user).order_by("id").values_list("status", flat=True)
    ) == ["rejected", "applied"]


def test_a_full_cohort_without_waitlist_refuses_applications(officer):
    cohort = CohortFactory(capacity=1, waitlist_enabled=False)
    member(cohort, officer)
    with pytest.raises(CohortError) as error:
        apply(cohort)
    assert error.value.code == "full"
    assert Application.objects.count() == 1


def test_bad_answers_are_refused_before_anything_is_saved():
    cohort = CohortFactory()
    for bad in (
        {"situation": "  "},
        {"team_size": -1},
        {"sales_band": "lots"},
        {"goals": "多" * 1001},
    ):
        with pytest.raises(CohortError):
            apply(cohort, **bad)
    assert not Application.objects.exists()


def test_admitting_beyond_capacity_is_refused_and_waitlist_keeps_order(officer):
    cohort = CohortFactory(capacity=1)
    first, second, third = apply(cohort), apply(cohort), apply(cohort)
    services.admit(first, officer)
    with pytest.raises(CohortError) as error:
        services.admit(second, officer)
    assert error.value.code == "full"
    services.put_on_waitlist(third, officer)
    services.put_on_waitlist(second, officer)
    positions = dict(Application.objects.values_list("pk", "waitlist_position"))
    assert positions[third.pk] < positions[second.pk]


def test_a_freed_seat_goes_to_the_next_on_the_waitlist(officer, django_capture_on_commit_callbacks):
    cohort = CohortFactory(capacity=1)
    seated, later, next_one = apply(cohort), apply(cohort), apply(cohort)
    services.admit(seated, officer)
    services.put_on_waitlist(next_one, officer)
    services.put_on_waitlist(later, officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(seated, seated.applicant, reason="家里有事")
    assert statuses(cohort) == {
        seated.applicant_id: "withdrawn",
        next_one.applicant_id: "admitted",
        later.applicant_id: "waitlisted",
    }
    notice = Notification.objects.filter(user=next_one.applicant).latest("id")
    assert "录取" in notice.title or "admitted" in notice.title


def test_several_freed_seats_go_to_as_many_on_the_waitlist_in_order(officer):
    cohort = CohortFactory(capacity=4)
    seated = [apply(cohort) for _ in range(4)]
    for application in seated:
        services.admit(application, officer)
    waiting = [apply(cohort) for _ in range(5)]
    for application in waiting:
        services.put_on_waitlist(application, officer)
    # Three seats free up before the promotion task runs (it waits for the commit).
    for application in seated[:3]:
        services.withdraw(application, application.applicant, reason="家里有事")
    promoted = services.promote_waitlist(cohort)
    assert [a.pk for a in promoted] == [a.pk for a in waiting[:3]]
    now = statuses(cohort)
    assert [now[a.applicant_id] for a in waiting] == [
        "admitted",
        "admitted",
        "admitted",
        "waitlisted",
        "waitlisted",
    ]
    # Every seat is taken now: another run offers nothing.
    assert services.promote_waitlist(cohort) == []


def test_an_offer_not_confirmed_in_time_expires_and_the_seat_moves_on(officer):
    cohort = CohortFactory(capacity=1, offer_hours=1)
    first, second = apply(cohort), apply(cohort)
    now = timezone.now()
    services.admit(first, officer, now=now)
    services.put_on_waitlist(second, officer, now=now)
    assert services.expire_due_offers(now=now + timedelta(minutes=59)) == 0
    with pytest.raises(CohortError) as error:
        services.confirm(first, first.applicant, now=now + timedelta(minutes=61))
    assert error.value.code == "expired"
    assert services.expire_due_offers(now=now + timedelta(minutes=61)) == 1
    assert services.expire_due_offers(now=now + timedelta(minutes=62)) == 0  # idempotent
    assert statuses(cohort) == {first.applicant_id: "expired", second.applicant_id: "admitted"}


def test_only_the_applicant_confirms_and_only_an_offer(officer):
    cohort = CohortFactory()
    application = apply(cohort)
    with pytest.raises(CohortError, match=r"offered|录取"):
        services.confirm(application, application.applicant)
    services.admit(application, officer)
    with pytest.raises(CohortError):
        services.confirm(application, applicant())
    assert Application.objects.get().status == "admitted"


@pytest.mark.parametrize(
    ("setup", "target"),
    [
        ("rejected", Status.GRADUATED),
        ("rejected", Status.ADMITTED),
        ("applied", Status.CONFIRMED),
        ("withdrawn", Status.ADMITTED),
    ],
)
def test_illegal_transitions_are_refused_with_the_reason(officer, setup, target):
    cohort = CohortFactory()
    application = apply(cohort)
    if setup == "rejected":
        services.reject(application, officer, reason="不符合条件")
    if setup == "withdrawn":
        services.withdraw(application, application.applicant)
    application.refresh_from_db()
    with pytest.raises(CohortError) as error:
        if target == Status.GRADUATED:
            from mentorship.starleader import guidance

            guidance.graduate(application, officer)
        elif target == Status.ADMITTED:
            services.admit(application, officer)
        else:
            services.confirm(application, application.applicant)
    assert error.value.code in {"transition", "no_offer"}
    application.refresh_from_db()
    assert application.status == setup


def test_rejection_needs_a_reason(officer):
    application = apply(CohortFactory())
    with pytest.raises(CohortError) as error:
        services.reject(application, officer, reason=" ")
    assert error.value.code == "reason"
    assert Application.objects.get().status == "applied"


def test_every_status_has_its_allowed_next_steps():
    assert allowed_next(Status.APPLIED) == sorted(
        [Status.ADMITTED, Status.WAITLISTED, Status.REJECTED, Status.WITHDRAWN]
    )
    for final in (Status.REJECTED, Status.GRADUATED, Status.WITHDRAWN, Status.EXPIRED):
        assert allowed_next(final) == []


# --- check-in codes ----------------------------------------------------------------------


def test_check_in_with_the_code_in_the_room_makes_the_member_attending(officer):
    cohort = CohortFactory()
    session = add_session(cohort)
    application = member(cohort, officer)
    code = services.rotate_code(session, officer)
    services.check_in(application.applicant, code.code)
    application.refresh_from_db()
    assert application.status == "attending"
    assert Attendance.objects.get().method == "code"


def test_reused_expired_replaced_and_foreign_codes_are_refused(officer):
    cohort, other_cohort = CohortFactory(), CohortFactory()
    session, other_session = add_session(cohort), add_session(other_cohort)
    application = member(cohort, officer)
    now = timezone.now()
    old = services.rotate_code(session, officer, now=now)
    current = services.rotate_code(session, officer, now=now + timedelta(minutes=1))
    foreign = services.rotate_code(other_session, officer, now=now)
    while foreign.code == current.code:  # one chance in a million: draw the other again
        foreign = services.rotate_code(other_session, officer, now=now)
    user = application.applicant

    def refused(code, when):
        with pytest.raises(CohortError) as error:
            services.check_in(user, code, now=when)
        return error.value.code

    assert refused(old.code, now + timedelta(minutes=2)) == "expired"
    assert refused(foreign.code, now + timedelta(minutes=2)) == "other_cohort"
    assert refused("12ab", now) == "format"
    assert not Attendance.objects.exists()
    services.check_in(user, current.code, now=now + timedelta(minutes=2))
    assert refused(current.code, now + timedelta(minutes=3)) == "reused"
    later = now + timedelta(minutes=30)
    assert refused(current.code, later) == "expired"
    assert Attendance.objects.count() == 1


def test_a_shopkeeper_not_in_the_cohort_cannot_check_in(officer):
    cohort = CohortFactory()
    session = add_session(cohort)
    code = services.rotate_code(session, officer)
    outsider = apply(cohort)  # applied, not confirmed
    with pytest.raises(CohortError):
        services.check_in(outsider.applicant, code.code)
    assert not Attendance.objects.exists()


def test_attendance_by_list_adds_and_removes_staff_marks(officer):
    cohort = CohortFactory()
    session = add_session(cohort)
    a, b = member(cohort, officer), member(cohort, officer)
    services.take_attendance(session, officer, [a.pk, b.pk])
    assert Attendance.objects.count() == 2
    services.take_attendance(session, officer, [a.pk])
    assert list(Attendance.objects.values_list("application_id", flat=True)) == [a.pk]
    b.refresh_from_db()
    assert b.status == "attending"  # once present, she is attending


def test_action_plan_is_submitted_only_when_complete(officer):
    cohort = CohortFactory()
    application = member(cohort, officer)
    user = application.applicant
    with pytest.raises(CohortError):
        services.save_action_plan(
            application, user, diagnosis="月销 3 万", targets="", steps="", submit=True
        )
    plan = services.save_action_plan(application, user, diagnosis="月销 3 万", targets="", steps="")
    assert plan.submitted_at is None
    with pytest.raises(CohortError):
        services.save_action_plan(application, applicant(), diagnosis="x", targets="y", steps="z")
    plan = services.save_action_plan(
        application,
        user,
        diagnosis="月销 3 万",
        targets="月销 5 万",
        steps="每周带新人",
        submit=True,
    )
    assert plan.submitted_at is not None


def test_answers_are_kept_as_given(officer):
    application = apply(CohortFactory())
    assert application.situation == ANSWERS["situation"]
    assert application.team_size == 12
