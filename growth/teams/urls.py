from django.urls import path

from growth.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.team, name="team"),
    path("plan/", views.plan, name="plan"),
    path("nudge-behind/", views.nudge_behind, name="nudge_behind"),
    path("members/<int:profile_id>/", views.member, name="member"),
    path("members/<int:profile_id>/nudge/", views.nudge, name="nudge"),
]
