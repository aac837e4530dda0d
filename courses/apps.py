from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_unpublished, post_page_move

        from academy import sections
        from courses import catalogue, selectors, workflow
        from courses.models import AcademyIndexPage

        # Any page change rebuilds the cached catalogue of the academy.
        for signal in (post_save, post_delete, page_unpublished, post_page_move):
            signal.connect(catalogue.invalidate, dispatch_uid=f"courses_catalogue_{id(signal)}")
        post_save.connect(
            workflow.attach_new_academy_page,
            sender=AcademyIndexPage,
            dispatch_uid="courses_attach_review_workflow",
        )
        sections.register(
            sections.HOME,
            "tiers",
            "courses/includes/home_tiers.html",
            order=10,
            get_context=selectors.home_tiers_context,
        )
        sections.register(sections.HOME, "live", "courses/includes/home_live.html", order=20)
        sections.register(
            sections.DASHBOARD,
            "learning",
            "courses/includes/dashboard_learning.html",
            order=20,
            get_context=selectors.dashboard_learning_context,
        )
        sections.register(
            sections.MENTEE,
            "learning",
            "courses/includes/mentee_learning.html",
            order=20,
            get_context=selectors.mentee_learning_context,
        )
