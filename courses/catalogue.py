"""The academy's published structure (tiers, courses, lessons, quizzes), read in one query.

Every listing needs the same structure: which courses a tier has, which are
required, the lessons of each course in order, and their URLs. It is read in
one query, kept in the cache, and rebuilt after any page is saved, moved or
deleted (a version key is bumped), so pages cost the learner's own rows only.
"""

import threading
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.urls import reverse
from wagtail.images.utils import generate_signature
from wagtail.models import Page, Site

from academy.cache import invalidate_now_and_on_commit
from courses import requirements

VERSION_KEY = "courses:catalogue:version"
# A safety net only: every page change bumps the version at once.
TIMEOUT = 600
_memo = threading.local()


@dataclass
class LessonNode:
    id: int
    title: str
    path: str
    url: str
    required: bool
    course_id: int


@dataclass
class QuizNode:
    id: int
    title: str
    path: str
    url: str
    course_id: int


@dataclass
class CourseNode:
    id: int
    title: str
    path: str
    url: str
    summary: str
    required: bool
    minutes: int
    cover_image_id: int | None
    instructor_name: str
    instructor_headline: str
    tier_id: int
    lessons: list = field(default_factory=list)
    quiz: QuizNode | None = None
    prerequisite_ids: list = field(default_factory=list)

    def cover_url(self, spec="fill-640x360"):
        if not self.cover_image_id:
            return ""
        signature = generate_signature(self.cover_image_id, spec)
        return reverse("courses:cover", args=[signature, self.cover_image_id, spec])


@dataclass
class TierNode:
    id: int
    level: int
    title: str
    tagline: str
    path: str
    url: str
    courses: list = field(default_factory=list)

    @property
    def required_course_ids(self):
        """What completes this tier, by the one rule of ``courses.requirements``."""
        return requirements.required_course_ids(self)


@dataclass
class Catalogue:
    tiers: list
    courses: dict
    lessons: dict
    quizzes: dict
    by_url: dict

    def course_for_path(self, path):
        return self.courses_by_path().get(path[: -Page.steplen])

    def courses_by_path(self):
        return {c.path: c for c in self.courses.values()}

    def tier(self, tier_id):
        return next((t for t in self.tiers if t.id == tier_id), None)

    def tier_of(self, course_id):
        """The published tier of a published course, or None."""
        course = self.courses.get(course_id)
        return self.tier(course.tier_id) if course is not None else None

    def titles(self, course_ids):
        return [self.courses[i].title for i in course_ids if i in self.courses]


def _relative_url(url_path, roots):
    for root in roots:
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path) - 1 :]
    return ""


# The columns of one published page that the catalogue keeps, read in one query.
PAGE_COLUMNS = (
    "id",
    "title",
    "path",
    "url_path",
    "content_type_id",
    "tierpage__level",
    "tierpage__tagline",
    "coursepage__required",
    "coursepage__summary",
    "coursepage__estimated_minutes",
    "coursepage__cover_image_id",
    "coursepage__instructor__headline",
    "coursepage__instructor__user__display_name",
    "coursepage__instructor__user__email",
    "lessonpage__required",
)


def build():
    """Read the published academy in two queries (pages, prerequisites)."""
    kinds = _kinds_by_content_type()
    roots = Site.get_site_root_paths()
    catalogue = Catalogue(tiers=[], courses={}, lessons={}, quizzes={}, by_url={})
    by_path = {}
    for row in _published_rows(kinds):
        parent = by_path.get(row["path"][: -Page.steplen])
        url = _relative_url(row["url_path"], roots)
        node = _place(catalogue, kinds[row["content_type_id"]], row, url, parent)
        if node is not None:
            by_path[node.path] = node
    _add_prerequisites(catalogue.courses)
    catalogue.tiers.sort(key=lambda t: t.level)
    catalogue.by_url = {node.url: node for node in by_path.values() if node.url}
    return catalogue


def _kinds_by_content_type():
    """``{content type id: "tier" | "course" | "lesson" | "quiz"}`` of the academy's pages."""
    from django.contrib.contenttypes.models import ContentType

    from courses.models import CoursePage, LessonPage, QuizPage, TierPage

    kinds = {TierPage: "tier", CoursePage: "course", LessonPage: "lesson", QuizPage: "quiz"}
    types = ContentType.objects.get_for_models(*kinds)
    return {types[model].id: kind for model, kind in kinds.items()}


def _published_rows(kinds):
    return (
        Page.objects.live()
        .filter(content_type_id__in=list(kinds))
        .order_by("path")
        .values(*PAGE_COLUMNS)
    )


def _place(catalogue, kind, row, url, parent):
    """The node of one page, hung under its parent; None for a page out of place
    (a course outside a tier, a lesson outside a course, a course's second quiz)."""
    if kind == "tier":
        node = _tier_node(row, url)
        catalogue.tiers.append(node)
    elif kind == "course" and isinstance(parent, TierNode):
        node = _course_node(row, url, parent)
        parent.courses.append(node)
        catalogue.courses[node.id] = node
    elif kind == "lesson" and isinstance(parent, CourseNode):
        node = _lesson_node(row, url, parent)
        parent.lessons.append(node)
        catalogue.lessons[node.id] = node
    elif kind == "quiz" and isinstance(parent, CourseNode) and parent.quiz is None:
        node = QuizNode(
            id=row["id"], title=row["title"], path=row["path"], url=url, course_id=parent.id
        )
        parent.quiz = node
        catalogue.quizzes[node.id] = node
    else:
        return None
    return node


def _tier_node(row, url):
    return TierNode(
        id=row["id"],
        level=row["tierpage__level"],
        title=row["title"],
        tagline=row["tierpage__tagline"],
        path=row["path"],
        url=url,
    )


def _course_node(row, url, tier):
    email = row["coursepage__instructor__user__email"] or ""
    return CourseNode(
        id=row["id"],
        title=row["title"],
        path=row["path"],
        url=url,
        summary=row["coursepage__summary"],
        required=row["coursepage__required"],
        minutes=row["coursepage__estimated_minutes"],
        cover_image_id=row["coursepage__cover_image_id"],
        instructor_name=row["coursepage__instructor__user__display_name"] or email.split("@")[0],
        instructor_headline=row["coursepage__instructor__headline"] or "",
        tier_id=tier.id,
    )


def _lesson_node(row, url, course):
    return LessonNode(
        id=row["id"],
        title=row["title"],
        path=row["path"],
        url=url,
        required=row["lessonpage__required"],
        course_id=course.id,
    )


def _add_prerequisites(courses):
    """Each course's published prerequisites, in one query."""
    from courses.models import CoursePage

    through = CoursePage.prerequisites.through
    for course_id, prerequisite_id in through.objects.filter(
        from_coursepage_id__in=list(courses)
    ).values_list("from_coursepage_id", "to_coursepage_id"):
        if prerequisite_id in courses:
            courses[course_id].prerequisite_ids.append(prerequisite_id)


def _version():
    # A random token rather than a counter: after a cache flush the new token
    # never matches a catalogue memoised before it. None: the cache is down.
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def get():
    """The published academy, from the cache (and memoised per thread for this version)."""
    version = _version()
    if version is None:
        # No cache: read it from the database, slower but correct.
        return build()
    memo = getattr(_memo, "value", None)
    if memo is not None and memo[0] == version:
        return memo[1]
    key = f"courses:catalogue:{version}"
    catalogue = cache.get(key)
    if catalogue is None:
        catalogue = build()
        cache.set(key, catalogue, TIMEOUT)
    _memo.value = (version, catalogue)
    return catalogue


def invalidate(*args, **kwargs):
    """Signal receiver: a page changed, so the next read rebuilds the catalogue."""
    instance = kwargs.get("instance")
    if instance is not None and not isinstance(instance, Page):
        return
    invalidate_now_and_on_commit(_new_version)


def _new_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    _memo.value = None
