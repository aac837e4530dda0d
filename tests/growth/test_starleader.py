"""The Star Leader Program in the growth features: graduation cards, results, milestones."""

import io
import re
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from academy import roles
from growth.metrics import selectors as metrics
from growth.models import ShopMonth
from growth.sharecards import services as sharecards
from mentorship.starleader import services
from mentorship.starleader.models import CohortPage, Status
from mentorship.starleader.transitions import change_status
from tests.academy.factories import staff
from tests.mentorship.starleader.factories import (
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


def advance(application, *statuses, by=None):
    """Walk an application along the service layer's allowed transitions."""
    with transaction.atomic():
        for status in statuses:
            change_status(application, status, by=by, announce=False)
    return application


def graduate(cohort, officer, user=None):
    return advance(member(cohort, officer, user), Status.ATTENDING, Status.GRADUATED, by=officer)


@pytest.fixture
def cohort_page(home_page):
    cohort = CohortFactory(number=12, name="聚星领导者计划")
    page = home_page.add_child(
        instance=CohortPage(title="聚星领导者计划第12期", slug="star-leader-12", cohort=cohort)
    )
    return cohort, page


# --- graduation share card ---------------------------------------------------------------


def test_a_graduate_sees_her_graduation_card_and_its_link(client, officer, cohort_page):
    cohort, _page = cohort_page
    application = graduate(cohort, officer)
    user = application.applicant
    client.force_login(user)
    cards = client.get(reverse("sharecards:mine")).content.decode()
    card_url = reverse("sharecards:card", args=["graduation", cohort.pk])
    assert card_url in cards and "聚星领导者计划第12期" in cards
    page = client.get(card_url).content.decode()
    code = sharecards.code_of(user).code
    assert f"/share/r/{code}/graduation/{cohort.pk}/" in page
    assert "结业于" in page


def test_the_graduation_card_png_decodes_and_its_qr_reads_back_the_link(
    client, officer, cohort_page, settings
):
    cohort, page = cohort_page
    user = graduate(cohort, officer).applicant
    landing = reverse(
        "sharecards:landing", args=[sharecards.code_of(user).code, "graduation", cohort.pk]
    )
    public = client.get(landing).content.decode()
    assert page.url in public  # the card invites to the cohort's public page
    response = client.get(landing + "card.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    zxingcpp = pytest.importorskip("zxingcpp")
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [settings.SITE_URL + landing]


def test_a_member_who_has_not_graduated_gets_no_graduation_card(client, officer, cohort_page):
    cohort, _page = cohort_page
    attending = advance(member(cohort, officer), Status.ATTENDING, by=officer)
    user = attending.applicant
    client.force_login(user)
    assert "graduation" not in client.get(reverse("sharecards:mine")).content.decode()
    card = reverse("sharecards:card", args=["graduation", cohort.pk])
    assert client.get(card).status_code == 404
    landing = reverse(
        "sharecards:landing", args=[sharecards.code_of(user).code, "graduation", cohort.pk]
    )
    assert client.get(landing).status_code == 404
    assert client.get(landing + "card.png").status_code == 404


def test_another_cohorts_graduate_cannot_open_this_cohorts_card(client, officer, cohort_page):
    cohort, _page = cohort_page
    other = CohortFactory()
    user = graduate(other, officer).applicant
    client.force_login(user)
    assert client.get(reverse("sharecards:card", args=["graduation", cohort.pk])).status_code == 404
    assert client.get(reverse("sharecards:card", args=["graduation", "x1"])).status_code == 404
    assert client.get(reverse("sharecards:card", args=["graduation", other.pk])).status_code == 200


# --- cohort results for program staff ----------------------------------------------------


def _months(user, start, values):
    for i, gmv in enumerate(values):
        ShopMonth.objects.create(
            profile=user.shopkeeper_profile,
            month=metrics.add_months(start, i),
            gmv=gmv,
            orders=gmv // 10,
            new_recruits=1,
            team_size=5,
        )


@pytest.fixture
def april_cohort(officer):
    """Three members and two peers with shop months around April 2026, the cohort's month."""
    cohort = CohortFactory(
        capacity=10,
        classes_start_on=date(2026, 4, 10),
        classes_end_on=date(2026, 4, 11),
        guidance_starts_on=date(2026, 4, 12),
        guidance_ends_on=date(2026, 5, 11),
    )
    members = [member(cohort, officer, applicant(level=3, province="河南")) for _ in range(3)]
    for application, before, after in zip(members, [100, 200, 300], [400, 500, 900], strict=True):
        _months(application.applicant, date(2026, 1, 1), [before] * 3 + [9999] + [after] * 3)
    for before, after in [(100, 150), (300, 350)]:
        _months(
            applicant(level=3, province="河南"), date(2026, 1, 1), [before] * 3 + [0] + [after] * 3
        )
    rejected = apply(cohort, applicant(level=3, province="河南"))
    with transaction.atomic():
        change_status(rejected, Status.REJECTED, by=officer, reason="名额已满", announce=False)
    _months(rejected.applicant, date(2026, 1, 1), [7000] * 7)  # a peer, not a member
    return cohort


def test_staff_see_members_medians_before_and_after_beside_peers(client, officer, april_cohort):
    client.force_login(officer)
    dashboard = client.get(reverse("mentorship:starleader:dashboard", args=[april_cohort.pk]))
    url = reverse("growth_starleader:results", args=[april_cohort.pk])
    assert url in dashboard.content.decode()
    page = client.get(url).content.decode()
    assert "不能证明因果" in page
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", page, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in rows]
    # Members: median before 200, after 500; peers (incl. the rejected applicant): 300 → 350.
    assert cells[0] == ["3 / 3", "200", "500", "20.0", "50.0"]
    assert cells[1] == ["3 / 3", "300", "350", "30.0", "35.0"]
    csv = client.get(url + "?format=csv").getvalue().decode("utf-8-sig").splitlines()
    assert csv[0] == "组别,指标,之前有数据的店铺,之前中位数,之后有数据的店铺,之后中位数,之后减之前"
    assert "3,200,3,500,300" in csv[1]


def test_shopkeepers_cannot_open_the_cohort_results(client, april_cohort):
    member_user = april_cohort.applications.first().applicant
    client.force_login(member_user)
    url = reverse("growth_starleader:results", args=[april_cohort.pk])
    assert client.get(url).status_code == 403


# --- the cohort on her results chart ----------------------------------------------------


def test_her_results_show_the_cohort_she_attended_and_graduated_from(client, officer):
    cohort = CohortFactory(number=12)
    ten_days_ago = timezone.now() - timedelta(days=10)
    session = add_session(cohort, starts_at=ten_days_ago)
    application = member(cohort, officer)
    services.take_attendance(session, officer, [application.pk], now=ten_days_ago)
    application.refresh_from_db()
    assert application.status == Status.ATTENDING
    user = application.applicant
    this_month = metrics.month_of(timezone.localdate())
    _months(user, metrics.add_months(this_month, -2), [1000, 2000, 3000])
    client.force_login(user)
    page = client.get(reverse("metrics:mine")).content.decode()
    attended_on = timezone.localdate(ten_days_ago).isoformat()
    assert f"{attended_on} · 参加了聚星领导者计划第12期" in page
    assert "结业于" not in page
    advance(application, Status.GRADUATED, by=officer)
    page = client.get(reverse("metrics:mine")).content.decode()
    assert f"{timezone.localdate().isoformat()} · 结业于聚星领导者计划第12期" in page
    assert "<circle" in page  # the milestone marks this month's bar
    csv = client.get(reverse("metrics:mine") + "?format=csv").getvalue().decode("utf-8-sig")
    assert "结业于聚星领导者计划第12期" in csv


def test_an_applicant_who_never_attended_has_no_cohort_milestone(client, officer):
    cohort = CohortFactory(number=13)
    add_session(cohort)
    user = member(cohort, officer).applicant
    rejected = apply(CohortFactory(number=14), user)
    with transaction.atomic():
        change_status(rejected, Status.REJECTED, by=officer, reason="条件不符", announce=False)
    client.force_login(user)
    page = client.get(reverse("metrics:mine")).content.decode()
    assert "聚星领导者计划第13期" not in page and "聚星领导者计划第14期" not in page
