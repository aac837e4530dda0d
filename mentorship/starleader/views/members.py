"""Pages of shopkeepers in the Star Leader Program: cohorts, applying, my application.

Thin: each view finds its object through ``access`` (a foreign object is a 404),
calls one service and turns a ``CohortError`` into a message or a form error.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.ratelimits import too_many
from mentorship import access as mentorship_access
from mentorship.starleader import access, guidance, selectors, services
from mentorship.starleader.errors import CohortError
from mentorship.starleader.forms import ActionPlanForm, ApplicationForm, CheckInForm
from mentorship.starleader.models import (
    ACTIVE_STATUSES,
    ActionPlan,
    Cohort,
    Status,
)


@login_required
def home(request):
    """聚星领导者计划: the cohorts open for applications and my applications."""
    now = timezone.now()
    cohorts = list(selectors.upcoming_cohorts(now).select_related("page"))
    applications = list(selectors.my_applications(request.user))
    open_by_cohort = {}
    for a in applications:
        if a.status in ACTIVE_STATUSES:
            open_by_cohort.setdefault(a.cohort_id, a)
    cards = [
        {
            "cohort": c,
            "mine": open_by_cohort.get(c.pk),
            "seats_left": selectors.seats_left(c),
            "window_problem": services.window_problem(c, now),
            "problems": services.eligibility_problems(c, request.user, now),
        }
        for c in cohorts
    ]
    return render(
        request,
        "mentorship/starleader/home.html",
        {
            "cards": cards,
            "applications": applications,
            "can_run_cohorts": access.can_run_cohorts(request.user),
            "is_mentor": mentorship_access.mentor_profile(request.user) is not None,
        },
    )


@login_required
def apply(request, pk):
    cohort = get_object_or_404(Cohort, pk=pk)
    mine = selectors.open_application(request.user, cohort)
    if mine is not None and request.method == "GET":
        # Say so before she fills in the form, not after.
        messages.info(request, _("You have already applied to this cohort."))
        return redirect("mentorship:starleader:application", mine.pk)
    form = ApplicationForm(request.POST or None)
    status = 200
    problems = services.eligibility_problems(cohort, request.user)
    window = services.window_problem(cohort)
    if request.method == "POST":
        if too_many(request, "starleader-apply"):
            return render(request, "429.html", status=429)
        if form.is_valid():
            try:
                application = services.apply(cohort, request.user, **form.cleaned_data)
            except CohortError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Application sent. We will tell you the result by notice.")
                )
                return redirect("mentorship:starleader:application", application.pk)
        status = 400
    return render(
        request,
        "mentorship/starleader/apply.html",
        {"cohort": cohort, "form": form, "problems": problems, "window_problem": window},
        status=status,
    )


@login_required
def application(request, pk):
    """My application: status, deadline, timetable, my expert, check-in, action plan."""
    application = access.own_application(request.user, pk)
    assignment = guidance.assignment_of(application) if application.is_member else None
    return render(
        request,
        "mentorship/starleader/application.html",
        {
            "application": application,
            "cohort": application.cohort,
            "ahead": selectors.waitlist_ahead(application),
            "timetable": selectors.timetable(application) if application.is_member else [],
            "assignment": assignment,
            "plan": ActionPlan.objects.filter(application=application).first(),
            "events": application.events.select_related("actor"),
            "gaps": guidance.graduation_gaps(application)
            if application.status == Status.ATTENDING
            else [],
            "certificate": request.user.certificates.filter(
                subject_key=f"starleader:{application.cohort_id}"
            ).first(),
            "check_in_form": CheckInForm(),
            "feedback": application.feedback.select_related("author"),
        },
    )


def _act(request, pk, action, success):
    application = access.own_application(request.user, pk)
    try:
        action(application)
    except CohortError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("mentorship:starleader:application", application.pk)


@login_required
@require_POST
def confirm(request, pk):
    return _act(
        request,
        pk,
        lambda a: services.confirm(a, request.user),
        _("Your seat is confirmed. See you in class!"),
    )


@login_required
@require_POST
def withdraw(request, pk):
    reason = request.POST.get("reason", "")[:300]
    return _act(
        request,
        pk,
        lambda a: services.withdraw(a, request.user, reason=reason),
        _("Your application has been withdrawn."),
    )


@login_required
def action_plan(request, pk):
    """The member writes her action plan; saving keeps a draft, submitting hands it in."""
    application = access.own_application(request.user, pk)
    plan = ActionPlan.objects.filter(application=application).first()
    form = ActionPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_action_plan(application, request.user, submit=submit, **form.cleaned_data)
        except CohortError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Action plan submitted.") if submit else _("Draft saved."),
            )
            return redirect("mentorship:starleader:application", application.pk)
    return render(
        request,
        "mentorship/starleader/plan.html",
        {
            "application": application,
            "form": form,
            "plan": plan,
            "editable": application.status in (Status.CONFIRMED, Status.ATTENDING),
        },
        status=400 if form.errors else 200,
    )


@login_required
def check_in(request):
    """Check in with the code shown in the room (the room's QR code opens this page)."""
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST":
        if too_many(request, "starleader-check-in"):
            return render(request, "429.html", status=429)
        if form.is_valid():
            try:
                attendance = services.check_in(request.user, form.cleaned_data["code"])
            except CohortError as exc:
                form.add_error("code", exc.message)
            else:
                messages.success(
                    request,
                    _("Checked in: %(title)s") % {"title": attendance.session.title},
                )
                return redirect("mentorship:starleader:application", attendance.application_id)
    return render(
        request,
        "mentorship/starleader/check_in.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
