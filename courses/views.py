"""Views of the online academy: enrol, complete, quiz answers, lesson files, certificates, search.

Thin: each view parses the request, asks courses.access or calls one service,
and turns a refused action into a message or a 403.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.views.serve import ServeView
from wagtailmedia.models import get_media_model

from academy import delivery, roles
from courses import access, catalogue, search, selectors, services
from courses.models import Certificate, CoursePage, LessonPage

# Sizes lesson images are served at; anything else is refused.
IMAGE_SPECS = {"width-800", "width-1200", "fill-640x360"}
# Browsers and CDNs keep course covers this long.
COVER_SECONDS = 7 * 24 * 3600


def _live_page(model, page_id):
    return get_object_or_404(model.objects.live(), pk=page_id)


@login_required
@require_POST
def enrol(request, course_id):
    course = _live_page(CoursePage, course_id)
    try:
        _enrolment, created = services.enrol(request.user, course)
    except services.LearningDenied as error:
        raise PermissionDenied(error.message) from None
    except services.LearningError as error:
        messages.error(request, error.message)
        return redirect(course.get_url(request))
    if created:
        messages.success(request, _("You are enrolled. Enjoy the course!"))
    return redirect(_next_url(request, course))


def _next_url(request, course):
    node = catalogue.get().courses.get(course.id)
    if node is None:
        return course.get_url(request)
    progress = selectors.progress_for(request.user, [node])[node.id]
    return progress.next_url or node.url


@login_required
@require_POST
def complete_lesson(request, lesson_id):
    lesson = _live_page(LessonPage, lesson_id)
    try:
        services.record_lesson_complete(request.user, lesson)
    except services.LearningDenied as error:
        raise PermissionDenied(error.message) from None
    course = lesson.get_course()
    enrolment = access.learner_state(request.user).enrolments.get(course.id)
    if enrolment is not None and enrolment.completed_at is not None:
        messages.success(request, _("Course completed! Your certificate is being prepared."))
        return redirect(course.url)
    messages.success(request, _("Lesson completed."))
    return redirect(_next_url(request, course))


@require_POST
def lesson_position(request, lesson_id):
    """Called by the player every few seconds: keeps the position, completes at 90 %."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to study this course.")}, status=403)
    lesson = _live_page(LessonPage, lesson_id)
    return player_report(request, services.record_position, lesson)


def player_report(request, record, subject):
    """Answer a player's position report: ``record(user, subject, seconds=, duration=)``
    returns (progress, completed_now); refusals become 403 or 400 with the message."""
    try:
        progress, completed_now = record(
            request.user,
            subject,
            seconds=request.POST.get("seconds"),
            duration=request.POST.get("duration"),
        )
    except services.LearningDenied as error:
        return JsonResponse({"error": error.message}, status=403)
    except services.LearningError as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse(
        {
            "position": progress.position_seconds,
            "completed": progress.completed_at is not None,
            "completed_now": completed_now,
        }
    )


def submit_quiz(request, quiz):
    """POST of the quiz page (already gated by QuizPage.serve)."""
    answers = services.parse_answers(request.POST)
    try:
        attempt = services.submit_quiz(request.user, quiz, answers, request.POST.get("nonce"))
    except services.LearningDenied as error:
        raise PermissionDenied(error.message) from None
    except services.QuizError as error:
        context = quiz.get_context(request)
        context["quiz_error"] = error.message
        # Keep what the learner ticked so only the mistake needs fixing.
        for question in context.get("questions", []):
            ticked = set(answers.get(question["id"], []))
            for choice in question["choices"]:
                choice["checked"] = choice["id"] in ticked
        return TemplateResponse(request, quiz.get_template(request), context, status=400)
    return redirect(f"{quiz.get_url(request)}?attempt={attempt.number}")


def _lesson_for_file(request, lesson_id, kind, file_id):
    """The lesson, if the visitor may study it and its body uses this file; else 404/403."""
    lesson = _live_page(LessonPage, lesson_id)
    outcome, reason = access.check_study(request.user, lesson.get_course())
    if outcome != access.ALLOW:
        # Files are fetched by players and links: a plain 403, also for visitors.
        raise PermissionDenied(reason)
    if file_id not in lesson.file_ids[kind] and not roles.has_staff_role(request.user):
        raise Http404
    return lesson


def ranged_file_response(request, file_field, content_type):
    """Serve a stored file with HTTP Range support, so phones can seek in videos
    (answered by the front server or the object storage in production)."""
    return delivery.serve_file(
        request, file_field.name, content_type=content_type, storage=file_field.storage
    )


@require_GET
def lesson_media(request, lesson_id, media_id):
    _lesson_for_file(request, lesson_id, "media", media_id)
    media = get_object_or_404(get_media_model(), pk=media_id)
    content_type = mimetypes.guess_type(media.file.name)[0] or "application/octet-stream"
    return ranged_file_response(request, media.file, content_type)


@require_GET
def lesson_document(request, lesson_id, document_id):
    _lesson_for_file(request, lesson_id, "document", document_id)
    return document_download(request, document_id)


def document_download(request, document_id):
    """A gated document as a download, kept in the browser's private cache only."""
    document = get_object_or_404(get_document_model(), pk=document_id)
    return delivery.serve_file(
        request,
        document.file.name,
        content_type=document.content_type or "application/octet-stream",
        storage=document.file.storage,
        attachment_filename=document.filename,
    )


@require_GET
def lesson_image(request, lesson_id, image_id, spec):
    if spec not in IMAGE_SPECS:
        raise Http404
    _lesson_for_file(request, lesson_id, "image", image_id)
    image = get_object_or_404(get_image_model(), pk=image_id)
    rendition = image.get_rendition(spec)
    content_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
    return ranged_file_response(request, rendition.file, content_type)


class CoverView(ServeView):
    """Course covers are public (course descriptions are): signed image URLs, rendered
    on first request, their bytes sent like every stored file's."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={COVER_SECONDS}"
        elif response.has_header("Location"):
            # A signed URL: nobody may keep the redirect longer than the URL lasts.
            response["Cache-Control"] = delivery.signed_redirect_cache_control()
        return response

    def serve(self, rendition):
        content_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
        return ranged_file_response(self.request, rendition.file, content_type)


@login_required
@require_GET
def certificate_download(request, code):
    """The holder (or staff) downloads the PDF; anyone else gets a 404."""
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None or (
        certificate.user_id != request.user.pk and not roles.has_staff_role(request.user)
    ):
        raise Http404
    if not certificate.pdf:
        from courses.tasks import generate_certificate_pdf

        services.queue_task(generate_certificate_pdf, certificate.pk)
        return render(
            request, "courses/certificate_pending.html", {"certificate": certificate}, status=202
        )
    filename = f"certificate-{certificate.issued_at:%Y%m%d}-{certificate.pk}.pdf"
    return delivery.serve_file(
        request,
        certificate.pdf.name,
        content_type="application/pdf",
        storage=certificate.pdf.storage,
        attachment_filename=filename,
    )


@never_cache
@require_GET
def certificate_verify(request, code):
    """Public: holder's name, title and date only. Unknown codes are a plain 404."""
    certificate = (
        Certificate.objects.filter(code=code)
        .only("holder_name", "title", "issued_at", "kind", "code")
        .first()
    )
    if certificate is None:
        raise Http404
    response = render(request, "courses/certificate_verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def search_view(request):
    query = request.GET.get("q", "").strip()[:100]
    results = search.search_pages(query, request.user) if query else []
    return render(
        request,
        "courses/search.html",
        {"search_query": query, "results": results, "searched": bool(query)},
    )
