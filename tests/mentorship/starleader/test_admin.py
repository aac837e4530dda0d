"""Program staff create a cohort with its curriculum in the admin; others cannot."""

import pytest
from django.urls import reverse

from academy import roles
from mentorship.starleader.models import ClassSession, Cohort
from tests.academy.factories import shopkeeper, staff
from tests.mentorship.starleader.factories import official_mentor

pytestmark = pytest.mark.django_db


def cohort_form(**changes):
    teacher = official_mentor()
    data = {
        "number": "40",
        "name": "聚星领导者计划",
        "city": "杭州",
        "venue": "滨江区店主之家培训中心",
        "capacity": "150",
        "waitlist_enabled": "on",
        "applications_open_at": "2026-12-01 09:00",
        "applications_close_at": "2026-12-20 22:00",
        "min_level": "2",
        "min_tenure_days": "90",
        "offer_hours": "48",
        "classes_start_on": "2027-01-09",
        "classes_end_on": "2027-01-10",
        "guidance_starts_on": "2027-01-11",
        "guidance_ends_on": "2027-02-09",
        "guidance_weekly_limit": "5",
        "guidance_session_limit": "16",
        "attendance_threshold": "80",
        "guidance_sessions_required": "2",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-module": "goals",
        "sessions-0-title": "目标管理：从年度目标到每周行动",
        "sessions-0-starts_at": "2027-01-09 09:00",
        "sessions-0-ends_at": "2027-01-09 12:00",
        "sessions-0-room": "301",
        "sessions-0-mentor": str(teacher.pk),
        "sessions-0-ORDER": "1",
    }
    return {**data, **changes}


def test_program_staff_create_a_cohort_with_its_curriculum(client):
    client.force_login(staff(roles.PROGRAM_STAFF))
    assert client.get(reverse("cohorts:add")).status_code == 200
    response = client.post(reverse("cohorts:add"), cohort_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    cohort = Cohort.objects.get(number=40)
    assert cohort.capacity == 150
    assert ClassSession.objects.get(cohort=cohort).title == "目标管理：从年度目标到每周行动"


def test_dates_out_of_order_are_refused_and_nothing_is_saved(client):
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = client.post(
        reverse("cohorts:add"), cohort_form(applications_close_at="2026-11-01 09:00")
    )
    assert response.status_code == 200
    assert "报名截止时间必须晚于开始时间" in response.content.decode()
    assert not Cohort.objects.exists()


@pytest.mark.parametrize("who", ["shopkeeper", "editor"])
def test_others_cannot_create_cohorts(client, who):
    user = shopkeeper() if who == "shopkeeper" else staff(roles.EDITOR)
    client.force_login(user)
    response = client.post(reverse("cohorts:add"), cohort_form())
    assert response.status_code in (302, 403)
    assert not Cohort.objects.exists()
