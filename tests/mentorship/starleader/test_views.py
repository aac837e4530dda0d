"""The life of a cohort through the pages, bad input on the pages, and the staff dashboard."""

import csv
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from academy import roles
from academy.models import MentorKind
from courses.models import Certificate
from mentorship.models import Booking, MentorAssignment
from mentorship.starleader import services
from mentorship.starleader.models import Application, Attendance, Cohort
from tests.academy.factories import staff
from tests.forms import submit
from tests.mentorship.factories import open_mentor
from tests.mentorship.starleader.factories import (
    ANSWERS,
    CohortFactory,
    add_session,
    applicant,
    apply,
    member,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def url(name, *args):
    return reverse(f"mentorship:starleader:{name}", args=args)


def text(response):
    return response.content.decode()


APPLY_FORM = "form:has(textarea[name=situation])"


def with_plan(application):
    services.save_action_plan(
        application,
        application.applicant,
        diagnosis="团队不稳定",
        targets="月销 5 万",
        steps="每周两次新人培训",
        submit=True,
    )
    return application


@pytest.fixture
def officer():
    return staff(roles.PROGRAM_STAFF)


def test_full_life_of_a_member_through_the_pages(
    client, officer, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=2, number=12, guidance_sessions_required=1)
    session = add_session(cohort)
    user = applicant(user__display_name="陈丽娟")

    # The shopkeeper sees the cohort and applies.
    client.force_login(user)
    page = client.get(url("home"))
    assert "第12期" in text(page)
    response = client.post(url("apply", cohort.pk), ANSWERS)
    application = Application.objects.get(applicant=user)
    assert response.status_code == 302
    assert "报名申请已提交" in text(client.get(response["Location"]))

    # Staff admit her from the dashboard.
    client.force_login(officer)
    dashboard = client.get(url("dashboard", cohort.pk))
    assert "陈丽娟" in text(dashboard)
    client.post(url("decide", application.pk), {"action": "admit", "reason": "符合条件"})
    application.refresh_from_db()
    assert application.status == "admitted"

    # She confirms before the deadline.
    client.force_login(user)
    page = text(client.get(url("application", application.pk)))
    assert "确认参加" in page
    client.post(url("confirm", application.pk))
    application.refresh_from_db()
    assert application.status == "confirmed"

    # Staff show the code in the room; she checks in with it on her phone.
    client.force_login(officer)
    client.post(url("session", session.pk), {"action": "rotate"})
    code = services.current_code(session).code
    assert code in text(client.get(url("session", session.pk)))
    client.force_login(user)
    response = client.post(url("check_in"), {"code": code}, follow=True)
    assert "签到成功" in text(response)
    application.refresh_from_db()
    assert application.status == "attending"

    # Staff assign a guidance expert; she books a guidance session with the program's limits.
    expert = open_mentor(kind=MentorKind.EXPERT, capacity=5)
    expert.user.display_name = "刘芳老师"
    expert.user.save()
    Cohort.objects.filter(pk=cohort.pk).update(
        guidance_starts_on=timezone.localdate(),
        guidance_ends_on=timezone.localdate() + timedelta(days=29),
    )
    client.force_login(officer)
    client.post(url("experts", cohort.pk), {"application": application.pk, "expert": expert.pk})
    assignment = MentorAssignment.objects.get(mentee=user)
    assert assignment.source == "starleader"
    assert assignment.weekly_limit == cohort.guidance_weekly_limit
    client.force_login(user)
    page = text(client.get(url("application", application.pk)))
    assert "刘芳老师" in page
    tomorrow = timezone.now().astimezone(SHANGHAI).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(10, 0), tzinfo=SHANGHAI)
    response = client.post(
        reverse("mentorship:book", args=[expert.pk]),
        {"start": start.isoformat(), "minutes": 60, "agenda": "新人培训怎么做", "token": "t1"},
    )
    assert response.status_code == 302, text(response)
    booking = Booking.objects.get(mentee=user)
    assert booking.assignment == assignment

    # She writes her action plan; the guidance session is held; staff graduate her.
    client.post(
        url("plan", application.pk),
        {
            "diagnosis": "团队不稳定",
            "targets": "月销 5 万",
            "steps": "每周两次新人培训",
            "submit": "1",
        },
    )
    Booking.objects.filter(pk=booking.pk).update(status="attended")
    client.force_login(officer)
    client.post(url("decide", application.pk), {"action": "graduate"})
    application.refresh_from_db()
    assert application.status == "graduated"
    assert Certificate.objects.get(user=user).kind == "program"


def test_apply_page_explains_why_not_and_saves_nothing(client):
    cohort = CohortFactory(min_level=3)
    client.force_login(applicant(level=1))
    page = client.get(url("apply", cohort.pk))
    assert "V3" in text(page)
    response = client.post(url("apply", cohort.pk), ANSWERS)
    assert response.status_code == 400
    assert "V3" in text(response)
    assert not Application.objects.exists()


def test_applying_twice_is_refused_and_nothing_saved(client):
    cohort = CohortFactory()
    user = applicant()
    client.force_login(user)
    form_page = client.get(url("apply", cohort.pk))
    apply(cohort, user)  # sent from another tab meanwhile
    from tests.forms import form_fields, rendered_form

    data = {**dict(form_fields(rendered_form(text(form_page), APPLY_FORM))), **ANSWERS}
    response = client.post(url("apply", cohort.pk), data)
    assert response.status_code == 400
    assert "已经报名" in text(response)
    assert Application.objects.count() == 1


def test_invalid_form_input_is_refused(client):
    cohort = CohortFactory()
    client.force_login(applicant())
    response = client.post(url("apply", cohort.pk), {**ANSWERS, "team_size": "很多"})
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_a_wrong_code_on_the_page_leaves_attendance_unchanged(client, officer):
    cohort = CohortFactory()
    add_session(cohort)
    application = member(cohort, officer)
    client.force_login(application.applicant)
    response = client.post(url("check_in"), {"code": "000000"})
    assert response.status_code == 400
    assert "签到码无效" in text(response)
    assert not Attendance.objects.exists()


def test_another_members_application_and_plan_are_not_found(client, officer):
    cohort = CohortFactory()
    mine, theirs = member(cohort, officer), member(cohort, officer)
    client.force_login(mine.applicant)
    for name in ("application", "plan", "member"):
        assert client.get(url(name, theirs.pk)).status_code == 404
    assert client.post(url("confirm", theirs.pk)).status_code == 404
    assert client.post(url("withdraw", theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_staff_see_the_refusal_of_an_illegal_transition(client, officer):
    application = apply(CohortFactory())
    services.reject(application, officer, reason="不符合条件")
    client.force_login(officer)
    response = client.post(url("decide", application.pk), {"action": "graduate"}, follow=True)
    assert "不能变为" in text(response)
    application.refresh_from_db()
    assert application.status == "rejected"


def test_every_dashboard_list_exports_as_csv(client, officer):
    cohort = CohortFactory()
    add_session(cohort)
    member(cohort, officer, applicant(user__display_name="王小红"))
    apply(cohort, applicant(user__display_name="=HYPERLINK(1)"))
    client.force_login(officer)
    for name in ("applications", "attendance", "checkins", "members"):
        response = client.get(url("export", cohort.pk, name))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        assert len(rows[0]) > 2
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(url("export", cohort.pk, "applications")).getvalue().decode("utf-8-sig")
            )
        )
    )
    names = [row[0] for row in rows[1:]]
    assert "王小红" in names
    assert "'=HYPERLINK(1)" in names  # not run as a formula
    assert client.get(url("export", cohort.pk, "secrets")).status_code == 404


def test_dashboard_queries_do_not_grow_with_the_cohort(
    client, officer, django_assert_max_num_queries
):
    cohort = CohortFactory(capacity=30)
    for _ in range(3):
        add_session(cohort)
    for _ in range(12):
        member(cohort, officer)
    for _ in range(5):
        apply(cohort)
    client.force_login(officer)
    client.get(url("dashboard", cohort.pk))
    with django_assert_max_num_queries(25):
        response = client.get(url("dashboard", cohort.pk))
    assert response.status_code == 200


def test_a_mentor_sees_her_members_and_writes_feedback(client, officer):
    cohort = CohortFactory()
    session = add_session(cohort)
    application = member(cohort, officer)
    client.force_login(session.mentor)
    assert str(application.applicant) in text(client.get(url("mentor")))
    response = client.post(url("member", application.pk), {"body": "目标拆得很清楚，继续保持"})
    assert response.status_code == 302
    client.force_login(application.applicant)
    assert "目标拆得很清楚" in text(client.get(url("application", application.pk)))


def test_cohort_page_shows_the_facts_and_whether_the_visitor_may_apply(client, home_page):
    from mentorship.starleader.models import CohortPage

    cohort = CohortFactory(number=36, min_level=2)
    add_session(cohort, title="团队领袖IP：朋友圈人设与故事")
    page = home_page.add_child(
        instance=CohortPage(
            title="聚星领导者计划第36期 · 成都",
            slug="star-leader-36",
            cohort=cohort,
            intro="<p>团队遇到瓶颈的店主</p>",
        )
    )
    page.save_revision().publish()
    anonymous = text(client.get(page.url))
    assert "团队遇到瓶颈的店主" in anonymous
    assert "团队领袖IP：朋友圈人设与故事" in anonymous
    assert "登录后报名" in anonymous
    client.force_login(applicant(level=1))
    assert "V2" in text(client.get(page.url))
    client.force_login(applicant(level=2))
    assert url("apply", cohort.pk) in text(client.get(page.url))
    home = text(client.get("/"))
    assert "聚星领导者计划第36期 · 成都" in home


def test_class_attendance_counts_only_the_members_ticked_present(client, officer):
    cohort = CohortFactory(capacity=10)
    session = add_session(cohort)
    members = [member(cohort, officer) for _ in range(8)]
    client.force_login(officer)
    page = url("session", session.pk)
    form = "form:has(input[name=action][value=attendance])"
    ticked = [str(m.pk) for m in members[:6]]
    response = submit(client, page, {"present": ticked}, form=form)
    assert response.status_code == 302
    text_now = text(client.get(page))
    assert "出勤：6 / 8" in text_now
    assert Attendance.objects.filter(session=session).count() == 6
    # Unticking two keeps the other four; the dashboard says the same.
    submit(client, page, {"present": ticked[:4]}, form=form)
    assert "出勤：4 / 8" in text(client.get(page))
    assert "<td>4 / 8</td>" in text(client.get(url("dashboard", cohort.pk)))
    # A member who was present and then withdrew counts no more.
    services.withdraw(members[0], officer, reason="家里有事")
    assert "出勤：3 / 7" in text(client.get(page))
    assert "<td>3 / 7</td>" in text(client.get(url("dashboard", cohort.pk)))


def test_after_applying_she_sees_her_status_instead_of_the_apply_button(client):
    cohort = CohortFactory(number=41)
    user = applicant()
    client.force_login(user)
    assert url("apply", cohort.pk) in text(client.get(url("home")))
    response = submit(
        client, url("apply", cohort.pk), {**ANSWERS, "team_size": "12"}, form=APPLY_FORM
    )
    assert response.status_code == 302
    application = Application.objects.get(applicant=user)

    home = text(client.get(url("home")))
    assert url("apply", cohort.pk) not in home
    assert "你的报名：" in home and "已报名" in home
    assert url("application", application.pk) in home
    # 我的学习 shows it too.
    dashboard = text(client.get("/me/"))
    assert "第41期" in dashboard and "已报名" in dashboard
    assert url("application", application.pk) in dashboard
    # Opening the form again leads to her application, before she types anything.
    again = client.get(url("apply", cohort.pk))
    assert again.status_code == 302
    assert again["Location"] == url("application", application.pk)
    assert "你已经报名了本期" in text(client.get(again["Location"]))


def test_staff_reject_an_applicant_from_the_apply_list(client, officer):
    cohort = CohortFactory()
    application = apply(cohort, applicant(user__display_name="赵小燕"))
    client.force_login(officer)
    response = submit(
        client,
        url("dashboard", cohort.pk),
        {"reason": "团队人数不足"},
        form=f"form[action='{url('decide', application.pk)}']:has(input[value=reject])",
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "rejected"
    assert application.events.filter(reason="团队人数不足").exists()
    assert "赵小燕：未录取" in text(client.get(response["Location"]))


def test_graduating_everyone_asks_first_and_names_who_will_graduate(client, officer):
    cohort = CohortFactory(guidance_sessions_required=0, attendance_threshold=100)
    session = add_session(cohort)
    ready = with_plan(member(cohort, officer, applicant(user__display_name="钱多多")))
    not_ready = with_plan(member(cohort, officer, applicant(user__display_name="孙不到")))
    services.take_attendance(session, officer, [ready.pk])
    other_session = add_session(cohort)
    services.take_attendance(other_session, officer, [ready.pk, not_ready.pk])
    client.force_login(officer)
    dashboard = text(client.get(url("dashboard", cohort.pk)))
    assert url("graduate_all", cohort.pk) in dashboard
    # The first step only shows who would graduate; nothing changes yet.
    page = client.get(url("graduate_all", cohort.pk))
    assert page.status_code == 200
    shown = text(page)
    assert "钱多多" in shown and "孙不到" in shown
    assert "将结业（1 人）" in shown
    ready.refresh_from_db()
    assert ready.status == "attending"
    response = submit(client, url("graduate_all", cohort.pk), form="form.sl-graduate")
    assert response.status_code == 302
    ready.refresh_from_db()
    not_ready.refresh_from_db()
    assert (ready.status, not_ready.status) == ("graduated", "attending")


def test_graduating_everyone_graduates_only_those_confirmed_on_the_page(client, officer):
    cohort = CohortFactory(guidance_sessions_required=0, attendance_threshold=100)
    session = add_session(cohort)
    first = with_plan(member(cohort, officer))
    client.force_login(officer)
    services.take_attendance(session, officer, [first.pk])
    confirm_page = client.get(url("graduate_all", cohort.pk))
    # Another member meets the rules after the page was shown: she was not confirmed.
    late = with_plan(member(cohort, officer))
    services.take_attendance(session, officer, [first.pk, late.pk])
    from tests.forms import form_fields, rendered_form

    data = form_fields(rendered_form(text(confirm_page), "form.sl-graduate"))
    client.post(url("graduate_all", cohort.pk), dict(data))
    first.refresh_from_db()
    late.refresh_from_db()
    assert (first.status, late.status) == ("graduated", "attending")
