"""An evidence export to the prosecutor is not refused (nor flagged) when a registered agency's short name
is only part of a word of the recipient: ``sharing.selectors.registered_agency_named_in`` matches names as
whole words."""
import pytest

from audit.models import AuditEvent, Outcome
from policy.roles import Role
from retention.models import EvidencePackage
from retention.tests.test_export_recipients import _export_to
from sharing.selectors import registered_agency_named_in
from sharing.tests.conftest import DeclarationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.rule("SHR-1", "USE-7")
def test_a_short_agency_name_inside_another_word_does_not_refuse_and_flag_an_export_to_the_prosecutor(
        make_verified_client, make_read):
    """The registry holds an agency registered under its usual short name, "ISP" (Illinois State Police;
    ``agency_register`` accepts any non-empty name), and a detective exports a read as evidence to "Cook
    County State's Attorney, felony review for the disposition hearing". Names are matched as whole words,
    so "isp" inside "d-isp-osition" names nothing: the export is written and nothing is flagged. (Matched
    as a substring, the export to the prosecutor was refused and the detective flagged for the auditor.)"""
    DeclarationFactory(agency__name="ISP", agency__ori="IL0849900")
    recipient = "Cook County State's Attorney, felony review for the disposition hearing"
    assert registered_agency_named_in(recipient) is None, "a word containing 'isp' names the agency ISP"

    response = _export_to(make_verified_client(Role.DETECTIVE), make_read(plate="RCP4419"), recipient)
    assert not AuditEvent.objects.filter(outcome=Outcome.REFUSED, flagged=True).exists()
    assert EvidencePackage.objects.count() == 1, response.content.decode()[:500]
