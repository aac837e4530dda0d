"""Chinese search over courses and lessons, on SQLite and PostgreSQL alike.

The database search backends split words at spaces, and Chinese has none, so a
lesson about 发朋友圈的技巧 would be one "word". Pages therefore index a
``search_text`` that jieba has cut into words separated by spaces, and queries
are cut the same way before they reach the backend.
"""

import logging
import re

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
    """The words of a search query; single characters are dropped unless nothing else is left."""
    words = [w for w in segment(query, for_index=False).split(" ") if w]
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


def search_pages(query, limit=30):
    """Live courses and lessons matching ``query``, best first."""
    from wagtail.models import Page

    from courses.models import CoursePage, LessonPage

    terms = query_terms(query)
    if not terms:
        return []
    text = " ".join(terms)
    results = []
    for model in (CoursePage, LessonPage):
        queryset = model.objects.live()
        hits = list(queryset.search(text, operator="and")[:limit])
        if not hits and len(terms) > 1:
            hits = list(queryset.search(text, operator="or")[:limit])
        for hit in hits:
            hit.kind = "lesson" if model is LessonPage else "course"
        results.extend(hits)
    # Parents (course of a lesson, tier of a course) in one query for the listing.
    parent_paths = {r.path[: -Page.steplen] for r in results}
    parents = {p.path: p for p in Page.objects.filter(path__in=parent_paths).only("title", "path")}
    for result in results:
        result.parent_title = getattr(parents.get(result.path[: -Page.steplen]), "title", "")
    return results[:limit]
