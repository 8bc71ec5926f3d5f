"""A release to another agency copies our reads out of the department as a download does (USE-7): at most
the policy's ``sharing_reads_per_release`` per release, and they count towards the releasing person's
``download_cap_per_user_day`` with their own downloads. How many plates a written request may name is a
policy value too (``sharing_plates_per_request``).

Before: a release was capped only by the service's own ``MAX_READS_PER_RELEASE = 25``, nothing counted
releases per person per day, and ``MAX_PLATES_PER_REQUEST = 10`` was a constant no policy change moved.
"""
import threading
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from audit.tests.test_concurrency import _in_own_connection
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied
from policy import defaults
from policy.models import AgencyPolicy
from policy.roles import Role
from retention.tests.conftest import create_read
from searches.models import Download
from searches.tests.factories import JustificationFactory, make_camera
from sharing.models import RequestStatus, SharingRequest
from sharing.services import requests as request_services
from sharing.tests.conftest import DeclarationFactory, SharingRequestFactory

pytestmark = pytest.mark.django_db


def _policy(**values) -> AgencyPolicy:
    return AgencyPolicy.objects.create(permitted_purposes=defaults.permitted_purposes(), **values)


def _approved(agency, administrator, *plates: str) -> SharingRequest:
    return SharingRequestFactory(agency=agency, plates=list(plates), status=RequestStatus.APPROVED,
                                 decided_by=administrator, decided_at=timezone.now())


def _reads(plate: str, count: int) -> None:
    camera = make_camera()
    for hours in range(count):
        create_read(camera, plate=plate, age=timedelta(hours=hours + 2))


def _refused_release(request_id: int) -> AuditEvent:
    return AuditEvent.objects.filter(action="sharing.request_released", outcome=Outcome.REFUSED,
                                     targets__contains=[f"sharing-request:{request_id}"]).get()


@pytest.mark.rule("USE-7")
def test_a_release_matching_more_reads_than_the_policys_cap_per_request_is_refused(administrator):
    # Tried: releasing a request whose plate matches three of our reads under a cap of two per release.
    _policy(sharing_reads_per_release=2)
    agency = DeclarationFactory().agency
    _reads("CAP2001", 3)
    ask = _approved(agency, administrator, "CAP2001")

    with pytest.raises(PolicyDenied) as refused:
        request_services.request_release(actor=Actor.for_user(administrator), request_id=ask.pk)

    assert refused.value.code == "release_cap_request" and "narrow" in refused.value.message
    ask.refresh_from_db()
    assert ask.status == RequestStatus.APPROVED and ask.package is None
    assert not Download.objects.exists()
    assert "at most 2 read(s)" in _refused_release(ask.pk).reason


@pytest.mark.rule("USE-7")
def test_a_release_is_not_held_to_an_officers_download_cap_per_request(administrator):
    """The officers' cap per download (one read by default) is not the cap per release: a written request
    matching three reads is released whole under the defaults, and each read is the releasing person's."""
    agency = DeclarationFactory().agency
    _reads("CAP2003", 3)
    ask = _approved(agency, administrator, "CAP2003")

    released = request_services.request_release(actor=Actor.for_user(administrator), request_id=ask.pk)

    assert len(released.package.read_ids) == 3
    recorded = Download.objects.values_list("user", "read_id", "justification", "package_ref")
    assert sorted(recorded) == sorted((administrator.pk, read_id, None, f"sharing-request:{ask.pk}")
                                      for read_id in released.package.read_ids)


@pytest.mark.rule("USE-7")
def test_a_release_counts_with_the_persons_own_downloads_of_the_day(administrator):
    # Tried: a reviewer who saved two reads as evidence today (as plate_reads_download records them)
    # releases two more under a daily cap of three.
    _policy(download_cap_per_user_day=3)
    justification = JustificationFactory(user=administrator)
    Download.objects.bulk_create([Download(user=administrator, justification=justification, read_id=read_id,
                                           purpose="Evidence for the prosecutor") for read_id in (1, 2, 4)])
    Download.objects.create(user=UserFactory(role=Role.DETECTIVE), justification=justification, read_id=3,
                            purpose="Someone else's download")  # not this person's: does not count
    Download.objects.filter(read_id=4).update(created_at=timezone.now() - timedelta(days=1))  # yesterday's
    agency = DeclarationFactory().agency
    _reads("CAP2004", 2)
    _reads("CAP2005", 1)
    actor = Actor.for_user(administrator)

    two = _approved(agency, administrator, "CAP2004")
    with pytest.raises(PolicyDenied) as refused:
        request_services.request_release(actor=actor, request_id=two.pk)
    assert refused.value.code == "download_cap_day"
    released = request_services.request_release(  # two of today plus one: within three
        actor=actor, request_id=_approved(agency, administrator, "CAP2005").pk)
    assert released.status == RequestStatus.RELEASED


@pytest.mark.rule("USE-7")
@pytest.mark.django_db(transaction=True)
def test_two_releases_at_once_cannot_both_pass_the_days_cap():
    # Tried: two releases by the same person at the same moment, each within the day's cap of three and
    # together past it. The second waits for the first to commit, then counts its reads.
    _policy(download_cap_per_user_day=3)
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    _reads("CAP2006", 2)
    _reads("CAP2007", 2)
    # Two agencies: a release locks its request and that request's agency, so only the person's own
    # lock can hold the second back.
    first, second = (_approved(DeclarationFactory().agency, administrator, plate)
                     for plate in ("CAP2006", "CAP2007"))
    actor = Actor.for_user(administrator)
    outcome = []

    def release_second():
        try:
            request_services.request_release(actor=actor, request_id=second.pk)
        except PolicyDenied as refused:
            outcome.append(refused.code)
        else:
            outcome.append("released")

    with transaction.atomic():
        request_services.request_release(actor=actor, request_id=first.pk)
        other = threading.Thread(target=_in_own_connection(release_second))
        other.start()
        other.join(timeout=2)
        assert other.is_alive(), "the second release did not wait for the first"
    other.join(timeout=30)

    assert outcome == ["download_cap_day"]
    released = SharingRequest.objects.filter(status=RequestStatus.RELEASED)
    assert list(released.values_list("pk", flat=True)) == [first.pk]
    assert Download.objects.count() == 2


@pytest.mark.rule("SHR-1")
def test_how_many_plates_a_request_may_name_is_the_policys(administrator, make_verified_client):
    # Tried: recording a written request naming three plates under a policy that allows two.
    _policy(sharing_plates_per_request=2)
    agency = DeclarationFactory().agency
    actor = Actor.for_user(administrator)
    now = timezone.now()
    ask = {"agency_id": agency.pk, "requester_name": "Det. Sam Ortiz", "requester_title": "Detective",
           "requester_email": "sortiz@agency.example.org", "purpose": "violent_crime",
           "case_number": "RPD-26-0412", "window_start": now - timedelta(days=2),
           "window_end": now - timedelta(minutes=5),
           "description": "Armed robbery of a gas station on Harlem Avenue; the suspect vehicle fled north"}

    with pytest.raises(ApplicationError, match="at most 2 plates"):
        request_services.request_receive(actor=actor, plates="CAP3001, CAP3002, CAP3003", **ask)
    assert not SharingRequest.objects.exists()
    assert AuditEvent.objects.get(action="sharing.request_received").outcome == Outcome.FAILED
    received = request_services.request_receive(actor=actor, plates="CAP3001, CAP3002", **ask)
    assert received.plates == ["CAP3001", "CAP3002"]
    form = make_verified_client(Role.ADMINISTRATOR).get(reverse("sharing:request_new_agency"))
    assert "Up to 2, separated by commas." in form.content.decode()

    # A lowering is a tightening, in force at once: the request on file now names too many.
    _policy(sharing_plates_per_request=1)
    with pytest.raises(PolicyDenied, match="names 2 plates, and a request names at most 1"):
        request_services.request_decide(actor=actor, request_id=received.pk, approve=True, reason="In order")
    approved = _approved(agency, administrator, "CAP3001", "CAP3002")
    with pytest.raises(PolicyDenied, match="names 2 plates"):
        request_services.request_release(actor=actor, request_id=approved.pk)
    assert SharingRequest.objects.get(pk=received.pk).status == RequestStatus.PENDING
    assert SharingRequest.objects.get(pk=approved.pk).status == RequestStatus.APPROVED
