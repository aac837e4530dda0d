"""Forms of the Wagtail admin that the academy tightens: uploaded video and audio.

Lesson video is served by the academy (courses.views.lesson_media), so an upload
is limited in size and type like documents are, before it is stored.
"""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtailmedia.forms import BaseMediaForm


class LessonMediaForm(BaseMediaForm):
    """wagtailmedia's upload form with the academy's size limit (types: ``WAGTAILMEDIA``)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        limit = settings.ACADEMY_MEDIA_MAX_UPLOAD_SIZE
        if upload is not None and limit and getattr(upload, "size", 0) > limit:
            raise forms.ValidationError(
                _("This file is too big (%(size)s). The largest allowed is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload
