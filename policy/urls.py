from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    path("", views.policy_detail, name="detail"),
    path("edit/", views.policy_edit, name="edit"),
]
