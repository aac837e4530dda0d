"""What search engines and share cards read: robots.txt, the sitemap, page descriptions.

Absolute addresses come from ``ACADEMY_SITE_URL`` (never the request's Host). A
page type describes itself with ``meta_description`` and, when it has a
picture, ``meta_image_path``; lessons and quizzes keep out of the sitemap by
returning no sitemap URLs (``courses.models``).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import strip_tags
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as sitemap_views

# Signed-in and staff areas, and files: nothing a search engine should list.
PRIVATE_PREFIXES = [
    "/cms/",
    "/accounts/",
    "/me/",
    "/profile/",
    "/notifications/",
    "/learn/",
    "/mentorship/",
    "/team/",
    "/results/",
    "/documents/",
    "/media/",
]


def absolute(path):
    """``path`` (or a URL whose host is dropped) on the configured site address."""
    parts = urlsplit(path or "/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{settings.SITE_URL}{parts.path or '/'}{query}"


@require_GET
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES)]
    # Course and live-session covers are the pictures of share cards.
    lines.insert(1, "Allow: /learn/covers/")
    lines.append(f"Sitemap: {absolute('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class SiteSitemap(Sitemap):
    """Wagtail's sitemap (live pages without view restrictions) on the configured address."""

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["location"] = absolute(url["location"])
        return urls


@require_GET
def sitemap_xml(request):
    return sitemap_views.sitemap(request, sitemaps={"pages": SiteSitemap(request)})


def _text(value, limit=160):
    text = " ".join(strip_tags(str(value or "")).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page_meta(page):
    """Description, picture and address of a Wagtail page, for ``<meta>`` and Open Graph."""
    description = page.search_description or getattr(page, "meta_description", "")
    image = getattr(page, "meta_image_path", "")
    return {
        "title": page.seo_title or page.title,
        "description": _text(description),
        "image": absolute(image) if image else "",
        "url": absolute(page.get_url() or "/"),
    }
