"""Who may see and do what in the Star Leader Program.

Members see their own application; staff see every one; a member's mentors (the
official mentors of her cohort's classes and her guidance expert) see hers.
Anything else is a 404.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from academy.access import has_permission
from mentorship.models import AssignmentStatus, MentorAssignment
from mentorship.starleader.models import GUIDANCE_SOURCE, Application, ClassSession

# Program staff who run cohorts: admissions, classes, experts, graduation.
can_run_cohorts = has_permission("mentorship.manage_cohorts")


def teaches(user, cohort_id):
    return ClassSession.objects.filter(cohort_id=cohort_id, mentor=user).exists()


def guides(user, application):
    return MentorAssignment.objects.filter(
        source=GUIDANCE_SOURCE,
        reference=application.cohort.reference,
        mentor=user,
        mentee_id=application.applicant_id,
        status=AssignmentStatus.ACTIVE,
    ).exists()


def can_mentor(user, application):
    """Staff, the cohort's official mentors (members only) and her guidance expert."""
    if not user.is_authenticated:
        return False
    if can_run_cohorts(user):
        return True
    if application.is_member and teaches(user, application.cohort_id):
        return True
    return guides(user, application)


def own_application(user, pk):
    """The user's own application, else 404."""
    return get_object_or_404(
        Application.objects.select_related("cohort", "applicant"), pk=pk, applicant=user
    )


def visible_application(user, pk):
    """An application the user may read (own, mentored, or staff), else 404."""
    application = get_object_or_404(
        Application.objects.select_related("cohort", "applicant__shopkeeper_profile"), pk=pk
    )
    if application.applicant_id == user.pk or can_mentor(user, application):
        return application
    raise Http404
