"""The Star Leader Program in the Wagtail admin: cohorts with their curriculum, staff pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from academy.access import PermissionMenuItem
from mentorship.starleader import access
from mentorship.starleader.models import Cohort

# Wagtail 8: a model's permission policy is registered before its viewset.
register_permission_policy(Cohort)


class CohortInspectView(InspectView):
    """A cohort's fields in words: 是/否 for a yes-no field and — for an empty one."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return "—" if value is None else value


class CohortViewSet(ModelViewSet):
    """Program staff create cohorts and lay out their curriculum (class sessions inline)."""

    model = Cohort
    icon = "group"
    menu_label = _("Star Leader cohorts")
    menu_order = 910
    add_to_admin_menu = True
    name = "cohorts"
    list_display = ["__str__", "city", "classes_start_on", "capacity", "applications_close_at"]
    search_fields = ["name", "city", "venue"]
    inspect_view_enabled = True
    inspect_view_class = CohortInspectView


@hooks.register("register_admin_viewset")
def register_cohort_viewset():
    return CohortViewSet()


@hooks.register("register_admin_menu_item")
def register_cohort_dashboard_menu_item():
    return PermissionMenuItem(
        _("Star Leader dashboard"),
        reverse("mentorship:starleader:staff"),
        check=access.can_run_cohorts,
        icon_name="table",
        order=905,
    )
