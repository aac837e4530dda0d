"""A course completed end to end through the views, its certificate, PDF and verification."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from academy import roles
from academy.models import Notification
from courses import certificates, services
from courses.models import Certificate, CertificateKind
from tests import forms
from tests.academy.factories import staff
from tests.courses import factories

pytestmark = pytest.mark.django_db


def pdf_text(data):
    """The PDF's text without whitespace (letter-spaced headings extract with spaces)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def quiz_changes(answer_map):
    return {f"q-{question_id}": choices for question_id, choices in answer_map.items()}


def test_complete_a_course_end_to_end(client, academy, django_capture_on_commit_callbacks):
    course = factories.course(academy.beginner, "how-to-share", lessons=2)
    factories.course(academy.beginner, "second")  # the tier is not complete with one course
    user = factories.learner(user__display_name="李春燕")
    client.force_login(user)

    response = client.post(reverse("courses:enrol", args=[course.id]))
    assert response["Location"] == "/academy/beginner/how-to-share/lesson-1/"
    for lesson in factories.lessons_of(course):
        assert client.get(lesson.url).status_code == 200
        response = client.post(reverse("courses:complete_lesson", args=[lesson.id]))
    quiz = factories.quiz_of(course)
    assert response["Location"] == quiz.url

    response = forms.submit(
        client, quiz.url, quiz_changes(factories.answers(quiz, right=False)), form=".quiz-form"
    )
    assert "?attempt=1" in response["Location"]
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = forms.submit(
            client, quiz.url, quiz_changes(factories.answers(quiz)), form=".quiz-form"
        )
    assert "?attempt=2" in response["Location"]

    certificate = Certificate.objects.get(user=user)
    assert certificate.kind == CertificateKind.COURSE
    assert certificate.pdf  # the Celery task ran (eagerly) after the commit
    assert len(certificate.code) >= 24

    dashboard = client.get("/me/").content.decode()
    download = reverse("courses:certificate_download", args=[certificate.code])
    assert download in dashboard
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = pdf_text(data)
    assert "李春燕" in text
    assert "".join(course.title.split()) in text
    assert certificate.code in text

    client.logout()
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert "李春燕" in page and course.title in page
    assert user.email not in page
    assert Notification.objects.filter(user=user, key__startswith="courses:completed").exists()
    assert any("how-to-share" in message.subject for message in mail.outbox)


def test_the_verification_page_shows_only_name_title_and_date(client, academy, time_machine):
    # 17:30 UTC is already the next day in Beijing: the page shows the Beijing date.
    evening = timezone.now().replace(hour=17, minute=30, second=0, microsecond=0)
    time_machine.move_to(evening, tick=False)
    course = factories.course(academy.beginner, "how-to-share", lessons=1)
    user = factories.learner(user__display_name="王秀英", user__email="xiuying@example.com")
    factories.complete(user, course)
    certificate = Certificate.objects.get(user=user, kind="course")
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert "王秀英" in page
    assert course.title in page
    beijing_day = (evening + timedelta(hours=8)).strftime("%Y-%m-%d")
    assert f"<dd>{beijing_day}</dd>" in page
    assert "xiuying@example.com" not in page
    assert user.shopkeeper_profile.shop_id not in page
    assert "noindex" in page


@pytest.mark.parametrize("code", ["unknown", "A" * 24, "' OR 1=1 --", "中文"])
def test_unknown_verification_codes_are_a_plain_404(client, academy, code):
    response = client.get(reverse("courses:certificate_verify", args=[code]))
    assert response.status_code == 404
    assert "证书" not in response.content.decode()


def test_codes_are_unguessable_and_unique():
    from courses.models.certificates import new_code

    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == 24 for code in codes)


def test_only_the_holder_and_staff_download_the_pdf(client, academy):
    course = factories.course(academy.beginner, "how-to-share", lessons=1)
    holder = factories.learner()
    factories.complete(holder, course)
    certificate = Certificate.objects.get(user=holder, kind="course")
    certificates.generate_pdf(certificate.pk)
    url = reverse("courses:certificate_download", args=[certificate.code])
    client.force_login(factories.learner())
    assert client.get(url).status_code == 404
    client.force_login(staff(roles.PROGRAM_STAFF))
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_a_missing_pdf_is_generated_again_on_download(client, academy):
    course = factories.course(academy.beginner, "how-to-share", lessons=1)
    holder = factories.learner()
    factories.complete(holder, course)
    certificate = Certificate.objects.get(user=holder, kind="course")
    assert not certificate.pdf  # the commit hook did not run in this test
    client.force_login(holder)
    url = reverse("courses:certificate_download", args=[certificate.code])
    response = client.get(url)
    assert response.status_code == 202  # "being prepared"; the eager task rendered it
    certificate.refresh_from_db()
    assert certificate.pdf
    assert client.get(url).status_code == 200


def test_generating_twice_keeps_one_file(academy):
    course = factories.course(academy.beginner, "how-to-share", lessons=1)
    holder = factories.learner()
    factories.complete(holder, course)
    certificate = Certificate.objects.get(user=holder, kind="course")
    first = certificates.generate_pdf(certificate.pk).pdf.name
    second = certificates.generate_pdf(certificate.pk).pdf.name
    assert first == second


def test_completing_every_required_course_of_a_tier_earns_a_tier_certificate(academy):
    first = factories.course(academy.beginner, "one", lessons=1)
    second = factories.course(academy.beginner, "two", lessons=1)
    factories.course(academy.beginner, "elective", lessons=1, required=False)
    user = factories.learner(user__display_name="赵敏")
    factories.complete(user, first)
    assert not Certificate.objects.filter(kind=CertificateKind.TIER).exists()
    factories.complete(user, second)
    tier_certificate = Certificate.objects.get(user=user, kind=CertificateKind.TIER)
    assert tier_certificate.title == "新手入门"
    assert "赵敏" in pdf_text(certificates.render_pdf(tier_certificate))
    assert Notification.objects.filter(user=user, key__startswith="courses:tier-unlocked").exists()


def test_other_programs_issue_certificates_through_the_same_service(academy):
    user = factories.learner(user__display_name="孙静")
    certificate = services.issue_certificate(
        user, kind=CertificateKind.PROGRAM, subject_key="cohort:12", title="聚星领导者计划 第12期"
    )
    again = services.issue_certificate(
        user, kind=CertificateKind.PROGRAM, subject_key="cohort:12", title="聚星领导者计划 第12期"
    )
    assert certificate.pk == again.pk
    text = pdf_text(certificates.render_pdf(certificate))
    assert "孙静" in text and "聚星领导者计划" in text
