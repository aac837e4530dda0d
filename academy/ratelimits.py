"""Rate limits of the academy's own actions, and of signing in.

The academy's actions are counted per signed-in user (per IP address for
visitors) in the shared cache by django-ratelimit; a cache outage lets them
through, since these limits guard against floods. Signing in (below) is
counted by allauth and fails closed.
"""

from allauth.account import app_settings as account_settings
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django_ratelimit.core import ALL, is_ratelimited

_ALLAUTH_APP = "allauth.account"


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


def too_many_from_address(request, action):
    """Count one ``action`` from this visitor's address; True when over its rate.

    For visitors who are not signed in yet (the platform's entry link): the
    address is the client's behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies, as
    allauth sees it, not the load balancer's. A cache outage lets them through.
    """
    usage = allauth_ratelimit.consume(
        request,
        app="academy",
        action=action,
        config={action: f"{settings.ACADEMY_RATE_LIMITS[action]}/ip"},
        limit_get=True,
    )
    return not usage


# Signing in. ACCOUNT_RATE_LIMITS["login_failed"] holds two kinds of rate: per
# address ("/ip") and per account ("/key"). allauth refuses every attempt once
# either is reached, so five wrong passwords from anywhere locked the owner out
# too. The academy keeps the per-address limit as a hard one, and turns the
# per-account one into a lock that the owner's second factor or a password-reset
# link opens (see AccountAdapter.authenticate). allauth's own counters are used,
# so its second-factor stage still counts codes per account, and a cache outage
# keeps both failing closed (academy/cache.py).


def _login_failed_rates(per):
    rates = account_settings.RATE_LIMITS.get("login_failed") or ""
    parts = [part.strip() for part in rates.split(",") if part.strip()]
    chosen = [part for part in parts if allauth_ratelimit.parse_rate(part).per == per]
    return {"login_failed": ",".join(chosen)}


def _account_key(email):
    return f"password:{(email or '').strip().lower()}"


def count_login_attempt(request):
    """Count a password attempt from this address; None once the address is over its limit.

    The returned usage is rolled back by allauth when the password is right.
    """
    return allauth_ratelimit.consume(
        request, app=_ALLAUTH_APP, action="login_failed", config=_login_failed_rates("ip")
    )


def account_locked(request, email):
    """True when ``email`` had too many wrong passwords lately (from any address)."""
    usage = allauth_ratelimit.consume(
        request,
        app=_ALLAUTH_APP,
        action="login_failed",
        config=_login_failed_rates("key"),
        key=_account_key(email),
        dry_run=True,
    )
    return not usage


def _account_lock(email):
    """The rate-limit arguments of one address's wrong-password count."""
    return {
        "app": _ALLAUTH_APP,
        "action": "login_failed",
        "config": _login_failed_rates("key"),
        "key": _account_key(email),
    }


def count_wrong_password(request, email):
    allauth_ratelimit.consume(request, **_account_lock(email))


def unlock_account(request, user, **kwargs):
    """Forget the wrong passwords of ``user``'s addresses (after a password reset)."""
    from allauth.account.models import EmailAddress

    emails = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    for email in filter(None, emails):
        allauth_ratelimit.clear(request, **_account_lock(email))
