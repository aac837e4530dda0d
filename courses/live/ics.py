"""The calendar file of a live session: one event whose UID never changes.

SEQUENCE is the session's schedule revision, so re-importing the file after
the session moved updates the event instead of adding a second one.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from academy.calendars import display_alarm, host, new_calendar

PRODID = "-//Shopkeeper Academy//Live sessions//ZH"


def uid(session):
    return f"live-session-{session.pk}@{host()}"


def site_url(page):
    """The page's address on the academy's configured site URL, never the request's Host."""
    path = urlsplit(page.get_url() or "/").path
    return f"{settings.SITE_URL}{path}"


def session_calendar(request, session):
    """The .ics bytes of ``session`` in the visitor's language."""
    state = getattr(session, "state", None) if hasattr(session, "state") else None
    calendar = new_calendar(_("Shopkeeper Academy live sessions"), PRODID)
    event = Event()
    event.add("uid", uid(session))
    event.add("sequence", state.sequence if state else 0)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    summary = _("Live session: %(title)s") % {"title": session.title}
    event.add("summary", summary)
    url = site_url(session)
    event.add("url", url)
    lines = [session.summary]
    if session.mentor_id:
        lines.append(_("Star mentor: %(name)s") % {"name": session.mentor.user})
    lines.append(_("Join from the session page when it starts:") + " " + url)
    event.add("description", "\n".join(lines))
    if not session.cancelled:
        display_alarm(event, summary)
    calendar.add_component(event)
    return calendar.to_ical()
