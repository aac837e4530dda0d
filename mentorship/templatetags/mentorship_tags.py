"""Template helpers of mentorship: the section tabs and local-time labels."""

from django import template

from mentorship import access, choices, selectors

register = template.Library()


@register.inclusion_tag("mentorship/includes/tabs.html", takes_context=True)
def mentorship_tabs(context, active):
    """The tabs of the mentorship pages; mentors and staff see their own tabs too."""
    request = context["request"]
    user = request.user
    if not hasattr(request, "_mentorship_unread"):
        request._mentorship_unread = selectors.unread_count(user)
    return {
        "active": active,
        "is_mentor": access.mentor_profile(user) is not None,
        "can_manage_mentoring": access.can_manage_mentoring(user),
        "unread": request._mentorship_unread,
    }


@register.filter
def speciality(code):
    return choices.speciality_label(code)


@register.filter
def language(code):
    return choices.language_label(code)


@register.inclusion_tag("mentorship/includes/nav_link.html", takes_context=True)
def mentorship_nav_link(context):
    """The site navigation's link to one-on-one mentoring."""
    request = context["request"]
    return {"active": request.path.startswith("/mentorship/")}
