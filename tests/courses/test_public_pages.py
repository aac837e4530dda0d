"""What search engines and share cards see: robots.txt, the sitemap, titles and Open Graph."""

import re
from html import unescape

import pytest
from wagtail.models import PageViewRestriction

from tests.courses import factories, files

pytestmark = pytest.mark.django_db

SITE = "https://academy.example.cn"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]


def meta(page, prop):
    """The content of ``<meta property|name=prop>``, or None."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)
    return unescape(match.group(1)) if match else None


@pytest.fixture
def tree(academy, home_page, live_index):
    home_page.hero_text = "<p>平台店主的免费学习平台，三个阶段一步步成长。</p>"
    home_page.save_revision().publish()
    course = factories.course(
        academy.beginner, "moments", title="朋友圈入门", cover_image=files.image("封面")
    )
    academy.beginner.tagline = "从第一单开始"
    academy.beginner.save_revision().publish()
    advanced = factories.course(academy.advanced, "team-training", title="团队培训体系")
    session = factories.live_session(live_index, summary="王老师分享朋友圈文案的三段式写法")
    hidden = factories.course(academy.beginner, "staff-only", title="内部课程")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    draft = factories.course(academy.beginner, "draft", title="草稿课程")
    draft.unpublish()
    return {
        "course": course,
        "advanced": advanced,
        "session": session,
        "hidden": hidden,
        "draft": draft,
        "academy": academy,
    }


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt", HTTP_HOST="evil.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    for private in ("/cms/", "/accounts/", "/me/", "/learn/", "/documents/", "/media/"):
        assert f"Disallow: {private}\n" in text
    assert "Allow: /learn/covers/\n" in text  # the pictures of share cards
    assert f"Sitemap: {SITE}/sitemap.xml" in text
    assert "evil.example" not in text


def test_the_sitemap_lists_public_pages_only(client, tree):
    response = client.get("/sitemap.xml", HTTP_HOST="evil.example")
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert f"{SITE}/" in locations
    assert f"{SITE}/academy/beginner/" in locations
    assert f"{SITE}{tree['course'].url}" in locations
    assert f"{SITE}{tree['advanced'].url}" in locations  # a description, public like its page
    assert f"{SITE}{tree['session'].url}" in locations
    course_lessons = factories.lessons_of(tree["course"]) + factories.lessons_of(tree["advanced"])
    for lesson in course_lessons:
        assert f"{SITE}{lesson.url}" not in locations
    assert f"{SITE}{factories.quiz_of(tree['course']).url}" not in locations
    assert not [loc for loc in locations if "staff-only" in loc or "/draft/" in loc]
    assert not [loc for loc in locations if "/cms/" in loc or "evil.example" in loc]
    assert all(loc.startswith(f"{SITE}/") for loc in locations)


def test_the_home_title_names_the_academy_once_and_has_a_share_card(client, tree):
    page = client.get("/", HTTP_HOST="evil.example").content.decode()
    title = re.search(r"<title>([^<]*)</title>", page).group(1)
    assert title == "店主商学院"
    assert meta(page, "description") == "平台店主的免费学习平台，三个阶段一步步成长。"
    assert meta(page, "og:title") == "店主商学院"
    assert meta(page, "og:description") == "平台店主的免费学习平台，三个阶段一步步成长。"
    assert meta(page, "og:url") == f"{SITE}/"


def test_a_course_page_shares_its_summary_and_cover(client, tree):
    course = tree["course"]
    page = client.get(course.url).content.decode()
    assert meta(page, "description") == "一门用来测试的课程"
    assert meta(page, "og:title") == "朋友圈入门"
    assert meta(page, "og:url") == f"{SITE}{course.url}"
    image = meta(page, "og:image")
    assert image.startswith(f"{SITE}/learn/covers/")
    cover = client.get(image.removeprefix(SITE))
    assert cover.status_code == 200
    assert cover["Content-Type"].startswith("image/")


def test_tier_and_live_pages_have_descriptions(client, tree):
    tier = client.get(tree["academy"].beginner.url).content.decode()
    assert meta(tier, "description") == "从第一单开始"
    assert meta(tier, "og:url") == f"{SITE}/academy/beginner/"
    assert meta(tier, "og:image") is None
    live = client.get(tree["session"].url).content.decode()
    assert meta(live, "og:description") == "王老师分享朋友圈文案的三段式写法"
    assert meta(live, "og:title") == tree["session"].title
