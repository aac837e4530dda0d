"""Stored XSS: what users write comes back escaped on every page that shows it.

Every user-writable text field of the security world gets a payload with a
marker of its own; then every URL of the sweep is visited by every role that
may see it. No page may carry a payload raw, and each field must show up
escaped on at least one page (so the test would notice a field that is
rendered with ``|safe`` as well as a field nobody displays any more).
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from growth.teams.models import TrainingPlan
from mentorship.models import GoalComment, GoalUpdate, Message, SessionNote
from mentorship.starleader.models import ActionPlan, ApplicationEvent, Feedback
from tests.security import world as w
from tests.security.test_authorization_sweep import OK, SPECS

pytestmark = pytest.mark.django_db


def payload(marker):
    # Fits a 40-character field: breaks out of an attribute and opens a script.
    return f'"><svg onload={marker}><script>{marker}</script>'


def _set(obj, field, value):
    setattr(obj, field, value)
    obj.save(update_fields=[field])


# field → how to write the payload into the world (as its owner would through a form).
FIELDS = {
    "display name": lambda x, p: _set(x.owner, "display_name", p),
    "city": lambda x, p: _set(x.owner.shopkeeper_profile, "city", p),
    "booking agenda": lambda x, p: _set(x.booking, "agenda", p),
    "shared note": lambda x, p: SessionNote.objects.create(
        booking=x.booking, author=x.users[w.ASSIGNED], body=p, visibility="shared"
    ),
    "mentee's private note": lambda x, p: SessionNote.objects.create(
        booking=x.booking, author=x.owner, body=p, visibility="private"
    ),
    "goal title": lambda x, p: _set(x.goal, "title", p),
    "goal description": lambda x, p: _set(x.goal, "description", p),
    "goal progress comment": lambda x, p: GoalUpdate.objects.create(
        goal=x.goal, author=x.owner, value=Decimal(1), comment=p
    ),
    "mentor's goal comment": lambda x, p: GoalComment.objects.create(
        goal=x.goal, author=x.users[w.ASSIGNED], body=p
    ),
    "message": lambda x, p: Message.objects.create(thread=x.thread, sender=x.owner, body=p),
    "reschedule reason": lambda x, p: _set(x.proposal, "reason", p),
    "mentor headline": lambda x, p: _set(x.users[w.ASSIGNED].mentor_profile, "headline", p),
    "mentor biography": lambda x, p: _set(x.users[w.ASSIGNED].mentor_profile, "bio", p),
    # Star Leader Program
    "application situation": lambda x, p: _set(x.application, "situation", p),
    "application difficulties": lambda x, p: _set(x.application, "difficulties", p),
    "application goals": lambda x, p: _set(x.application, "goals", p),
    "action plan": lambda x, p: ActionPlan.objects.update_or_create(
        application=x.application, defaults={"diagnosis": p, "targets": "-", "steps": "-"}
    ),
    "expert's feedback": lambda x, p: Feedback.objects.create(
        application=x.application, author=x.users[w.ASSIGNED], body=p
    ),
    "status change reason": lambda x, p: ApplicationEvent.objects.filter(
        application=x.application
    ).update(reason=p),
    # Live sessions
    "live-session question": lambda x, p: _set(x.live_question, "text", p),
    # Team leader's training plan
    "training plan title": lambda x, p: TrainingPlan.objects.update_or_create(
        leader=x.owner.shopkeeper_profile, defaults={"title": p}
    ),
}


def _pages(world):
    """(role, url) of every page of the sweep that the role may see."""
    for name, (args_of, expected, *_rest) in sorted(SPECS.items()):
        args = args_of(world)
        args, query = args if isinstance(args, tuple) else (args, "")
        url = reverse(name, args=args) + query
        for role, outcome in expected.items():
            if outcome == OK:
                yield role, url


def test_user_text_comes_back_escaped_everywhere(client, home_page):
    world = w.build(home_page)
    markers = {}
    for number, (field, write) in enumerate(FIELDS.items()):
        markers[field] = f"x{number}"
        write(world, payload(markers[field]))
    shown = dict.fromkeys(FIELDS, 0)
    visited = 0
    for role, url in _pages(world):
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        page = response.content.decode()
        for field, marker in markers.items():
            assert f"<script>{marker}" not in page, f"{field} raw on {url} for {role}"
            assert f"<svg onload={marker}" not in page, f"{field} raw on {url} for {role}"
            if f"&lt;script&gt;{marker}&lt;/script&gt;" in page:
                shown[field] += 1
    assert visited > 50
    assert not [field for field, count in shown.items() if not count], shown


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<p>开单<script>alert("x")</script></p>', "<p>开单"),
        ('<p><a href="javascript:alert(1)">链接</a></p>', "链接"),
        ('<p onclick="alert(1)"><b>加粗</b></p>', "<b>加粗</b>"),
        ('<p><img src="x" onerror="alert(1)">图</p>', "图"),
    ],
)
def test_rich_text_from_editors_is_sanitised(html, kept):
    stored = EditorHTMLConverter(features=["bold", "italic", "link"]).to_database_format(html)
    assert kept in stored
    for dangerous in ("<script", "javascript:", "onclick", "onerror", "<img"):
        assert dangerous not in stored


def test_quiz_answers_are_never_echoed_raw(client, home_page):
    from courses.models import QuizAttempt
    from tests.academy.factories import shopkeeper
    from tests.courses import factories as courses

    tree = courses.academy(home_page)
    course = courses.course(tree.beginner, "xss-quiz", lessons=1, quiz=True)
    quiz = courses.quiz_of(course)
    user = shopkeeper()
    courses.services.enrol(user, course)
    client.force_login(user)
    answers = courses.answers(quiz)
    first = next(iter(answers))
    answers[first] = [payload("q1")]
    data = courses.post_data(quiz, answers)
    data[f"q-{payload('q2')}"] = payload("q3")
    response = client.post(quiz.url, data)
    page = response.content.decode()
    for marker in ("q1", "q2", "q3"):
        assert f"<script>{marker}" not in page
        assert f"<svg onload={marker}" not in page
    assert not QuizAttempt.objects.filter(user=user).exists()
