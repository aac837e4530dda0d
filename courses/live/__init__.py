"""Star mentors' live sessions (明星导师分享): services, notices, selectors, views.

The page models live in :mod:`courses.models.live`; this package holds what
people do with them, in the same layout as the rest of ``courses``.
"""
