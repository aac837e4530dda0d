"""Queries shared by the courses' pages, the home page and the dashboard."""

from courses.models import TierPage


def home_tiers_context(request, **kwargs):
    return {"tiers": list(TierPage.objects.live().order_by("level"))}


def dashboard_learning_context(request, **kwargs):
    return {}
