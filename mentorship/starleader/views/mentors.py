"""Pages of the Star Leader Program's mentors: their classes, members and feedback.

Official mentors see the members of the cohorts they teach, guidance experts the
members they guide; staff see every member (``access.visible_application``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentorship import access as mentorship_access
from mentorship.models import Goal, GoalStatus
from mentorship.starleader import access, guidance, selectors, services
from mentorship.starleader.errors import CohortError
from mentorship.starleader.forms import FeedbackForm
from mentorship.starleader.models import ActionPlan, ClassSession, Status


@login_required
def mentor_home(request):
    """A mentor's classes and the members she teaches or guides."""
    user = request.user
    sessions = (
        ClassSession.objects.filter(mentor=user)
        .select_related("cohort")
        .annotate(present=Count("attendances"))
        .order_by("-starts_at")[:50]
    )
    members = selectors.mentor_members(user)
    # Every mentor sees the tab that leads here: one with no classes yet sees it empty.
    is_mentor = mentorship_access.mentor_profile(user) is not None
    if not sessions and not members and not is_mentor and not access.can_run_cohorts(user):
        return render(request, "403.html", status=403)
    return render(
        request,
        "mentorship/starleader/mentor.html",
        {"sessions": sessions, "members": members},
    )


@login_required
def member(request, pk):
    """A member as her mentors and staff see her: answers, attendance, plan, goals, feedback."""
    application = access.visible_application(request.user, pk)
    if application.applicant_id == request.user.pk and not access.can_mentor(
        request.user, application
    ):
        return redirect("mentorship:starleader:application", application.pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_feedback(application, request.user, form.cleaned_data["body"])
        except CohortError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Feedback saved; the member can read it."))
            return redirect("mentorship:starleader:member", application.pk)
    runs_cohorts = access.can_run_cohorts(request.user)
    return render(
        request,
        "mentorship/starleader/member.html",
        {
            "application": application,
            "cohort": application.cohort,
            "timetable": selectors.timetable(application),
            "plan": ActionPlan.objects.filter(application=application).first(),
            "goals": Goal.objects.filter(mentee_id=application.applicant_id)
            .exclude(status=GoalStatus.DROPPED)
            .order_by("status", "id"),
            "feedback": application.feedback.select_related("author"),
            "assignment": guidance.assignment_of(application),
            "form": form,
            "can_run_cohorts": runs_cohorts,
            "events": application.events.select_related("actor") if runs_cohorts else [],
            "gaps": guidance.graduation_gaps(application)
            if application.status == Status.ATTENDING
            else [],
        },
        status=400 if form.errors else 200,
    )
