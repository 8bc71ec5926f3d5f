from django.urls import path

from searches import views

app_name = "searches"

urlpatterns = [
    path("", views.home, name="home"),
    path("justification/", views.justification_start, name="justification_start"),
    path("justification/end/", views.justification_end, name="justification_end"),
    path("plates/", views.plate_results, name="plate_results"),
    path("canvass/", views.canvass_results, name="canvass_results"),
    path("reads/<int:read_id>/", views.read_detail, name="read_detail"),
    path("reads/<int:read_id>/image/<str:kind>/", views.read_image, name="read_image"),
    path("reads/<int:read_id>/download/", views.read_download, name="read_download"),
    path("outcome/", views.outcome_record, name="outcome_record"),
    path("outcome/<int:justification_id>/", views.outcome_for, name="outcome_for"),
    path("felony/", views.felony_requests, name="felony_requests"),
    path("felony/<int:request_id>/decide/", views.felony_decide, name="felony_decide"),
    path("audit/", views.audit_lookup, name="audit_lookup"),
]
