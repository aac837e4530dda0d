from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from courses import admin_search

        admin_search.install()
        connect_page_signals()
        register_page_scopes()
        connect_media_signals()
        register_sections()
        register_notice_kinds()


def register_notice_kinds():
    """Learning and live-session notices; a live session about to start may go by SMS."""
    from academy.notices import kinds
    from courses.live.notices import LIVE_NEWS, LIVE_STARTING

    kinds.register_group(kinds.Group("learning", _("Learning progress"), order=40))
    kinds.register_group(kinds.Group("live", _("Live sessions"), order=20))
    kinds.register(kinds.Kind("course_progress", "learning"))
    kinds.register(
        kinds.Kind(
            LIVE_STARTING,
            "live",
            time_critical=True,
            channels=kinds.TIME_CRITICAL_CHANNELS,
            sms_params=kinds.params("name", "when"),
        )
    )
    kinds.register(kinds.Kind(LIVE_NEWS, "live"))


def register_page_scopes():
    """Which kept signed-in pages a learning row changes (see academy.userpages)."""
    from academy import userpages
    from courses.models import (
        Certificate,
        CourseTag,
        Enrolment,
        LessonProgress,
        LiveNoticeRun,
        LiveQuestion,
        LiveQuestionVote,
        LiveReplayView,
        LiveSessionState,
        LiveSignup,
        MediaStream,
        QuizAttempt,
        TierExemption,
    )

    learners_own = (Certificate, TierExemption, Enrolment, LessonProgress, QuizAttempt)
    for model in (*learners_own, LiveReplayView):
        userpages.register(model, userpages.users_of("user"))
    userpages.register(LiveSignup, lambda s: [userpages.user(s.user_id), "live"])
    userpages.register(LiveSessionState, lambda s: ["live"])
    # Questions and votes show on the live session's own page, which is not kept.
    userpages.register(LiveQuestion, userpages.users_of("author"))
    userpages.register(LiveQuestionVote, userpages.users_of("user"))
    userpages.register(CourseTag, lambda t: [userpages.CONTENT])
    # A finished conversion turns a lesson's file player into the HLS one.
    userpages.register(MediaStream, lambda s: [userpages.CONTENT])
    userpages.ignore(LiveNoticeRun)


def connect_page_signals():
    """Page changes rebuild the catalogue, attach the review workflow and plan live notices."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from courses import catalogue, workflow
    from courses.models import AcademyIndexPage, LiveSessionIndexPage, LiveSessionPage

    # Any page change rebuilds the cached catalogue of the academy.
    for signal in (post_save, post_delete, page_unpublished, post_page_move):
        signal.connect(catalogue.invalidate, dispatch_uid=f"courses_catalogue_{id(signal)}")
    # The academy and the live sessions are moderated the same way.
    for index_model in (AcademyIndexPage, LiveSessionIndexPage):
        post_save.connect(
            workflow.attach_new_academy_page,
            sender=index_model,
            dispatch_uid=f"courses_attach_review_workflow_{index_model.__name__}",
        )
    page_published.connect(
        live_schedule_changed, sender=LiveSessionPage, dispatch_uid="courses_live_schedule"
    )


def connect_media_signals():
    """Every upload of video or audio (lessons, replays) is converted to HLS."""
    from django.db.models.signals import post_delete, post_save
    from wagtailmedia.models import get_media_model

    from courses.models import MediaStream
    from courses.video import services

    post_save.connect(services.media_saved, sender=get_media_model(), dispatch_uid="courses_hls")
    post_delete.connect(
        services.stream_deleted, sender=MediaStream, dispatch_uid="courses_hls_delete"
    )


def register_sections():
    """What learning and live sessions add to the home page, 我的学习 and a mentee's page."""
    from academy import sections
    from courses import selectors
    from courses.live import selectors as live_selectors

    # Continue learning comes first, above the welcome and a team's training plan.
    for where in (sections.HOME_TOP, sections.DASHBOARD):
        sections.register(
            where,
            "continue",
            "courses/includes/continue_learning.html",
            order=5,
            get_context=selectors.continue_context,
        )
    sections.register(
        sections.HOME,
        "tiers",
        "courses/includes/home_tiers.html",
        order=10,
        get_context=selectors.home_tiers_context,
    )
    sections.register(
        sections.HOME,
        "live",
        "courses/includes/home_live.html",
        order=20,
        get_context=live_selectors.home_context,
    )
    sections.register(
        sections.DASHBOARD,
        "learning",
        "courses/includes/dashboard_learning.html",
        order=20,
        get_context=selectors.dashboard_learning_context,
    )
    sections.register(
        sections.DASHBOARD,
        "live",
        "courses/includes/dashboard_live.html",
        order=25,
        get_context=live_selectors.dashboard_context,
    )
    sections.register(
        sections.MENTEE,
        "learning",
        "courses/includes/mentee_learning.html",
        order=20,
        get_context=selectors.mentee_learning_context,
    )


def live_schedule_changed(sender, instance, **kwargs):
    """A published live session plans its reminders, or tells everyone it moved."""
    from courses.live import services

    services.sync_schedule(instance)
