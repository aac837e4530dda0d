"""Editors follow conversions in the admin: status, progress and why one failed, and
send a failed one again. Linked from the admin menu and the media edit page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.access import has_permission, staff_required
from courses.models import MediaStream, StreamStatus
from courses.video import services

# Those who may upload and change media follow their conversion.
can_follow = has_permission("wagtailmedia.change_media")


@staff_required(can_follow)
def conversions(request):
    """Every media file's conversion, failures first, then the newest."""
    status = request.GET.get("status", "")
    rows = MediaStream.objects.select_related("media").order_by("-queued_at", "-pk")
    if status in StreamStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    busy = any(row.status in (StreamStatus.PENDING, StreamStatus.PROCESSING) for row in page)
    return TemplateResponse(
        request,
        "courses/video_conversions.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": StreamStatus.choices,
            "busy": busy,
            "counts": {
                value: MediaStream.objects.filter(status=value).count()
                for value in (StreamStatus.FAILED, StreamStatus.PROCESSING)
            },
        },
    )


@staff_required(can_follow)
@require_POST
def retry(request, stream_id):
    stream = get_object_or_404(MediaStream.objects.select_related("media"), pk=stream_id)
    if services.retry(stream):
        messages.success(
            request, _("“%(title)s” will be converted again.") % {"title": stream.media.title}
        )
    else:
        messages.info(request, _("This file is converted already."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("courses_admin_video_conversions")
    return redirect(target)
