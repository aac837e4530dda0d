"""Program staff create a cohort with its curriculum in the admin; others cannot."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from academy import roles
from mentorship.starleader.models import ClassSession, Cohort
from tests.academy.factories import shopkeeper, staff
from tests.forms import form_fields, rendered_form
from tests.mentorship.starleader.factories import official_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _before_the_cohort(time_machine):
    """The cohort below opens on 1 December 2026: plan it some days before."""
    time_machine.move_to(datetime(2026, 11, 20, 2, 0, tzinfo=UTC), tick=False)


COHORT = {
    "number": "40",
    "name": "聚星领导者计划",
    "city": "杭州",
    "venue": "滨江区店主之家培训中心",
    "capacity": "150",
    "applications_open_at": "2026-12-01 09:00",
    "applications_close_at": "2026-12-20 22:00",
    "min_level": "2",
    "min_tenure_days": "90",
    "classes_start_on": "2027-01-09",
    "classes_end_on": "2027-01-10",
    "guidance_starts_on": "2027-01-11",
    "guidance_ends_on": "2027-02-09",
}


def add_cohort(client, changes=None, *, classes=()):
    """Fill the rendered add form and add a class per item of ``classes``, as its 添加 button does.

    The button clones the formset's empty form (``__prefix__``) for each new row and
    raises TOTAL_FORMS; the rest of the data is what the page renders.
    """
    url = reverse("cohorts:add")
    page = client.get(url)
    assert page.status_code == 200
    pairs = form_fields(rendered_form(page.content.decode(), "form:has([name=number])"))
    data = {name: value for name, value in pairs if "__prefix__" not in name}
    unknown = set(changes or {}) - set(data)
    assert not unknown, f"the form has no field {sorted(unknown)}"
    data.update(changes or {})
    template = [name for name, _ in pairs if "__prefix__" in name]
    for index, row in enumerate(classes):
        for name in template:
            field = name.replace("__prefix__", str(index))
            data[field] = row.get(name.rsplit("-", 1)[1], "")
    data["sessions-TOTAL_FORMS"] = str(len(classes))
    return client.post(url, data)


def a_class():
    return {
        "module": "goals",
        "title": "目标管理：从年度目标到每周行动",
        "starts_at": "2027-01-09 09:00",
        "ends_at": "2027-01-09 12:00",
        "room": "301",
        "mentor": str(official_mentor().pk),
    }


def test_program_staff_create_a_cohort_with_its_curriculum(client):
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = add_cohort(client, COHORT, classes=[a_class()])
    assert response.status_code == 302, response.content.decode()[:3000]
    cohort = Cohort.objects.get(number=40)
    assert cohort.capacity == 150
    assert ClassSession.objects.get(cohort=cohort).title == "目标管理：从年度目标到每周行动"


def test_dates_out_of_order_are_refused_and_nothing_is_saved(client):
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = add_cohort(client, {**COHORT, "applications_close_at": "2026-11-01 09:00"})
    assert response.status_code == 200
    assert "报名截止时间必须晚于开始时间" in response.content.decode()
    assert not Cohort.objects.exists()


@pytest.mark.parametrize("who", ["shopkeeper", "editor"])
def test_others_cannot_create_cohorts(client, who):
    user = shopkeeper() if who == "shopkeeper" else staff(roles.EDITOR)
    client.force_login(user)
    data = {**COHORT, "sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"}
    response = client.post(reverse("cohorts:add"), data)  # they are never shown the form
    assert response.status_code in (302, 403)
    assert not Cohort.objects.exists()


def test_a_cohort_inspected_in_the_admin_reads_in_words(client):
    from tests.mentorship.starleader.factories import CohortFactory

    cohort = CohortFactory(waitlist_enabled=True, guidance_closed_at=None)
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = client.get(f"/cms/cohorts/inspect/{cohort.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"<dd>\s*是\s*</dd>", page)  # keeps a waitlist
    assert not re.search(r">\s*(True|False|None)\s*<", page)
