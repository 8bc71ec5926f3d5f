"""Staff pages of oversight and transparency: namespace "reports", signed in with MFA."""

from django.urls import path

from reports.views import staff_cameras, staff_districts, staff_reports, staff_transparency

app_name = "reports"

urlpatterns = [
    path("", staff_reports.index, name="index"),
    path("<int:report_id>/", staff_reports.detail, name="detail"),
    path("<int:report_id>/file/<str:file_format>/", staff_reports.document, name="file"),
    path("notices/<int:notice_id>/acknowledge/", staff_reports.acknowledge, name="acknowledge"),
    path("cameras/", staff_cameras.registry, name="cameras"),
    path("cameras/placements/new/", staff_cameras.placement_new, name="placement_new"),
    path("cameras/placements/queue/", staff_cameras.placement_queue, name="placement_queue"),
    path(
        "cameras/placements/<int:placement_id>/decide/",
        staff_cameras.placement_decision,
        name="placement_decide",
    ),
    path(
        "cameras/<int:camera_id>/prior-approval/",
        staff_cameras.prior_approval,
        name="prior_approval",
    ),
    path("cameras/costs/new/", staff_cameras.cost_new, name="cost_new"),
    path("districts/", staff_districts.districts, name="districts"),
    path("districts/<int:district_id>/", staff_districts.district_edit, name="district_edit"),
    path("districts/assign/", staff_districts.camera_assign, name="camera_assign"),
    path("policy-text/", staff_transparency.policy_docs, name="policy_docs"),
    path("policy-text/<int:document_id>/", staff_transparency.policy_doc, name="policy_doc"),
    path(
        "policy-text/<int:document_id>/<slug:action>/",
        staff_transparency.policy_doc_action,
        name="policy_doc_action",
    ),
    path("complaints/", staff_transparency.complaints, name="complaints"),
    path("complaints/<int:complaint_id>/", staff_transparency.complaint_detail, name="complaint"),
    path("incidents/", staff_transparency.incidents, name="incidents"),
    path("contacts/", staff_transparency.contacts, name="contacts"),
]
