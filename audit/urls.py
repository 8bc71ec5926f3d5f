from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("export.csv", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
]
