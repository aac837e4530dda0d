"""What the Star Leader Program adds to the academy's growth features.

A graduation is an achievement a member can share on a card, and a cohort she
attended or graduated from is a milestone beside her shop results. Both read the application's
status and its audit trail, so a card or a milestone never claims what did not
happen. Registered in ``MentorshipConfig.ready()``.
"""

from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.starleader.models import Application, CohortPage, Status

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
    from academy.sharecards.kinds import Achievement

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
    from academy.metrics.selectors import Milestone, month_of

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


def register():
    from academy.metrics import selectors as metrics
    from academy.sharecards import kinds

    kinds.register(GRADUATION, achievements=graduation_achievements, find=graduation_achievement)
    metrics.add_milestone_source(cohort_milestones)
