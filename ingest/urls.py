"""Camera endpoints. Namespace ``camera_api``: the access gate treats it as a machine endpoint that
authenticates cameras with their own credentials (``ingest.auth``), never a browser session."""
from django.urls import path

from ingest import views

app_name = "camera_api"

urlpatterns = [
    path("api/v1/cameras/reads/", views.upload_read, name="upload_read"),
    path("api/v1/cameras/reads/<int:read_id>/", views.read_status, name="read_status"),
    path("api/v1/cameras/openalpr/", views.openalpr_webhook, name="openalpr_webhook"),
    path("v1/plate-reader/", views.platerecognizer_snapshot, name="platerecognizer_snapshot"),
]
