from celery import shared_task

from academy import services


@shared_task
def send_pending_emails():
    """Relay the e-mail outbox; safe to run twice at once."""
    return services.send_due_emails()
