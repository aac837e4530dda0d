"""Share cards: the sharer's cards, a card to share, its public page and its image."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from academy import ratelimits
from academy.access import staff_required
from growth import access
from growth.sharecards import kinds, selectors, services
from growth.sharecards import render as cards

IMAGE_CACHE_SECONDS = 24 * 3600
VISITOR_COOKIE_SECONDS = 365 * 24 * 3600


def _achievement(user, kind, ref):
    achievement = kinds.achievement(user, kind, ref)
    if achievement is None:
        raise Http404
    return achievement


def moments_text(name, achievement, url):
    return _(
        "I %(headline)s %(subject)s at the Shopkeeper Academy! A little learning every day "
        "makes running a shop and a team easier. Come and learn with me: %(url)s"
    ) % {"headline": achievement.headline, "subject": achievement.subject, "url": url, "name": name}


@login_required
def mine(request):
    achievements = kinds.achievements_of(request.user)
    visits, signups = selectors.counts_of(request.user)
    return render(
        request,
        "growth/sharecards/mine.html",
        {"achievements": achievements, "visits": visits, "signups": signups},
    )


@login_required
def card(request, kind, ref):
    achievement = _achievement(request.user, kind, ref)
    code = services.code_of(request.user)
    url = selectors.landing_url(code.code, achievement)
    return render(
        request,
        "growth/sharecards/card.html",
        {
            "achievement": achievement,
            "code": code.code,
            "url": url,
            "text": moments_text(str(request.user), achievement, url),
        },
    )


def _shared(code, kind, ref):
    found = services.find_code(code)
    if found is None:
        raise Http404
    return found, _achievement(found.user, kind, ref)


@never_cache
def landing(request, code, kind, ref):
    """The public page of a card: Open Graph tags for WeChat, the card, the way in."""
    found, achievement = _shared(code, kind, ref)
    response = render(
        request,
        "growth/sharecards/landing.html",
        {
            "sharer": found.user,
            "achievement": achievement,
            "url": selectors.landing_url(found.code, achievement),
            "image_url": settings.SITE_URL + request.path + "card.png",
        },
    )
    if request.user.is_authenticated and request.user.pk == found.user_id:
        return response  # her own look at the page counts for nothing
    visitor = request.COOKIES.get(services.VISITOR_COOKIE) or services.new_visitor_id()
    if not ratelimits.too_many(request, "referral_visit"):
        services.record_visit(found, visitor, achievement.key)
    cookie = {"samesite": "Lax", "secure": settings.SESSION_COOKIE_SECURE, "httponly": True}
    response.set_cookie(services.VISITOR_COOKIE, visitor, max_age=VISITOR_COOKIE_SECONDS, **cookie)
    if (
        not request.user.is_authenticated
        and services.read_first_touch(request.COOKIES.get(services.REF_COOKIE)) is None
    ):
        # First touch: an earlier card's link, still valid, keeps the credit.
        response.set_cookie(
            services.REF_COOKIE,
            services.first_touch_value(found, achievement.key, visitor),
            max_age=settings.ACADEMY_REFERRAL_DAYS * 24 * 3600,
            **cookie,
        )
    return response


def image(request, code, kind, ref):
    found, achievement = _shared(code, kind, ref)
    url = selectors.landing_url(found.code, achievement)
    name = str(found.user)
    digest = hashlib.sha256(f"{name}|{achievement}|{url}".encode()).hexdigest()[:24]
    key = f"sharecards:png:{digest}"
    png = cache.get(key)
    if png is None:
        if ratelimits.too_many(request, "share_card"):
            return HttpResponse(_("Too many images. Try again later."), status=429)
        png = cards.render_png(name=name, achievement=achievement, url=url)
        cache.set(key, png, IMAGE_CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@staff_required(access.can_view_growth_reports)
def top_sharers(request):
    return render(request, "growth/sharecards/top_sharers.html", {"rows": selectors.top_sharers()})
