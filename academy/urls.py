from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from academy import account_views, seo, views
from academy.notices import views as notice_views
from academy.wechat import share as wechat_share

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("robots.txt", seo.robots_txt, name="robots_txt"),
    path("sitemap.xml", seo.sitemap_xml, name="sitemap"),
    path("language/<str:code>/", views.set_language, name="set_language"),
    path("accounts/phone/verify/", account_views.verify_phone, name="account_verify_phone"),
    path(
        "accounts/login/code/confirm/",
        account_views.confirm_login_code,
        name="account_confirm_login_code",
    ),
    path("accounts/", include("allauth.urls")),
    path("enter/", views.enter_from_platform, name="platform_entry"),
    path("wechat/share-config/", wechat_share.share_config, name="wechat_share_config"),
    path("me/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", notice_views.notice_settings, name="notice_settings"),
    # Answers 404 unless DEBUG is on.
    path("dev/outbox/", notice_views.dev_outbox, name="dev_outbox"),
    path("team/", include("growth.teams.urls")),
    path("share/", include("growth.sharecards.urls")),
    path("results/", include("growth.metrics.urls")),
    path("mentorship/star-leader/", include("growth.starleader.urls")),
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
    # Development serves only public uploads here: image renditions and video posters.
    # Lesson documents, media and original images go through the permission-checked
    # views (courses.views, Wagtail's document view with its before_serve hook) in
    # every mode, so /media/documents/… answers 404 as it does in production.
    from django.views.static import serve

    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(
        re_path(
            rf"^{media_prefix}/(?P<path>(?:images|media_thumbnails)/[^/]+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

urlpatterns += [path("", include(wagtail_urls))]
