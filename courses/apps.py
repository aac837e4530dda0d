from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from academy import sections
        from courses import selectors

        sections.register(
            sections.HOME,
            "tiers",
            "courses/includes/home_tiers.html",
            order=10,
            get_context=selectors.home_tiers_context,
        )
        sections.register(sections.HOME, "live", "courses/includes/home_live.html", order=20)
        sections.register(
            sections.DASHBOARD,
            "learning",
            "courses/includes/dashboard_learning.html",
            order=20,
            get_context=selectors.dashboard_learning_context,
        )
