from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from academy import views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("language/<str:code>/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("me/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("team/", include("academy.teams.urls")),
    path("share/", include("academy.sharecards.urls")),
    path("results/", include("academy.metrics.urls")),
    path("learn/", include("courses.urls")),
    path("mentorship/", include("mentorship.urls")),
    # Every login goes through allauth (two-factor, rate limits, no enumeration).
    path("cms/login/", views.to_account_login),
    path("_util/login/", views.to_account_login),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.ACADEMY_BENCH_URLS:
    urlpatterns.append(path("bench/ping/", views.ping))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
