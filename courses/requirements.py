"""What a tier requires: the one rule behind gating, tier certificates and every listing.

A tier's required courses are its published courses marked "required for the
tier", as the catalogue lists them: electives and drafts never count, and a
course moved out of the tier stops counting with the next catalogue. Meeting
the requirements opens the next tier (a tier with none opens it at once); a
tier is *completed*, and earns its certificate, only when it had something to
complete. Gating (``courses.access``), the tier certificate
(``courses.services``) and the listings built on them all ask here, so their
answers cannot drift apart.
"""


def required_course_ids(tier):
    """The ids of the required courses of ``tier`` (a catalogue ``TierNode``)."""
    return {course.id for course in tier.courses if course.required}


def requirements_met(tier, completed_ids):
    """True when every required course of ``tier`` is among ``completed_ids`` (or it has none)."""
    return required_course_ids(tier) <= set(completed_ids)


def tier_completed(tier, completed_ids):
    """True when ``tier`` has required courses and all of them are among ``completed_ids``."""
    required = required_course_ids(tier)
    return bool(required) and required <= set(completed_ids)


def completed_required_ids(user, tier):
    """The required courses of ``tier`` that ``user`` has completed, read from the database."""
    from courses.models import Enrolment

    return set(
        Enrolment.objects.filter(
            user=user, course_id__in=required_course_ids(tier), completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
