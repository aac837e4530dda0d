"""Editors add video to lessons: upload it (with limits), choose it, or give a video link."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtailmedia.models import get_media_model

from academy import roles
from courses.embeds import player_for
from courses.models import LessonPage
from tests import forms
from tests.academy.factories import staff
from tests.courses import factories

pytestmark = pytest.mark.django_db

CHOOSER = "/cms/media/chooser/video/"


@pytest.fixture
def editor(client):
    user = staff(roles.EDITOR)
    client.force_login(user)
    return user


def a_video(title, uploaded_by):
    media = get_media_model()(title=title, type="video", uploaded_by_user=uploaded_by)
    media.file.save("clip.mp4", SimpleUploadedFile("clip.mp4", b"\x00" * 2048), save=False)
    media.save()
    return media


def chooser_html(client):
    response = client.get(CHOOSER)
    assert response.status_code == 200
    return response.json()["html"]


def post_upload(client, title, upload):
    """Fill the chooser's upload form, as rendered, with a title and a file; send it."""
    element = forms.rendered_form(chooser_html(client), "form.media-upload")
    data = {}
    for name, value in forms.form_fields(element):
        data.setdefault(name, []).append(value)
    data["media-chooser-upload-title"] = [title]
    data["media-chooser-upload-file"] = upload
    return client.post(element["action"], data)


def test_the_video_chooser_lists_videos_other_editors_uploaded(client, editor):
    a_video("朋友圈实拍示范", uploaded_by=staff(roles.EDITOR))
    html = chooser_html(client)
    assert "朋友圈实拍示范" in html
    assert "form" in html and "media-upload" in html


def test_an_editor_uploads_a_video_from_the_chooser(client, editor):
    response = post_upload(
        client, "三分钟讲清佣金", SimpleUploadedFile("commission.mp4", b"\x00" * 4096, "video/mp4")
    )
    assert response.status_code == 200
    assert response.json()["step"] == "media_chosen"
    media = get_media_model().objects.get(title="三分钟讲清佣金")
    assert media.type == "video" and media.uploaded_by_user == editor


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("huge.mp4", 4096, "文件太大"),
        ("virus.exe", 100, "exe"),
    ],
)
def test_too_big_or_wrong_type_uploads_are_refused(client, editor, settings, name, size, message):
    settings.ACADEMY_MEDIA_MAX_UPLOAD_SIZE = 1024
    response = post_upload(client, "不该保存", SimpleUploadedFile(name, b"\x00" * size))
    assert response.status_code == 200
    assert response.json()["step"] == "chooser"
    assert message in response.json()["html"]
    assert not get_media_model().objects.filter(title="不该保存").exists()


@pytest.mark.parametrize(
    ("link", "player"),
    [
        ("https://www.bilibili.com/video/BV1GJ411x7h7/?spm=333", "player.bilibili.com"),
        ("https://v.youku.com/v_show/id_XNTk3MjQ1NjYw.html", "player.youku.com/embed/"),
        ("https://v.qq.com/x/cover/mzc00200abc/u0045k7xyz1.html", "vid=u0045k7xyz1"),
        ("https://v.qq.com/x/page/u0045k7xyz1.html", "vid=u0045k7xyz1"),
        ("https://www.ixigua.com/7123456789012345678", "ixigua.com/iframe/"),
        ("https://www.douyin.com/video/7123456789012345678", "open.douyin.com/player"),
    ],
)
def test_links_of_chinese_video_platforms_become_players(link, player):
    _provider, address = player_for(link)
    assert player in address


def test_only_the_video_id_of_a_link_reaches_the_player_address():
    _provider, address = player_for('https://www.bilibili.com/video/BV1GJ411x7h7"><script>')
    assert address.startswith("https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&")
    assert "<" not in address and '"' not in address
    for link in [
        "https://evil.example/video/BV1GJ411x7h7",
        "https://evil.example/www.bilibili.com/video/BV1GJ411x7h7",
        "https://www.bilibili.com.evil.example/video/BV1GJ411x7h7",
        "javascript:alert(1)",
    ]:
        assert player_for(link) is None, link


def test_an_editor_saves_a_lesson_with_a_bilibili_link(client, editor, academy):
    course = factories.course(academy.beginner, "video-course", lessons=1, quiz=False)
    lesson = factories.lessons_of(course)[0]
    url = f"/cms/pages/{lesson.id}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    element = forms.rendered_form(page.content.decode(), "#page-edit-form")
    data = {}
    for name, value in forms.form_fields(element):
        data.setdefault(name, []).append(value)
    # The StreamField's inputs are written by the editor's JavaScript: one video block.
    block_id = str(uuid.uuid4())
    data.update(
        {
            "body-count": ["1"],
            "body-0-type": ["video"],
            "body-0-deleted": [""],
            "body-0-order": ["0"],
            "body-0-id": [block_id],
            "body-0-value-video": [""],
            "body-0-value-embed": ["https://www.bilibili.com/video/BV1GJ411x7h7"],
            "body-0-value-caption": ["平台讲解"],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    block = saved.body[0]
    assert block.block_type == "video"
    assert "player.bilibili.com/player.html?bvid=BV1GJ411x7h7" in block.render()
