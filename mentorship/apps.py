from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self):
        from academy import sections

        sections.register(
            sections.HOME, "star_leader", "mentorship/includes/home_star_leader.html", order=30
        )
