"""What the Star Leader Program adds to growth: cards, milestones and cohort results.

A graduation is an achievement a member can share on a card, and a cohort she
attended or graduated from is a milestone beside her shop results. Both read the application's
status and its audit trail, so a card or a milestone never claims what did not
happen. Registered in ``GrowthConfig.ready()``. A cohort's results compare its
members' shop results before and after it with their peers'.
"""

from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from growth.metrics.selectors import METRICS, Milestone, cohort_before_after, month_of
from growth.sharecards.kinds import Achievement
from mentorship.starleader.models import MEMBER_STATUSES, Application, CohortPage, Status

GRADUATION = "graduation"


def _cohort_title(cohort):
    return _("Star Leader Program, cohort %(number)s") % {"number": cohort.number}


def _page_urls(cohort_ids):
    """``{cohort_id: url}`` of the cohorts' live public pages; one query."""
    return {
        page.cohort_id: page.url
        for page in CohortPage.objects.live().filter(cohort_id__in=cohort_ids)
    }


def _graduations(user, **filters):
    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(applicant=user, status=Status.GRADUATED, **filters)
        .select_related("cohort")
        .annotate(graduated_at=Max("events__at", filter=Q(events__to_status=Status.GRADUATED)))
        .order_by("cohort__number")
    )


def _achievement(application, urls):
    at = application.graduated_at
    return Achievement(
        kind=GRADUATION,
        ref=str(application.cohort_id),
        headline=_("graduated from"),
        subject=_cohort_title(application.cohort),
        # Without a published cohort page the card invites to the home page,
        # which shows the next cohort taking applications.
        target_url=urls.get(application.cohort_id, "/"),
        achieved_on=timezone.localdate(at) if at else application.cohort.guidance_ends_on,
    )


def graduation_achievements(user):
    """Every cohort the user graduated from, as share-card achievements; two queries."""
    graduations = list(_graduations(user))
    if not graduations:
        return []
    urls = _page_urls([a.cohort_id for a in graduations])
    return [_achievement(a, urls) for a in graduations]


def graduation_achievement(user, ref):
    """The user's graduation from cohort ``ref``, or None if she did not graduate from it."""
    if not ref.isdigit():
        return None
    application = _graduations(user, cohort_id=int(ref)).first()
    if application is None:
        return None
    return _achievement(application, _page_urls([application.cohort_id]))


def cohort_milestones(user):
    """The cohorts she attended (her first check-in) and graduated from, for her results
    chart; one query."""
    applications = (
        Application.objects.filter(applicant=user)
        .select_related("cohort")
        .annotate(
            first_class=Min("attendances__checked_in_at"),
            graduated_at=Max("events__at", filter=Q(events__to_status=Status.GRADUATED)),
        )
        .filter(Q(first_class__isnull=False) | Q(graduated_at__isnull=False))
    )
    milestones = []
    for application in applications:
        title = _cohort_title(application.cohort)
        for at, text in [
            (application.first_class, _("Attended %(cohort)s")),
            (application.graduated_at, _("Graduated from %(cohort)s")),
        ]:
            if at is not None:
                day = timezone.localdate(at)
                milestones.append(Milestone(month_of(day), day, text % {"cohort": title}))
    return milestones


RESULT_MONTHS = 3


def cohort_results(cohort, months=RESULT_MONTHS):
    """Members' median shop results before and after the cohort's month, beside peers.

    The cohort's month is the month its classes start; members are those who
    confirmed, attended or graduated.
    """
    members = Application.objects.filter(cohort=cohort, status__in=MEMBER_STATUSES)
    return cohort_before_after(
        members.values_list("applicant_id", flat=True), cohort.classes_start_on, months=months
    )


def results_table(comparison):
    """(header, rows) of a cohort comparison: every group, metric and window, for CSV."""
    labels = {
        "gmv": _("Sales (yuan)"),
        "orders": _("Orders"),
        "new_recruits": _("New recruits"),
        "team_size": _("Team size"),
    }
    header = [
        pgettext_lazy("comparison group", "Group"),
        _("Measure"),
        _("Shops with data before"),
        _("Median before"),
        _("Shops with data after"),
        _("Median after"),
        _("After minus before"),
    ]
    rows = []
    for label, group in comparison.groups:
        for metric in METRICS:
            rows.append(
                [
                    label,
                    labels[metric],
                    group.before.count,
                    _number(group.before.medians.get(metric)),
                    group.after.count,
                    _number(group.after.medians.get(metric)),
                    _number(group.change(metric)),
                ]
            )
    return [str(h) for h in header], [[str(v) for v in row] for row in rows]


def _number(value):
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")
