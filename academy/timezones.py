"""Time zones offered in forms: China first, then where mentors often live."""

import zoneinfo

_FIRST = [
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
]

COMMON_TIME_ZONES = [(z, z) for z in _FIRST] + [
    (z, z) for z in sorted(zoneinfo.available_timezones()) if z not in _FIRST and "/" in z
]
