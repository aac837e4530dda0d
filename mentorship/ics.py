"""Calendar files of bookings (RFC 5545) built with ``icalendar``.

Each booking is one event whose UID never changes; SEQUENCE grows with every
reschedule or cancellation and STATUS says CONFIRMED or CANCELLED, so a
calendar that imported or subscribed to it updates the event in place.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event

from academy.calendars import display_alarm, host, new_calendar
from mentorship.models import BookingStatus

PRODID = "-//Shopkeeper Academy//Mentorship//ZH"


def uid(booking):
    return f"{booking.uid}@{host()}"


def _calendar(name):
    return new_calendar(name, PRODID)


def _event(booking, user, now):
    as_mentor = user.pk == booking.mentor_id
    other = booking.mentee if as_mentor else booking.mentor
    event = Event()
    event.add("uid", uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now)
    event.add("created", booking.created_at)
    event.add("last-modified", booking.updated_at)
    event.add("dtstart", booking.start)
    event.add("dtend", booking.end)
    cancelled = booking.status == BookingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    summary = _("One-on-one session with %(name)s") % {"name": other}
    event.add("summary", (_("Cancelled: ") + summary) if cancelled else summary)
    url = settings.SITE_URL + reverse("mentorship:booking", args=[booking.pk])
    event.add("url", url)
    lines = []
    if booking.agenda:
        lines.append(_("Agenda:") + " " + booking.agenda)
    schedule = getattr(getattr(booking.mentor, "mentor_profile", None), "schedule", None)
    if schedule is not None and not cancelled:
        location = schedule.get_meeting_method_display()
        if schedule.meeting_detail:
            location += f" · {schedule.meeting_detail}"
        event.add("location", location)
    lines.append(url)
    event.add("description", "\n".join(lines))
    if not cancelled:
        display_alarm(event, summary)
    return event


def booking_calendar(booking, user):
    """The .ics of one booking as ``user`` (mentor or mentee) sees it."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        calendar = _calendar(_("Shopkeeper Academy mentoring"))
        calendar.add_component(_event(booking, user, timezone.now()))
    return calendar.to_ical()


def feed_calendar(user, bookings):
    """A user's subscription feed: her sessions as mentor and as mentee."""
    now = timezone.now()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        calendar = _calendar(_("Shopkeeper Academy mentoring"))
        for booking in bookings:
            calendar.add_component(_event(booking, user, now))
    return calendar.to_ical()
