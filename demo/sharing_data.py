"""Demo partner agencies: one with a declaration in force and its detective, one without; a written
request and a public-records request waiting for review. Made through the sharing services, so the audit
log is real."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.context import Actor
from policy.defaults import DECLARATION_ATTESTATIONS
from sharing.models import Agency, AgencyKind, PartnerPerson, RecordsRequest, SharingRequest
from sharing.services import agencies, online, requests

# A one-page PDF standing in for the scanned, signed declaration.
DECLARATION_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PARTNER = {
    "name": "Riverside Police Department",
    "ori": "IL0161500",
    "state": "IL",
    "kind": AgencyKind.IN_STATE,
    "contact_name": "Lt. Maria Gomez",
    "contact_email": "records@riverside-pd.example.org",
    "contact_phone": "708-555-0142",
}
WAITING_CASE = "RPD-26-00417"  # the request the tour approves and releases
UNDECLARED = {
    "name": "Lake County Sheriff (Indiana)",
    "ori": "IN0450000",
    "state": "IN",
    "kind": AgencyKind.OUT_OF_STATE,
    "contact_name": "Sgt. Dale Porter",
    "contact_email": "alpr@lakecounty-in.example.org",
}


def seed_agencies(*, admin, chief) -> PartnerPerson:
    """The partner agency with its declaration in force, partner searches on (the administrator asked,
    the Chief approved: Oak Park GO 4-68 VII.D) and its detective; and the undeclared one."""
    actor = Actor.for_user(admin)
    partner = Agency.objects.filter(ori=PARTNER["ori"]).first()
    if partner is None:
        partner = agencies.agency_register(actor=actor, **PARTNER)
        agencies.declaration_record(
            actor=actor,
            agency_id=partner.pk,
            signatory_name="Chief Thomas Weiss",
            signatory_title="Chief of Police",
            signed_on=timezone.localdate() - timedelta(days=20),
            expires_on=timezone.localdate() + timedelta(days=340),
            deletion_days=30,
            attestations=dict.fromkeys(DECLARATION_ATTESTATIONS, True),
            document=SimpleUploadedFile("riverside-declaration.pdf", DECLARATION_PDF),
        )
        asked = online.online_sharing_request(
            actor=actor,
            agency_id=partner.pk,
            reason="Riverside's detectives search our reads for their own cases, under their declaration.",
        )
        online.online_sharing_decide(
            actor=Actor.for_user(chief),
            request_id=asked.pk,
            approve=True,
            reason="Neighbouring department, declaration in force; approved for its detectives' cases.",
        )
        agencies.person_add(
            actor=actor,
            agency_id=partner.pk,
            full_name="Det. Sam Ortiz",
            badge_number="R-214",
            email="sortiz@riverside-pd.example.org",
        )
    if not Agency.objects.filter(ori=UNDECLARED["ori"]).exists():
        agencies.agency_register(actor=actor, **UNDECLARED)
    return PartnerPerson.objects.get(agency=partner, badge_number="R-214")


def seed_waiting_requests(*, admin) -> str:
    """What waits for the tour today: Riverside's written request, a public-records request."""
    actor = Actor.for_user(admin)
    partner = Agency.objects.get(ori=PARTNER["ori"])
    if not SharingRequest.objects.filter(case_number=WAITING_CASE).exists():
        requests.request_receive(
            actor=actor,
            agency_id=partner.pk,
            requester_name="Det. Sam Ortiz",
            requester_title="Detective",
            requester_email="sortiz@riverside-pd.example.org",
            purpose="violent_crime",
            case_number=WAITING_CASE,
            description="Carjacking at gunpoint on North Avenue; the stolen grey SUV was seen heading east",
            plates="7ABC123",
            window_start=timezone.now() - timedelta(days=4),
            window_end=timezone.now(),
        )
    if not RecordsRequest.objects.exists():
        requests.records_request_receive(
            actor=actor,
            requester_name="Jordan Lee",
            requester_organisation="Wednesday Journal",
            requester_contact="jlee@wednesdayjournal.example.org",
            request_text="Under FOIA: the number of ALPR reads and searches per month this year.",
        )
    return f"{Agency.objects.count()} partner agencies"
