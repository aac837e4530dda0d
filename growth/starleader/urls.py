"""A cohort's results, at the address they had among the Star Leader staff pages."""

from django.urls import path

from growth.starleader import views

app_name = "growth_starleader"
urlpatterns = [
    path("staff/cohorts/<int:pk>/results/", views.results, name="results"),
]
