"""The partner API (namespace ``partner_api``): people of partner agencies, each with their own key.

Only ``Authorization: Partner <key_id>:<secret>`` is accepted here, never a session or one of our
users' tokens. Every answer about plate reads comes from ``alpr.access``; these views only parse.
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from alpr import access
from alpr.access import SearchMode
from policy.selectors import current_policy
from searches.services import OUTSIDE_DESCRIPTION_MAX_LENGTH
from sharing.auth import PartnerKeyAuthentication, PartnerUser, partner_actor
from sharing.services import notices as notice_services
from sharing.services import requests as request_services


class IsPartnerPerson(BasePermission):
    message = "Partner API keys only: 'Authorization: Partner <key_id>:<secret>'."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, PartnerUser)


class PartnerView(APIView):
    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartnerPerson]

    @property
    def person(self):
        return self.request.user.person

    def actor(self):
        return partner_actor(self.person, self.request)


def _submitted_text(help_text: str) -> serializers.CharField:
    """A field passed to the access layer as sent: a blank, overlong or unknown value is refused there,
    recorded and, for a prohibited purpose, punished (SHR-4), not turned away here unseen."""
    return serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                 help_text=help_text)


class SearchInput(serializers.Serializer):
    purpose = _submitted_text("One of the codes GET purposes/ lists.")
    case_number = _submitted_text("Your agency's case number: 3 to 64 letters, digits, dashes or slashes.")
    description = _submitted_text(f"What the search is for, specifically; at most "
                                  f"{OUTSIDE_DESCRIPTION_MAX_LENGTH} characters.")
    plate = _submitted_text("The plate, or a partial plate with ? or * for unknown characters.")
    mode = serializers.CharField(required=False, default=SearchMode.EXACT,
                                 help_text=f"One of {', '.join(SearchMode.ALL)}.")
    since = _submitted_text("Start of the window, ISO 8601 (e.g. 2026-12-01T08:00:00Z); no zone means the "
                            f"department's. Default: {access.DEFAULT_WINDOW.days} days before the end.")
    until = _submitted_text("End of the window, ISO 8601. Default: now.")
    page = serializers.CharField(required=False, default="1", help_text="A whole number, 1 and up; a lower "
                                 "number reads as 1.")


class PurposeOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class PurposesOutput(serializers.Serializer):
    purposes = PurposeOutput(many=True)


class CameraPlaceOutput(serializers.Serializer):
    name = serializers.CharField()
    location = serializers.CharField()
    latitude = serializers.CharField(allow_null=True)
    longitude = serializers.CharField(allow_null=True)


class ReadOutput(serializers.Serializer):
    read_id = serializers.IntegerField()
    captured_at = serializers.DateTimeField()
    plate = serializers.CharField()
    state = serializers.CharField(allow_null=True)
    confidence = serializers.FloatField(allow_null=True)
    camera = CameraPlaceOutput(allow_null=True)


class WindowOutput(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()


class SearchOutput(serializers.Serializer):
    agency = serializers.CharField()
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    window = WindowOutput()
    results = ReadOutput(many=True)


class NoticeOutput(serializers.Serializer):
    read_id = serializers.IntegerField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class NoticesOutput(serializers.Serializer):
    notices = NoticeOutput(many=True)


class DeletionCertificateOutput(serializers.Serializer):
    request = serializers.UUIDField()
    deletion_certified_at = serializers.DateTimeField()


class PurposesView(PartnerView):
    """The purposes a partner search or request may name (the other-felony exception is ours only)."""

    @extend_schema(responses=PurposesOutput)
    def get(self, request):
        policy = current_policy()
        purposes = [
            purpose
            for purpose in policy.permitted_purposes
            if purpose["code"] != policy.felony_exception_purpose
        ]
        return Response({"purposes": [{"code": p["code"], "label": p["label"]} for p in purposes]})


def _camera_place(row) -> dict:
    """The camera that took the read, and where it was registered when it did (a camera moved since
    took none of its past reads with it)."""
    return {
        "name": row.camera_name,
        "location": row.camera_location,
        "latitude": str(row.camera_latitude) if row.camera_latitude is not None else None,
        "longitude": str(row.camera_longitude) if row.camera_longitude is not None else None,
    }


class SearchView(PartnerView):
    """Search this department's own reads by plate (SHR-5, SHR-6)."""

    @extend_schema(request=SearchInput, responses={
        200: SearchOutput,
        429: OpenApiResponse(description="More searches in the last hour than the policy's "
                                         "partner_searches_per_hour: refused and recorded; Retry-After says "
                                         "when to try again.")})
    def post(self, request):
        data = SearchInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        results = access.partner_plate_reads_search(
            actor=self.actor(),
            person_id=self.person.pk,
            purpose=fields["purpose"],
            case_number=fields["case_number"],
            description=fields["description"],
            plate=fields["plate"],
            mode=fields["mode"],
            since=fields["since"],
            until=fields["until"],
            page=fields["page"],
        )
        return Response(
            {
                "agency": self.person.agency.name,
                "total": results.total,
                "page": results.number,
                "per_page": results.per_page,
                "window": {
                    "since": results.window.since.isoformat(),
                    "until": results.window.until.isoformat(),
                },
                "results": [
                    {
                        "read_id": row.id,
                        "captured_at": row.captured_at.isoformat(),
                        "plate": row.plate,
                        "state": row.state,
                        "confidence": row.confidence,
                        "camera": _camera_place(row),
                    }
                    for row in results.rows
                ],
            }
        )


class NoticesView(PartnerView):
    """Erroneous-data notices for reads your agency received from us (RET-5)."""

    @extend_schema(responses=NoticesOutput)
    def get(self, request):
        notices = notice_services.notices_for_partner(actor=self.actor(), person_id=self.person.pk)
        return Response(
            {
                "notices": [
                    {
                        "read_id": notice.read_id,
                        "message": notice.message,
                        "created_at": notice.created_at.isoformat(),
                    }
                    for notice in notices
                ]
            }
        )


class DeletionCertificateView(PartnerView):
    """Certify that your agency deleted the data released on a request (SHR-2)."""

    @extend_schema(request=None, responses=DeletionCertificateOutput)
    def post(self, request, request_uuid):
        released = request_services.deletion_certify_by_partner(
            actor=self.actor(), person_id=self.person.pk, request_uuid=request_uuid
        )
        return Response(
            {
                "request": str(released.uuid),
                "deletion_certified_at": released.deletion_certified_at.isoformat(),
            }
        )


class ReleasePackageView(PartnerView):
    """Download the evidence package released on your agency's request, until its delete-by date."""

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, request_uuid):
        released, archive = request_services.release_download_by_partner(
            actor=self.actor(), person_id=self.person.pk, request_uuid=request_uuid)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="release-{released.uuid}.zip"'
        response["Cache-Control"] = "no-store"
        return response
