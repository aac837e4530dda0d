from celery import shared_task

from courses import certificates


@shared_task(autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def generate_certificate_pdf(certificate_id):
    """Render a certificate's PDF; running it twice stores one file."""
    certificates.generate_pdf(certificate_id)


@shared_task
def send_live_notices():
    """Send due live-session reminders and notices in batches; safe to run twice at once."""
    from courses.live import notices

    return notices.send_due()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def transcode_media(media_id):
    """Convert an upload to HLS; a repeat for the same source does nothing (idempotent),
    and a redelivery after a worker died takes over once its heartbeat is stale."""
    from courses.video import services

    return services.convert(media_id)


@shared_task
def sweep_media_streams():
    """Send again conversions whose message was lost or whose worker died."""
    from courses.video import services

    return services.sweep()
