"""Editors' and staff's admin: course listing with counts, progress export, exemptions, review."""

import csv
import io

import pytest
from django.urls import reverse
from wagtail.models import Page, Workflow, WorkflowState

from academy import roles
from courses import services
from courses.models import CoursePage, TierExemption
from courses.workflow import WORKFLOW_NAME
from tests import forms
from tests.academy.factories import mentor, staff
from tests.courses import factories

pytestmark = pytest.mark.django_db

LISTING = "/cms/course_listing/"


@pytest.fixture
def courses(academy):
    teacher = mentor(user__display_name="王晓红老师").mentor_profile
    first = factories.course(
        academy.beginner, "how-to-share", title="朋友圈分享", instructor=teacher
    )
    second = factories.course(academy.intermediate, "groups", title="社群运营")
    learners = [factories.learner(user__display_name=f"学员{n}") for n in range(3)]
    for learner in learners:
        services.enrol(learner, first)
    factories.complete(learners[0], first)
    return {"first": first, "second": second, "learners": learners, "teacher": teacher}


def test_editors_see_courses_with_enrolment_and_completion_counts(client, courses):
    client.force_login(staff(roles.EDITOR))
    response = client.get(LISTING)
    assert response.status_code == 200
    page = response.content.decode()
    assert "朋友圈分享" in page and "社群运营" in page
    row = page[page.index("朋友圈分享") :].split("</tr>")[0]
    assert ">3<" in row.replace(" ", "").replace("\n", "")  # enrolled
    assert ">1<" in row.replace(" ", "").replace("\n", "")  # completed
    assert reverse("courses_admin_progress_csv", args=[courses["first"].id]) in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("tier={beginner}", "朋友圈分享", "社群运营"),
        ("tier={intermediate}", "社群运营", "朋友圈分享"),
        ("instructor={teacher}", "朋友圈分享", "社群运营"),
        ("q=朋友圈&instructor={teacher}", "朋友圈分享", "社群运营"),
        ("status=draft", None, "朋友圈分享"),
        ("status=live", "社群运营", None),
    ],
)
def test_the_course_listing_filters_by_tier_instructor_and_status(
    client, academy, courses, query, shown, hidden
):
    client.force_login(staff(roles.EDITOR))
    query = query.format(
        beginner=academy.beginner.id,
        intermediate=academy.intermediate.id,
        teacher=courses["teacher"].id,
    )
    page = client.get(f"{LISTING}?{query}").content.decode()
    if shown:
        assert shown in page
    if hidden:
        assert hidden not in page


def test_waiting_for_approval_filter_lists_courses_in_moderation(client, courses):
    editor = staff(roles.EDITOR)
    course = courses["second"]
    course.save_revision(user=editor)
    Workflow.objects.get(name=WORKFLOW_NAME).start(course, editor)
    client.force_login(editor)
    page = client.get(f"{LISTING}?status=in_moderation").content.decode()
    assert "社群运营" in page
    assert "朋友圈分享" not in page


def test_progress_export_lists_each_learner_of_one_course(client, courses):
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = client.get(reverse("courses_admin_progress_csv", args=[courses["first"].id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3
    by_name = {row[0]: row for row in rows[1:]}
    done = by_name["学员0"]
    assert done[5:7] == ["2", "2"] and done[7] == "100" and done[9] and done[10]
    assert by_name["学员1"][5] == "0" and by_name["学员1"][9] == ""


@pytest.mark.parametrize("role", [roles.SHOPKEEPER, roles.MENTOR])
def test_learners_and_mentors_cannot_export_progress(client, courses, role):
    user = factories.learner() if role == roles.SHOPKEEPER else mentor()
    client.force_login(user)
    response = client.get(reverse("courses_admin_progress_csv", args=[courses["first"].id]))
    assert response.status_code in {302, 403}
    assert b"@" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_progress_export_of_an_unknown_course_is_a_404(client, courses):
    client.force_login(staff(roles.EDITOR))
    assert client.get(reverse("courses_admin_progress_csv", args=[999999])).status_code == 404


def test_program_staff_grant_a_tier_exception_with_a_reason(client, academy, courses):
    officer = staff(roles.PROGRAM_STAFF)
    learner = factories.learner(user__email="chunyan@example.com")
    client.force_login(officer)
    response = client.post(
        "/cms/tier_exemptions/new/",
        {"email": "ChunYan@example.com", "tier": academy.intermediate.id, "reason": "线下班已结业"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    exemption = TierExemption.objects.get(user=learner)
    assert exemption.granted_by == officer and exemption.reason == "线下班已结业"
    client.force_login(learner)
    assert "lock-reason" not in client.get(courses["second"].url).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"email": "nobody@example.com", "reason": "理由"},
        {"email": "chunyan@example.com", "reason": ""},
    ],
)
def test_a_bad_exception_is_refused_and_saves_nothing(client, academy, data):
    factories.learner(user__email="chunyan@example.com")
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = client.post("/cms/tier_exemptions/new/", {**data, "tier": academy.intermediate.id})
    assert response.status_code == 200
    assert not TierExemption.objects.exists()


def test_program_staff_list_the_exceptions_with_who_and_why(client, academy):
    officer = staff(roles.PROGRAM_STAFF, display_name="林主管")
    learner = factories.learner(user__display_name="李春燕")
    services.grant_exemption(
        learner, academy.intermediate, reason="线下班已结业", granted_by=officer
    )
    client.force_login(officer)
    page = client.get("/cms/tier_exemptions/").content.decode()
    assert "李春燕" in page and "线下班已结业" in page and "林主管" in page


def test_editors_cannot_grant_tier_exceptions(client, academy):
    client.force_login(staff(roles.EDITOR))
    response = client.get("/cms/tier_exemptions/new/")
    assert response.status_code in {302, 403}


def test_editor_submits_and_program_staff_approve_in_the_academy(academy):
    editor = staff(roles.EDITOR)
    officer = staff(roles.PROGRAM_STAFF)
    course = factories.course(academy.beginner, "draft-course", lessons=0, quiz=False)
    course.unpublish()
    course.title = "新课程"
    revision = course.save_revision(user=editor)
    workflow = course.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    state = workflow.start(course, editor)
    assert not course.permissions_for_user(editor).can_publish()
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(course, editor) == []
    assert task.get_actions(course, officer)
    task.on_action(task_state, officer, "approve")
    course.refresh_from_db()
    assert course.live and course.title == "新课程"
    assert course.live_revision_id == revision.id
    assert WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_APPROVED


def test_the_review_workflow_covers_a_newly_created_academy(home_page):
    tree = factories.academy(home_page)
    course = factories.course(tree.beginner, "c", lessons=1, quiz=False)
    lesson = factories.lessons_of(course)[0]
    assert lesson.get_workflow().name == WORKFLOW_NAME
    assert CoursePage.objects.get(pk=course.pk).get_workflow().name == WORKFLOW_NAME


def test_program_staff_look_up_certificates_but_nobody_writes_them(client, courses):
    client.force_login(staff(roles.PROGRAM_STAFF))
    page = client.get("/cms/certificates/").content.decode()
    assert "学员0" in page and "朋友圈分享" in page
    assert client.get("/cms/certificates/new/").status_code in {302, 403}
    client.force_login(staff(roles.ADMINISTRATOR))
    assert client.get("/cms/certificates/new/").status_code in {302, 403}
    client.force_login(staff(roles.EDITOR))
    assert client.get("/cms/certificates/").status_code in {302, 403}


def test_an_editors_new_cohort_page_goes_to_the_academy_review(client, home_page):
    from tests.mentorship.starleader.factories import CohortFactory

    cohort = CohortFactory(number=13)
    editor = staff(roles.EDITOR)
    officer = staff(roles.PROGRAM_STAFF)
    client.force_login(editor)
    response = forms.submit(
        client,
        f"/cms/pages/add/mentorship/cohortpage/{home_page.id}/",
        {"title": "聚星领导者计划第13期", "slug": "star-leader-13", "cohort": cohort.pk},
        form="#page-edit-form",
        button="action-submit=submit",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = Page.objects.get(slug="star-leader-13")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.workflow.name == WORKFLOW_NAME
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not page.live

    client.force_login(officer)
    dashboard = client.get("/cms/").content.decode()
    assert "聚星领导者计划第13期" in dashboard
    assert page.specific.permissions_for_user(officer).can_publish()


def test_every_page_type_of_the_academy_inherits_the_academy_review(home_page, live_index):
    from mentorship.starleader.models import CohortPage
    from tests.mentorship.starleader.factories import CohortFactory

    tree = factories.academy(home_page)
    course = factories.course(tree.beginner, "c", lessons=1)
    session = factories.live_session(live_index)
    cohort_page = home_page.add_child(
        instance=CohortPage(title="第13期", slug="cohort-13", cohort=CohortFactory())
    )
    pages = [
        home_page,
        tree.index,
        tree.beginner,
        course,
        factories.lessons_of(course)[0],
        factories.quiz_of(course),
        live_index,
        session,
        cohort_page,
    ]
    for page in pages:
        workflow = Page.objects.get(pk=page.pk).get_workflow()
        assert workflow is not None and workflow.name == WORKFLOW_NAME, page


def test_wagtails_default_groups_and_workflow_are_gone(db):
    from django.contrib.auth.models import Group
    from wagtail.models import Task

    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()
    assert Page.get_first_root_node().get_workflow().name == WORKFLOW_NAME
