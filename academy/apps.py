from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy")

    def ready(self):
        from allauth.account.signals import password_reset

        from academy import pagecache, ratelimits, sections, usercache, views
        from academy.metrics import selectors as metrics
        from academy.sharecards import selectors as sharecards
        from academy.sharecards import signals as sharecard_signals
        from academy.teams import selectors as teams
        from academy.teams import signals as team_signals

        # A reset link proves the owner: her account's wrong passwords are forgotten.
        password_reset.connect(ratelimits.unlock_account, dispatch_uid="academy-unlock-on-reset")
        pagecache.connect_signals()
        usercache.connect_signals()
        team_signals.connect()
        sharecard_signals.connect()

        sections.register(
            sections.DASHBOARD,
            "profile",
            "academy/includes/dashboard_profile.html",
            order=10,
            get_context=views.dashboard_profile_context,
        )
        sections.register(
            sections.DASHBOARD,
            "training_plan",
            "academy/teams/dashboard_plan.html",
            order=15,
            get_context=teams.recruit_plan_context,
        )
        sections.register(
            sections.DASHBOARD,
            "team",
            "academy/teams/dashboard_team.html",
            order=60,
            get_context=teams.leader_context,
        )
        sections.register(
            sections.DASHBOARD,
            "share_cards",
            "academy/sharecards/dashboard_cards.html",
            order=65,
            get_context=sharecards.dashboard_context,
        )
        sections.register(
            sections.DASHBOARD,
            "shop_results",
            "academy/metrics/dashboard_results.html",
            order=70,
            get_context=metrics.dashboard_context,
        )
