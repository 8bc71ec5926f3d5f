"""What the demo department's people do, each step through the service a page or the scheduler calls.

Used by demo/history.py, which runs every step with the clock at its moment. A refusal is caught and
left as the audit log recorded it: refusals are part of the history the reports show.
"""
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from accounts.models import User
from alpr import access
from alpr.models import Camera
from audit.context import Actor
from audit.services import audit_record
from core.errors import ApplicationError, PolicyDenied
from demo.people import DEMO_PASSWORD, current_demo_code
from demo.story import (
    ALERT_ACTIONS,
    POLICY_SUMMARY,
    POLICY_TEXT,
    POLICY_TITLE,
    PUBLIC_COMMENT,
    RACES,
    SEXES,
    WANTED,
    Attempt,
    Case,
)
from hotlists.alerts import alert_image, alert_record_action, alert_verify
from hotlists.models import CONTACT_ACTIONS, Alert, HotlistEntry, RaceEthnicity, Sex, VerificationOutcome
from hotlists.services import hotlist_entry_add
from policy.selectors import current_policy
from reports.models import PolicyDocument, PolicyStatus, Report
from reports.services.cameras import camera_cost_record
from reports.services.policy_docs import (
    policy_comment_submit,
    policy_doc_approve,
    policy_doc_draft,
    policy_doc_open_comment,
)
from reports.services.reports import report_sign_off
from retention.models import ErroneousFlag, FlagStatus
from retention.services.erroneous import flag_review
from searches.models import FelonyExceptionRequest
from searches.services import (
    felony_request_create,
    felony_request_decide,
    justification_open,
    outcome_record,
)
from sharing.auth import partner_actor
from sharing.models import PartnerPerson, RequestStatus, SharingRequest
from sharing.services.requests import deletion_certify, request_decide, request_receive, request_release

# People sign in through the real pages at least this often, as anyone using the system daily does; the
# inactivity rule (ACC-6) then sees them as the active people they are.
SIGN_IN_EVERY = timedelta(days=14)
HOTLIST_ENTRY_DAYS = 30
CANVASS_RADIUS_M = 400  # the analyst's choice, within the policy's widest canvass
FELONY_CASE = "26-004590"
PARTNER_CASE = "RPD-26-00388"
PARTNER_SEARCH_CASE = "RPD-26-00417"
MAINTENANCE_PER_CAMERA = Decimal("185.00")
MONTHLY_SUBSCRIPTION = Decimal("2400.00")


@dataclass
class Department:
    """The demo's people (by login), its partner agency's person, and what each of them does."""

    people: dict[str, User]
    partner: PartnerPerson
    signed_in: dict[int, datetime] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        """The person acting now, as the database has them (approved, trained, last signed in)."""
        user = User.objects.get(pk=self.people[username].pk)
        if self._sign_in_due(user):
            _sign_in(user)
            self.signed_in[user.pk] = timezone.now()
        return Actor.for_user(user, client_ip="127.0.0.1")

    def _sign_in_due(self, user: User) -> bool:
        last = self.signed_in.get(user.pk) or user.last_login
        return last is None or timezone.now() - last >= SIGN_IN_EVERY

    def audit_system(self, action, **fields) -> None:
        audit_record(actor=Actor.system("demo seeding"), action=action, **fields)

    # --- searches ----------------------------------------------------------------------------------

    def search_case(self, case: Case, *, case_number: str, rng: random.Random) -> None:
        """State the justification, search, open the first read found, record what it led to."""
        actor = self.actor(case.username)
        justification = justification_open(actor=actor, purpose=case.purpose, case_number=case_number,
                                           description=case.description)
        results = self._search(actor, justification, case)
        rows = list(results.page.rows)
        if rows:
            access.plate_read_get(actor=actor, justification=justification, read_id=rows[0].id)
        outcome_record(actor=actor, justification_id=justification.pk, outcome=rng.choice(case.outcomes))

    def _search(self, actor: Actor, justification, case: Case):
        if case.plate:
            return access.plate_reads_search(actor=actor, justification=justification, plate=case.plate)
        camera = Camera.objects.order_by("name").first()
        radius = min(CANVASS_RADIUS_M, current_policy().canvass_max_radius_m)
        return access.plate_reads_canvass(actor=actor, justification=justification,
                                          latitude=float(camera.latitude), longitude=float(camera.longitude),
                                          radius_m=radius)

    def refused_attempt(self, attempt: Attempt, *, case_number: str) -> None:
        """A justification the policy refuses (the refusal, and any flag, are the audit's record)."""
        try:
            justification_open(actor=self.actor(attempt.username), purpose=attempt.purpose,
                               case_number=case_number if attempt.with_case_number else "",
                               description=attempt.description)
        except PolicyDenied:
            return
        raise AssertionError(f"The policy accepted a demo attempt meant to be refused: {attempt}")

    # --- hotlists and alerts -----------------------------------------------------------------------

    def keep_hotlist_current(self) -> None:
        """The detective renews each wanted vehicle's entry when it lapses (entries expire by design)."""
        now = timezone.now()
        for plate, state, case_number, reason, vehicle in WANTED:
            if HotlistEntry.objects.filter(plate_pattern=plate, active=True, expires_at__gt=now).exists():
                continue
            hotlist_entry_add(actor=self.actor("jbrooks"), plate_pattern=plate, state=state,
                              case_number=case_number, reason=reason, vehicle_description=vehicle,
                              expires_at=now + timedelta(days=HOTLIST_ENTRY_DAYS))

    def verify_alert(self, alert_id: int, rng: random.Random) -> None:
        """The officer looks at the photo, compares, and records the outcome and what was done."""
        actor = self.actor("oreyes")
        alert = Alert.objects.get(pk=alert_id)
        if alert.verification_outcome:
            return
        seen = _view_alert_image(actor, alert_id)
        vehicle_matches = rng.random() > 0.2
        outcome = VerificationOutcome.CONFIRMED if vehicle_matches else VerificationOutcome.VEHICLE_MISMATCH
        alert_verify(actor=actor, alert_id=alert_id, outcome=outcome, characters_match=True, state_match=True,
                     vehicle_match=vehicle_matches,
                     records_check="" if seen else "LEADS: plate and vehicle match",
                     notes="Compared the plate, the state and the vehicle with the photo.")
        if outcome == VerificationOutcome.CONFIRMED:
            action = rng.choice(ALERT_ACTIONS)
            met = action in CONTACT_ACTIONS and rng.random() < 0.8
            alert_record_action(actor=actor, alert_id=alert_id, action=action,
                                notes="Recorded after the stop." if met else "",
                                subject_race=rng.choice(RACES) if met else RaceEthnicity.NOT_RECORDED,
                                subject_sex=rng.choice(SEXES) if met else Sex.NOT_RECORDED)

    # --- the month ------------------------------------------------------------------------------------

    def record_costs(self, cameras: list[Camera]) -> None:
        actor, today = self.actor("ahart"), timezone.localdate()
        for camera in cameras:
            camera_cost_record(actor=actor, kind="maintenance", amount=MAINTENANCE_PER_CAMERA,
                               incurred_on=today, camera_id=camera.pk, note="Monthly cleaning, calibration")
        camera_cost_record(actor=actor, kind="subscription", amount=MONTHLY_SUBSCRIPTION,
                           incurred_on=today, note="Hosting and LEADS interface")

    def sign_off_last_audit(self) -> None:
        report = (Report.objects.filter(kind="monthly_audit", sign_off__isnull=True)
                  .order_by("-period_start").first())
        if report is None:
            return
        refused = report.summary.get("Refused attempts", 0)
        report_sign_off(actor=self.actor("ahart"), report_id=report.pk,
                        review_note=f"Reviewed every adherence flag, {refused} refused attempt(s) "
                                    "among them.",
                        discrepancies=("A prohibited-purpose attempt (immigration) by Ana Kim: referred to "
                                       "her supervisor for retraining." if refused else ""))

    # --- one-off events, by the day of the history they fall on -------------------------------------

    def events_of(self, day: date, index: int) -> list[tuple[tuple[int, int], Callable[[], None]]]:
        """The day's one-off events as ((hour, minute), step)."""
        comment_days = current_policy().policy_comment_days
        planned = {
            0: [((9, 15), self.publish_policy_draft)],
            2: [((10, 5), self.felony_request), ((15, 40), self.felony_search)],
            4: [((11, 20), self.place_hold)],
            5: [((19, 30), lambda: self.public_comment())],
            comment_days + 1: [((10, 45), self.approve_policy_text)],
        }
        events = list(planned.get(index, []))
        if day.day == 3:
            events.append(((10, 0), self.sign_off_last_audit))
        if index % 5 == 3:
            events.append(((13, 10), self.partner_search))
        events += self._late_events(day)
        return events

    def _late_events(self, day: date) -> list[tuple[tuple[int, int], Callable[[], None]]]:
        """Events placed by their distance from today: a release close enough to look at, a flag."""
        days_ago = (timezone.localdate() - day).days
        late = {
            12: [((9, 40), self.release_to_partner)],
            8: [((16, 20), self.flag_erroneous_read)],
            7: [((9, 10), self.review_flags)],
            4: [((11, 0), self.partner_certifies_deletion)],
        }
        return late.get(days_ago, [])

    def publish_policy_draft(self) -> None:
        actor = self.actor("ahart")
        text = POLICY_TEXT.format(retention_days=current_policy().retention_days)
        document = policy_doc_draft(actor=actor, title=POLICY_TITLE, text=text,
                                    summary_of_changes=POLICY_SUMMARY)
        policy_doc_open_comment(actor=actor, document_id=document.pk)

    def public_comment(self) -> None:
        document = PolicyDocument.objects.filter(status=PolicyStatus.COMMENT).order_by("-version").first()
        if document is not None:
            policy_comment_submit(document_id=document.pk, text=PUBLIC_COMMENT, name="A resident")

    def approve_policy_text(self) -> None:
        document = PolicyDocument.objects.filter(status=PolicyStatus.COMMENT).order_by("-version").first()
        if document is not None:
            policy_doc_approve(actor=self.actor("mchen"), document_id=document.pk)

    def felony_request(self) -> None:
        request = felony_request_create(
            actor=self.actor("jbrooks"), case_number=FELONY_CASE,
            offense="Arson of an occupied apartment building",
            description="A car seen leaving Oak Park Ave minutes before the fire; its plate was partly "
                        "caught on a doorbell camera")
        felony_request_decide(actor=self.actor("mchen"), request_id=request.pk, approve=True,
                              note="Arson of an occupied building is a significant felony; approved for "
                                   "30 days.")

    def felony_search(self) -> None:
        request = FelonyExceptionRequest.objects.filter(case_number=FELONY_CASE).first()
        if request is None:
            return
        actor = self.actor("jbrooks")
        justification = justification_open(
            actor=actor, purpose=current_policy().felony_exception_purpose, case_number=FELONY_CASE,
            description="Arson on Oak Park Ave: the car seen leaving minutes before the fire",
            felony_request_id=request.pk)
        access.plate_reads_search(actor=actor, justification=justification, plate="DL48*")

    def place_hold(self) -> None:
        """The detective keeps the getaway car's reads for the trial: the purge leaves them."""
        actor = self.actor("jbrooks")
        justification = justification_open(
            actor=actor, purpose="violent_crime", case_number="26-004512",
            description="Armed robbery at the Madison St pharmacy: the getaway car's route for the trial")
        now = timezone.now()
        access.plate_reads_hold(actor=actor, justification=justification, plate="KRN5562",
                                since=now - timedelta(days=4), until=now,
                                reason="Route of the getaway car of the Madison St pharmacy robbery, "
                                       "for the trial")

    def partner_search(self) -> None:
        access.partner_plate_reads_search(
            actor=partner_actor(self.partner), person_id=self.partner.pk, purpose="violent_crime",
            case_number=PARTNER_SEARCH_CASE, plate="7ABC123",
            description="Carjacking at gunpoint on North Avenue; the stolen grey SUV was seen heading east")

    def release_to_partner(self) -> None:
        """Riverside's written request: received, approved, released (SHR-1, SHR-2)."""
        actor, now = self.actor("ahart"), timezone.now()
        request = request_receive(
            actor=actor, agency_id=self.partner.agency_id, requester_name=self.partner.full_name,
            requester_title="Detective", requester_email=self.partner.email, purpose="violent_crime",
            case_number=PARTNER_CASE, plates="7ABC123", window_start=now - timedelta(days=5), window_end=now,
            description="Armed robbery of a gas station on First Ave; a witness gave the car's plate")
        request_decide(actor=actor, request_id=request.pk, approve=True,
                       reason="Violent crime, declaration in force, one plate over five days")
        try:
            request_release(actor=actor, request_id=request.pk)
        except ApplicationError:
            return  # nothing of that plate in the window: the request stays approved, unreleased

    def partner_certifies_deletion(self) -> None:
        request = SharingRequest.objects.filter(case_number=PARTNER_CASE,
                                                status=RequestStatus.RELEASED).first()
        if request is not None and request.awaiting_certification:
            deletion_certify(actor=self.actor("ahart"), request_id=request.pk, certified_by="Lt. Maria Gomez")

    def flag_erroneous_read(self) -> None:
        """The officer finds a read whose plate the photo does not bear out and flags it (RET-5)."""
        actor = self.actor("oreyes")
        justification = justification_open(
            actor=actor, purpose="stolen_vehicle", case_number="26-004777",
            description="Plate reported stolen from a parked van on Chicago Ave; checking its reads")
        found = access.plate_reads_search(actor=actor, justification=justification, plate="B58207")
        rows = list(found.page.rows)
        if rows:
            access.plate_read_flag(actor=actor, justification=justification, read_id=rows[0].id,
                                   kind="wrong_camera",
                                   note="The background is Madison St, not this camera's corner")

    def review_flags(self) -> None:
        for flag_id in ErroneousFlag.objects.filter(status=FlagStatus.OPEN).values_list("pk", flat=True):
            flag_review(actor=self.actor("ahart"), flag_id=flag_id, confirm=True,
                        note="The photo shows Madison St: the camera's location was recorded wrong that day.")


def _view_alert_image(actor: Actor, alert_id: int) -> bool:
    """Open the alert's plate crop (or photo) as the verification page does; False if none is kept."""
    for kind in ("crop", "full"):
        try:
            alert_image(actor=actor, alert_id=alert_id, kind=kind)
        except ApplicationError:
            continue
        return True
    return False


def _sign_in(user: User) -> None:
    """Sign in through the real pages: system-use notice and password, then the authenticator code."""
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/accounts/login/", {"username": user.username, "password": DEMO_PASSWORD,
                                                "notice_acknowledged": "on"})
    if response.status_code != 302:
        raise ApplicationError(f"The demo sign-in of {user.username} failed ({response.status_code}).")
    for _attempt in range(2):  # a code read as its 30 seconds ran out is refused: the next one is not
        response = client.post("/accounts/verify/", {"token": current_demo_code(user.username)})
        if response.status_code == 302:
            return
    raise ApplicationError(f"The demo second factor of {user.username} failed ({response.status_code}).")
