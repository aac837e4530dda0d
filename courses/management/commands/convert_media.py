"""Convert uploaded video and audio to HLS in this process, without a worker.

For a machine without a running ``video`` worker (a benchmark's dataset, a first
deployment with existing uploads): every waiting conversion, and with ``--failed``
the failed ones too. The same service as the task: what is done stays done.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from wagtailmedia.models import get_media_model

from courses.models import MediaStream, StreamStatus
from courses.video import services


class Command(BaseCommand):
    help = _("Convert waiting video and audio uploads to HLS now, in this process.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed", action="store_true", help=_("Also try the failed ones again.")
        )

    def handle(self, *args, **options):
        if options["failed"]:
            for stream in MediaStream.objects.filter(status=StreamStatus.FAILED):
                services.retry(stream)
        media_ids = set(
            MediaStream.objects.filter(status=StreamStatus.PENDING).values_list(
                "media_id", flat=True
            )
        )
        # Uploads that have no row yet (saved without the signal, e.g. loaded in bulk).
        media_ids |= set(
            get_media_model().objects.filter(stream__isnull=True).values_list("pk", flat=True)
        )
        for media_id in sorted(media_ids):
            status = services.convert(media_id)
            self.stdout.write(f"media {media_id}: {status}")
