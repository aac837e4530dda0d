"""Chinese search over courses and lessons (runs on SQLite and on PostgreSQL)."""

import pytest

from courses.models import LessonPage
from courses.search import query_terms, search_pages, segment
from tests.courses import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(academy):
    course = factories.course(
        academy.beginner,
        "moments",
        title="朋友圈入门",
        lessons=2,
        bodies={
            1: [factories.paragraph("今天我们学习发朋友圈的技巧，先从人设开始。")],
            2: [factories.paragraph("社群团购接龙的三个要素。")],
        },
    )
    return factories.lessons_of(course)


def test_searching_a_word_inside_a_chinese_sentence_finds_the_lesson(lessons):
    user = factories.learner()
    results = search_pages("朋友圈", user)
    assert lessons[0].id in [r.id for r in results if r.kind == "lesson"]
    assert lessons[1].id not in [r.id for r in results]


def test_the_search_page_lists_matching_lessons_with_their_course(client, lessons):
    client.force_login(factories.learner())
    page = client.get("/learn/search/", {"q": "朋友圈"}).content.decode()
    assert lessons[0].title in page
    assert "朋友圈入门" in page
    page = client.get("/learn/search/", {"q": "团购"}).content.decode()
    assert lessons[1].title in page


def test_unpublished_lessons_are_not_found(lessons):
    lessons[0].unpublish()
    assert lessons[0].id not in [r.id for r in search_pages("朋友圈", factories.learner())]


@pytest.mark.parametrize(
    "query", ["", "   ", "！！！", "' OR 1=1", "x" * 500, '"', '"朋友圈', "朋友圈*", "NOT (", "a:b"]
)
def test_odd_queries_answer_a_page_and_do_not_fail(client, lessons, query):
    client.force_login(factories.learner())
    response = client.get("/learn/search/", {"q": query})
    assert response.status_code == 200
    assert "搜索" in response.content.decode()


def test_a_stray_quote_is_ignored_and_the_words_still_found(client, lessons):
    client.force_login(factories.learner())
    page = client.get("/learn/search/", {"q": '"朋友圈"'}).content.decode()
    assert lessons[0].url in page


@pytest.fixture
def advanced_lesson(academy):
    """A lesson of the (locked) advanced tier whose body names 小敏; its title names 带新人."""
    factories.course(academy.beginner, "basics", lessons=1, title="新手第一课")
    course = factories.course(
        academy.advanced, "team-training", lessons=0, quiz=False, title="团队培训体系"
    )
    return course.add_child(
        instance=LessonPage(
            title="七天带新人计划",
            slug="seven-days",
            summary="新人加入后的第一周",
            body=[factories.paragraph("第三天，小敏在群里晒出了第一单。")],
        )
    )


def visitor(kind, academy):
    if kind == "anonymous":
        return None
    user = factories.learner()
    if kind == "open":
        from academy import roles
        from courses import services
        from tests.academy.factories import staff

        services.grant_exemption(
            user, academy.advanced, reason="线下班已结业", granted_by=staff(roles.PROGRAM_STAFF)
        )
    return user


@pytest.mark.parametrize("kind", ["anonymous", "beginner"])
def test_words_only_in_a_locked_lesson_body_find_nothing(client, academy, advanced_lesson, kind):
    user = visitor(kind, academy)
    if user is not None:
        client.force_login(user)
    page = client.get("/learn/search/", {"q": "小敏"}).content.decode()
    assert advanced_lesson.url not in page
    assert "团队培训体系" not in page
    assert "共找到 0 条结果" in page


@pytest.mark.parametrize("kind", ["anonymous", "beginner"])
def test_a_locked_lesson_found_by_its_title_shows_as_its_locked_course(
    client, academy, advanced_lesson, kind
):
    user = visitor(kind, academy)
    if user is not None:
        client.force_login(user)
    page = client.get("/learn/search/", {"q": "带新人"}).content.decode()
    assert advanced_lesson.url not in page
    course_url = advanced_lesson.get_parent().url
    assert f'href="{course_url}"' in page
    result = page[page.index(f'href="{course_url}"') :].split("</li>")[0]
    assert "团队培训体系" in result and "🔒" in result and "未解锁" in result


def test_a_shopkeeper_with_the_tier_open_finds_the_lesson_by_its_body(
    client, academy, advanced_lesson
):
    client.force_login(visitor("open", academy))
    page = client.get("/learn/search/", {"q": "小敏"}).content.decode()
    assert f'href="{advanced_lesson.url}"' in page
    assert "🔒" not in page
    assert client.get(advanced_lesson.url).status_code in {200, 302}


def test_anonymous_visitors_find_beginner_courses_but_no_lesson_bodies(client, lessons):
    page = client.get("/learn/search/", {"q": "团购"}).content.decode()
    assert lessons[1].url not in page
    page = client.get("/learn/search/", {"q": "朋友圈"}).content.decode()
    assert 'href="/academy/beginner/moments/"' in page
    assert lessons[0].url not in page
    assert "🔒" not in page  # the beginner tier is open: she logs in to study


def test_text_is_cut_into_words_for_the_index():
    words = segment("发朋友圈的技巧").split()
    assert "朋友圈" in words
    assert query_terms("朋友圈的技巧") == ["朋友圈", "技巧"]
    assert query_terms('"朋友圈" OR x*') == ["朋友圈", "OR"]
    assert query_terms('"') == []
    assert segment("plain English") == "plain English"
