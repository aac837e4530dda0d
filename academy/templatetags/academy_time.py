"""``{{ zone|zone_name }}``: a time zone as people say it (北京时间), for every page and notice."""

from django import template

from academy.timezones import zone_name as _zone_name

register = template.Library()


@register.filter
def zone_name(zone):
    return _zone_name(zone)
