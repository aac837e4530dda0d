"""Achievements a shopkeeper can share, by kind.

A kind answers two questions: which achievements a user has
(``achievements(user)``) and whether she has one (``find(user, ref)``), so a card can
never claim what did not happen. Apps add kinds with :func:`register`; the Star
Leader Program registers its graduation the same way.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import catalogue
from courses.models import Certificate, Enrolment
from growth.sharecards import streaks

COURSE, CERTIFICATE, STREAK = "course", "certificate", "streak"


@dataclass(frozen=True)
class Achievement:
    kind: str
    ref: str
    headline: str  # "完成了课程" — what she did
    subject: str  # the course, certificate or "连续学习 7 天"
    target_url: str  # the public page the card invites people to
    achieved_on: object = None

    @property
    def key(self):
        return f"{self.kind}:{self.ref}"


@dataclass(frozen=True)
class Kind:
    name: str
    achievements: object  # user -> [Achievement]
    find: object  # (user, ref) -> Achievement | None


_kinds: dict[str, Kind] = {}


def register(name, *, achievements, find):
    _kinds[name] = Kind(name, achievements, find)


def kind(name):
    return _kinds.get(name)


def achievements_of(user):
    """Every achievement of the user, newest first."""
    found = [a for k in _kinds.values() for a in k.achievements(user)]
    return sorted(found, key=lambda a: a.achieved_on or timezone.localdate(), reverse=True)


def achievement(user, kind_name, ref):
    k = _kinds.get(kind_name)
    return k.find(user, str(ref)) if k else None


# --- the kinds of the online academy ---------------------------------------------------


def course_achievement(enrolment, cat):
    node = cat.courses.get(enrolment.course_id)
    return Achievement(
        kind=COURSE,
        ref=str(enrolment.course_id),
        headline=_("completed the course"),
        subject=enrolment.course_title,
        target_url=node.url if node else "/academy/",
        achieved_on=timezone.localdate(enrolment.completed_at),
    )


def _courses(user):
    cat = catalogue.get()
    done = Enrolment.objects.filter(
        user=user, completed_at__isnull=False, course_id__in=list(cat.courses)
    )
    return [course_achievement(e, cat) for e in done]


def _one_course(user, ref):
    if not ref.isdigit():
        return None
    enrolment = Enrolment.objects.filter(
        user=user, course_id=int(ref), completed_at__isnull=False
    ).first()
    return course_achievement(enrolment, catalogue.get()) if enrolment else None


def _certificate(certificate, cat):
    url = "/academy/"
    if certificate.course_id and certificate.course_id in cat.courses:
        url = cat.courses[certificate.course_id].url
    else:
        tier = next((t for t in cat.tiers if t.id == certificate.tier_id), None)
        url = tier.url if tier else url
    return Achievement(
        kind=CERTIFICATE,
        ref=certificate.code,
        headline=_("earned the certificate"),
        subject=certificate.title,
        target_url=url,
        achieved_on=timezone.localdate(certificate.issued_at),
    )


def _certificates(user):
    cat = catalogue.get()
    return [_certificate(c, cat) for c in Certificate.objects.filter(user=user)]


def _one_certificate(user, ref):
    certificate = Certificate.objects.filter(user=user, code=ref).first()
    return _certificate(certificate, catalogue.get()) if certificate else None


def _streak(days, on=None):
    return Achievement(
        kind=STREAK,
        ref=str(days),
        headline=_("kept learning"),
        subject=_("%(days)s days in a row") % {"days": days},
        target_url="/academy/",
        achieved_on=on,
    )


def _streaks(user):
    best = streaks.longest(streaks.learning_days(user))
    reached = [n for n in streaks.MILESTONES if n <= best]
    return [_streak(reached[-1])] if reached else []


def _one_streak(user, ref):
    if not ref.isdigit() or int(ref) not in streaks.MILESTONES:
        return None
    days = int(ref)
    return _streak(days) if streaks.longest(streaks.learning_days(user)) >= days else None


register(COURSE, achievements=_courses, find=_one_course)
register(CERTIFICATE, achievements=_certificates, find=_one_certificate)
register(STREAK, achievements=_streaks, find=_one_streak)
