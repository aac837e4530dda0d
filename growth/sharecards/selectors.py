"""What sharers and staff see of share cards: achievements, counts, top sharers."""

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from academy.models import User
from courses import access
from growth.models import Referral, ReferralVisit
from growth.sharecards import kinds

TOP_SHARERS = 50


def landing_url(code, achievement):
    """The absolute link of a card, which its QR code also carries."""
    path = reverse("sharecards:landing", args=[code, achievement.kind, achievement.ref])
    return f"{settings.SITE_URL}{path}"


def counts_of(user):
    """(people who opened her cards, verified sign-ups they brought); two queries."""
    visits = ReferralVisit.objects.filter(code__user=user).count()
    signups = Referral.objects.filter(sharer=user, credited_at__isnull=False).count()
    return visits, signups


def dashboard_context(request, **kwargs):
    """Cards of the courses she completed, from the learning state the dashboard has loaded."""

    user = request.user
    state = access.learner_state(user)
    if not state.completed_course_ids or not hasattr(user, "shopkeeper_profile"):
        return None
    done = [
        kinds.course_achievement(e, state.catalogue)
        for e in state.all_enrolments
        if e.completed_at is not None and e.course_id in state.catalogue.courses
    ]
    return {"achievements": done[:3]}


def top_sharers(limit=TOP_SHARERS):
    """Sharers by verified sign-ups brought, then by visits; two queries."""
    signups = dict(
        Referral.objects.filter(credited_at__isnull=False)
        .values("sharer_id")
        .annotate(n=Count("id"))
        .values_list("sharer_id", "n")
    )
    visits = dict(
        ReferralVisit.objects.values("code__user_id")
        .annotate(n=Count("id"))
        .values_list("code__user_id", "n")
    )
    ranked = sorted(
        set(signups) | set(visits), key=lambda u: (-signups.get(u, 0), -visits.get(u, 0), u)
    )
    top = ranked[:limit]

    users = User.objects.in_bulk(top)
    return [
        {"user": users[u], "signups": signups.get(u, 0), "visits": visits.get(u, 0)}
        for u in top
        if u in users
    ]
