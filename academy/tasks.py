from celery import shared_task

from academy import services


@shared_task
def send_pending_emails():
    """Relay the e-mail outbox; safe to run twice at once."""
    return services.send_due_emails()


@shared_task
def send_pending_notices():
    """Relay the WeChat and SMS notices; safe to run twice at once."""
    from academy.notices import delivery

    return delivery.send_due()
