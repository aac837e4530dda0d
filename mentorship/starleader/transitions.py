"""The one place an application's status changes: allowed transitions and their audit trail.

applied → admitted / waitlisted / rejected → confirmed → attending → graduated, and
withdrawn or offer expired on the way. Every change writes an ``ApplicationEvent``
(who, when, why) and a notice to the applicant, in the caller's transaction. Callers
hold the cohort's lock (``select_for_update``) whenever a seat is taken or freed.
"""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.starleader.errors import CohortError
from mentorship.starleader.models import Application, ApplicationEvent, Status

ALLOWED = {
    Status.APPLIED: {Status.ADMITTED, Status.WAITLISTED, Status.REJECTED, Status.WITHDRAWN},
    Status.WAITLISTED: {Status.ADMITTED, Status.REJECTED, Status.WITHDRAWN},
    Status.ADMITTED: {Status.CONFIRMED, Status.EXPIRED, Status.WITHDRAWN},
    Status.CONFIRMED: {Status.ATTENDING, Status.WITHDRAWN},
    Status.ATTENDING: {Status.GRADUATED, Status.WITHDRAWN},
}

# A reason is required where the applicant deserves to know why.
REASON_REQUIRED = {Status.REJECTED}


def allowed_next(status):
    return sorted(ALLOWED.get(status, ()))


def check(application, to):
    """Raise ``CohortError`` if ``application`` may not move to status ``to``."""
    if to not in ALLOWED.get(application.status, ()):
        raise CohortError(
            _("An application that is “%(current)s” cannot become “%(target)s”.")
            % {"current": Status(application.status).label, "target": Status(to).label},
            "transition",
        )


def change_status(application, to, *, by=None, reason="", now=None, announce=True):
    """Move a locked application to ``to``; returns the event written.

    Admission starts the deadline to confirm; joining the waitlist takes the next
    position (the caller holds the cohort lock, so positions never collide).
    """
    from mentorship.starleader import notices

    now = now or timezone.now()
    reason = (reason or "").strip()
    check(application, to)
    if to in REASON_REQUIRED and not reason:
        raise CohortError(_("Please give a reason; the applicant will read it."), "reason")
    if len(reason) > 300:
        raise CohortError(_("Please keep the reason under 300 characters."), "reason")
    previous = application.status
    application.status = to
    if to == Status.WAITLISTED:
        last = Application.objects.filter(cohort_id=application.cohort_id).aggregate(
            last=Max("waitlist_position")
        )["last"]
        application.waitlist_position = (last or 0) + 1
    else:
        application.waitlist_position = None
    if to == Status.ADMITTED:
        application.offer_expires_at = now + timedelta(hours=application.cohort.offer_hours)
    application.save(
        update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"]
    )
    event = ApplicationEvent.objects.create(
        application=application,
        from_status=previous,
        to_status=to,
        actor=by,
        at=now,
        reason=reason,
    )
    if announce:
        notices.status_changed(application, event)
    return event


def record_application(application, *, by, now=None):
    """The first event of a new application (nothing → applied)."""
    from mentorship.starleader import notices

    event = ApplicationEvent.objects.create(
        application=application, to_status=Status.APPLIED, actor=by, at=now or timezone.now()
    )
    notices.status_changed(application, event)
    return event
