from django.urls import path
from django.views.decorators.cache import cache_control
from wagtail.images.views.serve import ServeView

from courses import views

# Course covers are public (course descriptions are): signed URLs, rendered on first request.
serve_cover = cache_control(public=True, max_age=7 * 24 * 3600)(ServeView.as_view(action="serve"))

app_name = "courses"
urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("covers/<str:signature>/<int:image_id>/<str:filter_spec>/", serve_cover, name="cover"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete_lesson"),
    path("lessons/<int:lesson_id>/position/", views.lesson_position, name="lesson_position"),
    path("lessons/<int:lesson_id>/media/<int:media_id>/", views.lesson_media, name="lesson_media"),
    path(
        "lessons/<int:lesson_id>/documents/<int:document_id>/",
        views.lesson_document,
        name="lesson_document",
    ),
    path(
        "lessons/<int:lesson_id>/images/<int:image_id>/<str:spec>/",
        views.lesson_image,
        name="lesson_image",
    ),
    path(
        "certificates/<str:code>/download/",
        views.certificate_download,
        name="certificate_download",
    ),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
]
