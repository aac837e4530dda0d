"""In production no web worker sends a file body: after the permission check every file
view answers with X-Accel-Redirect (nginx sends the file) or with a redirect to a signed
object-storage URL. Those refused get their 403/404 and no way to the file."""

import mimetypes
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.images.utils import generate_signature

from academy import roles
from courses import services
from courses.models import Certificate
from devservers.s3 import ACCESS_KEY, SECRET_KEY, FakeS3Server
from tests.academy.factories import staff
from tests.courses import factories, files

pytestmark = pytest.mark.django_db

BUCKET = "academy-media"
PDF = b"%PDF-1.4\n% certificate\n"


@pytest.fixture
def accel(settings):
    settings.ACADEMY_FILE_DELIVERY = "accel"
    settings.ACADEMY_ACCEL_PREFIX = "/_protected/"


@pytest.fixture
def object_storage(settings):
    """Uploads on the fake S3 (boto3 and django-storages speak to it over HTTP)."""
    server = FakeS3Server(buckets=[BUCKET]).start()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": server.url,
                "region_name": "us-east-1",
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 600,
                "signature_version": "s3v4",
                "file_overwrite": False,
            },
        },
    }
    settings.ACADEMY_FILE_DELIVERY = "s3"
    yield server
    server.stop()


@pytest.fixture
def world(academy, live_index):
    """Every kind of file a view sends, a holder who may read them all, a stranger who may not.

    The lesson and the live session are in the intermediate tier: open to the holder
    (exempted, enrolled), locked for a beginner."""
    basics = factories.course(academy.beginner, "basics", lessons=1)
    doc, img, media = files.document(), files.image(), files.audio()
    course = factories.course(
        academy.intermediate,
        "groups",
        lessons=1,
        bodies={1: files.body_with_files(doc, img, media)},
        cover_image=img,
    )
    lesson = factories.lessons_of(course)[0]
    replay, handout = files.audio(title="直播回放"), files.document(name="讲义.txt")
    session = factories.live_session(
        live_index,
        start=timezone.now() - timedelta(days=1),
        tier=academy.intermediate,
        replay_video=replay,
        materials=[{"type": "file", "value": {"document": handout.id, "label": ""}}],
    )
    holder = factories.learner()
    services.grant_exemption(
        holder, academy.intermediate, reason="线下已学过", granted_by=staff(roles.PROGRAM_STAFF)
    )
    services.enrol(holder, course)
    factories.complete(holder, basics)
    certificate = Certificate.objects.get(user=holder, kind="course")
    certificate.pdf.save("certificate.pdf", ContentFile(PDF))
    cover = generate_signature(img.id, "fill-640x360")
    return {
        "holder": holder,
        "stranger": factories.learner(),  # a beginner: the tier is locked for her
        # name: (url, the stored file, a download?, what the stranger gets)
        "files": {
            "lesson media": (
                reverse("courses:lesson_media", args=[lesson.id, media.id]),
                media.file,
                False,
                403,
            ),
            "lesson document": (
                reverse("courses:lesson_document", args=[lesson.id, doc.id]),
                doc.file,
                True,
                403,
            ),
            "lesson image": (
                reverse("courses:lesson_image", args=[lesson.id, img.id, "width-800"]),
                img.get_rendition("width-800").file,
                False,
                403,
            ),
            "document on Wagtail's URL": (doc.url, doc.file, True, 403),
            "certificate": (
                reverse("courses:certificate_download", args=[certificate.code]),
                certificate.pdf,
                True,
                404,
            ),
            "live replay": (
                reverse("courses:live_replay_media", args=[session.pk]),
                replay.file,
                False,
                403,
            ),
            "live material": (
                reverse("courses:live_material", args=[session.pk, handout.id]),
                handout.file,
                True,
                403,
            ),
            "course cover": (
                reverse("courses:cover", args=[cover, img.id, "fill-640x360"]),
                img.get_rendition("fill-640x360").file,
                False,
                None,  # public, as course descriptions are
            ),
        },
    }


def stored_bytes(file_field):
    with file_field.storage.open(file_field.name, "rb") as handle:
        return handle.read()


def assert_no_body(response, kind):
    assert not response.streaming, kind
    assert response.content == b"", kind


def test_behind_nginx_every_file_view_hands_the_file_to_the_front_server(
    client, settings, accel, world
):
    client.force_login(world["holder"])
    for kind, (url, stored, download, _refused) in world["files"].items():
        response = client.get(url, HTTP_RANGE="bytes=0-99")  # nginx answers ranges itself
        assert response.status_code == 200, kind
        assert_no_body(response, kind)
        target = response["X-Accel-Redirect"]
        assert target.startswith("/_protected/"), kind
        on_disk = Path(settings.MEDIA_ROOT) / unquote(target.removeprefix("/_protected/"))
        assert on_disk.read_bytes() == stored_bytes(stored), kind
        assert response["Content-Type"] == mimetypes.guess_type(stored.name)[0], kind
        assert ("attachment" in response.get("Content-Disposition", "")) == download, kind
        assert response["Cache-Control"].startswith(
            "public" if kind == "course cover" else "private"
        )


def test_behind_nginx_those_refused_get_no_way_to_the_file(client, accel, world):
    refused = {kind: f for kind, f in world["files"].items() if f[3] is not None}
    client.force_login(world["stranger"])
    for kind, (url, _stored, _download, status) in refused.items():
        response = client.get(url)
        assert response.status_code == status, kind
        assert "X-Accel-Redirect" not in response, kind
    client.logout()
    for kind, (url, _stored, _download, _status) in refused.items():
        response = client.get(url)
        assert response.status_code in {302, 403, 404}, kind
        assert "X-Accel-Redirect" not in response, kind
        assert response.get("Location", "/accounts/login/").startswith("/accounts/login/"), kind


def test_on_object_storage_every_file_view_redirects_to_a_short_lived_signed_url(
    client, object_storage, world
):
    client.force_login(world["holder"])
    for kind, (url, stored, download, _refused) in world["files"].items():
        response = client.get(url)
        assert response.status_code == 302, kind
        assert_no_body(response, kind)
        location = response["Location"]
        assert location.startswith(f"{object_storage.url}/{BUCKET}/"), kind
        query = parse_qs(urlsplit(location).query)
        assert query["X-Amz-Signature"] and query["X-Amz-Credential"], kind
        wagtails_own = kind == "document on Wagtail's URL"  # Wagtail redirects to file.url
        assert query["X-Amz-Expires"] == ["600" if wagtails_own else "300"], kind
        assert "public" not in response.get("Cache-Control", ""), kind
        # The browser follows it to the object storage, which checks the signature.
        fetched = requests.get(location, timeout=5)
        assert fetched.status_code == 200, kind
        assert fetched.content == stored_bytes(stored), kind
        assert fetched.headers["Content-Type"] == mimetypes.guess_type(stored.name)[0], kind
        if not wagtails_own:
            disposition = fetched.headers.get("Content-Disposition", "")
            assert ("attachment" in disposition) == download, kind


def test_a_signed_url_stops_working_when_altered_or_expired(
    client, object_storage, world, time_machine
):
    url = world["files"]["lesson document"][0]
    client.force_login(world["holder"])
    location = client.get(url)["Location"]
    assert requests.get(location.replace("attachment", "inline"), timeout=5).status_code == 403
    time_machine.move_to(timezone.now() + timedelta(seconds=301), tick=False)
    assert requests.get(location, timeout=5).status_code == 403


def test_on_object_storage_those_refused_get_no_signed_url(client, object_storage, world):
    client.force_login(world["stranger"])
    for kind, (url, _stored, _download, status) in world["files"].items():
        if status is None:
            continue
        response = client.get(url)
        assert response.status_code == status, kind
        assert "X-Amz-Signature" not in response.get("Location", ""), kind
