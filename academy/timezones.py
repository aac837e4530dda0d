"""Time zones as people say them: 北京时间 rather than Asia/Shanghai.

Forms offer the zones shopkeepers and mentors live in first, by their Chinese
(or English) names, then every other zone; the stored value is always the IANA name.
"""

import zoneinfo

from django.utils.translation import gettext_lazy as _

# The zones our people live in, in the order a form offers them.
NAMES = {
    "Asia/Shanghai": _("Beijing time"),
    "Asia/Hong_Kong": _("Hong Kong time"),
    "Asia/Macau": _("Macau time"),
    "Asia/Taipei": _("Taipei time"),
    "Asia/Tokyo": _("Tokyo time"),
    "Asia/Seoul": _("Seoul time"),
    "Asia/Singapore": _("Singapore time"),
    "Asia/Kuala_Lumpur": _("Kuala Lumpur time"),
    "Asia/Bangkok": _("Bangkok time"),
    "Australia/Sydney": _("Sydney time"),
    "Europe/London": _("London time"),
    "Europe/Paris": _("Paris time"),
    "Europe/Berlin": _("Berlin time"),
    "America/New_York": _("New York time"),
    "America/Toronto": _("Toronto time"),
    "America/Los_Angeles": _("Los Angeles time"),
    "America/Vancouver": _("Vancouver time"),
}


def zone_name(zone):
    """How people say ``zone`` (an IANA name or a tzinfo): 北京时间, or the IANA name."""
    key = str(getattr(zone, "key", zone) or "")
    return NAMES.get(key) or key.replace("_", " ")


def _others():
    zones = [
        z
        for z in sorted(zoneinfo.available_timezones())
        if z not in NAMES and "/" in z and not z.startswith(("Etc/", "SystemV/"))
    ]
    return [(z, z.replace("_", " ")) for z in ["UTC", *zones]]


def time_zone_choices():
    """Grouped choices for a form's select: common zones by name, then all others."""
    return [
        (_("Common time zones"), list(NAMES.items())),
        (_("Other time zones"), _others()),
    ]


# Kept for the forms that import it: the same grouped choices.
COMMON_TIME_ZONES = time_zone_choices()
