from django.urls import path

from growth.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("shops/<int:user_id>/", views.shopkeeper, name="shopkeeper"),
    path("courses/", views.courses, name="courses"),
]
