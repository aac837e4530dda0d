from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self):
        from academy import sections
        from mentorship import selectors
        from mentorship.starleader import selectors as starleader

        sections.register(
            sections.HOME,
            "star_leader",
            "mentorship/includes/home_star_leader.html",
            order=30,
            get_context=starleader.home_context,
        )
        sections.register(
            sections.DASHBOARD,
            "mentoring",
            "mentorship/includes/dashboard.html",
            order=30,
            get_context=selectors.dashboard_context,
        )
