"""Editors see each conversion's status, progress and reason in the admin, and send a
failed one again."""

import pytest
from django.urls import reverse

from academy import roles
from courses.models import MediaStream, StreamFailure, StreamStatus
from tests.academy.factories import staff
from tests.courses import factories, files

pytestmark = pytest.mark.django_db

REPORT = "/cms/courses/video-conversions/"


@pytest.fixture
def editor(client):
    user = staff(roles.EDITOR)
    client.force_login(user)
    return user


def failed(media, failure=StreamFailure.NOT_MEDIA, detail="moov atom not found"):
    MediaStream.objects.filter(media=media).update(
        status=StreamStatus.FAILED, failure=failure, failure_detail=detail, attempts=1
    )
    return MediaStream.objects.get(media=media)


def test_editors_see_status_progress_and_the_reason_in_chinese(client, editor):
    broken = files.audio(title="坏掉的录音")
    failed(broken)
    converting = files.audio(title="正在转码的视频")
    MediaStream.objects.filter(media=converting).update(status=StreamStatus.PROCESSING, progress=42)
    files.ready_stream(files.audio(title="已就绪的语音"))

    html = client.get(REPORT).content.decode()
    assert "视频转码" in html
    assert "坏掉的录音" in html and "转码失败" in html
    assert "这个文件不是我们能读取的视频或音频。" in html and "moov atom not found" in html
    assert "正在转码" in html and "42%" in html
    assert "已就绪的语音" in html and "360p" in html
    assert 'http-equiv="refresh"' in html  # follows a conversion under way
    only_failed = client.get(REPORT, {"status": "failed"}).content.decode()
    assert "坏掉的录音" in only_failed and "已就绪的语音" not in only_failed

    edit = client.get(reverse("wagtailmedia:edit", args=[broken.pk])).content.decode()
    assert "手机版转码" in edit and "这个文件不是我们能读取的视频或音频。" in edit
    assert "重新转码" in edit


def test_an_editor_converts_a_failed_file_again(client, editor, django_capture_on_commit_callbacks):
    media = files.clip(title="重传前失败的视频", seconds=2)
    stream = failed(media, StreamFailure.GAVE_UP)
    edit_page = reverse("wagtailmedia:edit", args=[media.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("courses_admin_video_retry", args=[stream.pk]), {"next": edit_page}
        )
    assert response.status_code == 302 and response["Location"] == edit_page
    stream.refresh_from_db()
    assert stream.status == StreamStatus.READY and stream.attempts == 1
    assert "已就绪" in client.get(edit_page).content.decode()


def test_shopkeepers_cannot_see_or_retry_conversions(client):
    stream = failed(files.audio())
    client.force_login(factories.learner())
    # Wagtail sends those without admin access to sign in as someone who has it.
    response = client.get(REPORT)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(reverse("courses_admin_video_retry", args=[stream.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert MediaStream.objects.get(pk=stream.pk).status == StreamStatus.FAILED
