"""The Star Leader Program under /mentorship/star-leader/: members, mentors, program staff."""

from django.urls import path

from mentorship.starleader.views import members, mentors, staff

app_name = "starleader"
urlpatterns = [
    path("", members.home, name="home"),
    path("cohorts/<int:pk>/apply/", members.apply, name="apply"),
    path("applications/<int:pk>/", members.application, name="application"),
    path("applications/<int:pk>/confirm/", members.confirm, name="confirm"),
    path("applications/<int:pk>/withdraw/", members.withdraw, name="withdraw"),
    path("applications/<int:pk>/plan/", members.action_plan, name="plan"),
    path("check-in/", members.check_in, name="check_in"),
    path("mentor/", mentors.mentor_home, name="mentor"),
    path("members/<int:pk>/", mentors.member, name="member"),
    path("staff/", staff.cohorts, name="staff"),
    path("staff/cohorts/<int:pk>/", staff.dashboard, name="dashboard"),
    path("staff/cohorts/<int:pk>/export/<slug:name>.csv", staff.export, name="export"),
    path("staff/cohorts/<int:pk>/experts/", staff.experts, name="experts"),
    path("staff/cohorts/<int:pk>/graduate/", staff.graduate_all, name="graduate_all"),
    path("staff/applications/<int:pk>/decide/", staff.decide, name="decide"),
    path("staff/sessions/<int:pk>/", staff.session, name="session"),
]
