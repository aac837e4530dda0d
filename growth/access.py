"""Who may see growth's figures: program staff's reports, and a shopkeeper's sales."""

from django.utils import timezone

from academy import roles
from academy.access import has_permission
from mentorship import policies

VIEW_REPORTS = "growth.view_growth_reports"
IMPORT_METRICS = "growth.import_shop_metrics"

# Shop results, comparisons and top sharers across every shopkeeper.
can_view_growth_reports = has_permission(VIEW_REPORTS)
can_import_shop_metrics = has_permission(IMPORT_METRICS)


def can_see_sales(viewer, shopkeeper):
    """The shopkeeper, her mentor while assigned to her, and program staff.

    Never team leaders or other mentors.
    """
    if not viewer.is_authenticated:
        return False
    if viewer.pk == shopkeeper.pk or can_view_growth_reports(viewer):
        return True
    if not roles.has_role(viewer, roles.MENTOR):
        return False
    today = timezone.localdate()
    return policies.active_assignments(on=today).filter(mentor=viewer, mentee=shopkeeper).exists()
