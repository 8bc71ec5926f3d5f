"""Staff pages of sharing (namespace ``sharing``): agencies, declarations, requests, records requests."""
from django.urls import path  # noqa: F401

app_name = "sharing"

urlpatterns = []
