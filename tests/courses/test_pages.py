"""The page tree, previews for editors, and the lesson blocks."""

import pytest
from django.test import RequestFactory

from academy import roles
from courses import blocks
from courses.models import AcademyIndexPage, CoursePage, LessonPage, QuizPage, TierPage
from tests.academy.factories import staff
from tests.courses import factories

pytestmark = pytest.mark.django_db


def test_the_tree_stays_academy_tier_course_lesson():
    assert TierPage.parent_page_types == ["courses.AcademyIndexPage"]
    assert CoursePage.parent_page_types == ["courses.TierPage"]
    assert set(CoursePage.subpage_types) == {"courses.LessonPage", "courses.QuizPage"}
    assert LessonPage.parent_page_types == ["courses.CoursePage"]
    assert LessonPage.subpage_types == []
    assert QuizPage.subpage_types == []
    assert AcademyIndexPage.subpage_types == ["courses.TierPage"]


def test_a_course_has_at_most_one_quiz(academy):
    course = factories.course(academy.beginner, "c", lessons=1, quiz=False)
    assert QuizPage.can_create_at(course)
    factories.add_quiz(course)
    assert not QuizPage.can_create_at(course)
    assert not LessonPage.can_create_at(academy.beginner)


@pytest.mark.parametrize("kind", ["course", "lesson", "quiz"])
def test_editors_preview_drafts(academy, kind):
    course = factories.course(academy.beginner, "c", lessons=1)
    page = {
        "course": course,
        "lesson": factories.lessons_of(course)[0],
        "quiz": factories.quiz_of(course),
    }[kind]
    page = page.specific
    page.title = "修改中的标题"
    request = RequestFactory().get("/")
    request.user = staff(roles.EDITOR)
    request.session = {}
    response = page.serve_preview(request, page.default_preview_mode)
    response.render()
    assert response.status_code == 200
    assert "修改中的标题" in response.content.decode()


def test_a_new_course_previews_before_it_has_lessons(academy):
    draft = CoursePage(title="还没发布的课程", slug="new", summary="简介")
    academy.beginner.add_child(instance=draft)
    draft.unpublish()
    request = RequestFactory().get("/")
    request.user = staff(roles.EDITOR)
    response = draft.serve_preview(request, draft.default_preview_mode)
    response.render()
    assert "还没发布的课程" in response.content.decode()


@pytest.mark.parametrize(
    "block",
    [
        blocks.LessonImageBlock(),
        blocks.VideoBlock(),
        blocks.AudioBlock(),
        blocks.DownloadBlock(),
        blocks.CalloutBlock(),
        blocks.ShareCardBlock(),
        blocks.QuestionBlock(),
    ],
)
def test_every_block_has_an_icon_a_template_and_a_preview(block):
    assert block.meta.icon
    assert block.meta.template.startswith("courses/blocks/")
    value = block.get_preview_value()
    html = block.render(value, {})
    # The admin's preview shows the example text.
    example = next(v for k, v in block.meta.preview_value.items() if k != "kind")
    assert example[:10] in html


def test_share_cards_escape_what_editors_type():
    block = blocks.ShareCardBlock()
    value = block.to_python({"title": "<script>x</script>", "text": "<img src=x onerror=1>"})
    html = block.render(value, {})
    assert "<script>" not in html and "<img src=x" not in html


def test_a_video_block_needs_exactly_one_source():
    from django.core.exceptions import ValidationError

    block = blocks.VideoBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"caption": "没有视频"}))


def test_anonymous_visitors_see_the_academy_index_with_tiers(client, academy):
    factories.course(academy.beginner, "c")
    page = client.get("/academy/").content.decode()
    assert "新手入门" in page and "中班进阶" in page
    assert 'action="/learn/search/"' in page
