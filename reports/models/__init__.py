"""Models of oversight and transparency, one module per subject."""

from reports.models.cameras import (
    CameraCost,
    CameraLocationHistory,
    CameraPlacementRequest,
    CostKind,
    PlacementKind,
    PlacementStatus,
)
from reports.models.districts import CameraDistrict, District
from reports.models.policy_docs import PolicyComment, PolicyDocument, PolicyStatus
from reports.models.portal import (
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    ComplaintUpdate,
    Contact,
    ContactRole,
    PublishedChainHead,
    SecurityIncident,
)
from reports.models.reports import DiscrepancyNotice, Report, ReportFile, ReportSignOff

__all__ = [
    "CameraCost",
    "CameraDistrict",
    "CameraLocationHistory",
    "CameraPlacementRequest",
    "Complaint",
    "ComplaintKind",
    "ComplaintStatus",
    "ComplaintUpdate",
    "Contact",
    "ContactRole",
    "CostKind",
    "DiscrepancyNotice",
    "District",
    "PlacementKind",
    "PlacementStatus",
    "PolicyComment",
    "PolicyDocument",
    "PolicyStatus",
    "PublishedChainHead",
    "Report",
    "ReportFile",
    "ReportSignOff",
    "SecurityIncident",
]
