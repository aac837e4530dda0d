"""Factories of the Star Leader Program: cohorts with classes, applications at any status."""

from datetime import timedelta

import factory
from django.utils import timezone

from academy.models import MentorKind
from mentorship.starleader import services
from mentorship.starleader.models import ClassSession, Cohort, Module
from tests.academy.factories import shopkeeper
from tests.mentorship.factories import open_mentor

ANSWERS = {
    "situation": "团队 12 人，最近三个月销售额下滑，新人留不住。",
    "difficulties": "不会带新人，朋友圈内容没人看。",
    "goals": "三个月内把月销售额做回 5 万，带出两个骨干。",
    "team_size": 12,
    "sales_band": "10k-50k",
    "focus": "training",
}


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort open for applications now, classes in two weeks, guidance the month after."""

    class Meta:
        model = Cohort

    number = factory.Sequence(lambda n: 100 + n)
    name = "聚星领导者计划"
    city = "杭州"
    venue = "滨江区商学院培训中心"
    capacity = 3
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    classes_start_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    classes_end_on = factory.LazyAttribute(lambda c: c.classes_start_on + timedelta(days=2))
    guidance_starts_on = factory.LazyAttribute(lambda c: c.classes_end_on + timedelta(days=1))
    guidance_ends_on = factory.LazyAttribute(lambda c: c.guidance_starts_on + timedelta(days=29))


def add_session(cohort, module=Module.GOALS, *, starts_at=None, mentor=None, **extra):
    starts_at = starts_at or timezone.now() + timedelta(days=14)
    return ClassSession.objects.create(
        cohort=cohort,
        module=module,
        title=extra.pop("title", "目标管理：从年度目标到每周行动"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        room=extra.pop("room", "301"),
        mentor=mentor or official_mentor(),
        **extra,
    )


def official_mentor():
    return open_mentor(kind=MentorKind.OFFICIAL).user


def applicant(**profile):
    return shopkeeper(**profile)


def apply(cohort, user=None, **answers):
    return services.apply(cohort, user or applicant(), **{**ANSWERS, **answers})


def member(cohort, by, user=None):
    """An applicant admitted and confirmed."""
    application = apply(cohort, user)
    services.admit(application, by)
    return services.confirm(application, application.applicant)
