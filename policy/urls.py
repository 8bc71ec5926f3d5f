from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    path("", views.policy_detail, name="detail"),
    path("edit/", views.policy_edit, name="edit"),
    path("changes/<int:proposal_id>/", views.change_detail, name="change"),
    path("changes/<int:proposal_id>/<slug:action>/", views.change_action, name="change_action"),
]
