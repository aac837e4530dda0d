from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy")

    def ready(self):
        from academy import pagecache, sections, usercache, views

        pagecache.connect_signals()
        usercache.connect_signals()

        sections.register(
            sections.DASHBOARD,
            "profile",
            "academy/includes/dashboard_profile.html",
            order=10,
            get_context=views.dashboard_profile_context,
        )
