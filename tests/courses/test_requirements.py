"""One rule says what a tier requires: gating and the tier certificate always agree."""

import pytest

from courses import access, catalogue, requirements
from courses.models import Certificate, CertificateKind
from tests.courses import factories

pytestmark = pytest.mark.django_db


def answers(user, academy):
    """(gating, certificate): is the beginner tier completed with the next one open, and was
    the tier certificate issued?"""
    access.forget_state(user)
    state = access.learner_state(user)
    beginner = state.tier_by_id(academy.beginner.id)
    intermediate = state.tier_by_id(academy.intermediate.id)
    gating = beginner.status == access.COMPLETED and intermediate.status != access.LOCKED
    certified = Certificate.objects.filter(
        user=user, kind=CertificateKind.TIER, tier=academy.beginner
    ).exists()
    return gating, certified


def test_an_elective_counts_for_neither(academy):
    required = factories.course(academy.beginner, "basics", lessons=1)
    elective = factories.course(academy.beginner, "extra", lessons=1, required=False)
    user = factories.learner()
    factories.complete(user, elective)
    assert answers(user, academy) == (False, False)
    factories.complete(user, required)
    assert answers(user, academy) == (True, True)


def test_a_draft_course_counts_for_neither(academy):
    published = factories.course(academy.beginner, "basics", lessons=1)
    factories.course(academy.beginner, "unfinished", lessons=1).unpublish()
    user = factories.learner()
    factories.complete(user, published)
    assert answers(user, academy) == (True, True)


def test_a_course_added_to_the_tier_counts_for_both(academy):
    first = factories.course(academy.beginner, "basics", lessons=1)
    user = factories.learner()
    factories.complete(user, first)
    assert answers(user, academy) == (True, True)

    other = factories.learner()
    added = factories.course(academy.beginner, "added", lessons=1)
    factories.complete(other, first)
    assert answers(other, academy) == (False, False)
    factories.complete(other, added)
    assert answers(other, academy) == (True, True)


@pytest.mark.parametrize("how", ["moved", "deleted", "unpublished"])
def test_a_course_taken_out_of_the_tier_counts_for_neither(academy, how):
    first = factories.course(academy.beginner, "basics", lessons=1)
    leaving = factories.course(academy.beginner, "leaving", lessons=1)
    last = factories.course(academy.beginner, "last", lessons=1)
    user = factories.learner()
    factories.complete(user, first)
    assert answers(user, academy) == (False, False)
    if how == "moved":
        leaving.move(academy.advanced, pos="last-child")
    elif how == "deleted":
        leaving.delete()
    else:
        leaving.unpublish()
    factories.complete(user, last)
    assert answers(user, academy) == (True, True)


def test_a_tier_with_no_required_course_opens_the_next_but_is_never_completed(academy):
    elective = factories.course(academy.beginner, "extra", lessons=1, required=False)
    user = factories.learner()
    factories.complete(user, elective)
    state = access.learner_state(user)
    assert state.tier_by_id(academy.beginner.id).status == access.UNLOCKED
    assert state.tier_by_id(academy.intermediate.id).status == access.UNLOCKED
    assert answers(user, academy) == (False, False)


def test_the_catalogue_tier_asks_the_same_rule(academy):
    required = factories.course(academy.beginner, "basics", lessons=1)
    factories.course(academy.beginner, "extra", lessons=1, required=False)
    tier = catalogue.get().tier(academy.beginner.id)
    assert tier.required_course_ids == requirements.required_course_ids(tier) == {required.id}
    assert requirements.requirements_met(tier, {required.id})
    assert not requirements.requirements_met(tier, set())
    assert catalogue.get().tier_of(required.id) is tier
