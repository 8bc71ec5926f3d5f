"""One rich world of every kind of object the URLs take an id of, for the cross-app tests.

Nine reads with distinctive plates (QZX7781…) and image and crop bytes, each in a different relation:
plain (searched for and opened by a detective), an alert's, an alert's closed as a misread, held, in an
evidence package, flagged as erroneous, flagged and the flag reviewed, released to a partner agency,
uploaded by the camera whose key the tests hold. Around them: a hotlist entry (a partial plate that
names no read), an analyst's import whose rejected row names a plate of its own, a hold, packages,
flags, a felony-exception request, an agency with a declaration, a partner person and key, a released
written request and a pending one naming a plate of no read, a records request, a report signed off
with a discrepancy notice, a camera placement, a district, a policy text and a complaint; audit entries
that carry plates (the search, the opening, a refused opening, the flag's review); and a signed-in
client (password and TOTP) per role, per searching or auditing role with an open justification that has
searched nothing, anonymous, the camera and the partner.

``values`` maps URL kwarg names (or "url name.kwarg") to the ids to fill paths with (tests/urlwalk.py);
``queries`` maps URL names to query strings to send as well (``?event=`` of the audit entries that name
reads, the audit log's filters).
"""
import base64
import contextlib
import copy
import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from accounts.models import User
from alpr import access, partitions, storage
from alpr.models import Camera, PlateRead, ReadStatus
from alpr.services import camera_create, camera_credential_rotate
from audit.actions import all_actions
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory, sign_in
from core.errors import PolicyDenied
from hotlists.models import (
    Alert,
    Hotlist,
    HotlistEntry,
    HotlistSource,
    ImportRun,
    ImportStatus,
    MatchKind,
    VerificationOutcome,
)
from hotlists.services import set_match_keys
from policy.roles import Capability, Role
from reports.models import ComplaintKind, DiscrepancyNotice, District
from reports.periods import previous_month
from reports.services.cameras import placement_request
from reports.services.policy_docs import policy_doc_draft
from reports.services.portal import complaint_submit
from reports.services.reports import report_generate, report_sign_off
from retention import services as retention_services
from retention.models import ErroneousFlag, ErrorKind, EvidenceHold, HeldRead
from retention.services import evidence
from searches import services as search_services
from searches.models import JustificationKind
from searches.views import SESSION_KEY
from sharing.models import RequestStatus, SharingRequest
from sharing.services import agencies, networks
from sharing.services import requests as sharing_requests
from sharing.tests.conftest import (
    AgencyFactory,
    DeclarationFactory,
    PartnerPersonFactory,
    RecordsRequestFactory,
    SharingRequestFactory,
)

DESCRIPTION = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"
# A case number no hold, package or search of the world uses: its justification has nothing in scope.
UNUSED_CASE = "26-777777"
# The case of the world's hold: another detective stating it opens none of the hold's reads (RET-2).
HOLD_CASE = "26-100001"
SEARCHING_ROLES = (Role.OFFICER, Role.DISPATCHER, Role.ANALYST, Role.DETECTIVE)
AUDITING_ROLES = (Role.ADMINISTRATOR, Role.AUDITOR)
CONTEXTS = ("anonymous", "camera", "partner", *Role.values,
            *(f"{role}+justification" for role in (*SEARCHING_ROLES, *AUDITING_ROLES)),
            f"{Role.DETECTIVE}+hold-case")


# The plate of the import's rejected row: the file's own text, no read's.
IMPORTED_PLATE = "QZX7799"
# The plate a pending written request asks for: the agency's own text, no read's, yet plate data (ACC-5).
REQUESTED_PLATE = "QZX7798"


@dataclass
class Secret:
    """What of one read may not leave: its plate (unless typed in elsewhere), its image and its crop.

    Or, with `import_id`, the plate in the rejected row of an import (no read, no image); with
    `request_id`, the plate a written request names (no read, no image)."""

    read_id: int | None
    plate: str | None
    images: list[bytes | None]  # [full photo, crop]; None: a photo shared with another read, not its own
    alert_id: int | None = None
    alert_open: bool = True  # the alert is open in the inbox (a closed one opens its read to no one)
    flagged: bool = False  # the subject of someone's erroneous-read flag
    import_id: int | None = None
    importer_id: int | None = None  # who imported the file: the one who may open its report
    request_id: int | None = None  # a written request that names the plate

    @property
    def names(self) -> set[str]:
        """The audit targets of which one, written by the request that showed it, accounts for it."""
        return {f"{kind}:{pk}" for kind, pk in (("read", self.read_id), ("alert", self.alert_id),
                                                 ("import", self.import_id),
                                                 ("sharing-request", self.request_id)) if pk is not None}

    def found_in(self, body: bytes) -> list[str]:
        found = [f"plate {self.plate}"] if self.plate and self.plate.encode() in body.upper() else []
        for kind, image in zip(("image", "crop"), self.images, strict=True) if self.images else ():
            if image is not None and (image[4:36] in body or base64.b64encode(image) in body):
                found.append(kind)
        return found


@dataclass
class Sent:
    """A response, its whole body (streams, ZIP members and headers included) and what it audited."""

    status: int
    body: bytes
    audited: set[str]  # the targets of the allowed audit rows the request wrote
    location: str = ""
    cache_control: str = ""

    @property
    def stored_by_caches(self) -> bool:
        """May a browser's disk cache, a shared proxy or the back button keep this response?"""
        return "no-store" not in self.cache_control

    @property
    def refused(self) -> bool:
        """Turned away by the gate or a permission check, before the view read anything."""
        return self.status in (401, 403, 405) or self.location.startswith(("/accounts/login/",
                                                                            "/accounts/verify/"))


@dataclass
class Context:
    label: str
    client: Client
    user: User | None = None
    headers: dict = field(default_factory=dict)
    released: set[int] = field(default_factory=set)  # reads released to this partner agency
    audit_justified: bool = False  # an audit justification is open (auditor, administrator)
    # Reads named by someone else's allowed access to ALPR data in the audit log: the audit scope (USE-4).
    audit_named: frozenset[int] = frozenset()

    def in_scope(self, secret: Secret) -> bool:
        if secret.import_id is not None:
            return self.user is not None and self.user.pk == secret.importer_id
        if secret.request_id is not None:  # the reviewer of sharing, trained (every world person is)
            return self.user is not None and self.user.can(Capability.REVIEW_SHARING)
        if secret.read_id in self.released:
            return True
        if self.audit_justified and secret.read_id in self.audit_named:
            return True  # the auditor reading the log, or opening a read from an entry that names it
        if secret.flagged and self.audit_justified and self.user.can(Capability.MANAGE_RETENTION):
            return True  # the reviewer judging a flag: the flag is someone else's recorded action (USE-4)
        return bool(secret.alert_id and secret.alert_open and self.user
                    and self.user.can(Capability.VERIFY_ALERTS))

    def send(self, method: str, path: str, **kwargs) -> Sent:
        """Send one request in a savepoint rolled back afterwards, and give the client its cookies back:
        one request's writes (a sign-out, a suspension, an audit row) reach no other request."""
        cookies = copy.deepcopy(self.client.cookies)
        with transaction.atomic():
            since_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = getattr(self.client, method)(path, **kwargs, **self.headers)
            sent = Sent(response.status_code, _body(response), _audited_targets(since_id),
                        response.get("Location", ""), response.get("Cache-Control", ""))
            transaction.set_rollback(True)
        self.client.cookies = cookies
        return sent


def _body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content += b"".join(archive.read(name) for name in archive.namelist())
    return content + "\n".join(f"{k}: {v}" for k, v in response.items()).encode()


def _audited_targets(since_id: int) -> set[str]:
    rows = (AuditEvent.objects.filter(id__gt=since_id, outcome=Outcome.ALLOWED)
            .values_list("targets", flat=True))
    return {target for targets in rows for target in targets or ()}


@dataclass
class World:
    secrets: list[Secret]
    values: dict
    contexts: dict[str, Context]
    queries: dict[str, list[dict]] = field(default_factory=dict)


def _image(plate: str, kind: str) -> bytes:
    """A distinctive JPEG-framed blob: 128 bytes no page can produce by accident."""
    digest = hashlib.sha256(f"side-door {plate} {kind}".encode()).digest()
    return b"\xff\xd8\xff\xe0" + digest * 4 + b"\xff\xd9"


def _read(camera: Camera, plate: str, *, hours_ago: float = 3) -> PlateRead:
    captured_at = timezone.now() - timedelta(hours=hours_ago)
    day = storage.utc_day(captured_at)
    partitions.ensure_partitions(day, day)
    read_uuid = uuid.uuid4()
    paths = {}
    for kind in ("full", "crop"):
        paths[kind] = storage.write_durably(storage.read_image_name(captured_at, read_uuid, kind),
                                            _image(plate, kind))
    return PlateRead.system_objects.create(
        uuid=read_uuid, camera=camera, plate=plate, state="IL", confidence=0.93, captured_at=captured_at,
        image_path=paths["full"], crop_path=paths["crop"], status=ReadStatus.DONE,
        idempotency_key=uuid.uuid4().hex, candidates=[{"text": plate, "confidence": 0.93}])


def _signed_in(user: User) -> Client:
    return sign_in(Client(raise_request_exception=False), user)


def build_world() -> World:
    people = {role: UserFactory(role=role) for role in Role.values}
    act = {role: Actor.for_user(user, client_ip="10.0.0.9") for role, user in people.items()}
    values = {"user_id": [people[Role.DETECTIVE].pk], "kind": ["full", "crop"],
              "file_format": ["html", "pdf", "csv"], "action": ["open-comment", "approve", "review"],
              "version": [1]}
    reads, street, camera_key = _reads()
    values["read_id"] = [read.pk for read in reads.values()]
    values["camera_id"] = [street.pk]  # pending: its prior-approval page opens for the Chief
    alerts = _alerting(reads, street, values, verified_by=people[Role.OFFICER])
    run = _import(people[Role.ANALYST], values)
    _evidence(act, reads, values)
    queries = _audit_trail(act[Role.ADMINISTRATOR], reads, values)
    partner_key, asked = _sharing(act[Role.ADMINISTRATOR], reads["released"], values)
    _partner_network(act[Role.ADMINISTRATOR], people[Role.OFFICER], values)
    _oversight(act[Role.ADMINISTRATOR], values)
    # The second plate's full photo is the alert read's (shared): only its plate and crop are its own.
    secrets = [Secret(read.pk, None if name == "released" else read.plate,
                      [None if name == "second plate" else _image(read.plate, "full"),
                       _image(read.plate, "crop")],
                      alerts[name].pk if name in alerts else None, alert_open=name != "closed alert",
                      flagged=name in ("flagged", "reviewed"))
               for name, read in reads.items()]
    secrets.append(Secret(None, IMPORTED_PLATE, [], import_id=run.pk, importer_id=run.imported_by_id))
    secrets.append(Secret(None, REQUESTED_PLATE, [], request_id=asked.pk))
    audit_named = _audit_named()
    contexts = {
        "anonymous": Context("anonymous", Client(raise_request_exception=False)),
        "camera": Context("camera", Client(raise_request_exception=False),
                          headers={"HTTP_AUTHORIZATION": f"Camera {camera_key}"}),
        "partner": Context("partner", Client(raise_request_exception=False),
                           headers={"HTTP_AUTHORIZATION": f"Partner {partner_key}"},
                           released={reads["released"].pk}),
    }
    for role, user in people.items():
        contexts[role] = Context(role, _signed_in(user), user)
    for role in (*SEARCHING_ROLES, *AUDITING_ROLES):
        contexts[f"{role}+justification"] = _justified(role, audit_named)
    contexts[f"{Role.DETECTIVE}+hold-case"] = _justified(Role.DETECTIVE, audit_named, case_number=HOLD_CASE,
                                                         label=f"{Role.DETECTIVE}+hold-case")
    return World(secrets, values, contexts, queries)


def _reads() -> tuple[dict[str, PlateRead], Camera, str]:
    """The reads, by their relation; the street camera; the key of the camera that uploaded one."""
    system = Actor.system("side-door test installer")
    street = camera_create(actor=system, name="Side door Lake St", latitude=41.88, longitude=-87.78)
    uploader = camera_create(actor=system, name="Side door Harlem Ave", latitude=41.89, longitude=-87.80)
    camera_key = camera_credential_rotate(actor=system, camera_id=uploader.pk).key
    reads = {name: _read(street, plate) for name, plate in (
        ("plain", "QZX7781"), ("alert", "QZX7782"), ("held", "QZX7783"), ("packaged", "QZX7784"),
        ("flagged", "QZX7785"), ("released", "QZX7786"), ("reviewed", "QZX7788"),
        ("closed alert", "QZX7790"))}
    reads["camera"] = _read(uploader, "QZX7787", hours_ago=1)
    reads["second plate"] = _second_plate(reads["alert"], "QZX7789")
    return reads, street, camera_key


def _second_plate(read: PlateRead, plate: str) -> PlateRead:
    """Another plate of `read`'s photo, stored as recognition stores it (issue 13): a read of its own
    with its own crop, sharing the photo. The alert's read opens to those who verify alerts; this one
    opens to no one, so its plate and crop must not leave with the alert's pages or the shared photo."""
    second = PlateRead(
        camera_id=read.camera_id, captured_at=read.captured_at, plate=plate, state="WI", confidence=0.9,
        image_path=read.image_path, status=ReadStatus.DONE, idempotency_key=f"plate-2:{read.uuid}",
        source_read_id=read.pk, candidates=[{"text": plate, "confidence": 0.9}], box_x=5, box_y=5, box_w=40,
        box_h=20)
    second.crop_path = storage.write_durably(storage.read_image_name(read.captured_at, second.uuid, "crop"),
                                             _image(plate, "crop"))
    second.save(force_insert=True)
    return second


def _alerting(reads: dict[str, PlateRead], camera: Camera, values: dict, *, verified_by: User
              ) -> dict[str, Alert]:
    """A partial-plate hotlist entry (it names no read's plate); an open alert on the "alert" read, and one
    on the "closed alert" read that an officer closed as a misread (an innocent car): its page shows the
    alert's own record only, its images are refused."""
    hotlist = Hotlist.objects.create(name="Side door internal")
    wanted = HotlistEntry(hotlist=hotlist, plate_pattern="QZX77*", reason="Stolen in a burglary",
                          case_number="26-100000", expires_at=timezone.now() + timedelta(days=30))
    set_match_keys(wanted)
    wanted.save()
    alerts = {name: Alert.objects.create(read_id=read.pk, read_captured_at=read.captured_at, camera=camera,
                                         entry=wanted, match_kind=MatchKind.WILDCARD,
                                         created_at=read.captured_at)
              for name, read in reads.items() if name in ("alert", "closed alert")}
    Alert.objects.filter(pk=alerts["closed alert"].pk).update(
        verification_outcome=VerificationOutcome.MISREAD, characters_match=False, state_match=True,
        vehicle_match=True, verified_by=verified_by, verified_at=timezone.now(),
        verification_notes="The photo shows another plate")
    values.update(entry_id=[wanted.pk], alert_id=[alert.pk for alert in alerts.values()])
    return alerts


def _import(importer: User, values: dict) -> ImportRun:
    """An analyst's import whose rejected row names a plate: its report is theirs to open."""
    hotlist = Hotlist.objects.create(name="Side door imported", source=HotlistSource.CSV)
    run = ImportRun.objects.create(
        source=hotlist.source, hotlist=hotlist, file_name="case.csv", sha256="0" * 64,
        started_at=timezone.now(), status=ImportStatus.ACCEPTED, rows_total=2, rows_accepted=1,
        rows_rejected=1, rejected_rows=[{"line": 3, "reason": "No description (the reason for the entry).",
                                         "text": f"{IMPORTED_PLATE},,IL,26-100000"}],
        imported_by=importer, imported_by_label=importer.audit_label)
    values["run_id"] = [run.pk]
    return run


def _audit_trail(administrator: Actor, reads: dict[str, PlateRead], values: dict) -> dict[str, list[dict]]:
    """Audit entries that carry plates, written by the services themselves: a detective searches the
    plain read's plate and opens the read, tries to open the held one (refused: it names the id tried),
    and the administrator rejects a flag on the reviewed read (the flag's plate before). Return the
    query strings that walk them: ``?event=`` of each, the audit log's filters."""
    searcher = Actor.for_user(UserFactory(role=Role.DETECTIVE), client_ip="10.0.0.9")
    justification = search_services.justification_open(
        actor=searcher, purpose="violent_crime", case_number="26-100004", description=DESCRIPTION)
    plain, held, reviewed = reads["plain"], reads["held"], reads["reviewed"]
    access.plate_reads_search(actor=searcher, justification=justification, plate=plain.plate)
    access.plate_read_get(actor=searcher, justification=justification, read_id=plain.pk)
    with contextlib.suppress(PolicyDenied):
        access.plate_read_get(actor=searcher, justification=justification, read_id=held.pk)
    flag = ErroneousFlag.objects.create(read_id=reviewed.pk, read_captured_at=reviewed.captured_at,
                                        kind=ErrorKind.MISREAD, note="The 8 is a B",
                                        plate_before=reviewed.plate, flagged_by=searcher.user)
    retention_services.flag_review(actor=administrator, flag_id=flag.pk, confirm=False,
                                   note="The photo shows the plate as read")
    values["flag_id"].append(flag.pk)
    naming = Q()
    for read in (plain, held, reviewed):
        naming |= Q(targets__contains=[f"read:{read.pk}"])
    events = [{"event": pk} for pk in AuditEvent.objects.filter(
        naming, actor_user__in=[searcher.user, administrator.user]).values_list("pk", flat=True)]
    filters = [{}, {"action": "read.viewed"}, {"action": "search.plate"},
               {"action": "retention.flag_reviewed"}, {"justification": justification.pk}]
    return {"searches:read_detail": events, "searches:read_image": events, "audit:log": filters,
            "audit:export": filters,
            # By case number: a plate in the query string would come back as the form's own input.
            "searches:audit_lookup": [{"case_number": justification.case_number}],
            # The inbox's "all alerts of the last days": the closed alert too, without its read.
            "hotlists:alerts": [{"show": "all"}]}


def _audit_named() -> frozenset[int]:
    """The reads named by allowed audit entries of access to ALPR data: what an auditor may open (USE-4)."""
    touching = [action.code for action in all_actions() if action.touches_alpr_data]
    targets = AuditEvent.objects.filter(outcome=Outcome.ALLOWED, action__in=touching).values_list("targets",
                                                                                                   flat=True)
    return frozenset(int(target[5:]) for row in targets for target in row or () if target.startswith("read:"))


def _evidence(act: dict[str, Actor], reads: dict[str, PlateRead], values: dict) -> None:
    """A hold and a flag as their services leave them (the rows only: how a hold is placed or a read
    flagged is for those services' own tests), a package with its files, a felony-exception request."""
    detective = act[Role.DETECTIVE]
    held, flagged = reads["held"], reads["flagged"]
    hold = EvidenceHold.objects.create(case_number=HOLD_CASE, reason="Robbery evidence",
                                       placed_by=detective.user)
    HeldRead.objects.create(hold=hold, read_id=held.pk, captured_at=held.captured_at)
    flag = ErroneousFlag.objects.create(read_id=flagged.pk, read_captured_at=flagged.captured_at,
                                        kind=ErrorKind.MISREAD, note="The 8 is a B",
                                        plate_before=flagged.plate, flagged_by=act[Role.OFFICER].user)
    package = evidence.evidence_package_create(
        actor=detective, read_ids=[reads["packaged"].pk], purpose="violent_crime", case_number="26-100002",
        description=DESCRIPTION)
    felony = search_services.felony_request_create(
        actor=detective, case_number="26-100003", offense="Arson of an occupied building",
        description="Arson of an occupied building on Main St, a grey van seen leaving")
    values.update({"hold_id": [hold.pk], "package_id": [package.pk], "flag_id": [flag.pk],
                   "searches:felony_decide.request_id": [felony.pk]})


def _sharing(administrator: Actor, read: PlateRead, values: dict) -> tuple[str, SharingRequest]:
    """An agency that receives `read` through a released written request, and has a pending one naming
    a plate of no read; return its person's key and the pending request."""
    agency = AgencyFactory(sharing_enabled=True)
    declaration = DeclarationFactory(agency=agency)
    partner = PartnerPersonFactory(agency=agency)
    credential, partner_key = agencies.credential_issue(actor=administrator, person_id=partner.pk)
    released = SharingRequestFactory(agency=agency, plates=[read.plate], status=RequestStatus.APPROVED,
                                     decided_by=administrator.user, decided_at=timezone.now(),
                                     window_start=timezone.now() - timedelta(days=1))
    released = sharing_requests.request_release(actor=administrator, request_id=released.pk)
    asked = SharingRequestFactory(agency=agency, plates=[REQUESTED_PLATE])
    values["package_id"].append(released.package_id)
    values.update(request_id=[released.pk, asked.pk], request_uuid=[released.uuid], agency_id=[agency.pk],
                  declaration_id=[declaration.pk], person_id=[partner.pk], credential_id=[credential.pk],
                  records_request_id=[RecordsRequestFactory().pk])
    return partner_key, asked


def _partner_network(administrator: Actor, officer: User, values: dict) -> None:
    """The released-to agency's network, searchable, at an address where nothing answers; a key for
    the officer (the search page offers partners; the agency page lists the key)."""
    agency_id = values["agency_id"][0]
    networks.partner_network_configure(actor=administrator, agency_id=agency_id, searchable=True,
                                       api_base_url="http://127.0.0.1:9/partner/")
    stored = networks.partner_search_key_store(actor=administrator, agency_id=agency_id, user_id=officer.pk,
                                               key="0123456789abcdef:" + "c3" * 24)
    values["search_key_id"] = [stored.pk]


def _oversight(administrator: Actor, values: dict) -> None:
    report = report_generate(actor=administrator, kind="monthly_audit", period=previous_month())
    sign_off = report_sign_off(actor=administrator, report_id=report.pk, review_note="Reviewed",
                               discrepancies="One search without an outcome")
    placement = placement_request(
        actor=administrator, kind="install", latitude="41.9", longitude="-87.7",
        location_description="Madison St at Austin Blvd",
        justification="Eleven armed robberies on this corridor in six months, per the crime analysis",
        nondiscrimination="Placed by the crime data of the corridor, not by who lives near it",
        camera_name="Side door Madison")
    district = District.objects.create(name="Side door district", population=1000, source="2020 Census",
                                       updated_at=timezone.now(), updated_by=administrator.user)
    document = policy_doc_draft(actor=administrator, title="ALPR policy", text="The policy text.")
    complaint = complaint_submit(actor=Actor.system("portal"), kind=ComplaintKind.ERROR,
                                 description="My plate was misread at Lake St last week")
    values.update(report_id=[report.pk], notice_id=[DiscrepancyNotice.objects.get(sign_off=sign_off).pk],
                  placement_id=[placement.pk], district_id=[district.pk], document_id=[document.pk],
                  complaint_id=[complaint.pk])


def _justified(role: str, audit_named: frozenset[int], *, case_number: str = UNUSED_CASE,
               label: str = "") -> Context:
    """A fresh person of `role` with an open justification for `case_number` that has searched nothing.

    With the hold's case number, they are the colleague who states the case of a hold they did not place:
    its reads are not theirs to open by id (the held-read scope binds to the hold's placer)."""
    user = UserFactory(role=role)
    justification = search_services.justification_open(
        actor=Actor.for_user(user, client_ip="10.0.0.9"), purpose="violent_crime",
        case_number=case_number, description=DESCRIPTION)
    client = _signed_in(user)
    session = client.session
    session[SESSION_KEY] = justification.pk
    session.save()
    audit = justification.kind == JustificationKind.AUDIT
    return Context(label or f"{role}+justification", client, user, audit_justified=audit,
                   audit_named=audit_named if audit else frozenset())
