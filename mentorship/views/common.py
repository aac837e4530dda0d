"""What every mentorship page needs: the mentor check and object lookups that 404."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from mentorship import access
from mentorship.errors import NotAllowed


def mentor_required(view):
    """Mentors only (403 otherwise); the view gets ``request.mentor_profile``."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = access.mentor_profile(request.user)
        if profile is None:
            raise PermissionDenied
        request.mentor_profile = profile
        return view(request, *args, **kwargs)

    return wrapper


def booking_of(user, pk, *, lock_related=True):
    """A booking the user takes part in, else 404 (never 403: no hint that it exists)."""
    qs = access.bookings_visible_to(user)
    if lock_related:
        qs = qs.select_related(
            "mentor__mentor_profile__schedule", "mentee__shopkeeper_profile", "assignment"
        )
    return get_object_or_404(qs, pk=pk)


def error_status(error):
    """409 when the time was taken, 403 when this mentee may not book this mentor, else 400."""
    if isinstance(error, NotAllowed):
        return 403
    return 409 if error.code in {"taken", "mentee_busy"} else 400


def first_error(form):
    for errors in form.errors.values():
        return errors[0]
    return ""
