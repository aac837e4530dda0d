from django import template
from wagtail.models import Page

from academy import seo

register = template.Library()


@register.inclusion_tag("includes/page_meta.html")
def page_meta(page):
    """``<meta name=description>`` and Open Graph tags of a Wagtail page (else nothing)."""
    return {"meta": seo.page_meta(page) if isinstance(page, Page) else None}
