"""Language, time zone and staff two-factor rules applied to every request."""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from academy import roles

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    """Chinese unless the visitor chose otherwise.

    The browser's Accept-Language is ignored on purpose: many shopkeepers'
    phones report English while they read Chinese, and the academy speaks
    Chinese first. The choice is kept in a cookie by Django's set_language view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in _LANGUAGES:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class UserTimezoneMiddleware:
    """Show times in the signed-in user's zone (Asia/Shanghai otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = getattr(request.user, "time_zone", None)
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffMFAMiddleware:
    """Whoever can reach the admin must set up TOTP before working.

    Keyed on what the user can reach, not on role names: any group granting
    ``wagtailadmin.access_admin`` (Wagtail's own "Editors" or one created later)
    and every superuser count. The academy's staff roles, cached for every page,
    are held to it everywhere; the exact permission is read on admin pages, where
    Wagtail reads it anyway.
    """

    SESSION_KEY = "academy_staff_mfa_ok"
    OPEN_PREFIXES = ("/accounts/", "/healthz/", "/static/", "/media/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.ACADEMY_STAFF_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(self.OPEN_PREFIXES)
            and not request.session.get(self.SESSION_KEY)
            and self.needs_second_factor(request)
        ):
            from allauth.mfa.models import Authenticator

            if Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists():
                request.session[self.SESSION_KEY] = True
            else:
                messages.warning(
                    request,
                    _("Staff accounts must turn on two-factor authentication before continuing."),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def needs_second_factor(request):
        user = request.user
        if user.is_superuser or roles.has_staff_role(user):
            return True
        return request.path.startswith(reverse("wagtailadmin_home")) and user.has_perm(
            "wagtailadmin.access_admin"
        )
