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
        register_page_scopes()
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


def register_page_scopes():
    """Which kept signed-in pages a growth row changes (see academy.userpages).

    Plans, nudges and shop results show on the dashboards of the people their
    profiles belong to: the leader's and her recruits'.
    """
    from academy import userpages
    from growth.metrics.models import ShopMetricImport, ShopMonth
    from growth.sharecards.models import Referral, ReferralCode, ReferralVisit
    from growth.teams.models import Nudge, PlanAssignment, PlanItem, TrainingPlan

    userpages.register(ShopMonth, lambda m: _profile_users(m.profile_id))
    userpages.ignore(ShopMetricImport)
    userpages.register(ReferralCode, userpages.users_of("user"))
    userpages.register(ReferralVisit, userpages.via("code", userpages.users_of("user")))
    userpages.register(Referral, userpages.users_of("sharer", "user"))
    userpages.register(TrainingPlan, _plan_scopes)
    userpages.register(PlanItem, userpages.via("plan", _plan_scopes))
    userpages.register(
        PlanAssignment, lambda a: [*_profile_users(a.member_id), *_plan_scopes_of(a.plan_id)]
    )
    userpages.register(Nudge, lambda n: _profile_users(n.leader_id, n.member_id))


def _profile_users(*profile_ids):
    from academy import userpages
    from academy.models import ShopkeeperProfile

    ids = [i for i in profile_ids if i]
    if not ids:
        return []
    users = ShopkeeperProfile.objects.filter(pk__in=ids).values_list("user_id", flat=True)
    return [userpages.user(u) for u in users]


def _plan_scopes(plan):
    """The leader's pages and those of every recruit following her plan."""
    from growth.teams.models import PlanAssignment

    members = PlanAssignment.objects.filter(plan_id=plan.pk).values_list("member_id", flat=True)
    return _profile_users(plan.leader_id, *members)


def _plan_scopes_of(plan_id):
    from growth.teams.models import TrainingPlan

    plan = TrainingPlan.objects.filter(pk=plan_id).first()
    return _profile_users(plan.leader_id) if plan else []


def register_notice_kinds():
    """A team leader's reminder to a member: in the academy, on WeChat, by e-mail."""
    from academy.notices import kinds

    kinds.register_group(kinds.Group("team", _("Your team"), order=50))
    kinds.register(kinds.Kind("team_nudge", "team"))
