"""Searching Wagtail's image and document libraries while filtering by usage count.

Wagtail 8 filters the library on an annotated usage count before it hands the
queryset to the search backend, which cannot read an annotation ("'Coalesce'
object has no attribute 'target'"): an editor who searched with the usage
filter set got a server error. Here the filtered queryset (permissions and
usage count applied) is reduced to its primary keys first, and the search runs
over those, and the page's usage counts are read for the matches shown.
"""

from wagtail.documents.views.documents import IndexView as DocumentIndexView
from wagtail.images.views.images import IndexView as ImageIndexView
from wagtail.models import ReferenceIndex


def _searchable(view_class):
    search_queryset = view_class.search_queryset

    def search_filtered_by_usage(self, queryset):
        if self.is_searching and self.needs_usage_count_subquery:
            keys = list(queryset.values_list("pk", flat=True))
            queryset = self.model.objects.filter(pk__in=keys)
        return search_queryset(self, queryset)

    decorate = view_class.decorate_paginated_queryset

    def decorate_with_usage_counts(self, object_list):
        object_list = decorate(self, object_list)
        missing = [item for item in object_list if not hasattr(item, "usage_count")]
        if missing:
            counts = ReferenceIndex.get_count_references_to_in_bulk(missing)
            for item in missing:
                item.usage_count = counts.get(item, 0)
        return object_list

    view_class.search_queryset = search_filtered_by_usage
    view_class.decorate_paginated_queryset = decorate_with_usage_counts


def install():
    for view_class in (ImageIndexView, DocumentIndexView):
        _searchable(view_class)
