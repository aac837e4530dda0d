"""Validators shared by the forms of every app."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import Input
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Invisible marks that reorder or hide text: the bidi embeddings, overrides and
# isolates, and the line and paragraph separators. The zero-width joiner stays:
# emoji such as 👩‍🌾 are built with it.
_INVISIBLE = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)


def is_forbidden(character):
    return unicodedata.category(character) == "Cc" or character in _INVISIBLE


@deconstructible
class SingleLineValidator:
    """Refuse control characters (line breaks, tabs, escapes) and direction marks.

    A name or title with them reads differently in the admin, a CSV file or an
    e-mail subject than where it was typed.
    """

    message = _("Please remove the line breaks, control characters or text-direction marks.")
    code = "control_characters"

    def __call__(self, value):
        if any(is_forbidden(character) for character in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)


single_line = SingleLineValidator()

_NOT_TYPED_TEXT = (forms.HiddenInput, forms.PasswordInput, forms.FileInput)


class SingleLineTextMixin:
    """Give every one-line text field of a form the ``single_line`` validator.

    Fields drawn as a one-line box (not a textarea, a hidden or a password input)
    are meant for one line, however the form declared them, so fields added
    later are covered too.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and isinstance(field.widget, Input)
                and not isinstance(field.widget, _NOT_TYPED_TEXT)
                and single_line not in field.validators
            ):
                field.validators.append(single_line)
