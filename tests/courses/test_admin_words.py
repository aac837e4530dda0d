"""The admin speaks Chinese: menu, dashboard, page explorer, editor and workflow mail."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from wagtail.models import Workflow

from academy import roles
from courses.workflow import WORKFLOW_NAME
from tests.academy.factories import shopkeeper, staff

pytestmark = pytest.mark.django_db

# Names, not words: the product's brand and the test site's host name.
NOT_ENGLISH = {"Wagtail", "localhost", "URL"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, templates, icons or hidden elements."""

    SKIP = {"script", "style", "template", "noscript", "svg", "title"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.hidden_from = None
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append(tag)
        if self.hidden_from is None and (tag in self.SKIP or "hidden" in dict(attrs)):
            self.hidden_from = len(self.stack)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            if self.hidden_from is not None and len(self.stack) <= self.hidden_from:
                self.hidden_from = None
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if self.hidden_from is None and data.strip():
            self.parts.append(data.strip())

    @classmethod
    def text_of(cls, html):
        parser = cls()
        parser.feed(html)
        return parser.parts


def english_on(html):
    parser = VisibleText()
    parser.feed(html)
    words = {word for part in parser.parts for word in re.findall(r"[A-Za-z]{2,}", part)}
    return sorted(words - NOT_ENGLISH)


def menu_labels(html):
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    assert props, "no admin menu"
    labels = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.append(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.group(1)))
    return labels


@pytest.mark.parametrize(
    ("role", "reports"),
    [(roles.EDITOR, 0), (roles.PROGRAM_STAFF, 1), (roles.ADMINISTRATOR, 1)],
)
def test_the_admin_menu_is_chinese_with_one_mentoring_report(client, academy, role, reports):
    client.force_login(staff(role))
    labels = menu_labels(client.get("/cms/").content.decode())

    assert "页面" in labels and "分页" not in labels  # Wagtail's "Pages"
    assert "报告" in labels  # Wagtail's "Reports", no longer 辅导报表
    assert labels.count("辅导报表") == reports
    english = [label for label in labels if set(re.findall(r"[A-Za-z]{2,}", label)) - NOT_ENGLISH]
    assert not english


def test_the_dashboard_counts_pages_and_searches_in_chinese(client, academy):
    client.force_login(staff(roles.EDITOR))
    html = client.get("/cms/").content.decode()

    assert re.search(r"\d+ 个页面", html)
    assert 'placeholder="搜索全部页面…"' in html
    assert not english_on(html)


@pytest.mark.parametrize("role", [roles.EDITOR, roles.ADMINISTRATOR])
def test_the_page_explorer_shows_no_english(client, academy, role):
    client.force_login(staff(role))
    index = academy.beginner.get_parent()
    html = client.get(f"/cms/pages/{index.pk}/").content.decode()

    assert "新手入门" in html  # the listing itself rendered
    assert not english_on(html)


@pytest.mark.parametrize(
    "url",
    [
        "/cms/images/",
        "/cms/documents/",
        "/cms/media/",
        "/cms/reports/locked/",
        "/cms/reports/aging-pages/",
        "/cms/reports/site-history/",
        "/cms/pages/search/?q=店主",
        "/cms/account/",
    ],
)
def test_the_admin_pages_editors_use_show_no_english(client, academy, url):
    client.force_login(staff(roles.ADMINISTRATOR))
    response = client.get(url)

    assert response.status_code == 200
    assert not english_on(response.content.decode())


def test_the_editor_submits_a_page_to_the_academy_review_in_chinese(client, academy):
    client.force_login(staff(roles.EDITOR))
    html = client.get(f"/cms/pages/{academy.beginner.pk}/edit/").content.decode()

    assert "提交给商学院审核" in html
    assert "自动保存已暂停" in html
    assert "Academy review" not in html
    assert not english_on(html)


def test_workflow_mails_have_chinese_subjects(academy, mailoutbox):
    editor = staff(roles.EDITOR, email="editor@example.com")
    reviewer = staff(roles.PROGRAM_STAFF, email="reviewer@example.com")
    page = academy.beginner
    page.save_revision(user=editor)

    state = Workflow.objects.get(name=WORKFLOW_NAME).start(page, editor)
    to_reviewer = [mail for mail in mailoutbox if reviewer.email in mail.to]
    assert to_reviewer, [mail.subject for mail in mailoutbox]

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    to_editor = [mail for mail in mailoutbox if editor.email in mail.to]
    assert to_editor, [mail.subject for mail in mailoutbox]

    for mail in to_reviewer + to_editor:
        assert page.title in mail.subject
        assert not set(re.findall(r"[A-Za-z]{2,}", mail.subject)) - NOT_ENGLISH, mail.subject


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Search all pages…", "搜索全部页面…"),
        ("Autosave is paused", "自动保存已暂停"),
        ("Choose video", "选择视频"),
        ("Choose audio", "选择音频"),
        ("Page types usage", "页面类型使用情况"),
        ("Shortcuts", "快捷键"),
    ],
)
def test_the_admin_strings_found_in_english_have_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert gettext(english) == chinese


def test_the_page_count_on_the_dashboard_has_chinese():
    english = '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>'
    plural = '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>'
    with translation.override("zh-hans"):
        text = ngettext(english, plural, 65) % {"total": 65, "site_name": "店主商学院"}
    assert text.startswith("65 个页面")


def test_the_dashboard_names_the_account_avatar_in_chinese(client, academy):
    client.force_login(staff(roles.EDITOR))
    dashboard = client.get("/cms/").content.decode()

    assert 'aria-label="编辑账号头像"' in dashboard
    assert "Edit account avatar" not in dashboard


@pytest.mark.parametrize(
    ("english", "plural", "count", "chinese"),
    [
        ("item", None, None, "项"),
        ("Item %(index)s of %(total)s", None, None, "第 1 项，共 5 项"),
        ("Actions (footer)", None, None, "操作（页脚）"),
        ("Go to the first error", None, None, "跳到第一个错误"),
        (
            "This %(model_name)s is referenced %(usage_count)s time.",
            "This %(model_name)s is referenced %(usage_count)s times.",
            2,
            "此图片被引用了 2 次。",
        ),
        (
            "Deleting this page will also delete %(descendant_count)s child page.",
            "Deleting this page will also delete %(descendant_count)s more child pages.",
            64,
            "删除此页面时，还会删除 64 个子页面。",
        ),
    ],
)
def test_the_admin_listing_and_deletion_words_have_chinese(english, plural, count, chinese):
    values = {
        "index": 1,
        "total": 5,
        "model_name": "图片",
        "usage_count": count,
        "descendant_count": count,
    }
    with translation.override("zh-hans"):
        text = ngettext(english, plural, count) if plural else gettext(english)
    assert text % values == chinese


def test_the_shopkeeper_email_page_says_youxiang(client):
    client.force_login(shopkeeper())
    html = client.get("/accounts/email/").content.decode()

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert " ".join(title.split()) == "邮箱地址 · 店主商学院"
    assert "添加邮箱" in html
    assert not re.search(r"e-?mail", " ".join(VisibleText.text_of(html)), re.IGNORECASE)
