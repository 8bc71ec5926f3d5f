from audit.actions import register

# Policy text (RPT-4)
POLICY_DOC_DRAFTED = register("policy_doc.drafted", "Policy text version drafted", category="policy")
POLICY_DOC_COMMENT_OPENED = register(
    "policy_doc.comment_opened", "Policy text published for public comment", category="policy"
)
POLICY_DOC_APPROVED = register("policy_doc.approved", "Policy text approved by the Chief", category="policy")
POLICY_DOC_IN_FORCE = register("policy_doc.in_force", "Policy text version took effect", category="policy")
POLICY_DOC_REVIEWED = register("policy_doc.reviewed", "Annual policy review recorded", category="policy")
# Cameras (CAM-1 to CAM-4)
PLACEMENT_REQUESTED = register(
    "camera.placement_requested", "Camera installation or relocation requested", category="camera"
)
PLACEMENT_DECIDED = register(
    "camera.placement_decided", "Camera placement approved or denied", category="camera"
)
PLACEMENT_APPLIED = register("camera.placement_applied", "Camera placement took effect", category="camera")
PLACEMENT_CAMERA_REGISTERED = register(
    "camera.placement_camera_registered", "Camera of an approved installation registered before it takes "
    "effect", category="camera"
)
PLACEMENT_PRIOR_RECORDED = register(
    "camera.placement_prior_recorded", "Installation approved before the system recorded by the Chief",
    category="camera"
)
CAMERA_COST_RECORDED = register("camera.cost_recorded", "Camera cost recorded", category="camera")
# Districts and where cameras stand in them (RPT-1, disparate impact)
DISTRICT_SAVED = register(
    "district.saved", "District and its population entered or changed", category="camera"
)
CAMERA_DISTRICT_ASSIGNED = register(
    "district.camera_assigned", "Camera assigned to a district", category="camera"
)
# Transparency (AUD-4, RPT-5)
COMPLAINT_RECEIVED = register(
    "complaint.received", "Complaint or error report received", category="complaint"
)
COMPLAINT_UPDATED = register("complaint.updated", "Complaint status changed", category="complaint")
CONTACT_CHANGED = register("portal.contact_changed", "Published contact changed", category="portal")
INCIDENT_RECORDED = register("incident.recorded", "Security incident recorded", category="incident")
CHAIN_HEAD_PUBLISHED = register(
    "portal.chain_head_published", "Audit chain head published", category="portal"
)
# Reports (AUD-5, RPT-1, RPT-2)
REPORT_GENERATED = register("report.generated", "Report generated", category="report")
REPORT_VIEWED = register("report.viewed", "Report read", category="report")
REPORT_DOWNLOADED = register("report.downloaded", "Report downloaded", category="report")
REPORT_SIGNED_OFF = register("report.signed_off", "Audit report signed off", category="report")
