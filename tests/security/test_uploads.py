"""Uploads: size, type and pixel limits; names that cannot escape the media folder."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from academy import roles
from tests.academy.factories import staff

pytestmark = pytest.mark.django_db


def png(width, height):
    buffer = io.BytesIO()
    PillowImage.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@pytest.fixture
def editor_client(client):
    client.force_login(staff(roles.EDITOR))
    return client


def upload_image(client, name, content, content_type="image/png"):
    return client.post(
        "/cms/images/add/",
        {"title": "上传", "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_an_image_bomb_is_refused(editor_client):
    bomb = png(8000, 8000)  # 64 million pixels in a few kilobytes
    assert len(bomb) < 100_000
    response = upload_image(editor_client, "bomb.png", bomb)
    assert response.status_code == 200
    assert "像素" in response.content.decode() or "pixels" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_an_svg_is_refused_as_an_image(editor_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload_image(editor_client, "logo.svg", svg, "image/svg+xml")
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


def test_an_oversized_image_is_refused(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 50_000
    big = io.BytesIO()
    PillowImage.effect_noise((400, 400), 80).convert("RGB").save(big, format="PNG")
    assert len(big.getvalue()) > 50_000
    response = upload_image(editor_client, "big.png", big.getvalue())
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


def test_a_normal_image_is_accepted(editor_client):
    response = upload_image(editor_client, "课时配图.png", png(640, 360))
    assert response.status_code == 302
    assert get_image_model().objects.count() == 1


@pytest.mark.parametrize("name", ["installer.exe", "page.html", "script.js"])
def test_documents_of_unsafe_types_are_refused(editor_client, name):
    response = editor_client.post(
        "/cms/documents/add/",
        {
            "title": "文件",
            "file": SimpleUploadedFile(name, b"MZ\x90\x00", "application/octet-stream"),
        },
    )
    assert response.status_code == 200
    assert not get_document_model().objects.exists()


def test_a_document_name_cannot_climb_out_of_the_media_folder(editor_client, settings):
    response = editor_client.post(
        "/cms/documents/add/",
        {
            "title": "模板",
            "file": SimpleUploadedFile("../../../etc/模板.pdf", b"%PDF-1.4\n", "application/pdf"),
        },
    )
    assert response.status_code == 302
    stored = get_document_model().objects.get().file
    assert ".." not in stored.name
    assert stored.path.startswith(str(settings.MEDIA_ROOT))
