"""The Star Leader Program in the growth features: graduation cards, results, milestones."""

import io

import pytest
from django.db import transaction
from django.urls import reverse
from PIL import Image

from academy import roles
from academy.sharecards import services as sharecards
from mentorship.starleader.models import CohortPage, Status
from mentorship.starleader.transitions import change_status
from tests.academy.factories import staff
from tests.mentorship.starleader.factories import CohortFactory, member

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
