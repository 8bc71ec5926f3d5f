from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("holds/", views.holds_list, name="holds_list"),
    path("holds/new/", views.hold_place, name="hold_place"),
    path("holds/<int:hold_id>/", views.hold_detail, name="hold_detail"),
    path("holds/<int:hold_id>/release/", views.hold_release, name="hold_release"),
    path("evidence/", views.packages_list, name="packages_list"),
    path("evidence/new/", views.package_create, name="package_create"),
    path("evidence/<int:package_id>/", views.package_detail, name="package_detail"),
    path("evidence/<int:package_id>/verify/", views.package_verify, name="package_verify"),
    path("evidence/<int:package_id>/download/", views.package_download, name="package_download"),
    # The read detail page (searches) links here with the read's id.
    path("reads/<int:read_id>/flag/", views.flag_read, name="flag_read"),
    path("flags/mine/", views.my_flags, name="my_flags"),
    path("flags/", views.flags_queue, name="flags_queue"),
    path("flags/<int:flag_id>/review/", views.flag_review, name="flag_review"),
    path("purges/", views.purge_runs, name="purge_runs"),
]
