"""Program staff pages of the Star Leader Program: dashboard, decisions, classes, experts.

Every view needs ``mentorship.manage_cohorts`` (403 otherwise). Cohorts and their
curriculum are edited in the Wagtail admin (``wagtail_hooks``).
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy import sections
from academy.access import staff_required
from academy.exports import csv_response
from courses.certificates import qr_data_uri
from mentorship.starleader import access, guidance, selectors, services
from mentorship.starleader.errors import CohortError
from mentorship.starleader.forms import AssignExpertForm, DecisionForm
from mentorship.starleader.models import (
    Application,
    Attendance,
    ClassSession,
    Cohort,
    Status,
)


@staff_required(access.can_run_cohorts)
def cohorts(request):
    return render(
        request,
        "mentorship/starleader/staff/cohorts.html",
        {"cohorts": selectors.staff_cohorts()},
    )


@staff_required(access.can_run_cohorts)
def dashboard(request, pk):
    """Applications by status, attendance per class, guidance and goals per member, graduation."""
    cohort = get_object_or_404(Cohort, pk=pk)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    return render(
        request,
        "mentorship/starleader/staff/dashboard.html",
        {
            "cohort": cohort,
            "counts": selectors.status_counts(cohort),
            "status": status,
            "applications": selectors.applications(cohort, status)[:500],
            "sessions": selectors.sessions_with_attendance(cohort),
            "members": selectors.member_rows(cohort),
            "seats_left": selectors.seats_left(cohort),
            "exports": selectors.EXPORTS,
            "actions": sections.render_context(sections.COHORT_STAFF, request, cohort=cohort),
        },
    )


@staff_required(access.can_run_cohorts)
def export(request, pk, name):
    cohort = get_object_or_404(Cohort, pk=pk)
    table = selectors.export(cohort, name)
    if table is None:
        raise Http404
    return cohort_csv_response(cohort, name, *table)


def cohort_csv_response(cohort, name, header, rows):
    """A cohort's table as a CSV download named after the cohort, the table and today."""
    filename = f"cohort-{cohort.number}-{name}-{timezone.localdate():%Y%m%d}.csv"
    return csv_response(filename, header, rows)


DECISIONS = {
    "admit": lambda a, by, reason: services.admit(a, by, reason=reason),
    "waitlist": lambda a, by, reason: services.put_on_waitlist(a, by, reason=reason),
    "reject": lambda a, by, reason: services.reject(a, by, reason=reason),
    "withdraw": lambda a, by, reason: services.withdraw(a, by, reason=reason),
    "graduate": lambda a, by, reason: guidance.graduate(a, by),
}


@staff_required(access.can_run_cohorts)
@require_POST
def decide(request, pk):
    """Admit, waitlist, reject, withdraw or graduate one application, with a reason."""
    application = get_object_or_404(Application.objects.select_related("cohort"), pk=pk)
    form = DecisionForm(request.POST)
    back = request.POST.get("next") or reverse(
        "mentorship:starleader:member", args=[application.pk]
    )
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("mentorship:starleader:member", args=[application.pk])
    if not form.is_valid():
        messages.error(request, _("Please choose a decision."))
        return redirect(back)
    try:
        DECISIONS[form.cleaned_data["action"]](
            application, request.user, form.cleaned_data["reason"]
        )
    except CohortError as exc:
        messages.error(request, exc.message)
    else:
        application.refresh_from_db()
        messages.success(
            request,
            _("%(name)s: %(status)s. The applicant has been notified.")
            % {"name": application.applicant, "status": application.get_status_display()},
        )
    return redirect(back)


@staff_required(access.can_run_cohorts)
def session(request, pk):
    """A class in the room: the check-in code and its QR code, and attendance by list."""
    session = get_object_or_404(ClassSession.objects.select_related("cohort", "mentor"), pk=pk)
    if request.method == "POST":
        if request.POST.get("action") == "rotate":
            services.rotate_code(session, request.user)
            messages.success(
                request, _("A new check-in code is shown; the previous one no longer works.")
            )
        else:
            ids = [i for i in request.POST.getlist("present") if i.isdigit()]
            services.take_attendance(session, request.user, ids)
            messages.success(request, _("Attendance saved."))
        return redirect("mentorship:starleader:session", session.pk)
    code = services.current_code(session)
    qr = None
    if code is not None:
        link = f"{settings.SITE_URL}{reverse('mentorship:starleader:check_in')}?code={code.code}"
        qr = qr_data_uri(link)
    members = list(
        Application.objects.filter(
            cohort_id=session.cohort_id, status__in=[Status.CONFIRMED, Status.ATTENDING]
        )
        .select_related("applicant")
        .order_by("applicant__display_name", "id")
    )
    present = dict(
        Attendance.objects.filter(session=session).values_list("application_id", "method")
    )
    return render(
        request,
        "mentorship/starleader/staff/session.html",
        {
            "session": session,
            "cohort": session.cohort,
            "code": code,
            "qr": qr,
            "rows": [(m, present.get(m.pk)) for m in members],
            "present_count": sum(1 for m in members if m.pk in present),
        },
    )


@staff_required(access.can_run_cohorts)
def experts(request, pk):
    """Pair members with guidance experts: one by hand, or everyone left automatically."""
    cohort = get_object_or_404(Cohort, pk=pk)
    members = Application.objects.filter(
        cohort=cohort, status__in=guidance.ASSIGNABLE
    ).select_related("applicant")
    form = AssignExpertForm(request.POST or None, members=members)
    if request.method == "POST":
        if request.POST.get("action") == "auto":
            done, left = guidance.auto_assign(cohort, request.user)
            messages.success(
                request,
                _("%(done)s members paired automatically; %(left)s still without an expert.")
                % {"done": len(done), "left": len(left)},
            )
            return redirect("mentorship:starleader:experts", cohort.pk)
        if form.is_valid():
            try:
                guidance.assign_expert(
                    form.cleaned_data["application"], form.cleaned_data["expert"].user, request.user
                )
            except CohortError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Expert assigned; both have been notified."))
                return redirect("mentorship:starleader:experts", cohort.pk)
    pairs = guidance.held_per_member(cohort)
    return render(
        request,
        "mentorship/starleader/staff/experts.html",
        {
            "cohort": cohort,
            "form": form,
            "rows": [(m, pairs.get(m.applicant_id)) for m in members.order_by("created_at", "id")],
        },
        status=400 if form.errors else 200,
    )


@staff_required(access.can_run_cohorts)
def graduate_all(request, pk):
    """Graduate the members who meet the rules, after staff saw who they are."""
    cohort = get_object_or_404(Cohort, pk=pk)
    if request.method == "POST":
        only = [int(i) for i in request.POST.getlist("application") if i.isdigit()]
        graduated, waiting = guidance.graduate_all(cohort, request.user, only=only)
        messages.success(
            request,
            _("%(done)s members graduated; %(left)s do not meet the rules yet.")
            % {"done": len(graduated), "left": len(waiting)},
        )
        return redirect("mentorship:starleader:dashboard", cohort.pk)
    ready, waiting = guidance.graduation_preview(cohort)
    return render(
        request,
        "mentorship/starleader/staff/graduate_all.html",
        {"cohort": cohort, "ready": ready, "waiting": waiting},
    )
