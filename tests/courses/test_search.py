"""Chinese search over courses and lessons (runs on SQLite and on PostgreSQL)."""

import pytest

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
    results = search_pages("朋友圈")
    assert lessons[0].id in [r.id for r in results]
    assert lessons[1].id not in [r.id for r in results]


def test_the_search_page_lists_matching_lessons_with_their_course(client, lessons):
    page = client.get("/learn/search/", {"q": "朋友圈"}).content.decode()
    assert lessons[0].title in page
    assert "朋友圈入门" in page
    page = client.get("/learn/search/", {"q": "团购"}).content.decode()
    assert lessons[1].title in page


def test_unpublished_lessons_are_not_found(lessons):
    lessons[0].unpublish()
    assert lessons[0].id not in [r.id for r in search_pages("朋友圈")]


def test_empty_and_odd_queries_find_nothing_and_do_not_fail(client, lessons):
    for query in ["", "   ", "！！！", "' OR 1=1", "x" * 500]:
        assert client.get("/learn/search/", {"q": query}).status_code == 200


def test_text_is_cut_into_words_for_the_index():
    words = segment("发朋友圈的技巧").split()
    assert "朋友圈" in words
    assert query_terms("朋友圈的技巧") == ["朋友圈", "技巧"]
    assert segment("plain English") == "plain English"
