"""The HLS version of each uploaded video or audio (wagtailmedia ``Media``).

One row per media file: the transcoding's state, progress and failure reason,
and, once ready, where its playlists and segments are stored. The original
upload is never touched; players fall back to it until the stream is ready.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StreamStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("conversion", "Waiting")
    PROCESSING = "processing", pgettext_lazy("conversion", "Converting")
    READY = "ready", pgettext_lazy("conversion", "Ready")
    FAILED = "failed", pgettext_lazy("conversion", "Failed")


class StreamFailure(models.TextChoices):
    """Why a file could not be converted, in words an editor can act on."""

    NOT_MEDIA = "not_media", _("This file is not a video or audio file we can read.")
    NO_STREAMS = "no_streams", _("This file has neither picture nor sound.")
    SOURCE_MISSING = "source_missing", _("The uploaded file was not found in storage.")
    TOOLS_MISSING = "tools_missing", _("The video tools (ffmpeg) are not installed on the server.")
    CONVERSION = "conversion", _("Converting this file failed.")
    TIMEOUT = "timeout", _("Converting took too long and was stopped.")
    GAVE_UP = "gave_up", _("Converting was interrupted several times; it was not tried again.")


class MediaStream(models.Model):
    """The adaptive-streaming (HLS) output of one media file.

    ``fingerprint`` names the source it was made from (file name, size, kind,
    pipeline version): a new upload gets a new fingerprint and is converted
    again; the same source is converted once. A ready stream always has its folder.
    """

    media = models.OneToOneField(
        "wagtailmedia.Media",
        on_delete=models.CASCADE,
        related_name="stream",
        verbose_name=_("media file"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=StreamStatus.choices, default=StreamStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    failure = models.CharField(
        _("reason of failure"), max_length=20, choices=StreamFailure.choices, blank=True
    )
    failure_detail = models.TextField(
        _("technical detail"), blank=True, help_text=_("What the video tools said.")
    )
    # The upload's storage name when it was queued: a new upload has another name.
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    fingerprint = models.CharField(_("fingerprint of the source"), max_length=64, blank=True)
    folder = models.CharField(_("storage folder"), max_length=255, blank=True)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    poster = models.FileField(_("poster"), max_length=255, blank=True)
    renditions = models.JSONField(
        _("renditions"), default=list, blank=True, help_text=_("name, height and bandwidth")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Written with the progress: a converting row whose heartbeat stops lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("video conversion")
        verbose_name_plural = _("video conversions")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="courses_stream_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="courses_stream_progress_max_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=StreamStatus.READY) | ~models.Q(folder=""),
                name="courses_stream_ready_has_folder",
            ),
        ]

    def __str__(self):
        return f"{self.media_id}: {self.get_status_display()}"

    @property
    def is_ready(self):
        return self.status == StreamStatus.READY

    @property
    def failure_message(self):
        return self.get_failure_display() if self.failure else ""
