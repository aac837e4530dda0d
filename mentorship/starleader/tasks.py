"""Celery tasks of the Star Leader Program: thin, idempotent wrappers of its services."""

from celery import shared_task

from mentorship.starleader import guidance, services
from mentorship.starleader.models import Cohort


@shared_task
def promote_waitlist(cohort_id):
    """Offer freed seats to the waitlist, in order; a second run finds nothing to do."""
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is not None:
        return len(services.promote_waitlist(cohort))
    return 0


@shared_task
def expire_offers():
    """Expire offers past their deadline and promote the waitlist (every minute)."""
    return services.expire_due_offers()


@shared_task
def send_class_reminders():
    """Remind members of tomorrow's classes, once per class."""
    return guidance.send_class_reminders()


@shared_task
def close_guidance_months():
    """Send the summaries of guidance months that have ended, once per pair."""
    return guidance.close_guidance()
