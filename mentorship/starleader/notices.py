"""Notices of the Star Leader Program (in-site and e-mail, via ``academy.services.notify``).

One per status change (keyed by its audit event), one reminder per class and start
time, one guidance summary per pair: sending any of them twice is a no-op.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentorship.services.notices import send, title_for, when
from mentorship.starleader.models import Status

TITLES = {
    Status.APPLIED: _("Application received: %(cohort)s"),
    Status.WAITLISTED: _("You are on the waitlist: %(cohort)s"),
    Status.ADMITTED: _("You are admitted: %(cohort)s — please confirm"),
    Status.REJECTED: _("About your application: %(cohort)s"),
    Status.CONFIRMED: _("Seat confirmed: %(cohort)s"),
    Status.ATTENDING: _("Welcome to class: %(cohort)s"),
    Status.GRADUATED: _("Congratulations, you graduated: %(cohort)s"),
    Status.WITHDRAWN: _("Application withdrawn: %(cohort)s"),
    Status.EXPIRED: _("Your offer expired: %(cohort)s"),
}


def application_url(application):
    return reverse("mentorship:starleader:application", args=[application.pk])


def status_changed(application, event):
    user = application.applicant
    context = {
        "application": application,
        "event": event,
        "cohort": application.cohort,
        "deadline": when(application.offer_expires_at, user)
        if application.offer_expires_at
        else "",
    }
    return send(
        user,
        f"starleader:application:{application.pk}:event:{event.pk}",
        title_for(user, TITLES[event.to_status], cohort=application.cohort),
        "mentorship/starleader/notices/status.txt",
        context,
        application_url(application),
        # An offer waits for her answer until its deadline: time-critical.
        kind="offer_expiring" if event.to_status == Status.ADMITTED else "star_leader",
    )


def class_reminder(session, application):
    user = application.applicant
    return send(
        user,
        f"starleader:class:{session.pk}:{session.starts_at:%Y%m%d%H%M}:{application.pk}",
        title_for(user, _("Reminder: class at %(when)s"), when=when(session.starts_at, user)),
        "mentorship/starleader/notices/class_reminder.txt",
        {"session": session, "when": when(session.starts_at, user), "cohort": session.cohort},
        application_url(application),
        kind="star_leader",
        event_start=session.starts_at,
    )


def guidance_summary(cohort, assignment, summary):
    for user in (assignment.mentee, assignment.mentor):
        as_mentor = user.pk == assignment.mentor_id
        other = assignment.mentee if as_mentor else assignment.mentor
        send(
            user,
            f"starleader:guidance:{assignment.pk}:{user.pk}",
            title_for(user, _("Your guidance month has ended: %(cohort)s"), cohort=cohort),
            "mentorship/starleader/notices/guidance_summary.txt",
            {
                "cohort": cohort,
                "assignment": assignment,
                "other": other,
                "as_mentor": as_mentor,
                **summary,
            },
            reverse("mentorship:goals") if not as_mentor else reverse("mentorship:mentees"),
            kind="star_leader",
        )
