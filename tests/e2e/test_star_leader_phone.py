"""On a 360 px phone, in Chinese: a shopkeeper applies to the Star Leader Program, staff
admit her, she confirms and checks in with the code shown in the room, staff pair her
with a guidance expert and she books her first guidance session."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from academy import roles
from academy.models import MentorKind
from mentorship.models import Booking
from mentorship.starleader.models import Application
from tests.academy.factories import shopkeeper, staff
from tests.e2e.phone import no_horizontal_scroll
from tests.mentorship.factories import open_mentor
from tests.mentorship.starleader.factories import CohortFactory, add_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def program(transactional_db):
    today = timezone.localdate()
    cohort = CohortFactory(
        number=35,
        city="郑州",
        venue="金水区商务外环路 8 号 店主之家 3 楼",
        capacity=12,
        classes_start_on=today,
        classes_end_on=today,
        guidance_starts_on=today,
        guidance_ends_on=today + timedelta(days=29),
    )
    session = add_session(
        cohort,
        starts_at=timezone.now() - timedelta(minutes=10),
        title="目标管理：从年度目标到每周行动",
    )
    expert = open_mentor(kind=MentorKind.EXPERT, days=range(7), hours=("09:00", "17:00"))
    expert.user.display_name = "何丹丹老师"
    expert.user.save()
    member = shopkeeper(user__display_name="陈丽娟")
    officer = staff(roles.PROGRAM_STAFF, display_name="项目运营 林主管")
    return cohort, session, expert, member, officer


def test_apply_admit_confirm_check_in_and_book_guidance_on_a_phone(
    transactional_db, program, phone, live_server, artifacts_dir
):
    cohort, session, expert, member, officer = program

    # The shopkeeper finds the cohort and applies.
    sign_in(phone, live_server, member)
    phone.goto("/mentorship/star-leader/")
    assert phone.get_by_role("heading", name="聚星领导者计划", exact=True).is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "01-program.png", full_page=True)
    phone.get_by_role("link", name="报名", exact=True).click()
    phone.get_by_label("目前情况").fill("团队 12 人，最近三个月销售额下滑。")
    phone.get_by_label("遇到的困难").fill("新人留不住，不会带团队。")
    phone.get_by_label("希望达成的目标").fill("三个月把月销售额做回 5 万。")
    phone.get_by_label("团队人数").fill("12")
    phone.get_by_label("月销售额").select_option("10k-50k")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "02-apply.png", full_page=True)
    phone.get_by_role("button", name="提交报名").click()
    assert phone.get_by_text("报名申请已提交，结果会通过通知告诉你。").is_visible()
    application_url = phone.url
    application = Application.objects.get(applicant=member)

    # Program staff admit her from the cohort dashboard.
    sign_in(phone, live_server, officer)
    phone.goto(f"/mentorship/star-leader/staff/cohorts/{cohort.pk}/")
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="录取 陈丽娟", exact=True).click()
    assert phone.get_by_text("陈丽娟：已录取。已通知报名人。").is_visible()
    phone.screenshot(path=artifacts_dir / "03-dashboard.png", full_page=True)

    # She confirms her seat.
    sign_in(phone, live_server, member)
    phone.goto(application_url)
    assert phone.get_by_text("你已被录取！").is_visible()
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="确认参加").click()
    assert phone.get_by_text("已确认参加，课堂见！").is_visible()

    # Staff show the check-in code in the room.
    sign_in(phone, live_server, officer)
    phone.goto(f"/mentorship/star-leader/staff/sessions/{session.pk}/")
    phone.get_by_role("button", name="生成签到码").click()
    code = phone.locator(".sl-code").inner_text().strip()
    assert len(code) == 6
    assert phone.get_by_role("img", name="签到二维码").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "04-code.png", full_page=True)

    # She scans the QR code (it opens the check-in page with the code) and checks in.
    sign_in(phone, live_server, member)
    phone.goto(f"/mentorship/star-leader/check-in/?code={code}")
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="签到").click()
    assert phone.get_by_text("签到成功：目标管理：从年度目标到每周行动").is_visible()
    assert phone.get_by_text("学习中").first.is_visible()
    phone.screenshot(path=artifacts_dir / "05-checked-in.png", full_page=True)

    # Staff pair her with a guidance expert.
    sign_in(phone, live_server, officer)
    phone.goto(f"/mentorship/star-leader/staff/cohorts/{cohort.pk}/experts/")
    phone.get_by_label("学员").select_option(str(application.pk))
    phone.get_by_label("辅导专家").select_option(str(expert.pk))
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="分配", exact=True).click()
    assert phone.get_by_text("已分配专家，并通知了双方。").is_visible()

    # She books her first guidance session with the expert.
    sign_in(phone, live_server, member)
    phone.goto(application_url)
    assert phone.get_by_text("何丹丹老师").first.is_visible()
    phone.get_by_role("link", name="预约一对一辅导").click()
    assert no_horizontal_scroll(phone)
    phone.locator("a.mm-slot").first.click()
    phone.get_by_label("我想解决的问题").fill("想请老师帮我排新人第一周的带教计划。")
    phone.get_by_role("button", name="确认预约").click()
    phone.wait_for_url("**/mentorship/bookings/*/")
    assert phone.get_by_text("预约成功！已通知你和导师。").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "06-booked.png", full_page=True)
    booking = Booking.objects.get(mentee=member)
    assert booking.assignment.source == "starleader"
