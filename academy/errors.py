"""The one shape of a refused request, for every domain of the academy.

A domain error carries a translated ``message`` the user can read and a stable
``code`` for callers and tests. Each domain subclasses it (``LearningError``,
``MentorshipError``, ``TeamError`` …) and may set a ``default_message`` and a
``default_code``; views turn it into a form error or a message.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused request: nothing was changed."""

    default_message = _("This request cannot be carried out.")
    default_code = "invalid"

    def __init__(self, message=None, code=None):
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        super().__init__(str(self.message))
