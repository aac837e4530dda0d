"""Every refusal in mentorship has the academy's one shape: a readable message and a code."""

import pytest

from academy.errors import DomainError
from mentorship import errors
from mentorship.starleader.errors import CohortError

ERRORS = [
    errors.MentorshipError,
    errors.BookingError,
    errors.NotAllowed,
    errors.AssignmentError,
    errors.FollowUpError,
    CohortError,
]


@pytest.mark.parametrize("error_class", ERRORS)
def test_every_mentorship_error_is_a_domain_error_with_message_and_code(error_class):
    error = error_class("Nope.", "nope")

    assert isinstance(error, DomainError)
    assert isinstance(error, errors.MentorshipError)
    assert (error.message, error.code, str(error)) == ("Nope.", "nope", "Nope.")


def test_not_allowed_without_a_message_says_the_mentor_cannot_be_booked():
    error = errors.NotAllowed()

    assert error.code == "not_allowed"
    assert error.message == errors.NotAllowed.default_message


def test_a_refused_time_carries_the_reason_as_its_code():
    error = errors.slot_taken()

    assert isinstance(error, errors.BookingError)
    assert error.code == "taken"
