"""A cache of Wagtail pages for anonymous visitors, cleared when content is published.

Rendering a Wagtail page costs about ten times a trivial view, nearly all of it
Python; anonymous visitors (most of the traffic from shared links) see the same
HTML, so it is kept in the shared cache. The cache is never used for signed-in
users, for pages that put a CSRF token or a cookie in the response, or while a
one-off message is waiting to be shown. A cache outage is a miss (see
academy.cache). Publishing, unpublishing, moving or
deleting any page starts a new generation of keys, so nobody sees stale content
for longer than it takes to publish.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from academy.cache import invalidate_now_and_on_commit
from academy.wechat.browser import in_wechat

GENERATION_KEY = "pagecache:generation"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control", "X-Frame-Options")


def _new_generation():
    if not cache.add(GENERATION_KEY, 1, None):
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # expired between the two calls, or the cache is down
            cache.set(GENERATION_KEY, 1, None)


def clear(**kwargs):
    """Start a new generation: every cached page is stale at once."""
    invalidate_now_and_on_commit(_new_generation)


def _key(request, generation):
    path = request.get_full_path()
    digest = hashlib.sha256(f"{request.get_host()}|{path}".encode()).hexdigest()[:32]
    # WeChat's browser gets the page with its share card (academy_wechat tags).
    flavour = "wx" if in_wechat(request) else "web"
    return f"pagecache:{generation}:{request.LANGUAGE_CODE}:{flavour}:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.ACADEMY_PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or "messages" in request.COOKIES
            or len(request.get_full_path()) > 300
        ):
            return self.get_response(request)
        generation = cache.get(GENERATION_KEY) or 0
        key = _key(request, generation)
        cached = cache.get(key)
        if cached is not None:
            status, headers, content = cached
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._cacheable(request, response):
            if settings.ACADEMY_CDN_SECONDS:
                response["Cache-Control"] = (
                    f"public, max-age=0, s-maxage={settings.ACADEMY_CDN_SECONDS}"
                )
            headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
            cache.set(key, (response.status_code, headers, response.content), seconds)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable(request, response):
        match = getattr(request, "resolver_match", None)
        return (
            response.status_code == 200
            and match is not None
            and match.url_name == "wagtail_serve"
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(request, "_messages", None)
            and not getattr(request, "page_cache_exempt", False)
        )


def connect_signals():
    from django.db.models.signals import post_delete
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(clear, dispatch_uid=f"pagecache-{signal!r}")

    def clear_on_page_delete(sender, instance, **kwargs):
        if isinstance(instance, Page):
            clear()

    post_delete.connect(clear_on_page_delete, weak=False, dispatch_uid="pagecache-delete")
