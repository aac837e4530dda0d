"""One rule says what a tier and a course require: gating and the tier certificate always
agree, and so do course completion, the progress bar and the staff's progress export."""

import uuid

import pytest

from courses import access, admin_views, catalogue, requirements, selectors, services
from courses.models import Certificate, CertificateKind, Enrolment, LessonPage
from tests.courses import factories

pytestmark = pytest.mark.django_db


def answers(user, academy):
    """(gating, certificate): is the beginner tier completed with the next one open, and was
    the tier certificate issued?"""
    access.forget_state(user)
    state = access.learner_state(user)
    beginner = state.tier_by_id(academy.beginner.id)
    intermediate = state.tier_by_id(academy.intermediate.id)
    gating = beginner.status == access.COMPLETED and intermediate.status != access.LOCKED
    certified = Certificate.objects.filter(
        user=user, kind=CertificateKind.TIER, tier=academy.beginner
    ).exists()
    return gating, certified


def test_an_elective_counts_for_neither(academy):
    required = factories.course(academy.beginner, "basics", lessons=1)
    elective = factories.course(academy.beginner, "extra", lessons=1, required=False)
    user = factories.learner()
    factories.complete(user, elective)
    assert answers(user, academy) == (False, False)
    factories.complete(user, required)
    assert answers(user, academy) == (True, True)


def test_a_draft_course_counts_for_neither(academy):
    published = factories.course(academy.beginner, "basics", lessons=1)
    factories.course(academy.beginner, "unfinished", lessons=1).unpublish()
    user = factories.learner()
    factories.complete(user, published)
    assert answers(user, academy) == (True, True)


def test_a_course_added_to_the_tier_counts_for_both(academy):
    first = factories.course(academy.beginner, "basics", lessons=1)
    user = factories.learner()
    factories.complete(user, first)
    assert answers(user, academy) == (True, True)

    other = factories.learner()
    added = factories.course(academy.beginner, "added", lessons=1)
    factories.complete(other, first)
    assert answers(other, academy) == (False, False)
    factories.complete(other, added)
    assert answers(other, academy) == (True, True)


@pytest.mark.parametrize("how", ["moved", "deleted", "unpublished"])
def test_a_course_taken_out_of_the_tier_counts_for_neither(academy, how):
    first = factories.course(academy.beginner, "basics", lessons=1)
    leaving = factories.course(academy.beginner, "leaving", lessons=1)
    last = factories.course(academy.beginner, "last", lessons=1)
    user = factories.learner()
    factories.complete(user, first)
    assert answers(user, academy) == (False, False)
    if how == "moved":
        leaving.move(academy.advanced, pos="last-child")
    elif how == "deleted":
        leaving.delete()
    else:
        leaving.unpublish()
    factories.complete(user, last)
    assert answers(user, academy) == (True, True)


def test_a_tier_with_no_required_course_opens_the_next_but_is_never_completed(academy):
    elective = factories.course(academy.beginner, "extra", lessons=1, required=False)
    user = factories.learner()
    factories.complete(user, elective)
    state = access.learner_state(user)
    assert state.tier_by_id(academy.beginner.id).status == access.UNLOCKED
    assert state.tier_by_id(academy.intermediate.id).status == access.UNLOCKED
    assert answers(user, academy) == (False, False)


def test_the_catalogue_tier_asks_the_same_rule(academy):
    required = factories.course(academy.beginner, "basics", lessons=1)
    factories.course(academy.beginner, "extra", lessons=1, required=False)
    tier = catalogue.get().tier(academy.beginner.id)
    assert tier.required_course_ids == requirements.required_course_ids(tier) == {required.id}
    assert requirements.requirements_met(tier, {required.id})
    assert not requirements.requirements_met(tier, set())
    assert catalogue.get().tier_of(required.id) is tier


# --- what a course requires --------------------------------------------------------------


def course_answers(user, course_page):
    """(completion, progress bar, export): whether the course is completed, and each
    figure as (required lessons done, required lessons, completed)."""
    completed = Enrolment.objects.get(user=user, course=course_page).completed_at is not None
    access.forget_state(user)
    node = catalogue.get().courses[course_page.id]
    bar = selectors.progress_for(user, [node])[node.id]
    bar_figures = (
        sum(step.completed for step in bar.required_lessons),
        len(bar.required_lessons),
        bar.completed,
    )
    row = next(r for r in admin_views.progress_rows(course_page) if r[1] == user.email)
    export_figures = (int(row[5]), int(row[6]), bool(row[9]))
    return completed, bar_figures, export_figures


def agreed(user, course_page):
    """The figures the three agree on; fails when completion, bar and export differ."""
    completed, bar, export = course_answers(user, course_page)
    assert bar == export
    assert completed == bar[2]
    return bar


def lesson(course_page, slug, **fields):
    return course_page.add_child(
        instance=LessonPage(title=slug, slug=slug, body=[factories.paragraph(slug)], **fields)
    )


def study(user, lessons):
    for page in lessons:
        services.record_lesson_complete(user, page)


def pass_quiz(user, course_page):
    quiz = factories.quiz_of(course_page)
    services.submit_quiz(user, quiz, factories.answers(quiz), uuid.uuid4())


@pytest.fixture
def course(academy):
    return factories.course(academy.beginner, "basics", lessons=2)


@pytest.fixture
def user(course):
    user = factories.learner()
    services.enrol(user, course)
    return user


def test_a_draft_lesson_marked_required_counts_nowhere(course, user):
    lesson(course, "draft", required=True, live=False)
    study(user, factories.lessons_of(course))
    assert agreed(user, course) == (2, 2, False)
    pass_quiz(user, course)
    assert agreed(user, course) == (2, 2, True)


def test_an_optional_lesson_counts_nowhere(course, user):
    optional = lesson(course, "extra", required=False)
    required = [page for page in factories.lessons_of(course) if page.id != optional.id]
    study(user, [optional])
    assert agreed(user, course) == (0, 2, False)
    study(user, required)
    pass_quiz(user, course)
    assert agreed(user, course) == (2, 2, True)


def test_a_lesson_added_after_completion_counts_as_not_done_but_keeps_the_completion(course, user):
    halfway = factories.learner()
    services.enrol(halfway, course)
    study(halfway, factories.lessons_of(course))
    factories.complete(user, course)
    added = lesson(course, "added", required=True)

    assert agreed(user, course) == (2, 3, True)
    access.forget_state(user)
    node = catalogue.get().courses[course.id]
    assert selectors.progress_for(user, [node])[course.id].percent == 100
    assert Certificate.objects.filter(user=user, kind=CertificateKind.COURSE).exists()

    pass_quiz(halfway, course)
    assert agreed(halfway, course) == (2, 3, False)
    study(halfway, [added])
    assert agreed(halfway, course) == (3, 3, True)


def test_an_unpublished_lesson_stops_counting_even_when_it_was_done(course, user):
    first, second = factories.lessons_of(course)
    study(user, [second])
    assert agreed(user, course) == (1, 2, False)
    second.unpublish()
    assert agreed(user, course) == (0, 1, False)
    study(user, [first])
    pass_quiz(user, course)
    assert agreed(user, course) == (1, 1, True)


def test_a_course_outside_the_published_academy_requires_nothing_and_is_never_completed():
    assert requirements.required_lesson_ids(None) == []
    assert not requirements.course_requirements_met(None, set(), quiz_passed=True)


def test_the_catalogue_course_asks_the_same_rule(course):
    optional = lesson(course, "extra", required=False)
    lesson(course, "draft", required=True, live=False)
    node = catalogue.get().courses[course.id]
    required = [page.id for page in factories.lessons_of(course) if page.id != optional.id]
    assert requirements.required_lesson_ids(node) == required
    assert not requirements.course_requirements_met(node, required, quiz_passed=False)
    assert requirements.course_requirements_met(node, required, quiz_passed=True)
