"""The Star Leader Program under /mentorship/star-leader/: members, mentors, program staff."""

from django.urls import path

from mentorship.starleader import staff_views, views

app_name = "starleader"
urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/plan/", views.action_plan, name="plan"),
    path("check-in/", views.check_in, name="check_in"),
    path("mentor/", views.mentor_home, name="mentor"),
    path("members/<int:pk>/", views.member, name="member"),
    path("staff/", staff_views.cohorts, name="staff"),
    path("staff/cohorts/<int:pk>/", staff_views.dashboard, name="dashboard"),
    path("staff/cohorts/<int:pk>/export/<slug:name>.csv", staff_views.export, name="export"),
    path("staff/cohorts/<int:pk>/experts/", staff_views.experts, name="experts"),
    path("staff/cohorts/<int:pk>/graduate/", staff_views.graduate_all, name="graduate_all"),
    path("staff/applications/<int:pk>/decide/", staff_views.decide, name="decide"),
    path("staff/sessions/<int:pk>/", staff_views.session, name="session"),
]
