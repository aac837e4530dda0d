"""Calendar files (RFC 5545) shared by the programs, built with ``icalendar``.

Events keep one UID for life and raise SEQUENCE on every change, so a calendar
that imported or subscribed to them updates them in place.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Alarm, Calendar

PRODID = "-//Shopkeeper Academy//Academy//ZH"


def host():
    """The host part of event UIDs: the academy's own address."""
    return urlsplit(settings.SITE_URL).hostname or "academy.local"


def new_calendar(name, prodid=PRODID):
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Subscribed calendars poll hourly at most.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar


def display_alarm(event, summary, minutes=15):
    """A pop-up ``minutes`` before the event."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(minutes=-minutes))
    event.add_component(alarm)
