"""``{{ phone|phone_display }}``: a stored number as she reads it (138 0013 8000)."""

from django import template

from academy import phones

register = template.Library()


@register.filter
def phone_display(value):
    return phones.display(value or "")
