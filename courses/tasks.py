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
