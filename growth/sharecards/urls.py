from django.urls import path

from growth.sharecards import views

app_name = "sharecards"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("top/", views.top_sharers, name="top_sharers"),
    path("cards/<slug:kind>/<str:ref>/", views.card, name="card"),
    path("r/<str:code>/<slug:kind>/<str:ref>/", views.landing, name="landing"),
    path("r/<str:code>/<slug:kind>/<str:ref>/card.png", views.image, name="image"),
]
