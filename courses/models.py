"""Pages of the online academy: Academy index → Tier → (courses, lessons to come)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class TierLevel(models.IntegerChoices):
    BEGINNER = 1, _("Beginner")
    INTERMEDIATE = 2, _("Intermediate")
    ADVANCED = 3, _("Advanced")


class AcademyIndexPage(Page):
    """The root of the online academy (商学院); its children are the three tiers."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["academy.HomePage"]
    subpage_types = ["courses.TierPage"]
    max_count = 1

    class Meta:
        verbose_name = _("academy index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tiers"] = TierPage.objects.child_of(self).live().order_by("tierpage__level")
        return context


class TierPage(Page):
    """One of the three tiers: 新手入门, 中班进阶, 高班提升."""

    level = models.PositiveSmallIntegerField(_("tier"), choices=TierLevel.choices, unique=True)
    tagline = models.CharField(_("tagline"), max_length=120, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("level"),
        FieldPanel("tagline"),
        FieldPanel("intro"),
    ]
    parent_page_types = ["courses.AcademyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("tier")
