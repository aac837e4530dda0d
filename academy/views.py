"""Site-wide views: the dashboard 我的学习, the profile, notices and health."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from academy import health, platform, ratelimits, sections, services, userpages
from academy.forms import ProfileForm
from academy.models import Notification, ShopkeeperProfile


def _profile_of(user):
    try:
        return user.shopkeeper_profile
    except ShopkeeperProfile.DoesNotExist:
        return None


@userpages.keepable
@login_required
def dashboard(request):
    profile = _profile_of(request.user)
    if profile is not None and not profile.is_complete:
        messages.info(request, _("Please complete your shop profile first."))
        return redirect("profile")
    # Her own rows, published content and the clock: kept until one of them changes.
    userpages.cache_page(request)
    return render(
        request,
        "academy/dashboard.html",
        {"profile": profile, "sections": sections.render_context(sections.DASHBOARD, request)},
    )


def dashboard_profile_context(request, **kwargs):
    return {"profile": _profile_of(request.user)}


@login_required
def profile(request):
    instance = _profile_of(request.user)
    if instance is None:
        messages.info(
            request, _("Your account has no shop profile: it is not a shopkeeper account.")
        )
        return redirect("dashboard")
    first_time = not instance.is_complete
    form = ProfileForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(instance, **form.cleaned_data)
        except services.ProfileError as error:
            form.add_error("team_leader_shop_id", error.message)
            return render(
                request, "academy/profile_form.html", {"form": form, "first_time": first_time}
            )
        messages.success(
            request,
            _("Welcome to the academy! Your profile is complete.")
            if first_time
            else _("Profile saved."),
        )
        return redirect("dashboard")
    return render(request, "academy/profile_form.html", {"form": form, "first_time": first_time})


@login_required
def notifications(request):
    page = Paginator(Notification.objects.filter(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "academy/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    services.mark_notifications_read(request.user)
    return redirect("notifications")


@never_cache
def healthz(request):
    results = health.run_checks()
    ok = all(value == "ok" for value in results.values())
    return JsonResponse(
        results, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False}
    )


def set_language(request, code):
    """Switch the language with a plain link, so pages need no CSRF token for it."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    return response


def ping(request):
    """The minimal Django view every benchmarked page is compared with."""
    return HttpResponse("pong", content_type="text/plain")


def to_account_login(request):
    """Wagtail's own login forms would skip two-factor and rate limits: send them to ours."""
    target = request.GET.get("next", "")
    login = reverse("account_login")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        login = f"{login}?{urlencode({'next': target})}"
    return HttpResponseRedirect(login)


@never_cache
def enter_from_platform(request):
    """The platform's app opens this with a signed token: she is signed in as her shop.

    A link previewer that opens it first uses the link up only if the token is
    valid; she then opens the academy again from the app (a new link each time).
    A refused link changes nothing and says what to do.
    """
    if ratelimits.too_many_from_address(request, "platform_entry"):
        return render(request, "429.html", status=429)
    try:
        entry = platform.decode_entry_token(request.GET.get("token", ""))
        user = services.enter_from_platform(entry)
    except platform.PlatformEntryError as error:
        return render(
            request,
            "academy/platform_entry_refused.html",
            {"message": error.message, "code": error.code},
            status=error.status,
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    profile = _profile_of(user)
    return redirect("dashboard" if profile is not None and profile.is_complete else "profile")
