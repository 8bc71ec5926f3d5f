"""Who an officer's evidence export may be addressed to: not to anyone for a prohibited purpose, and not to
an agency of the sharing registry, which gets data only on its written request (found by an outside
review; each test says what was tried)."""
import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from policy.roles import Role
from retention.models import EvidencePackage
from retention.tests.conftest import justify, search_plate

pytestmark = pytest.mark.django_db

EXPORT_PURPOSE = "Evidence for the prosecutor in the Oak Street robbery case"


def _export_to(client, read, recipient: str):
    """Search the read under a case justification, as the detective would, and export it to `recipient`."""
    justify(client)
    search_plate(client, read.plate)
    return client.post(reverse("retention:package_create"), {
        "read_ids": str(read.pk), "purpose": EXPORT_PURPOSE, "recipient": recipient})


@pytest.mark.rule("SHR-4", "USE-3")
@pytest.mark.parametrize("recipient", [
    "U.S. Immigration and Customs Enforcement, ERO Chicago",
    "Texas Attorney General, abortion investigation unit",
])
def test_an_export_whose_recipient_names_a_prohibited_purpose_is_refused_and_flagged(make_verified_client,
                                                                                    make_read, recipient):
    """Tried: a detective with a proper justification (violent crime, case number, specific description)
    exports a read they searched as evidence, and types as the package's *recipient* an immigration
    enforcement agency (or an out-of-state abortion investigation).

    The purpose and description pass the gate, but the recipient field is never read by it:
    ``retention.services.evidence._validate_request`` checks ``f"{purpose} {description}"`` only, and
    ``alpr.access.plate_reads_download`` passes ``recipient`` through unchecked. The package (plates,
    photos, crops, places) is written for ICE, stored with that recipient in its chain of custody, and
    the ZIP is then downloadable by the detective. SHR-4 / USE-3: sharing for immigration enforcement or
    reproductive-health investigations is refused and flagged, whatever field names it; the written-request
    path (``sharing``) would have refused it and revoked the agency.
    """
    response = _export_to(make_verified_client(Role.DETECTIVE), make_read(plate="RCP4417"), recipient)

    assert not EvidencePackage.objects.exists(), f"an evidence package was written for {recipient!r}"
    assert response.status_code in (400, 403)
    refused = AuditEvent.objects.filter(outcome=Outcome.REFUSED, flagged=True,
                                        action__in=["read.downloaded", "retention.evidence_package_created"])
    assert refused.exists(), "the attempt was not recorded as a flagged refusal"


@pytest.mark.rule("SHR-1")
@pytest.mark.parametrize("recipient", ["Det. Lopez, Riverside  police department",
                                       "ORI il0161200 records unit"])
def test_an_export_addressed_to_a_registered_agency_is_refused_it_goes_through_its_written_request(
        make_verified_client, make_read, recipient):
    """Tried: a detective exports a read as evidence addressed to a partner agency of the registry (by its
    name, spaced and cased differently, or by its ORI): the data would reach the agency with no written
    request, no review and no declaration check (SHR-1). A prosecutor or court is still a recipient."""
    from sharing.tests.conftest import DeclarationFactory

    DeclarationFactory(agency__name="Riverside Police Department", agency__ori="IL0161200")
    read, client = make_read(plate="RCP4418"), make_verified_client(Role.DETECTIVE)
    response = _export_to(client, read, recipient)

    assert response.status_code in (400, 403) and "written request" in response.content.decode()
    assert not EvidencePackage.objects.exists()
    assert AuditEvent.objects.filter(outcome=Outcome.REFUSED, flagged=True, action="read.downloaded").exists()
    _export_to(client, read, "Cook County State's Attorney")
    assert EvidencePackage.objects.count() == 1
