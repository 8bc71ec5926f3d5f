"""Reads for the portal and the staff pages.

Nothing here returns a plate, an image or a person to the portal.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from alpr.models import Camera, CameraStatus
from reports.models import (
    CameraPlacementRequest,
    Complaint,
    ComplaintStatus,
    Contact,
    ContactRole,
    DiscrepancyNotice,
    District,
    PlacementKind,
    PlacementStatus,
    PolicyDocument,
    PolicyStatus,
    PublishedChainHead,
    Report,
    SecurityIncident,
)
from reports.reporting import registry


def public_cameras():
    """Every registered device, including inactive ones: every device's location is public (CAM-1)."""
    return Camera.objects.exclude(status=CameraStatus.RETIRED).order_by("name")


def retired_cameras():
    return Camera.objects.filter(status=CameraStatus.RETIRED).order_by("name")


def placement_notices():
    """Approved installations and moves that have not yet taken effect, soonest first."""
    return (
        CameraPlacementRequest.objects.filter(status=PlacementStatus.APPROVED)
        .select_related("camera")
        .order_by("effective_on", "pk")
    )


# An installation in one of these states is under way or in effect: its camera is not installed again.
INSTALLATION_UNDER_WAY = [PlacementStatus.PENDING, PlacementStatus.APPROVED, PlacementStatus.DONE]
# One in these holds its camera's name until it takes effect (the model's placement_install_name_held).
INSTALLATION_AWAITED = [PlacementStatus.PENDING, PlacementStatus.APPROVED]


def installations_under_way():
    return CameraPlacementRequest.objects.filter(
        kind=PlacementKind.INSTALL, status__in=INSTALLATION_UNDER_WAY)


def installation_awaited_named(name: str) -> bool:
    """Whether an installation requested or approved, not yet in effect, holds the camera name `name`
    (in any case): its camera is registered under it when it takes effect (CAM-2)."""
    return CameraPlacementRequest.objects.filter(
        kind=PlacementKind.INSTALL, status__in=INSTALLATION_AWAITED, camera_name__iexact=name.strip()
    ).exists()


def cameras_awaiting_installation():
    """Pending cameras with no installation requested, approved or in effect: cameras registered before
    installations were enforced, whose earlier approval the Chief may record (CAM-2)."""
    under_way = installations_under_way().filter(camera=OuterRef("pk"))
    return Camera.objects.filter(status=CameraStatus.PENDING).exclude(Exists(under_way)).order_by("name")


def placement_get(placement_id: int) -> CameraPlacementRequest | None:
    return CameraPlacementRequest.objects.select_related("camera").filter(pk=placement_id).first()


def recent_placements(limit: int = 10):
    return (
        CameraPlacementRequest.objects.filter(status=PlacementStatus.DONE)
        .select_related("camera")
        .order_by("-applied_at")[:limit]
    )


def policy_in_force() -> PolicyDocument | None:
    return PolicyDocument.objects.filter(status=PolicyStatus.IN_FORCE).first()


def policy_published_versions():
    """Versions the public may read: everything past draft."""
    return PolicyDocument.objects.exclude(status__in=[PolicyStatus.DRAFT, PolicyStatus.WITHDRAWN]).order_by(
        "-version"
    )


def policy_open_for_comment():
    now = timezone.now()
    return PolicyDocument.objects.filter(status=PolicyStatus.COMMENT, comment_closes_at__gt=now).order_by(
        "version"
    )


def policy_review_overdue(document: PolicyDocument | None) -> bool:
    return bool(document and document.review_due_on and document.review_due_on < timezone.localdate())


def public_contact() -> Contact | None:
    return Contact.objects.filter(role=ContactRole.PUBLIC).order_by("-id").first()


def oversight_contact() -> Contact | None:
    return Contact.objects.filter(role=ContactRole.OVERSIGHT).order_by("-id").first()


def public_incident_notices():
    return SecurityIncident.objects.filter(public_notice_required=True).order_by("-discovered_on", "-id")


def published_chain_heads(limit: int = 60):
    return PublishedChainHead.objects.order_by("-published_on")[:limit]


def districts_with_cameras():
    """Every district with the number of cameras in service assigned to it."""
    return District.objects.annotate(
        cameras=Count(
            "camera_assignments",
            filter=~Q(camera_assignments__camera__status__in=[CameraStatus.RETIRED, CameraStatus.PENDING]),
        )
    ).order_by("name")


def district_get(district_id: int) -> District | None:
    return District.objects.filter(pk=district_id).first()


def cameras_with_districts():
    """Every camera, with the district it is assigned to (``camera.district_assignment``), if any."""
    return Camera.objects.select_related("district_assignment__district").order_by("name")


# Counts and titles for the start pages (core.dashboard): no report content, never ALPR data.


def placements_pending_count() -> int:
    return CameraPlacementRequest.objects.filter(status=PlacementStatus.PENDING).count()


def policy_texts_waiting_counts() -> dict[str, int]:
    """Policy text versions out for comment: ``ready`` (the period has ended: the Chief may approve
    them) and ``in_comment`` (the public may still comment)."""
    closed = Q(comment_closes_at__lte=timezone.now())
    return PolicyDocument.objects.filter(status=PolicyStatus.COMMENT).aggregate(
        ready=Count("id", filter=closed), in_comment=Count("id", filter=~closed))


def reports_to_sign_off_count() -> int:
    """Reports of a kind that is signed off (the monthly audit, AUD-5) whose newest version is not."""
    kinds = [kind.code for kind in registry.all_kinds() if kind.sign_off_capability]
    newer = Report.objects.filter(kind=OuterRef("kind"), period_start=OuterRef("period_start"),
                                  version__gt=OuterRef("version"))
    return (Report.objects.filter(kind__in=kinds, sign_off__isnull=True).exclude(Exists(newer)).count())


def discrepancies_unread_count(*, chief) -> int:
    """Discrepancy notices from a monthly audit's sign-off sent to `chief` and not yet marked read."""
    return DiscrepancyNotice.objects.filter(chief=chief, acknowledged_at__isnull=True).count()


def latest_reports() -> list[Report]:
    """The newest version of the newest period of each kind of report, by title."""
    newest = (Report.objects.only("id", "kind", "title", "period_start", "version", "generated_at")
              .order_by("kind", "-period_start", "-version").distinct("kind"))
    return sorted(newest, key=lambda report: report.title)


def complaints_open_count() -> int:
    open_statuses = [ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING]
    return Complaint.objects.filter(status__in=open_statuses).count()
