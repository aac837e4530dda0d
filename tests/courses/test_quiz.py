"""Quizzes: shuffled, graded on the server, limited attempts with a cool-down, bad input refused."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import QuizAttempt
from tests import forms
from tests.courses import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(academy):
    return factories.course(academy.beginner, "how-to-share", lessons=1)


@pytest.fixture
def quiz(course):
    return factories.quiz_of(course)


@pytest.fixture
def user(client, course):
    user = factories.learner()
    services.enrol(user, course)
    client.force_login(user)
    return user


def ticked(answer_map):
    """The quiz form's changes that tick ``answer_map``'s choices."""
    return {f"q-{question_id}": choice_ids for question_id, choice_ids in answer_map.items()}


def submit(client, quiz, answer_map):
    """Tick the answers on the rendered quiz form and send it."""
    return forms.submit(client, quiz.url, ticked(answer_map), form=".quiz-form")


def rendered_data(client, quiz, answer_map):
    """What the quiz form on the page sends with these answers (to post later, or twice)."""
    page = client.get(quiz.url).content.decode()
    pairs = forms.form_fields(forms.rendered_form(page, ".quiz-form"))
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    data.update(ticked(answer_map))
    return data


def test_the_quiz_page_never_sends_which_answers_are_correct(client, quiz, user):
    html = client.get(quiz.url).content.decode()
    for question in quiz.question_list():
        assert question["text"] in html
        assert question["explanation"] not in html
        for choice in question["choices"]:
            assert f'value="{choice["id"]}"' in html
    assert "correct" not in html.lower().replace("incorrect", "")


def test_answers_are_shuffled_but_stable_for_one_attempt(client, academy, user):
    many = [
        {
            "kind": "single",
            "text": f"问题{n}",
            "choices": [(f"答案{n}-{c}", c == 0) for c in range(5)],
            "explanation": "说明",
        }
        for n in range(8)
    ]
    course = factories.course(academy.beginner, "many", lessons=0, quiz=False)
    quiz = factories.add_quiz(course, questions=many)
    services.enrol(user, course)
    first = client.get(quiz.url).content.decode()
    again = client.get(quiz.url).content.decode()
    order = [f"问题{n}" for n in range(8)]
    positions = [first.index(text) for text in order]
    assert positions != sorted(positions)  # not in the editor's order
    assert [again.index(text) for text in order] == positions  # same order on reload


def test_failing_then_passing_shows_wrong_answers_with_explanations(client, quiz, user):
    response = submit(client, quiz, factories.answers(quiz, right=False))
    assert response.status_code == 302
    assert response["Location"].endswith("?attempt=1")
    page = client.get(response["Location"]).content.decode()
    first = quiz.question_list()[0]
    assert first["explanation"] in page
    assert "67%" in page
    attempt = QuizAttempt.objects.get(user=user)
    assert not attempt.passed and attempt.score == 67
    assert [r["correct"] for r in attempt.results] == [False, True, True]

    response = submit(client, quiz, factories.answers(quiz))
    assert response["Location"].endswith("?attempt=2")
    assert QuizAttempt.objects.get(user=user, number=2).passed


@pytest.mark.parametrize("problem", ["missing", "extra", "foreign", "duplicate", "two_for_single"])
def test_bad_answers_are_refused_with_a_message_and_not_recorded(
    client, academy, quiz, user, problem
):
    answer_map = factories.answers(quiz)
    questions = quiz.question_list()
    if problem == "missing":
        answer_map[questions[0]["id"]] = None  # nothing ticked: the browser sends nothing
    elif problem == "extra":
        answer_map[str(uuid.uuid4())] = ["x"]
    elif problem == "foreign":
        other = factories.add_quiz(
            factories.course(academy.beginner, "other", lessons=0, quiz=False)
        )
        answer_map[questions[0]["id"]] = [other.question_list()[0]["choices"][0]["id"]]
    elif problem == "duplicate":
        multiple = questions[1]
        good = [c["id"] for c in multiple["choices"] if c["correct"]]
        answer_map[multiple["id"]] = [*good, good[0]]
    else:
        answer_map[questions[0]["id"]] = [c["id"] for c in questions[0]["choices"][:2]]
    # What a stale or tampered page sends: the rendered form, then the changed answers.
    data = {k: v for k, v in rendered_data(client, quiz, answer_map).items() if v is not None}
    response = client.post(quiz.url, data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not QuizAttempt.objects.filter(user=user).exists()


def test_a_bad_nonce_is_refused(client, quiz, user):
    data = rendered_data(client, quiz, factories.answers(quiz))
    data["nonce"] = "not-a-uuid"
    response = client.post(quiz.url, data)
    assert response.status_code == 400
    assert "表单已过期" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_the_same_form_submitted_twice_records_one_attempt(client, quiz, user):
    data = rendered_data(client, quiz, factories.answers(quiz, right=False))
    first = client.post(quiz.url, data)
    second = client.post(quiz.url, data)
    assert first.status_code == 302
    assert first["Location"] == second["Location"]
    assert QuizAttempt.objects.filter(user=user).count() == 1


def test_no_attempt_is_recorded_beyond_the_limit(client, quiz, user):
    # A second tab opened before the attempts ran out.
    stale = rendered_data(client, quiz, factories.answers(quiz))
    for _ in range(quiz.max_attempts):
        submit(client, quiz, factories.answers(quiz, right=False))
    response = client.post(quiz.url, stale)
    assert response.status_code == 400
    assert "你的作答次数已用完" in response.content.decode()
    assert QuizAttempt.objects.filter(user=user).count() == quiz.max_attempts
    assert not QuizAttempt.objects.filter(passed=True).exists()


def test_attempts_come_back_after_the_cool_down(client, quiz, user, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(quiz.max_attempts):
        submit(client, quiz, factories.answers(quiz, right=False))
    time_machine.shift(timedelta(hours=23))
    assert "quiz-form" not in client.get(quiz.url).content.decode()
    time_machine.shift(timedelta(hours=1, minutes=1))
    response = submit(client, quiz, factories.answers(quiz))
    assert response.status_code == 302
    assert QuizAttempt.objects.filter(user=user, passed=True).count() == 1


def test_no_cool_down_means_the_limit_is_final(client, course, quiz, user, time_machine):
    quiz.cooldown_hours = 0
    quiz.max_attempts = 1
    quiz.save()
    stale = rendered_data(client, quiz, factories.answers(quiz))
    time_machine.move_to(timezone.now(), tick=False)
    submit(client, quiz, factories.answers(quiz, right=False))
    time_machine.shift(timedelta(days=10))
    page = client.get(quiz.url).content.decode()
    assert "quiz-form" not in page
    response = client.post(quiz.url, stale)
    assert response.status_code == 400
    assert QuizAttempt.objects.count() == 1


def test_a_passed_quiz_takes_no_more_attempts(client, quiz, user):
    stale = rendered_data(client, quiz, factories.answers(quiz))
    submit(client, quiz, factories.answers(quiz))
    response = client.post(quiz.url, stale)
    assert response.status_code == 400
    assert "你已通过本测验" in response.content.decode()
    assert QuizAttempt.objects.count() == 1


def test_answers_of_another_learner_attempt_stay_private(client, quiz, user):
    submit(client, quiz, factories.answers(quiz, right=False))
    other = factories.learner()
    services.enrol(other, quiz.get_parent().specific)
    client.force_login(other)
    page = client.get(f"{quiz.url}?attempt=1").content.decode()
    assert quiz.question_list()[0]["explanation"] not in page


def test_a_question_block_refuses_inconsistent_answers():
    from django.core.exceptions import ValidationError

    from courses.blocks import QuestionBlock

    block = QuestionBlock()
    value = block.to_python(
        {
            "kind": "single",
            "text": "问题",
            "choices": [{"text": "甲", "correct": True}, {"text": "乙", "correct": True}],
            "explanation": "说明",
        }
    )
    with pytest.raises(ValidationError):
        block.clean(value)
