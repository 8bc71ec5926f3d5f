from django.urls import path

from hotlists import views

app_name = "hotlists"

urlpatterns = [
    path("", views.hotlist_index, name="index"),
    path("entries/add/", views.entry_add, name="entry_add"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/deactivate/", views.entry_deactivate, name="entry_deactivate"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("alerts/", views.alert_inbox, name="alerts"),
    path("alerts/poll/", views.alert_poll, name="alert_poll"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/verify/", views.alert_verify, name="alert_verify"),
    path("alerts/<int:alert_id>/action/", views.alert_action, name="alert_action"),
    path("alerts/<int:alert_id>/image/<str:kind>/", views.alert_image, name="alert_image"),
]
