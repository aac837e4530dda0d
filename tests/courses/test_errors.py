"""Refusals of the academy have the one shape of every domain: a message and a code."""

import pytest
from django.contrib.auth.models import AnonymousUser

from academy.errors import DomainError
from courses import services
from courses.live import services as live_services
from tests.courses import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (services.LearningError, "learning_refused"),
        (services.LearningDenied, "not_allowed"),
        (services.QuizError, "quiz_refused"),
        (live_services.LiveError, "live_refused"),
        (live_services.LiveDenied, "not_allowed"),
    ],
)
def test_each_refusal_is_a_domain_error_with_its_own_code(error, code):
    refusal = error("Nope.")
    assert isinstance(refusal, DomainError)
    assert (refusal.message, refusal.code, str(refusal)) == ("Nope.", code, "Nope.")


def test_a_denied_live_action_is_also_a_denied_learning_action():
    # The views answer both with a 403.
    assert issubclass(live_services.LiveDenied, services.LearningDenied)
    assert issubclass(live_services.LiveDenied, live_services.LiveError)


def test_enrolling_without_an_account_is_refused_with_a_message_and_a_code(academy):
    course = factories.course(academy.beginner, "basics")
    with pytest.raises(services.LearningDenied) as refused:
        services.enrol(AnonymousUser(), course)
    assert refused.value.code == "not_allowed"
    assert refused.value.message == "请登录后报名。"


def test_a_quiz_without_questions_is_refused_as_a_quiz_error(academy):
    course = factories.course(academy.beginner, "basics", quiz=False)
    quiz = factories.add_quiz(course, questions=[])
    with pytest.raises(services.QuizError) as refused:
        services.grade(quiz, {})
    assert refused.value.code == "quiz_refused"
