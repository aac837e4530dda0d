"""Chinese search over courses and lessons, on SQLite and PostgreSQL alike.

The database search backends split words at spaces, and Chinese has none, so a
lesson about 发朋友圈的技巧 would be one "word". Pages therefore index a
``search_text`` that jieba has cut into words separated by spaces, and queries
are cut the same way before they reach the backend.
"""

import logging
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

logger = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w]+")
_jieba = None


def _tokenizer():
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    return _jieba


def segment(text, *, for_index=True):
    """Text as words separated by spaces.

    The index gets every finer word too (``cut_for_search``: 朋友圈 → 朋友, 朋友圈),
    queries the plain cut, so each query word is found in the indexed text.
    """
    text = _SPACES.sub(" ", strip_tags(text or "")).strip()
    if not text:
        return ""
    if not _CJK.search(text):
        return text
    jieba = _tokenizer()
    words = (w.strip() for w in (jieba.cut_for_search(text) if for_index else jieba.cut(text)))
    return " ".join(w for w in words if w and not _PUNCTUATION.fullmatch(w))


def query_terms(query):
    """The words of a search query; single characters are dropped unless nothing else is left.

    Quotes, operators and other punctuation are dropped: they mean nothing to a
    learner and would break the backend's query syntax.
    """
    query = _PUNCTUATION.sub(" ", query or "")
    words = [w for w in segment(query, for_index=False).split(" ") if w and w != "_"]
    longer = [w for w in words if len(w) > 1]
    return list(dict.fromkeys(longer or words))


def body_text(stream):
    """The readable text of a lesson body, for the search index."""
    parts = []
    for block in stream:
        value = block.value
        if block.block_type == "paragraph":
            parts.append(value.source)
        elif block.block_type == "callout":
            parts.extend([value.get("title") or "", value["text"].source])
        elif block.block_type == "share_card":
            parts.extend([value.get("title") or "", value.get("text") or ""])
        elif block.block_type in {"image", "video"}:
            parts.append(value.get("caption") or "")
        elif block.block_type == "audio":
            parts.append(value.get("title") or "")
        elif block.block_type == "document":
            parts.append(value.get("label") or "")
    return " ".join(strip_tags(p) for p in parts if p)


def referenced_files(stream):
    """``{"image": {ids}, "document": {ids}, "media": {ids}}`` used by a lesson body."""
    found = {"image": set(), "document": set(), "media": set()}
    for block in stream:
        value = block.value
        if block.block_type in {"image", "share_card"} and value.get("image"):
            found["image"].add(value["image"].id)
        elif block.block_type == "video" and value.get("video"):
            found["media"].add(value["video"].id)
        elif block.block_type == "audio" and value.get("audio"):
            found["media"].add(value["audio"].id)
        elif block.block_type == "document" and value.get("document"):
            found["document"].add(value["document"].id)
    return found


def _mentions(text, terms, operator):
    text = (text or "").lower()
    found = [term.lower() in text for term in terms]
    return all(found) if operator == "and" else any(found)


def _search(queryset, terms, limit):
    """``queryset`` searched for every term, or for any of them when none has all."""
    text = " ".join(terms)
    hits = list(queryset.search(text, operator="and")[:limit])
    if hits or len(terms) == 1:
        return hits, "and"
    return list(queryset.search(text, operator="or")[:limit]), "or"


@dataclass
class Result:
    """One line of the search page: a course or a lesson, as this learner may see it."""

    kind: str  # "course" or "lesson"
    id: int
    title: str
    url: str
    summary: str
    parent_title: str
    locked: bool = False


def search_pages(query, user, limit=30):
    """Live courses and lessons matching ``query`` that ``user`` may find, best first.

    Course pages are public descriptions: each is found, marked ``locked`` when
    the learner cannot study it yet. A lesson is listed (and found by its body)
    only when the learner may study its course (see :mod:`courses.access`); any
    other lesson is found by its title and summary alone, and shows as its course.
    """
    from courses import access
    from courses.models import CoursePage, LessonPage

    terms = query_terms(query)
    if not terms:
        return []
    state = access.learner_state(user)
    catalogue = state.catalogue

    def may_study(node):
        # Enrolling is one tap, so an open course counts; visitors log in first.
        return user.is_authenticated and access.course_lock_reason(state, node) is None

    def course_result(node):
        tier = catalogue.tier(node.tier_id)
        return Result(
            kind="course",
            id=node.id,
            title=node.title,
            url=node.url,
            summary=node.summary,
            parent_title=tier.title if tier else "",
            locked=access.course_lock_reason(state, node) is not None,
        )

    courses, lessons = {}, []
    course_hits, _operator = _search(CoursePage.objects.live(), terms, limit)
    for hit in course_hits:
        node = catalogue.courses.get(hit.id)
        if node is not None:
            courses[node.id] = course_result(node)
    # Lessons are searched broadly, then kept by what this learner may see of them.
    lesson_hits, operator = _search(LessonPage.objects.live(), terms, limit * 4)
    for hit in lesson_hits:
        lesson, node = catalogue.lessons.get(hit.id), catalogue.course_for_path(hit.path)
        if lesson is None or node is None:
            continue
        if may_study(node):
            lessons.append(
                Result(
                    kind="lesson",
                    id=hit.id,
                    title=hit.title,
                    url=lesson.url,
                    summary=hit.summary,
                    parent_title=node.title,
                )
            )
        elif node.id not in courses and _mentions(f"{hit.title} {hit.summary}", terms, operator):
            courses[node.id] = course_result(node)
    return [*courses.values(), *lessons[:limit]][:limit]
