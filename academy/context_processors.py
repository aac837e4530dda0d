from functools import cache

from academy import roles, usercache
from academy.models import Notification


def academy(request):
    """Roles and the unread count, evaluated only by templates that use them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"academy_roles": frozenset(), "unread_notifications": 0}

    @cache
    def unread():
        return usercache.get(
            "unread",
            user.pk,
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count(),
        )

    return {"academy_roles": lambda: roles.role_names(user), "unread_notifications": unread}
