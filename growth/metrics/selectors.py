"""Who may see sales, a shopkeeper's months beside her learning, and comparisons for staff.

Sales are seen by the shopkeeper herself, her assigned mentor during the
assignment's period, and program staff: never by team leaders or other
mentors. Comparisons are medians of groups; they show, they do not prove.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from academy.models import ShopkeeperProfile
from courses.models import Enrolment
from growth.metrics import charts
from growth.models import ShopMonth

METRICS = ("gmv", "orders", "new_recruits", "team_size")
CHART_MONTHS = 12


def add_months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_of(moment):
    day = timezone.localdate(moment) if hasattr(moment, "tzinfo") else moment
    return date(day.year, day.month, 1)


@dataclass
class Milestone:
    month: date
    day: date
    text: str


# Learning milestones beside the months: courses completed here; the Star Leader
# cohort a shopkeeper attended is added by the program (see add_milestone_source).
_milestone_sources = []


def add_milestone_source(function):
    """``function(user) -> [Milestone]``; the Star Leader Program adds its cohorts."""
    _milestone_sources.append(function)
    return function


@add_milestone_source
def _completed_courses(user):
    return [
        Milestone(month_of(at), timezone.localdate(at), title)
        for title, at in Enrolment.objects.filter(user=user, completed_at__isnull=False)
        .order_by("completed_at")
        .values_list("course_title", "completed_at")
    ]


@dataclass
class Results:
    profile: ShopkeeperProfile
    months: list  # ShopMonth rows, oldest first
    milestones: list = field(default_factory=list)

    def chart(self):
        shown = self.months[-CHART_MONTHS:]
        marked = {m.month for m in self.milestones}
        return charts.bar_chart(
            [(m.month.strftime("%y-%m"), m.gmv) for m in shown],
            marks=[i for i, m in enumerate(shown) if m.month in marked],
        )

    def milestones_by_month(self):
        found = {}
        for milestone in self.milestones:
            found.setdefault(milestone.month, []).append(milestone.text)
        return found

    def table(self):
        by_month = self.milestones_by_month()
        return [(m, by_month.get(m.month, [])) for m in reversed(self.months)]


def results_of(profile):
    """Her months beside her learning; no months while her shop ID is unverified."""
    months = (
        list(ShopMonth.objects.filter(profile=profile).order_by("month"))
        if profile.shop_verified
        else []
    )
    milestones = [m for source in _milestone_sources for m in source(profile.user)]
    return Results(
        profile=profile, months=months, milestones=sorted(milestones, key=lambda m: m.day)
    )


def dashboard_context(request, **kwargs):
    from growth.teams.selectors import dashboard_summary

    summary = dashboard_summary(request)
    if summary is None:
        return None
    if not summary.shop_verified:
        return {"unverified": True}
    if summary.latest_month is None:
        return None
    return {"month": summary.latest_month, "gmv": summary.latest_gmv}


# --- comparisons for program staff ------------------------------------------------------


def _median(values):
    return statistics.median(values) if values else None


def _per_user_means(profile_ids, first, last):
    """``{profile_id: {metric: mean over the months present}}`` in [first, last]; one query."""
    sums = {}
    for row in ShopMonth.objects.filter(
        profile_id__in=profile_ids, month__gte=first, month__lte=last
    ).values("profile_id", *METRICS):
        entry = sums.setdefault(row["profile_id"], {"n": 0, **dict.fromkeys(METRICS, 0)})
        entry["n"] += 1
        for metric in METRICS:
            entry[metric] += float(row[metric])
    return {pid: {m: entry[m] / entry["n"] for m in METRICS} for pid, entry in sums.items()}


def group_medians(profile_ids, first, last):
    """(members with data, {metric: median of members' monthly means})."""
    means = _per_user_means(profile_ids, first, last)
    return len(means), {m: _median([v[m] for v in means.values()]) for m in METRICS}


@dataclass
class Window:
    count: int
    medians: dict


@dataclass
class BeforeAfter:
    """Median monthly results of a group, before and after a month (the month excluded)."""

    before: Window
    after: Window

    def change(self, metric):
        b, a = self.before.medians.get(metric), self.after.medians.get(metric)
        return None if b is None or a is None else a - b


@dataclass
class CohortComparison:
    """What ``templates/growth/metrics/cohort_before_after.html`` shows."""

    cohort_month: date
    months: int
    members: BeforeAfter
    comparison: BeforeAfter
    member_count: int
    comparison_count: int

    @property
    def groups(self):
        from django.utils.translation import gettext as _

        return [(_("Cohort members"), self.members), (_("Comparison group"), self.comparison)]


def before_after(profile_ids, month, months=3):
    before = group_medians(profile_ids, add_months(month, -months), add_months(month, -1))
    after = group_medians(profile_ids, add_months(month, 1), add_months(month, months))
    return BeforeAfter(Window(*before), Window(*after))


def comparison_group(member_profiles):
    """Non-members of the same level and province as some member (the usual peers)."""
    pairs = {(p.level, p.province) for p in member_profiles}
    if not pairs:
        return ShopkeeperProfile.objects.none()
    match = Q()
    for level, province in pairs:
        match |= Q(level=level, province=province)
    return ShopkeeperProfile.objects.filter(match).exclude(pk__in=[p.pk for p in member_profiles])


def cohort_before_after(member_user_ids, cohort_month, *, months=3):
    """Members' median metrics for the ``months`` before and after the cohort's month, beside
    non-members of the same level and region. For the Star Leader cohort report."""
    cohort_month = month_of(cohort_month)
    members = list(ShopkeeperProfile.objects.filter(user_id__in=list(member_user_ids)))
    peers = list(comparison_group(members).values_list("pk", flat=True))
    member_ids = [p.pk for p in members]
    return CohortComparison(
        cohort_month=cohort_month,
        months=months,
        members=before_after(member_ids, cohort_month, months),
        comparison=before_after(peers, cohort_month, months),
        member_count=len(member_ids),
        comparison_count=len(peers),
    )


@dataclass
class CourseComparison:
    course_id: int
    title: str
    completers: int
    others: int
    completer_medians: dict
    other_medians: dict


def course_comparisons(courses, months=3, today=None):
    """Per course: completers' vs non-completers' median monthly results over the last
    ``months`` full months. Three queries whatever the number of courses."""
    today = today or timezone.localdate()
    last = add_months(month_of(today), -1)
    first = add_months(last, -(months - 1))
    means = _per_user_means(
        ShopMonth.objects.filter(month__gte=first, month__lte=last).values("profile_id"),
        first,
        last,
    )
    user_of = dict(
        ShopkeeperProfile.objects.filter(pk__in=list(means)).values_list("pk", "user_id")
    )
    completed = {}
    for user_id, course_id in Enrolment.objects.filter(
        completed_at__isnull=False, course_id__in=[c.id for c in courses]
    ).values_list("user_id", "course_id"):
        completed.setdefault(course_id, set()).add(user_id)
    result = []
    for course in courses:
        done = completed.get(course.id, set())
        yes = [v for pid, v in means.items() if user_of.get(pid) in done]
        no = [v for pid, v in means.items() if user_of.get(pid) not in done]
        result.append(
            CourseComparison(
                course_id=course.id,
                title=course.title,
                completers=len(yes),
                others=len(no),
                completer_medians={m: _median([v[m] for v in yes]) for m in METRICS},
                other_medians={m: _median([v[m] for v in no]) for m in METRICS},
            )
        )
    return result, first, last
