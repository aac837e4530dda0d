from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy")

    def ready(self):
        from allauth.account.signals import password_reset

        from academy import pagecache, ratelimits, sections, usercache, userpages, views

        # A reset link proves the owner: her account's wrong passwords are forgotten.
        password_reset.connect(ratelimits.unlock_account, dispatch_uid="academy-unlock-on-reset")
        pagecache.connect_signals()
        usercache.connect_signals()
        userpages.connect_signals()
        from academy.notices import delivery

        delivery.connect_signals()

        sections.register(
            sections.DASHBOARD,
            "profile",
            "academy/includes/dashboard_profile.html",
            order=10,
            get_context=views.dashboard_profile_context,
        )
