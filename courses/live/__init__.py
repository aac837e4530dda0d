"""Star mentors' live sessions (明星导师分享): models, services, notices, selectors, views.

The models are part of the ``courses`` app (``courses.models`` imports them), so
their tables and migrations are the app's.
"""
