"""Factories for the sharing tests: agencies, declarations in force, partner people, written requests.

    agency = AgencyFactory()                      # registered, receives nothing yet
    DeclarationFactory(agency=agency)             # now it may: a signed declaration in force
    SharingRequestFactory(agency=agency)          # a pending written request for one plate
"""
import hashlib
from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from audit.context import Actor
from conftest import UserFactory
from policy.roles import Role
from retention.models import EvidencePackage
from sharing.models import (
    Agency,
    AgencyKind,
    Declaration,
    PartnerPerson,
    RecordsRequest,
    RequestStatus,
    SharingRequest,
)
from sharing.services import agencies


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Releases write evidence packages and read images, declarations their PDFs: in this test's own
    directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.SHARING_DOCUMENTS_ROOT = tmp_path / "documents"


# The smallest file the declaration service accepts as a PDF: it checks the "%PDF-" signature.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class AgencyFactory(factory.django.DjangoModelFactory):
    """A registered agency, active, with partner searches off and no declaration."""

    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Riverside Police Department {n}")
    ori = factory.Sequence(lambda n: f"IL{n:07d}")
    state = "IL"
    kind = AgencyKind.IN_STATE
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"records{n}@agency.example.org")
    contact_phone = "708-555-0100"


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A signed declaration in force today (signed 30 days ago, expires in 300), attesting to everything."""

    class Meta:
        model = Declaration

    agency = factory.SubFactory(AgencyFactory)
    signatory_name = factory.Faker("name")
    signatory_title = "Chief of Police"
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))
    deletion_days = 30
    no_immigration_enforcement = True
    no_reproductive_health_investigation = True
    deletes_within_period = True
    no_resharing_without_approval = True
    document = factory.django.FileField(data=PDF_BYTES, filename="declaration.pdf")
    document_sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    recorded_by = factory.SubFactory(UserFactory, role=Role.ADMINISTRATOR)


class PartnerPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerPerson

    agency = factory.SubFactory(AgencyFactory)
    full_name = factory.Faker("name")
    badge_number = factory.Sequence(lambda n: f"P{n:05d}")
    email = factory.Sequence(lambda n: f"officer{n}@agency.example.org")


class SharingRequestFactory(factory.django.DjangoModelFactory):
    """A pending written request for one plate over the last two days (pass status=... for others)."""

    class Meta:
        model = SharingRequest

    agency = factory.SubFactory(AgencyFactory)
    requester_name = factory.Faker("name")
    requester_title = "Detective"
    requester_email = factory.Sequence(lambda n: f"detective{n}@agency.example.org")
    purpose = "violent_crime"
    case_number = factory.Sequence(lambda n: f"RPD-26-{n:05d}")
    description = "Armed robbery of a gas station on Harlem Avenue; the suspect vehicle fled north"
    plates = factory.LazyFunction(lambda: ["ABC1234"])
    window_start = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    window_end = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    recorded_by = factory.SubFactory(UserFactory, role=Role.ADMINISTRATOR)
    status = RequestStatus.PENDING


@pytest.fixture
def partner(administrator):
    """A person of an agency with a declaration in force and sharing on, and their key."""
    agency = AgencyFactory(sharing_enabled=True)
    DeclarationFactory(agency=agency)
    person = PartnerPersonFactory(agency=agency)
    _, key = agencies.credential_issue(actor=Actor.for_user(administrator), person_id=person.pk)
    return person, key


class RecordsRequestFactory(factory.django.DjangoModelFactory):
    """An open request from outside law enforcement, waiting for the records supervisor."""

    class Meta:
        model = RecordsRequest

    requester_name = factory.Faker("name")
    requester_organisation = "Oak Leaves newspaper"
    requester_contact = "newsroom@oakleaves.example.org"
    request_text = "Every read of my own car's plate in March (FOIA request)"
    recorded_by = factory.SubFactory(UserFactory, role=Role.ADMINISTRATOR)


class EvidencePackageFactory(factory.django.DjangoModelFactory):
    """A package row standing for a release (no files: for tests of what happens after a release)."""

    class Meta:
        model = EvidencePackage

    created_by = factory.SubFactory(UserFactory, role=Role.ADMINISTRATOR)
    created_by_label = "release"
    purpose = "violent_crime"
    case_number = factory.Sequence(lambda n: f"RPD-26-{n:05d}")
    description = "Released to a partner agency"
    directory = factory.Sequence(lambda n: f"2026/release-{n}")
    manifest_sha256 = "0" * 64
