from celery import shared_task

from courses import certificates


@shared_task(autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def generate_certificate_pdf(certificate_id):
    """Render a certificate's PDF; running it twice stores one file."""
    certificates.generate_pdf(certificate_id)
