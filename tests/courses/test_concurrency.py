"""Double clicks and concurrent requests on PostgreSQL: real threads, one connection each."""

import uuid

import pytest

from academy.models import Notification, User
from courses import services
from courses.models import Certificate, Enrolment, LessonProgress, QuizAttempt
from tests.concurrency import run_concurrently
from tests.courses import factories

pytestmark = pytest.mark.postgres

THREADS = 12


@pytest.fixture
def course(postgres_db, home_page):
    tree = factories.academy(home_page)
    return factories.course(tree.beginner, "how-to-share", lessons=2)


def fresh(user):
    # Each request has its own user object (and so its own cached learner state).
    return User.objects.get(pk=user.pk)


def test_concurrent_enrolments_make_one(course):
    user = factories.learner()
    results = run_concurrently(lambda: services.enrol(fresh(user), course)[1], [()] * THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    assert Enrolment.objects.filter(user=user).count() == 1


def test_double_clicks_on_complete_record_one_completion(course):
    user = factories.learner()
    services.enrol(user, course)
    lesson = factories.lessons_of(course)[0]
    results = run_concurrently(
        lambda: services.record_lesson_complete(fresh(user), lesson).completed_at,
        [()] * THREADS,
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1  # every click saw the same completion time
    assert LessonProgress.objects.filter(user=user, lesson=lesson).count() == 1


def test_concurrent_last_steps_complete_the_course_once(course):
    course_without_quiz = course
    factories.quiz_of(course).delete()
    user = factories.learner()
    services.enrol(user, course_without_quiz)
    first, last = factories.lessons_of(course_without_quiz)
    services.record_lesson_complete(user, first)
    results = run_concurrently(
        lambda: services.record_lesson_complete(fresh(user), last), [()] * THREADS
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Certificate.objects.filter(user=user, kind="course").count() == 1
    assert Notification.objects.filter(user=user, key__startswith="courses:completed").count() == 1


def test_the_same_quiz_form_submitted_at_once_records_one_attempt(course):
    user = factories.learner()
    services.enrol(user, course)
    quiz = factories.quiz_of(course)
    nonce = uuid.uuid4()
    answers = factories.answers(quiz, right=False)
    results = run_concurrently(
        lambda: services.submit_quiz(fresh(user), quiz, answers, nonce).pk, [()] * THREADS
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert QuizAttempt.objects.filter(user=user).count() == 1


def test_racing_attempts_never_pass_the_limit(course):
    user = factories.learner()
    services.enrol(user, course)
    quiz = factories.quiz_of(course)
    answers = factories.answers(quiz, right=False)
    results = run_concurrently(
        lambda: services.submit_quiz(fresh(user), quiz, answers, uuid.uuid4()), [()] * THREADS
    )
    refused = [r for r in results if isinstance(r, services.QuizError)]
    others = [r for r in results if isinstance(r, Exception) and r not in refused]
    assert not others, others
    assert len(refused) == THREADS - quiz.max_attempts
    assert QuizAttempt.objects.filter(user=user).count() == quiz.max_attempts
    assert sorted(QuizAttempt.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_player_reports_racing_the_complete_button_keep_one_row(course):
    user = factories.learner()
    services.enrol(user, course)
    lesson = factories.lessons_of(course)[0]

    def work(index):
        if index % 2:
            return services.record_lesson_complete(fresh(user), lesson).pk
        return services.record_position(fresh(user), lesson, seconds=95, duration=100)[0].pk

    results = run_concurrently(work, [(i,) for i in range(THREADS)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert LessonProgress.objects.filter(user=user).count() == 1
    assert LessonProgress.objects.get(user=user).completed_at is not None
