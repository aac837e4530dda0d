"""Listing pages and the progress export run a fixed number of queries, whatever the number
of courses, enrolments or learners."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy import roles
from courses import services
from courses.models import Enrolment
from tests.academy.factories import staff
from tests.courses import factories, files

pytestmark = pytest.mark.django_db

BUDGET = 15


@pytest.fixture(autouse=True)
def _rendered_every_time(settings):
    """These budgets are what rendering costs; kept pages have their own (test_kept_pages)."""
    settings.ACADEMY_USER_PAGE_CACHE_SECONDS = 0


def build(academy, count, user=None):
    cover = files.image("封面")
    cover.get_rendition("fill-640x360")
    courses = []
    for number in range(count):
        course = factories.course(
            academy.beginner, f"course-{number}", lessons=2, cover_image=cover
        )
        courses.append(course)
    if user is not None:
        for course in courses:
            enrolment, _ = services.enrol(user, course)
            Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=None)
            services.record_lesson_complete(user, factories.lessons_of(course)[0])
    for number, course in enumerate(courses):
        if number % 3 == 1:  # some courses have prerequisites, shown on the cards
            course.prerequisites.set(courses[number - 1 : number])
            course.save()
    return courses


def count_queries(client, url):
    client.get(url)  # warm caches that belong to the process, not the request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_tier_page_with_50_courses_stays_within_budget(
    client, academy, django_assert_max_num_queries
):
    user = factories.learner()
    build(academy, 50, user)
    client.force_login(user)
    few, _ = count_queries(client, academy.beginner.url)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(academy.beginner.url)
    page = response.content.decode()
    assert page.count('<li class="course-card') == 50
    # 17 courses wait for a prerequisite (shown with a lock), the others show progress.
    assert page.count("lock-reason") == 17
    assert page.count("<progress") == 33
    print(f"tier page, 50 courses: {few} queries")  # noqa: T201 - reported by -s


def test_tier_page_queries_do_not_grow_with_courses(client, academy):
    user = factories.learner()
    client.force_login(user)
    build(academy, 3, user)
    small, _ = count_queries(client, academy.beginner.url)
    for number in range(3, 12):
        course = factories.course(academy.beginner, f"more-{number}", lessons=3)
        services.enrol(user, course)
    large, _ = count_queries(client, academy.beginner.url)
    assert large == small


def test_anonymous_tier_page_stays_within_budget(client, academy, django_assert_max_num_queries):
    build(academy, 50)
    client.get(academy.beginner.url)
    with django_assert_max_num_queries(BUDGET):
        assert client.get(academy.beginner.url).status_code == 200


def test_dashboard_with_50_enrolments_stays_within_budget(
    client, academy, django_assert_max_num_queries
):
    user = factories.learner()
    courses = build(academy, 50, user)
    for course in courses[:5]:
        factories.complete(user, course)
    client.force_login(user)
    few, _ = count_queries(client, "/me/")
    with django_assert_max_num_queries(BUDGET):
        response = client.get("/me/")
    page = response.content.decode()
    assert page.count('class="card my-course"') == 45
    assert page.count('class="card certificate"') == 5
    print(f"dashboard, 50 enrolments: {few} queries")  # noqa: T201 - reported by -s


def test_course_and_lesson_pages_stay_within_budget(client, academy, django_assert_max_num_queries):
    user = factories.learner()
    course = factories.course(academy.beginner, "big", lessons=30)
    services.enrol(user, course)
    client.force_login(user)
    lesson = factories.lessons_of(course)[10]
    for url in (course.url, lesson.url, factories.quiz_of(course).url):
        client.get(url)
        with django_assert_max_num_queries(BUDGET):
            assert client.get(url).status_code == 200


def test_progress_export_queries_do_not_grow_with_learners(client, academy):
    course = factories.course(academy.beginner, "exported", lessons=3)
    client.force_login(staff(roles.PROGRAM_STAFF))
    url = reverse("courses_admin_progress_csv", args=[course.id])

    def export_queries():
        client.get(url)  # warm the catalogue and the staff member's session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        return len(queries), len(rows)

    def add_learners(count):
        for _ in range(count):
            user = factories.learner()
            services.enrol(user, course)
            services.record_lesson_complete(user, factories.lessons_of(course)[0])
        factories.complete(user, course)

    add_learners(2)
    few, rows = export_queries()
    assert rows == 1 + 2
    add_learners(10)
    many, rows = export_queries()
    assert rows == 1 + 12
    assert many == few
