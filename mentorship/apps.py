from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self):
        register_notice_kinds()
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


def register_notice_kinds():
    """Bookings and the Star Leader offer are time-critical (SMS allowed); the rest is not."""
    from academy.notices import kinds

    kinds.register_group(kinds.Group("bookings", _("Mentoring sessions"), order=10))
    kinds.register_group(kinds.Group("mentoring", _("Mentoring messages and goals"), order=30))
    kinds.register_group(kinds.Group("star_leader", _("Star Leader Program"), order=35))
    for name in ("booking_confirmed", "booking_moved", "booking_cancelled", "booking_reminder"):
        kinds.register(
            kinds.Kind(
                name,
                "bookings",
                time_critical=True,
                channels=kinds.TIME_CRITICAL_CHANNELS,
                sms_params=kinds.params("name", "when"),
            )
        )
    kinds.register(kinds.Kind("booking_reminder_day", "bookings"))
    kinds.register(kinds.Kind("mentoring_update", "mentoring"))
    kinds.register(
        kinds.Kind(
            "offer_expiring",
            "star_leader",
            time_critical=True,
            channels=kinds.TIME_CRITICAL_CHANNELS,
            sms_params=kinds.params("when"),
            wechat_data=kinds.fields(first="title", keyword1="name", keyword2="when"),
        )
    )
    kinds.register(kinds.Kind("star_leader", "star_leader"))
