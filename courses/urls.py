from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("search/", views.search_view, name="search"),
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
