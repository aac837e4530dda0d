"""Domain errors of the Star Leader Program."""

from mentorship.errors import MentorshipError


class CohortError(MentorshipError):
    """A refused Star Leader request (application, seat, class, plan): nothing was changed."""
