"""Pages of the online academy: Academy index → Tier → Course → Lesson (and the course quiz).

The quiz is a page under its course (at most one) rather than a part of the
course page: it gets a readable URL (``…/how-to-share/quiz/``), its own
revisions, preview and moderation, and the editor who writes questions does not
have to touch the course description to do it.

Lesson, quiz and file access is decided by :mod:`courses.access` in
:class:`GatedPageMixin.serve`; course pages are public descriptions.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from courses import blocks


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

    @property
    def meta_description(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["tiers"] = selectors.tiers_with_status(request)
        context["search_query"] = ""
        return context

    def route(self, request, path_components):
        """Find a published tier, course, lesson or quiz in one query via the catalogue.

        Wagtail's default routing costs two queries per level (four levels deep
        for a lesson); anything the catalogue does not know takes the default way.
        """
        if path_components:
            from courses import catalogue

            site = Site.find_for_request(request)
            root_path = site.root_page.url_path if site else ""
            if root_path and self.url_path.startswith(root_path):
                url = self.url_path[len(root_path) - 1 :] + "/".join(path_components) + "/"
                node = catalogue.get().by_url.get(url)
                model = _NODE_MODELS.get(type(node).__name__)
                if model is not None:
                    page = model.objects.filter(pk=node.id, live=True).first()
                    if page is not None:
                        return page.route(request, [])
        return super().route(request, path_components)


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
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("tier")

    @property
    def meta_description(self):
        return self.tagline or self.intro

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.tier_page_context(request, self))
        return context


class CourseTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("course tag")


class CoursePage(Page):
    """A course: a public description, its lessons and (optionally) one quiz below it."""

    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    summary = models.TextField(_("summary"), max_length=300)
    description = RichTextField(
        pgettext_lazy("course", "description"),
        blank=True,
        features=["h3", "bold", "italic", "ul", "ol", "link"],
    )
    outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One outcome per line.")
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=30, validators=[MinValueValidator(1)]
    )
    instructor = models.ForeignKey(
        "academy.MentorProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("instructor"),
    )
    tags = ClusterTaggableManager(through=CourseTag, blank=True, verbose_name=_("tags"))
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        symmetrical=False,
        related_name="required_by",
        verbose_name=_("prerequisites"),
        help_text=_("Courses a learner must complete before enrolling in this one."),
    )
    required = models.BooleanField(
        _("required for the tier"),
        default=True,
        help_text=_("All required courses of a tier unlock the next tier."),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_text"),
        index.FilterField("required"),
        # The admin's course listing filters a search by instructor.
        index.FilterField("instructor"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("description"),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("required")]),
                FieldPanel("instructor"),
                FieldPanel("tags"),
                FieldPanel("prerequisites"),
            ],
            heading=_("Course details"),
        ),
    ]
    parent_page_types = ["courses.TierPage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_minutes__gte=1),
                name="courses_course_minutes_positive",
            ),
        ]

    @property
    def meta_description(self):
        return self.summary

    @property
    def meta_image_path(self):
        """The cover at a signed public address, sized for share cards."""
        from courses.catalogue import CourseNode

        return CourseNode.cover_url(self, "fill-1200x630")

    @property
    def outcome_list(self):
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def search_text(self):
        from courses.search import segment

        return segment(" ".join([self.title, self.summary, self.description, self.outcomes]))

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.course_page_context(request, self))
        return context


class GatedPageMixin:
    """Serve the page only to learners who may study its course (see courses.access).

    Anonymous visitors are sent to log in, locked tiers and unmet prerequisites
    get a 403 page that says what unlocks them, and learners who are not enrolled
    are sent to the course page to enrol with one tap.
    """

    def get_course(self):
        """The published course this page belongs to (a catalogue node), or None."""
        from courses import catalogue

        return catalogue.get().course_for_path(self.path)

    def serve(self, request, *args, **kwargs):
        from courses import access

        refusal = access.refuse_page(request, self.get_course())
        if refusal is not None:
            return refusal
        return self.serve_to_learner(request, *args, **kwargs)

    def serve_to_learner(self, request, *args, **kwargs):
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        # Lessons and quizzes are for enrolled learners: search engines get the course.
        return []


class LessonPage(GatedPageMixin, Page):
    """A lesson of a course, read or watched in order; its body is the shared StreamBlock."""

    summary = models.CharField(_("summary"), max_length=200, blank=True)
    body = StreamField(blocks.LessonBodyBlock(), verbose_name=_("body"))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=5, validators=[MinValueValidator(1)]
    )
    required = models.BooleanField(
        pgettext_lazy("lesson", "required"),
        default=True,
        help_text=_("Required lessons must be completed."),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_text"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("required")]),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def search_text(self):
        from courses.search import body_text, segment

        return segment(" ".join([self.title, self.summary, body_text(self.body)]))

    @cached_property
    def file_ids(self):
        """The IDs of images, documents and media this lesson's body uses."""
        from courses.search import referenced_files

        return referenced_files(self.body)

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.lesson_page_context(request, self))
        return context

    def serve_to_learner(self, request, *args, **kwargs):
        from academy import userpages
        from courses import services

        if request.user.is_authenticated:
            # Kept while opening it again would record nothing new.
            until = services.record_lesson_visit(request.user, self)
            userpages.cache_page(request, until=until)
        return super().serve_to_learner(request, *args, **kwargs)


class QuizPage(GatedPageMixin, Page):
    """The quiz of a course: questions, a pass mark and an attempt limit with a cool-down."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    questions = StreamField(blocks.QuizBlock(), verbose_name=_("questions"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many attempts a learner has within the cool-down period."),
    )
    cooldown_hours = models.PositiveSmallIntegerField(
        _("cool-down (hours)"),
        default=24,
        validators=[MaxValueValidator(24 * 30)],
        help_text=_(
            "After using all attempts, the learner waits this long. "
            "0 means the attempts never come back."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldRowPanel(
            [FieldPanel("pass_mark"), FieldPanel("max_attempts"), FieldPanel("cooldown_hours")]
        ),
        FieldPanel("questions"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
                name="courses_quiz_pass_mark_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_attempts__gte=1), name="courses_quiz_attempts_positive"
            ),
        ]

    @classmethod
    def can_create_at(cls, parent):
        # One quiz per course.
        return super().can_create_at(parent) and not cls.objects.child_of(parent).exists()

    def question_list(self):
        """Questions as plain data; choice IDs are what the learner's form sends back."""
        result = []
        for block in self.questions:
            if block.block_type != "question":
                continue
            value = block.value
            kind = value["kind"]
            if kind == blocks.QuestionKind.TRUE_FALSE:
                truth = bool(value["statement_is_true"])
                choices = [
                    {"id": "true", "text": _("True"), "correct": truth},
                    {"id": "false", "text": _("False"), "correct": not truth},
                ]
            else:
                choices = [
                    {
                        "id": str(item.id),
                        "text": item.value["text"],
                        "correct": item.value["correct"],
                    }
                    for item in value["choices"].bound_blocks
                ]
            result.append(
                {
                    "id": str(block.id),
                    "kind": kind,
                    "text": value["text"],
                    "choices": choices,
                    "explanation": value["explanation"],
                }
            )
        return result

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.quiz_page_context(request, self))
        return context

    def serve_to_learner(self, request, *args, **kwargs):
        from courses import views

        if request.method == "POST":
            return views.submit_quiz(request, self)
        return super().serve_to_learner(request, *args, **kwargs)


# Catalogue node types → page models, for AcademyIndexPage.route.
_NODE_MODELS = {
    "TierNode": TierPage,
    "CourseNode": CoursePage,
    "LessonNode": LessonPage,
    "QuizNode": QuizPage,
}
