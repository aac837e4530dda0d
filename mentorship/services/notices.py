"""Notices of mentorship: in-site and e-mail through ``academy.services.notify``.

Each is written in the recipient's language and time zone, in the caller's
transaction, with a key that makes sending it twice a no-op.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from academy.services import notify, notify_many, render_for

# A reminder this close to the session is time-critical (SMS allowed).
SOON_MINUTES = 60


def when(moment, user):
    """A time as the user reads it: '2026-12-02 (Wed) 09:00' in her zone."""
    with timezone.override(user.zone):
        local = timezone.localtime(moment)
        return f"{local:%Y-%m-%d} ({date_format(local, 'D')}) {local:%H:%M}"


def compose(user, key, title, template, context, url):
    """One notice to ``user`` in her language, as ``academy.services.notify_many`` takes it.

    Its SMS and WeChat templates read ``name`` (the other person) and ``when``
    from ``context``.
    """
    with translation.override(user.language or settings.LANGUAGE_CODE):
        title, body = str(title), render_for(user, template, context)
        short = {
            name: str(context[name]) for name in ("other", "when", "deadline") if context.get(name)
        }
    short = {"name": short.pop("other", ""), **short}
    if "deadline" in short:
        short["when"] = short.pop("deadline")
    return user, key, title, body, url, short


def send(user, key, title, template, context, url, *, kind="mentoring_update", event_start=None):
    """One notice to ``user``, written in her language; sending ``key`` again is a no-op.

    ``kind`` (registered in mentorship.apps) says which channels it may use.
    """
    user, key, title, body, url, short = compose(user, key, title, template, context, url)
    return notify(
        user,
        key=key,
        title=title,
        body=body,
        url=url,
        kind=kind,
        context=short,
        event_start=event_start,
    )


def title_for(user, message, **params):
    """A lazily translated title, rendered in the recipient's language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return str(message) % {key: str(value) for key, value in params.items()}


def _booking_context(booking, user):
    other = booking.mentee if user.pk == booking.mentor_id else booking.mentor
    return {
        "booking": booking,
        "other": other,
        "as_mentor": user.pk == booking.mentor_id,
        "when": when(booking.start, user),
        "minutes": booking.duration_minutes,
    }


def _url(booking):
    return reverse("mentorship:booking", args=[booking.pk])


def booked(booking):
    """Both people hear of a new session, in one batch (it is written inside the mentor's lock)."""
    messages = []
    for user in (booking.mentee, booking.mentor):
        context = _booking_context(booking, user)
        messages.append(
            compose(
                user,
                f"mentorship:booking:{booking.pk}:booked:{user.pk}",
                title_for(
                    user,
                    _("Session booked: %(when)s with %(name)s"),
                    when=context["when"],
                    name=context["other"],
                ),
                "mentorship/notices/booked.txt",
                context,
                _url(booking),
            )
        )
    notify_many(messages, kind="booking_confirmed", event_start=booking.start)


def rescheduled(booking, old_start, by):
    for user in (booking.mentee, booking.mentor):
        context = _booking_context(booking, user)
        context.update(old_when=when(old_start, user), by=by)
        send(
            user,
            f"mentorship:booking:{booking.pk}:rescheduled:{booking.sequence}:{user.pk}",
            title_for(user, _("Session moved to %(when)s"), when=context["when"]),
            "mentorship/notices/rescheduled.txt",
            context,
            _url(booking),
            kind="booking_moved",
            event_start=booking.start,
        )


def cancelled(booking):
    for user in (booking.mentee, booking.mentor):
        context = _booking_context(booking, user)
        context["by"] = booking.cancelled_by
        send(
            user,
            f"mentorship:booking:{booking.pk}:cancelled:{user.pk}",
            title_for(user, _("Session cancelled: %(when)s"), when=context["when"]),
            "mentorship/notices/cancelled.txt",
            context,
            _url(booking),
            kind="booking_cancelled",
            event_start=booking.start,
        )


def _about_proposal(proposal, user, event, title, template):
    booking = proposal.booking
    context = _booking_context(booking, user)
    context.update(proposal=proposal, new_when=when(proposal.start, user))
    key = f"mentorship:proposal:{proposal.pk}:{event}"
    send(user, key, title, template, context, _url(booking))


def proposed(proposal):
    booking, user = proposal.booking, proposal.booking.mentee
    _about_proposal(
        proposal,
        user,
        "proposed",
        title_for(user, _("%(name)s proposes a new time"), name=booking.mentor),
        "mentorship/notices/proposed.txt",
    )


def proposal_declined(proposal):
    booking, user = proposal.booking, proposal.booking.mentor
    _about_proposal(
        proposal,
        user,
        "declined",
        title_for(user, _("%(name)s kept the original time"), name=booking.mentee),
        "mentorship/notices/proposal_declined.txt",
    )


def reminder(row):
    booking, user = row.booking, row.recipient
    context = _booking_context(booking, user)
    context["schedule"] = getattr(booking.mentor.mentor_profile, "schedule", None)
    return send(
        user,
        f"mentorship:reminder:{booking.pk}:{user.pk}:{row.minutes_before}:{row.sequence}",
        title_for(user, _("Reminder: session at %(when)s"), when=context["when"]),
        "mentorship/notices/reminder.txt",
        context,
        _url(booking),
        kind="booking_reminder" if row.minutes_before <= SOON_MINUTES else "booking_reminder_day",
        event_start=booking.start,
    )


def assigned(assignment):
    for user in (assignment.mentee, assignment.mentor):
        other = assignment.mentor if user.pk == assignment.mentee_id else assignment.mentee
        send(
            user,
            f"mentorship:assignment:{assignment.pk}:{user.pk}",
            title_for(user, _("New mentoring pair: %(name)s"), name=other),
            "mentorship/notices/assigned.txt",
            {"assignment": assignment, "other": other, "as_mentor": user == assignment.mentor},
            reverse("mentorship:home"),
        )


def action_item(goal):
    user = goal.mentee
    send(
        user,
        f"mentorship:goal:{goal.pk}:created",
        title_for(user, _("New action item: %(title)s"), title=goal.title),
        "mentorship/notices/action_item.txt",
        {"goal": goal},
        reverse("mentorship:goal", args=[goal.pk]),
    )


def message_digest(user, count, names, last_id):
    return send(
        user,
        f"mentorship:digest:{user.pk}:{last_id}",
        title_for(user, _("Unread messages: %(count)s"), count=count),
        "mentorship/notices/digest.txt",
        {"count": count, "names": names},
        reverse("mentorship:threads"),
    )
