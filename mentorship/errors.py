"""Domain errors of mentorship, each with a message the user can read."""

from django.utils.translation import gettext_lazy as _

from mentorship.slots import Refusal


class MentorshipError(Exception):
    """A refused request; ``message`` is translated, ``code`` is for callers and tests."""

    def __init__(self, message, code="invalid"):
        super().__init__(str(message))
        self.message = message
        self.code = code


class BookingError(MentorshipError):
    pass


class NotAllowed(BookingError):
    def __init__(self, message=None, code="not_allowed"):
        super().__init__(message or _("You cannot book this mentor."), code)


REFUSAL_MESSAGES = {
    Refusal.LENGTH: _("This mentor does not offer sessions of that length."),
    Refusal.PAST: _("That time has already passed. Please pick another time."),
    Refusal.NOTICE: _(
        "That time is too soon: this mentor needs more notice. Please pick a later time."
    ),
    Refusal.HORIZON: _("That time is too far ahead: this mentor cannot be booked that early."),
    Refusal.PERIOD: _("That day is outside your mentoring period with this mentor."),
    Refusal.OUTSIDE_HOURS: _("That time is outside the mentor's available hours."),
    Refusal.NOT_OFFERED: _(
        "That is not one of the times the mentor offers. Please pick a time from the list."
    ),
    Refusal.TAKEN: _("Sorry, this time was just taken. Please pick another time."),
    Refusal.MENTEE_BUSY: _("You already have a session at that time."),
    Refusal.DAILY_LIMIT: _("The mentor is fully booked that day. Please pick another day."),
    Refusal.WEEKLY_LIMIT: _(
        "You have reached this mentor's limit of sessions per week for that week."
    ),
    Refusal.SESSION_LIMIT: _("You have used all sessions of your mentoring period."),
}


def refused(reason):
    return BookingError(REFUSAL_MESSAGES[reason], reason.value)


def slot_taken():
    return refused(Refusal.TAKEN)
