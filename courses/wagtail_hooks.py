"""Admin of the online academy: the course listing with counts and a progress export,
tier exemptions, video conversions, and the protection of lesson files on Wagtail's own
document URL."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseForbidden
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import PageStatusColumn, PageTitleColumn, ParentPageColumn
from wagtail.admin.views.generic import CreateView
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Page, ReferenceIndex, WorkflowState
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from academy import roles
from academy.access import PermissionMenuItem
from academy.models import MentorProfile, User
from courses import access, admin_views, selectors, services
from courses.live import services as live_services
from courses.models import (
    Certificate,
    CoursePage,
    LessonPage,
    LiveSessionPage,
    TierExemption,
    TierPage,
)
from courses.video import admin as video_admin


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Certificates are issued by the academy, never written by hand in the admin."""

    READ_ACTIONS = {"view"}

    def user_has_permission(self, user, action):
        return action in self.READ_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) & self.READ_ACTIONS)


# Wagtail 8: a model's permission policy is registered before its viewset.
register_permission_policy(TierExemption)
register_permission_policy(Certificate, ReadOnlyPermissionPolicy(Certificate))


# --- course listing ---------------------------------------------------------------------


class CourseFilterSet(WagtailFilterSet):
    tier = django_filters.ModelChoiceFilter(
        label=_("Tier"),
        queryset=TierPage.objects.order_by("level"),
        method="filter_tier",
        empty_label=_("All tiers"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            ("live", _("Published")),
            ("draft", _("Draft")),
            ("in_moderation", _("Waiting for approval")),
        ],
        method="filter_status",
        empty_label=_("Any status"),
    )
    instructor = django_filters.ModelChoiceFilter(
        label=_("Instructor"),
        queryset=MentorProfile.objects.select_related("user").order_by("user__display_name"),
        empty_label=_("Any instructor"),
    )

    class Meta:
        model = CoursePage
        fields = []

    def filter_tier(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path, depth=value.depth + 1)

    def filter_status(self, queryset, name, value):
        if value == "live":
            return queryset.filter(live=True)
        if value == "draft":
            return queryset.filter(live=False)
        page_type = ContentType.objects.get_for_model(Page)
        ids = [
            int(object_id)
            for object_id in WorkflowState.objects.active()
            .filter(base_content_type=page_type)
            .values_list("object_id", flat=True)
        ]
        return queryset.filter(pk__in=ids)


class CourseIndexView(PageIndexView):
    """Courses with their enrolment and completion counts (one extra query per page)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        courses = list(context["object_list"])
        counts = selectors.course_counts([c.pk for c in courses])
        for course in courses:
            course.enrolment_count, course.completion_count = counts.get(course.pk, (0, 0))
        return context


def _export_link(course):
    if not getattr(course, "enrolment_count", 0):
        return "—"
    return format_html(
        '<a href="{}">{}</a>',
        reverse("courses_admin_progress_csv", args=[course.pk]),
        _("CSV"),
    )


class CourseListingViewSet(PageListingViewSet):
    model = CoursePage
    index_view_class = CourseIndexView
    icon = "graduation-cap"
    menu_label = _("Courses")
    menu_order = 150
    add_to_admin_menu = True
    name = "course_listing"
    filterset_class = CourseFilterSet
    columns = [
        PageTitleColumn("title", label=_("Title"), sort_key="title", classname="title"),
        ParentPageColumn("parent", label=_("Tier")),
        Column("instructor", label=_("Instructor")),
        PageStatusColumn("status", label=_("Status"), sort_key="live"),
        Column("enrolment_count", label=_("Enrolled")),
        Column("completion_count", label=_("Completed")),
        Column("export", label=_("Learners' progress"), accessor=_export_link),
    ]


@hooks.register("register_admin_viewset")
def register_course_listing():
    return CourseListingViewSet()


@hooks.register("register_admin_urls")
def register_course_admin_urls():
    return [
        path(
            "courses/<int:course_id>/progress.csv",
            admin_views.progress_csv,
            name="courses_admin_progress_csv",
        ),
        path(
            "courses/video-conversions/",
            video_admin.conversions,
            name="courses_admin_video_conversions",
        ),
        path(
            "courses/video-conversions/<int:stream_id>/retry/",
            video_admin.retry,
            name="courses_admin_video_retry",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_video_conversions_menu_item():
    return PermissionMenuItem(
        _("Video conversions"),
        reverse("courses_admin_video_conversions"),
        check=video_admin.can_follow,
        icon_name="media",
        order=305,
    )


# --- tier exemptions ---------------------------------------------------------------------


class TierExemptionForm(WagtailAdminModelForm):
    email = forms.EmailField(label=_("Learner's e-mail address"))

    class Meta:
        model = TierExemption
        fields = ["tier", "reason"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        self.learner = user
        return email

    def clean(self):
        cleaned = super().clean()
        learner, tier = getattr(self, "learner", None), cleaned.get("tier")
        if learner and tier and TierExemption.objects.filter(user=learner, tier=tier).exists():
            raise forms.ValidationError(_("This learner already has an exception for this tier."))
        return cleaned


class TierExemptionCreateView(CreateView):
    def save_instance(self):
        exemption, _created = services.grant_exemption(
            self.form.learner,
            self.form.cleaned_data["tier"],
            reason=self.form.cleaned_data["reason"],
            granted_by=self.request.user,
        )
        return exemption


class TierExemptionViewSet(ModelViewSet):
    model = TierExemption
    icon = "lock-open"
    menu_label = _("Tier exceptions")
    menu_order = 160
    add_to_admin_menu = True
    name = "tier_exemptions"
    add_view_class = TierExemptionCreateView
    list_display = ["user", "tier", "reason", "granted_by", "granted_at"]
    list_filter = ["tier"]
    search_fields = ["user__email", "user__display_name", "reason"]
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return TierExemptionForm


@hooks.register("register_admin_viewset")
def register_tier_exemptions():
    return TierExemptionViewSet()


# --- certificates (read-only) ------------------------------------------------------------


def _verification_link(certificate):
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        certificate.get_absolute_url(),
        certificate.code,
    )


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Certificates")
    menu_order = 170
    add_to_admin_menu = True
    name = "certificates"
    form_fields = ["title"]
    list_display = [
        "holder_name",
        "title",
        "kind",
        "issued_at",
        Column("code", label=_("verification code"), accessor=_verification_link),
    ]
    list_filter = ["kind", "issued_at"]
    search_fields = ["holder_name", "title", "code", "user__email"]
    inspect_view_enabled = True
    inspect_view_fields = ["holder_name", "title", "kind", "issued_at", "code", "pdf_generated_at"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_certificates():
    return CertificateViewSet()


# --- lesson documents on Wagtail's /documents/ URL ---------------------------------------


def _referencing_ids(document, model):
    content_type = ContentType.objects.get_for_model(model)
    return [
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(content_type=content_type)
        .values_list("object_id", flat=True)
    ]


@hooks.register("before_serve_document")
def protect_lesson_documents(document, request):
    """A document used by a lesson (or live-session materials) is served only to those
    who may study that lesson (or see that session's tier)."""
    lesson_ids = _referencing_ids(document, LessonPage)
    live_ids = _referencing_ids(document, LiveSessionPage)
    if not lesson_ids and not live_ids:
        return None
    for lesson in LessonPage.objects.filter(pk__in=lesson_ids).live():
        outcome, _reason = access.check_study(request.user, lesson.get_course())
        if outcome == access.ALLOW:
            return None
    if request.user.is_authenticated:
        for session in LiveSessionPage.objects.filter(pk__in=live_ids).live():
            if not live_services.tier_lock_reason(request.user, session):
                return None
    if roles.has_staff_role(request.user):
        return None
    return HttpResponseForbidden(_("This file belongs to a lesson you cannot open."))


# --- live sessions ----------------------------------------------------------------------


@hooks.register("register_admin_menu_item")
def register_live_report_menu_item():
    return PermissionMenuItem(
        _("Live sessions: sign-ups and attendance"),
        reverse("courses:live_staff"),
        check=roles.has_staff_role,
        icon_name="media",
        order=910,
    )
