"""The mentorship staff pages in the Wagtail admin menu, for those allowed to see them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from academy.access import PermissionMenuItem
from mentorship import access


@hooks.register("register_admin_menu_item")
def register_mentoring_menu_item():
    return PermissionMenuItem(
        _("Mentoring report"),
        reverse("mentorship:staff"),
        check=access.can_manage_mentoring,
        icon_name="group",
        order=900,
    )


# The Star Leader Program registers its own admin views.
from mentorship.starleader import wagtail_hooks as starleader_hooks  # noqa: E402, F401
