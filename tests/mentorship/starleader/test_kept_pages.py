"""A cohort page is kept per shopkeeper, yet seats taken by others, her own application
and a changed timetable are on her very next view."""

import pytest
from django.test import Client
from django.urls import reverse

from academy import roles
from mentorship.starleader import services
from mentorship.starleader.models import CohortPage
from tests.academy.factories import staff
from tests.kept_pages import kept, warm
from tests.mentorship.starleader.factories import ANSWERS, CohortFactory, add_session, applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_page(home_page):
    cohort = CohortFactory(number=36, capacity=3)
    add_session(cohort, title="目标管理：从年度目标到每周行动")
    page = home_page.add_child(
        instance=CohortPage(title="聚星领导者计划第36期", slug="star-leader-36", cohort=cohort)
    )
    page.save_revision().publish()
    return page


def test_seats_taken_by_others_show_on_her_kept_cohort_page(client, cohort_page):
    cohort = cohort_page.cohort
    client.force_login(applicant())
    assert "3 / 3" in warm(client, cohort_page.url).content.decode()
    other = services.apply(cohort, applicant(), **ANSWERS)
    services.admit(other, staff(roles.PROGRAM_STAFF))
    page = client.get(cohort_page.url)
    assert not kept(page)
    assert "2 / 3" in page.content.decode()


def test_her_application_shows_on_her_next_view_and_only_to_her(cohort_page):
    cohort = cohort_page.cohort
    her, neighbour = Client(), Client()
    her.force_login(applicant())
    neighbour.force_login(applicant())
    apply_url = reverse("mentorship:starleader:apply", args=[cohort.pk])
    for browser in (her, neighbour):
        assert apply_url in warm(browser, cohort_page.url).content.decode()
    response = her.post(apply_url, ANSWERS)
    assert response.status_code == 302
    her.get(response["Location"])  # her application, with its one-off message
    assert "你的报名" in her.get(cohort_page.url).content.decode()
    page = warm(neighbour, cohort_page.url).content.decode()
    assert "你的报名" not in page
    assert apply_url in page


def test_a_changed_timetable_reaches_kept_cohort_pages(client, cohort_page):
    client.force_login(applicant())
    warm(client, cohort_page.url)
    add_session(cohort_page.cohort, title="团队领袖IP：朋友圈人设与故事")
    assert "团队领袖IP：朋友圈人设与故事" in client.get(cohort_page.url).content.decode()


def test_the_cohort_page_stays_within_budget_on_a_warm_cache(
    client, cohort_page, django_assert_max_num_queries
):
    client.force_login(applicant())
    warm(client, cohort_page.url)
    with django_assert_max_num_queries(8):
        assert client.get(cohort_page.url).status_code == 200
