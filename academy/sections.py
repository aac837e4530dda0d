"""Parts of shared pages that the apps contribute.

The home page and the dashboard 我的学习 are made of sections. Each app
registers its own in ``AppConfig.ready()``, so no app imports another's
views and a new program adds a panel without touching the page that shows it.
"""

from collections.abc import Callable
from dataclasses import dataclass

HOME = "home"
# The first thing a signed-in person sees on the home page, above the welcome:
# on a phone it has to be visible without scrolling.
HOME_TOP = "home_top"
DASHBOARD = "dashboard"
# What a mentor (or staff) sees of one mentee: ``get_context(request, mentee=user)``.
MENTEE = "mentee"
# Links among the actions of a cohort's staff page: ``get_context(request, cohort=cohort)``.
COHORT_STAFF = "cohort_staff"

_registry: dict[str, list["Section"]] = {
    HOME_TOP: [],
    HOME: [],
    DASHBOARD: [],
    MENTEE: [],
    COHORT_STAFF: [],
}


@dataclass(frozen=True)
class Section:
    name: str
    template: str
    order: int
    get_context: Callable | None = None


def register(where, name, template, order=50, get_context=None):
    """Add (or replace, by name) a section of the ``where`` page."""
    sections = [s for s in _registry[where] if s.name != name]
    sections.append(Section(name, template, order, get_context))
    sections.sort(key=lambda s: (s.order, s.name))
    _registry[where] = sections


def render_context(where, request, **kwargs):
    """The sections of a page, each with the context its template needs."""
    result = []
    for section in _registry[where]:
        context = section.get_context(request, **kwargs) if section.get_context else {}
        if context is None:
            continue
        result.append({"name": section.name, "template": section.template, "context": context})
    return result
