"""Every CSV download goes through one exporter that no spreadsheet runs as a formula."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from academy import roles
from academy.exports import csv_response, safe_cell
from courses import services as course_services
from courses.live import services as live_services
from growth.metrics import selectors as metrics
from growth.models import ShopMonth
from tests.academy.factories import shopkeeper, staff
from tests.courses import factories as courses
from tests.mentorship.starleader.factories import CohortFactory, add_session, applicant, member

HYPERLINK = '=HYPERLINK("http://x","y")'

# OWASP "CSV injection": each of these is run by Excel, LibreOffice or Sheets.
PAYLOADS = [
    "=1+1",
    "+1",
    "-1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    HYPERLINK,
    "-2+3+cmd|' /C calc'!A0",
]


def read_csv(response):
    """The rows of a CSV download, as a spreadsheet program would split them."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def cells(rows):
    return {cell for row in rows for cell in row}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_comes_out_as_text(payload):
    rows = read_csv(csv_response("x.csv", ["名字"], [[payload]]))
    assert rows[1] == ["'" + payload]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("-12.5"), "-12.5"),
        (-12.5, "-12.5"),
        (-3, "-3"),
        ("-12.5", "-12.5"),
        ("-3", "-3"),
        ("1200.50", "1200.50"),
        (0, "0"),
        (None, ""),
        ("陈丽娟", "陈丽娟"),
        ("a=1", "a=1"),  # a formula sign inside the text is harmless
    ],
)
def test_numbers_negative_ones_too_stay_numbers(value, written):
    assert read_csv(csv_response("x.csv", ["销售额"], [[value]]))[1] == [written]


def test_the_header_is_escaped_and_the_file_name_kept_plain():
    response = csv_response('shop-"1\r\n.csv', ["=名字"], [])
    assert read_csv(response)[0] == ["'=名字"]
    assert response["Content-Disposition"] == 'attachment; filename="shop-_1__.csv"'
    assert safe_cell(True) == "True"


# --- every export URL --------------------------------------------------------------------


@pytest.fixture
def academy(home_page):
    return courses.academy(home_page)


@pytest.mark.django_db
def test_course_progress_export_escapes_a_learners_name(client, academy):
    course = courses.course(academy.beginner, "share", lessons=1)
    learner = shopkeeper(user__display_name=HYPERLINK)
    course_services.enrol(learner, course)
    client.force_login(staff(roles.PROGRAM_STAFF))
    rows = read_csv(client.get(reverse("courses_admin_progress_csv", args=[course.pk])))
    assert rows[1][0] == "'" + HYPERLINK
    assert HYPERLINK not in cells(rows)


@pytest.mark.django_db
def test_live_session_export_escapes_a_name(client, home_page):
    session = courses.live_session(courses.live_index(home_page))
    live_services.sign_up(shopkeeper(user__display_name=HYPERLINK), session)
    client.force_login(staff(roles.PROGRAM_STAFF))
    rows = read_csv(client.get(reverse("courses:live_staff_csv", args=[session.pk])))
    assert rows[1][0] == "'" + HYPERLINK
    assert HYPERLINK not in cells(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["applications", "members", "attendance", "checkins"])
def test_cohort_exports_escape_a_name(client, name):
    officer = staff(roles.PROGRAM_STAFF)
    cohort = CohortFactory()
    add_session(cohort, mentor=staff(roles.MENTOR, display_name=HYPERLINK))
    member(cohort, officer, applicant(user__display_name=HYPERLINK))
    member(cohort, officer, applicant(user__display_name="\t=1+1"))
    client.force_login(officer)
    url = reverse("mentorship:starleader:export", args=[cohort.pk, name])
    rows = read_csv(client.get(url))
    assert not {HYPERLINK, "\t=1+1"} & cells(rows)
    if name in ("applications", "members"):
        assert {"'" + HYPERLINK, "'\t=1+1"} <= cells(rows)
    elif name == "attendance":
        assert "'" + HYPERLINK in cells(rows)  # the class's mentor


def _months(user, start, values):
    for number, gmv in enumerate(values):
        ShopMonth.objects.create(
            profile=user.shopkeeper_profile,
            month=metrics.add_months(start, number),
            gmv=gmv,
            orders=1,
            new_recruits=0,
            team_size=1,
        )


@pytest.mark.django_db
def test_cohort_results_export_keeps_a_fall_in_sales_a_number(client):
    officer = staff(roles.PROGRAM_STAFF)
    cohort = CohortFactory(
        classes_start_on=date(2026, 4, 10),
        classes_end_on=date(2026, 4, 11),
        guidance_starts_on=date(2026, 4, 12),
        guidance_ends_on=date(2026, 5, 11),
    )
    shop = member(cohort, officer).applicant
    _months(shop, date(2026, 1, 1), [300, 300, 300, 0, 287.5, 287.5, 287.5])
    client.force_login(officer)
    url = reverse("growth_starleader:results", args=[cohort.pk])
    rows = read_csv(client.get(url + "?format=csv"))
    assert "-12.5" in cells(rows) and "'-12.5" not in cells(rows)


@pytest.fixture
def results(academy):
    """A shopkeeper with a month of sales and a course whose title is a formula."""
    course = courses.course(academy.beginner, "evil", lessons=1, title=HYPERLINK)
    owner = shopkeeper()
    courses.complete(owner, course)
    this_month = metrics.month_of(timezone.localdate())
    _months(owner, metrics.add_months(this_month, -1), [100, 200])
    return owner


@pytest.mark.django_db
def test_her_own_results_export_escapes_a_course_title(client, results):
    client.force_login(results)
    rows = read_csv(client.get(reverse("metrics:mine") + "?format=csv"))
    assert rows[1][-1].startswith("'" + HYPERLINK)  # this month's learning, newest first
    assert [row[1] for row in rows[1:]] == ["200.00", "100.00"]


@pytest.mark.django_db
def test_staffs_view_of_her_results_escapes_a_course_title(client, results):
    client.force_login(staff(roles.PROGRAM_STAFF))
    url = reverse("metrics:shopkeeper", args=[results.pk]) + "?format=csv"
    rows = read_csv(client.get(url))
    assert rows[1][-1].startswith("'" + HYPERLINK)


@pytest.mark.django_db
def test_courses_against_sales_export_escapes_a_course_title(client, results):
    client.force_login(staff(roles.PROGRAM_STAFF))
    rows = read_csv(client.get(reverse("metrics:courses") + "?format=csv"))
    assert "'" + HYPERLINK in [row[0] for row in rows[1:]]
    assert HYPERLINK not in cells(rows)
