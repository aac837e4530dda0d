from django.urls import path

from courses import views
from courses.live import views as live
from courses.video import views as video

app_name = "courses"
urlpatterns = [
    path("search/", views.search_view, name="search"),
    path(
        "covers/<str:signature>/<int:image_id>/<str:filter_spec>/",
        views.CoverView.as_view(action="serve"),
        name="cover",
    ),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete_lesson"),
    path("lessons/<int:lesson_id>/position/", views.lesson_position, name="lesson_position"),
    path("lessons/<int:lesson_id>/media/<int:media_id>/", views.lesson_media, name="lesson_media"),
    path(
        "lessons/<int:lesson_id>/media/<int:media_id>/stream/",
        video.lesson_stream,
        name="lesson_media_stream",
    ),
    path(
        "lessons/<int:lesson_id>/media/<int:media_id>/poster/",
        video.lesson_poster,
        name="lesson_media_poster",
    ),
    # A viewer's signed playlists and segments (courses/video/tokens.py).
    path("hls/<int:media_id>/<str:token>/<path:path>", video.hls_file, name="hls_file"),
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
    # star mentors' live sessions (the session pages themselves are Wagtail pages)
    path("live/<int:session_id>/signup/", live.signup, name="live_signup"),
    path("live/<int:session_id>/withdraw/", live.withdraw, name="live_withdraw"),
    path("live/<int:session_id>/calendar.ics", live.calendar_file, name="live_ics"),
    path("live/<int:session_id>/join/", live.join, name="live_join"),
    path("live/<int:session_id>/questions/", live.ask, name="live_ask"),
    path("live/questions/<int:question_id>/vote/", live.vote, name="live_vote"),
    path("live/questions/<int:question_id>/hide/", live.hide, name="live_hide"),
    path("live/<int:session_id>/replay/", live.replay, name="live_replay"),
    path("live/<int:session_id>/replay/video/", live.replay_media, name="live_replay_media"),
    path("live/<int:session_id>/replay/stream/", video.replay_stream, name="live_replay_stream"),
    path("live/<int:session_id>/replay/poster/", video.replay_poster, name="live_replay_poster"),
    path(
        "live/<int:session_id>/replay/position/", live.replay_position, name="live_replay_position"
    ),
    path("live/<int:session_id>/materials/<int:document_id>/", live.material, name="live_material"),
    path("live/mine/", live.mentor_sessions, name="live_mentor"),
    path("live/mine/<int:session_id>/", live.mentor_session, name="live_mentor_session"),
    path("live/staff/", live.staff_report, name="live_staff"),
    path("live/staff/<int:session_id>/export.csv", live.staff_export, name="live_staff_csv"),
]
