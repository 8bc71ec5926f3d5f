"""Writes on hotlists and their entries (RET-6, USE-5). Only detectives and analysts (ACC-7).

Every change is one function: the acting person first, one transaction, its own audit row inside it;
refusals and invalid input are audited too (``refusals_recorded``). Matching reads against entries is
``hotlists.matching``; imports are ``hotlists.imports``; alerts are ``hotlists.alerts``.
"""
import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.selectors import ensure_alpr_access
from alpr import plates
from audit.context import Actor
from audit.models import ActorType
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied
from hotlists import audit_actions as actions
from hotlists import patterns
from hotlists.models import Hotlist, HotlistEntry, HotlistSource, Priority
from policy.roles import Capability, only_who_may
from policy.selectors import current_policy
from searches.services import prohibited_purpose_check, stated_reason_check

DEFAULT_INTERNAL_LIST = "Internal hotlist"
STATE_CODE = re.compile(r"^[A-Z]{2}$")
# An entry's case number is stored in as many characters as a search's: longer is refused, typed or
# imported, whatever the agency's case-number pattern allows.
CASE_NUMBER_MAX_LENGTH = HotlistEntry._meta.get_field("case_number").max_length


def require_hotlist_editor(actor: Actor) -> None:
    """Refuse anyone but detectives and analysts with current training (ACC-5, ACC-7)."""
    if actor.kind == ActorType.SYSTEM:
        return
    if actor.user is None or not actor.user.can(Capability.CREATE_HOTLIST):
        raise PolicyDenied(only_who_may(Capability.CREATE_HOTLIST, doing="create or change hotlist entries"))
    ensure_alpr_access(actor.user)


def set_match_keys(entry: HotlistEntry) -> None:
    """Fill the indexed matching columns from ``entry.plate_pattern``."""
    pattern = entry.plate_pattern
    entry.is_wildcard = patterns.is_wildcard(pattern)
    if entry.is_wildcard:
        entry.plate_exact = entry.plate_folded = ""
        entry.like_pattern = patterns.like_pattern(pattern)
        entry.like_folded = patterns.like_pattern(patterns.fold(pattern))
        entry.wildcard_anchor = patterns.anchor(patterns.fold(pattern))
    else:
        entry.plate_exact = pattern
        entry.plate_folded = patterns.fold(pattern)
        entry.like_pattern = entry.like_folded = entry.wildcard_anchor = ""


def clean_plate_pattern(value) -> str:
    if problem := plates.typed_plate_problem(str(value or ""), wildcards=True):
        raise ApplicationError(problem, field="plate_pattern")
    pattern = patterns.normalise_pattern(value)
    problem = patterns.pattern_problem(
        pattern, min_known_run=current_policy().partial_plate_min_known)
    if problem:
        raise ApplicationError(problem, field="plate_pattern")
    return pattern


def clean_state(value) -> str:
    state = str(value or "").strip().upper()
    if state and state not in plates.ISSUING_JURISDICTIONS:
        raise ApplicationError(f"{state} is no issuing state: use {plates.JURISDICTION_HELP} "
                               "(Nebraska is NE).", field="state")
    return state


def case_number_length_problem(case_number: str) -> str | None:
    """Say why `case_number` cannot be an entry's, if it is longer than an entry stores."""
    if len(case_number) > CASE_NUMBER_MAX_LENGTH:
        return f"A hotlist entry's case number has at most {CASE_NUMBER_MAX_LENGTH} characters."
    return None


def _clean_entry_fields(*, plate_pattern, state, reason, case_number, expires_at, priority,
                        vehicle_description) -> dict:
    """Validate what a person types for an entry; RET-6: reason, case number and expiry are required.
    The vehicle description, shown with every alert, may not name a prohibited purpose either (USE-3)."""
    reason = (reason or "").strip()
    vehicle_description = (vehicle_description or "").strip()[
        :HotlistEntry._meta.get_field("vehicle_description").max_length]
    prohibited_purpose_check(vehicle_description, field="vehicle_description")
    case_number = (case_number or "").strip().upper()
    stated_reason_check(reason, label="hotlist entry", code="hotlist_reason", field="reason",
                        ask="Say what the vehicle is wanted for, in which incident, e.g. \u201cstolen in the "
                            "burglary at 100 Main St\u201d.",
                        vague=("hotlist", "entry", "wanted", "plate", "case"))
    if not case_number:
        raise ApplicationError("A hotlist entry needs a case number.", field="case_number")
    if problem := case_number_length_problem(case_number):
        raise ApplicationError(problem, field="case_number")
    policy = current_policy()
    if not re.fullmatch(policy.case_number_pattern, case_number):
        raise ApplicationError(f"Enter the case number as the department writes it, e.g. "
                               f"{policy.case_number_example}.", field="case_number")
    if expires_at is None:
        raise ApplicationError("A hotlist entry needs an expiry.", field="expires_at")
    now = timezone.now()
    if expires_at <= now:
        raise ApplicationError("The expiry must be in the future.", field="expires_at")
    if expires_at > now + timedelta(days=policy.hotlist_entry_max_days):
        raise ApplicationError(f"An entry expires within {policy.hotlist_entry_max_days} days; renew it when "
                               "it does.", field="expires_at")
    if priority not in Priority.values:
        raise ApplicationError("Choose a priority from the list.", field="priority")
    return {"plate_pattern": clean_plate_pattern(plate_pattern), "state": clean_state(state),
            "reason": reason, "case_number": case_number, "expires_at": expires_at, "priority": priority,
            "vehicle_description": vehicle_description}


def _describe(entry: HotlistEntry) -> str:
    return (f"{entry.plate_pattern} {entry.state or '--'} until {entry.expires_at:%Y-%m-%d %H:%M} "
            f"priority {entry.get_priority_display()}: {entry.reason}")


def internal_hotlist(name: str = DEFAULT_INTERNAL_LIST, *, actor: Actor | None = None) -> Hotlist:
    hotlist, _ = Hotlist.objects.get_or_create(
        name=name, defaults={"source": HotlistSource.INTERNAL,
                             "created_by_label": actor.label if actor else "",
                             "description": "Plates entered by the department's detectives and analysts."})
    return hotlist


def hotlist_create(*, actor: Actor, name: str, description: str = "") -> Hotlist:
    """Create an internal hotlist (e.g. one per operation) to group entries."""
    with refusals_recorded(actor=actor, action=actions.HOTLIST_CREATED, targets=[f"hotlist-name:{name}"]):
        require_hotlist_editor(actor)
        name = (name or "").strip()
        if not name:
            raise ApplicationError("A hotlist needs a name.", field="name")
        with transaction.atomic():
            if Hotlist.objects.filter(name__iexact=name).exists():
                raise ApplicationError("A hotlist with that name exists already.", field="name")
            hotlist = Hotlist.objects.create(name=name, description=description.strip(),
                                             source=HotlistSource.INTERNAL, created_by_label=actor.label)
            audit_record(actor=actor, action=actions.HOTLIST_CREATED, targets=[f"hotlist:{hotlist.pk}"],
                         description=name)
        return hotlist


@enforces("RET-6", "USE-5")
def hotlist_entry_add(
    *, actor: Actor, plate_pattern: str, reason: str, case_number: str, expires_at, state: str = "",
    priority: int = Priority.NORMAL, vehicle_description: str = "", hotlist_id: int | None = None,
) -> HotlistEntry:
    """Add an entry to an internal hotlist (the default one unless `hotlist_id`)."""
    with refusals_recorded(actor=actor, action=actions.ENTRY_ADDED,
                           case_number=str(case_number or "")[:CASE_NUMBER_MAX_LENGTH],
                           description=str(reason or ""),
                           targets=[f"plate-pattern:{patterns.normalise_pattern(plate_pattern)}"]):
        require_hotlist_editor(actor)
        fields = _clean_entry_fields(plate_pattern=plate_pattern, state=state, reason=reason,
                                     case_number=case_number, expires_at=expires_at, priority=priority,
                                     vehicle_description=vehicle_description)
        with transaction.atomic():
            if hotlist_id is None:
                hotlist = internal_hotlist(actor=actor)
            else:
                hotlist = Hotlist.objects.filter(pk=hotlist_id).first()
                if hotlist is None:
                    raise NotFound("No such hotlist.")
            if hotlist.source != HotlistSource.INTERNAL:
                raise ApplicationError("Imported lists change only by importing a new file.", field="hotlist")
            entry = HotlistEntry(hotlist=hotlist, created_by=actor.user, created_by_label=actor.label,
                                 **fields)
            set_match_keys(entry)
            entry.save()
            audit_record(actor=actor, action=actions.ENTRY_ADDED, case_number=entry.case_number,
                         targets=[f"hotlist:{hotlist.pk}", f"hotlist-entry:{entry.pk}"],
                         description=_describe(entry))
        return entry


def _locked_internal_entry(entry_id: int) -> HotlistEntry:
    entry = HotlistEntry.objects.select_for_update().select_related("hotlist").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("No such hotlist entry.")
    if entry.hotlist.source != HotlistSource.INTERNAL:
        raise ApplicationError("Imported entries change only by importing a new file.")
    return entry


def hotlist_entry_edit(
    *, actor: Actor, entry_id: int, plate_pattern: str, reason: str, case_number: str, expires_at,
    state: str = "", priority: int = Priority.NORMAL, vehicle_description: str = "",
) -> HotlistEntry:
    """Change an active internal entry; the audit row keeps the before and after."""
    with refusals_recorded(actor=actor, action=actions.ENTRY_EDITED, description=str(reason or ""),
                           targets=[f"hotlist-entry:{entry_id}"]):
        require_hotlist_editor(actor)
        fields = _clean_entry_fields(plate_pattern=plate_pattern, state=state, reason=reason,
                                     case_number=case_number, expires_at=expires_at, priority=priority,
                                     vehicle_description=vehicle_description)
        with transaction.atomic():
            entry = _locked_internal_entry(entry_id)
            if not entry.active:
                raise ApplicationError("A deactivated entry cannot be edited; add a new one.")
            before = _describe(entry)
            for name, value in fields.items():
                setattr(entry, name, value)
            set_match_keys(entry)
            entry.save()
            audit_record(actor=actor, action=actions.ENTRY_EDITED, case_number=entry.case_number,
                         targets=[f"hotlist:{entry.hotlist_id}", f"hotlist-entry:{entry.pk}"],
                         description=f"before: {before} | after: {_describe(entry)}")
        return entry


def hotlist_entry_deactivate(*, actor: Actor, entry_id: int, reason: str) -> HotlistEntry:
    """Stop an internal entry from matching (vehicle recovered, case closed, entered in error)."""
    with refusals_recorded(actor=actor, action=actions.ENTRY_DEACTIVATED,
                           targets=[f"hotlist-entry:{entry_id}"]):
        require_hotlist_editor(actor)
        reason = (reason or "").strip()
        if not reason:
            raise ApplicationError("Say why the entry is removed.", field="reason")
        with transaction.atomic():
            entry = _locked_internal_entry(entry_id)
            if entry.active:
                entry.active = False
                entry.deactivated_at = timezone.now()
                entry.deactivation_reason = reason[:300]
                entry.save(update_fields=["active", "deactivated_at", "deactivation_reason", "updated_at"])
            audit_record(actor=actor, action=actions.ENTRY_DEACTIVATED, case_number=entry.case_number,
                         targets=[f"hotlist:{entry.hotlist_id}", f"hotlist-entry:{entry.pk}"],
                         description=reason)
        return entry
