"""Program staff: utilisation report and mentee assignments (permission-checked)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.access import staff_required
from academy.exports import csv_response
from mentorship import access, reports, services
from mentorship.errors import AssignmentError
from mentorship.forms import AssignmentForm, PeriodForm
from mentorship.models import MentorAssignment

REPORT_DAYS = 30


def _report_period(request):
    """The period form and the period to show: the last 30 days unless valid dates say else."""
    today = timezone.localdate()
    default = {"start": today - timedelta(days=REPORT_DAYS - 1), "end": today}
    form = PeriodForm(request.GET or None, initial=default)
    period = form.cleaned_data if form.is_bound and form.is_valid() else default
    return form, period


@staff_required(access.can_manage_mentoring)
def report(request):
    """Booked against offered hours, attendance and cancellations per mentor."""
    form, period = _report_period(request)
    rows, totals = reports.utilisation(period["start"], period["end"])
    csv_query = urlencode({"start": period["start"].isoformat(), "end": period["end"].isoformat()})
    return render(
        request,
        "mentorship/staff/report.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "period": period,
            "csv_query": csv_query,
            "tab": "staff",
        },
    )


def _hours(minutes):
    hours = minutes / 60
    return int(hours) if hours.is_integer() else round(hours, 1)


@staff_required(access.can_manage_mentoring)
def report_csv(request):
    """The mentoring report of the period as a CSV download."""
    _form, period = _report_period(request)
    rows, _totals = reports.utilisation(period["start"], period["end"])
    header = [
        _("Mentor"),
        _("Offered h"),
        _("Booked h"),
        _("Utilisation"),
        _("Sessions"),
        _("Attended"),
        _("No-shows"),
        _("Cancelled by mentee"),
        _("Cancelled by mentor"),
        _("Cancelled otherwise"),
    ]
    lines = (
        [
            str(row["profile"].user),
            _hours(row["offered_minutes"]),
            _hours(row["booked_minutes"]),
            row["utilisation"],
            row["sessions"],
            row["attended"],
            row["no_show"],
            row["cancelled_by_mentee"],
            row["cancelled_by_mentor"],
            row["cancelled_other"],
        ]
        for row in rows
    )
    filename = f"mentoring-{period['start']:%Y%m%d}-{period['end']:%Y%m%d}.csv"
    return csv_response(filename, header, lines)


@staff_required(access.can_manage_mentoring)
def assignments(request):
    """Assign a mentee to a mentor for a period; list and end assignments."""
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = data["notice_hours"]
        try:
            services.assign_mentee(
                data["mentor"].user,
                data["mentee"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=request.user,
                reason=data["reason"],
                weekly_limit=data["weekly_limit"],
                session_limit=data["session_limit"],
                minimum_notice=notice * 60 if notice is not None else None,
            )
        except AssignmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Assigned. Mentor and mentee have been notified."))
            return redirect("mentorship:staff_assignments")
    qs = MentorAssignment.objects.select_related("mentor", "mentee").order_by("-starts_on", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorship/staff/assignments.html",
        {"form": form, "page": page, "today": timezone.localdate(), "tab": "staff"},
        status=400 if form.errors else 200,
    )


@staff_required(access.can_manage_mentoring)
@require_POST
def end_assignment(request, pk):
    assignment = get_object_or_404(MentorAssignment, pk=pk)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Please give a reason for ending the assignment."))
        return redirect("mentorship:staff_assignments")
    try:
        services.end_assignment(assignment, by=request.user, reason=reason)
    except AssignmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Assignment ended; later sessions under it were cancelled."))
    return redirect("mentorship:staff_assignments")
