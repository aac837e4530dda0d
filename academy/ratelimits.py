"""Rate limits of the academy's own actions (allauth limits logins and signups).

Rates are per signed-in user (per IP address for visitors), counted in the
shared cache by django-ratelimit; a cache outage lets requests through, since
these limits guard against floods, not against credential stuffing.
"""

from django.conf import settings
from django_ratelimit.core import ALL, is_ratelimited


def too_many(request, action):
    """Count one ``action`` of this visitor; True when over its rate."""
    return is_ratelimited(
        request,
        group=f"academy:{action}",
        key="user_or_ip",
        rate=settings.ACADEMY_RATE_LIMITS[action],
        method=ALL,
        increment=True,
    )
