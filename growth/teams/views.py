"""The team leader's training view 团队学习看板: her team, one member, her plan, nudges."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.models import ShopkeeperProfile
from courses.live.selectors import with_replays
from courses.models import CoursePage
from growth.teams import selectors, services, tree
from growth.teams.forms import NudgeForm, PlanForm, StepFormSet, replay_choices

PAGE_SIZE = 30


def _leader(request):
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise Http404
    return profile


def _member(leader, profile_id):
    member = get_object_or_404(ShopkeeperProfile.objects.select_related("user"), pk=profile_id)
    if not tree.is_member(leader, member):
        raise Http404
    return member


@login_required
def team(request):
    leader = _leader(request)
    show = request.GET.get("show", selectors.ALL)
    if show not in (selectors.ALL, selectors.STUCK, selectors.DIRECT):
        show = selectors.ALL
    depths = tree.member_depths(leader)
    page, profiles = selectors.team_page(
        leader, show=show, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(
        request,
        "growth/teams/team.html",
        {
            "leader": leader,
            "page": page,
            "rows": selectors.rows_for(profiles, depths),
            "team_size": len(depths),
            "direct_count": sum(1 for level in depths.values() if level == 1),
            "show": show,
            "plan": selectors.plan_of(leader),
            "nudge_form": NudgeForm(),
        },
    )


@login_required
def member(request, profile_id):
    leader = _leader(request)
    member = _member(leader, profile_id)
    annotated = selectors.annotate_learning(
        ShopkeeperProfile.objects.filter(pk=member.pk).select_related("user", "plan_assignment")
    ).get()
    row = selectors.rows_for([annotated], tree.member_depths(leader))[0]
    return render(
        request,
        "growth/teams/member.html",
        {
            "row": row,
            "member": annotated,
            "enrolments": selectors.member_enrolments(member)[:50],
            "nudge_form": NudgeForm(),
        },
    )


@login_required
@require_POST
def nudge(request, profile_id):
    leader = _leader(request)
    member = _member(leader, profile_id)
    form = NudgeForm(request.POST)
    text = form.message() if form.is_valid() else ""
    try:
        services.send_nudge(leader, member, text)
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Reminder sent to %(name)s.") % {"name": member.user})
    return redirect("teams:member", profile_id=member.pk)


@login_required
@require_POST
def nudge_behind(request):
    leader = _leader(request)
    form = NudgeForm(request.POST)
    text = form.message() if form.is_valid() else ""
    if not text:
        messages.error(request, _("Write a short message or choose one."))
        return redirect("teams:team")
    sent, skipped = services.nudge_behind_plan(leader, text)
    if sent or skipped:
        messages.success(
            request,
            _("Reminders sent: %(sent)s. Already reminded today: %(skipped)s.")
            % {"sent": sent, "skipped": skipped},
        )
    else:
        messages.info(request, _("Nobody is behind the plan."))
    return redirect("teams:team")


@login_required
def plan(request):
    leader = _leader(request)
    current = selectors.plan_of(leader)
    initial_steps = (
        [
            {"course": i.course_id, "replay": i.live_session_id, "target_days": i.target_days}
            for i in current.items.all()
        ]
        if current
        else [{"target_days": 7}]
    )
    form = PlanForm(
        request.POST or None,
        initial={"title": current.title, "welcome": current.welcome}
        if current
        else {"title": _("New recruit training plan")},
    )
    steps = StepFormSet(
        request.POST or None,
        initial=initial_steps,
        prefix="steps",
        form_kwargs={"replays": replay_choices()},
    )
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        chosen = [
            (
                s.cleaned_data.get("course"),
                s.cleaned_data.get("replay"),
                s.cleaned_data["target_days"],
            )
            for s in steps
            if s.cleaned_data.get("course") or s.cleaned_data.get("replay")
        ]
        courses = CoursePage.objects.live().in_bulk([c for c, _r, _days in chosen if c])
        replays = with_replays().in_bulk([r for _c, r, _days in chosen if r])
        try:
            if any(c and c not in courses for c, _r, _days in chosen):
                raise services.TeamError(_("Choose published courses only."))
            if any(r and r not in replays for _c, r, _days in chosen):
                raise services.TeamError(_("Choose published replays only."))
            services.save_plan(
                leader,
                title=form.cleaned_data["title"],
                welcome=form.cleaned_data["welcome"],
                steps=[(courses[c] if c else replays[r], days) for c, r, days in chosen],
            )
        except services.TeamError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Training plan saved. New recruits get it when they join."))
            return redirect("teams:team")
    return render(
        request,
        "growth/teams/plan_form.html",
        {"form": form, "steps": steps, "plan": current, "max_steps": services.MAX_PLAN_STEPS},
    )
