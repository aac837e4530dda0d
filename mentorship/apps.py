from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self):
        register_notice_kinds()
        register_page_scopes()
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


def register_page_scopes():
    """Which kept signed-in pages a mentoring row changes (see academy.userpages).

    A booking changes both people's pages and the mentor's free slots; hours and
    days off change the mentor's slot picker (``mentor:<profile id>``); a cohort's
    rows change its page (``cohort:<id>``) and, for its dates, the home page.
    """
    from academy import userpages
    from mentorship.models import (
        ActionPlan,
        Application,
        ApplicationEvent,
        Attendance,
        AvailabilityOverride,
        AvailabilityRule,
        Booking,
        BookingEvent,
        CalendarFeed,
        CheckInCode,
        ClassSession,
        Cohort,
        Feedback,
        Goal,
        GoalComment,
        GoalUpdate,
        MentorAssignment,
        MentorSchedule,
        Message,
        Reminder,
        RescheduleProposal,
        SessionNote,
        Thread,
    )

    user = userpages.user
    pair = userpages.users_of("mentor", "mentee")
    for model in (MentorAssignment, Booking, Thread):
        userpages.register(model, pair)
    for model in (BookingEvent, RescheduleProposal, SessionNote):
        userpages.register(model, userpages.via("booking", pair))
    userpages.register(Message, userpages.via("thread", pair))
    # Reminders are the outbox of booking notices; no page shows them.
    userpages.ignore(Reminder)
    userpages.register(Goal, userpages.users_of("mentee", "created_by"))
    for model in (GoalUpdate, GoalComment):
        userpages.register(model, userpages.via("goal", userpages.users_of("mentee")))
    userpages.register(CalendarFeed, userpages.users_of("user"))
    userpages.register(MentorSchedule, lambda s: [f"mentor:{s.mentor_id}"])
    hours = userpages.via("schedule", lambda s: [f"mentor:{s.mentor_id}"])
    for model in (AvailabilityRule, AvailabilityOverride):
        userpages.register(model, hours)
    userpages.register(Cohort, lambda c: [f"cohort:{c.pk}", "cohorts"])
    userpages.register(
        ClassSession, lambda s: [f"cohort:{s.cohort_id}", "cohorts", user(s.mentor_id)]
    )
    userpages.register(Application, lambda a: [f"cohort:{a.cohort_id}", user(a.applicant_id)])
    application = userpages.via("application", _application_scopes)
    for model in (ApplicationEvent, Attendance, ActionPlan, Feedback):
        userpages.register(model, application)
    userpages.register(CheckInCode, userpages.via("session", lambda s: [f"cohort:{s.cohort_id}"]))


def _application_scopes(application):
    from academy import userpages

    return [f"cohort:{application.cohort_id}", userpages.user(application.applicant_id)]


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
