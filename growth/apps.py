from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    """Teams, share cards, shop results and the program's growth figures.

    Built on academy, courses and mentorship; none of them imports growth: it
    joins their pages through ``academy.sections`` and their use cases through
    ``academy.hooks``.
    """

    name = "growth"
    verbose_name = _("Growth")

    def ready(self):
        from academy import hooks, sections
        from growth.metrics import selectors as metrics
        from growth.metrics import services as metric_services
        from growth.sharecards import kinds
        from growth.sharecards import selectors as sharecards
        from growth.sharecards import services as sharecard_services
        from growth.sharecards import signals as sharecard_signals
        from growth.starleader import selectors as starleader
        from growth.teams import selectors as teams
        from growth.teams import services as team_services

        sharecard_signals.connect()
        hooks.register(hooks.TEAM_CHANGED, team_services.on_team_change)
        hooks.register(hooks.SHOP_VERIFIED, metric_services.attach_months)
        hooks.register(hooks.SHOP_VERIFIED, sharecard_services.credit_referral)
        hooks.register(hooks.SHOP_UNVERIFIED, metric_services.detach_months)
        hooks.register(hooks.SUGGEST_LEADER, sharecard_services.suggested_leader)
        kinds.register(
            starleader.GRADUATION,
            achievements=starleader.graduation_achievements,
            find=starleader.graduation_achievement,
        )
        metrics.add_milestone_source(starleader.cohort_milestones)
        register_notice_kinds()
        dashboard = [
            (15, "training_plan", "teams/dashboard_plan.html", teams.recruit_plan_context),
            (60, "team", "teams/dashboard_team.html", teams.leader_context),
            (65, "share_cards", "sharecards/dashboard_cards.html", sharecards.dashboard_context),
            (70, "shop_results", "metrics/dashboard_results.html", metrics.dashboard_context),
        ]
        for order, name, template, get_context in dashboard:
            sections.register(
                sections.DASHBOARD, name, f"growth/{template}", order=order, get_context=get_context
            )
        sections.register(
            sections.COHORT_STAFF,
            "cohort_results",
            "growth/starleader/results_link.html",
            order=50,
        )


def register_notice_kinds():
    """A team leader's reminder to a member: in the academy, on WeChat, by e-mail."""
    from academy.notices import kinds

    kinds.register_group(kinds.Group("team", _("Your team"), order=50))
    kinds.register(kinds.Kind("team_nudge", "team"))
