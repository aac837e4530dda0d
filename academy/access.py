"""Server-side guards shared by every app: staff-only views and admin menu items.

Each domain names its own checks for what they mean (``can_manage_mentoring``,
``can_view_growth_reports``…); these helpers only apply one.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from wagtail.admin.menu import MenuItem


def staff_required(check):
    """A view for staff: anonymous people are sent to sign in, others without ``check`` get 403.

    ``check`` is a function of the user (``@staff_required(access.can_manage_mentoring)``).
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def has_permission(permission):
    """A check that the signed-in user holds ``permission`` ("app_label.codename")."""

    def check(user):
        return user.is_authenticated and user.has_perm(permission)

    return check


class PermissionMenuItem(MenuItem):
    """An admin menu item shown only to those who pass ``check`` (a function of the user)."""

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)
