"""Roles, what each may do (ACC-7) and the training each must hold (ACC-5). The only place that says so.

This is fixed by the department's general order, not agency configuration: granting the Chief's
approvals to another role would itself be a policy change, made here, reviewed and versioned.
"""
from django.db import models

from core.compliance import enforces


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    DISPATCHER = "dispatcher", "Dispatcher"
    ANALYST = "analyst", "Crime analyst"
    DETECTIVE = "detective", "Detective"
    ADMINISTRATOR = "administrator", "System administrator"
    CHIEF = "chief", "Chief of police"
    AUDITOR = "auditor", "Auditor"
    OVERSIGHT = "oversight", "Oversight board member"
    RECORDS = "records", "Records supervisor"


class Capability(models.TextChoices):
    SEARCH_PLATES = "search_plates", "Search plate reads for a case"
    CREATE_HOTLIST = "create_hotlist", "Create internal hotlist entries"
    HANDLE_EVIDENCE = "handle_evidence", "Place evidence holds and export evidence for a case"
    VERIFY_ALERTS = "verify_alerts", "Receive and verify hotlist alerts"
    AUDIT_QUERY = "audit_query", "Run administrative and audit queries"
    READ_AUDIT_LOG = "read_audit_log", "Read and export the audit log"
    MANAGE_USERS = "manage_users", "Create accounts and record training"
    APPROVE_USERS = "approve_users", "Approve or deny new accounts"
    SUSPEND_USERS = "suspend_users", "Suspend or separate users"
    MANAGE_CAMERAS = "manage_cameras", "Manage cameras"
    APPROVE_RELOCATIONS = "approve_relocations", "Approve camera installation and relocation"
    APPROVE_FELONY_EXCEPTIONS = "approve_felony_exceptions", "Approve other-felony search requests"
    MANAGE_RETENTION = "manage_retention", "Manage retention and the agency policy"
    REVIEW_SHARING = "review_sharing", "Review sharing requests from other agencies"
    APPROVE_ONLINE_SHARING = "approve_online_sharing", "Decide electronic online sharing with an agency"
    HANDLE_RECORDS_REQUESTS = "handle_records_requests", "Handle public-records requests"
    SIGN_OFF_AUDIT = "sign_off_audit", "Sign off the monthly audit"
    RECEIVE_AUDIT_DISCREPANCIES = "receive_audit_discrepancies", "Receive the monthly audit's discrepancies"
    READ_REPORTS = "read_reports", "Read oversight reports"
    APPROVE_POLICY_TEXT = "approve_policy_text", "Approve a new policy text after public comment"
    RECORD_INCIDENTS = "record_incidents", "Record security incidents and the oversight contact"
    HANDLE_COMPLAINTS = "handle_complaints", "Track complaints and error reports to resolution"


_QUERY = {Capability.SEARCH_PLATES, Capability.VERIFY_ALERTS}
# Evidence is booked by the end user who writes the investigative report (Oak Park GO 4-68 VI: "the
# officer's/analyst's investigative report"; Highland Park 427): not dispatchers, not administrators.
_INVESTIGATE = _QUERY | {Capability.HANDLE_EVIDENCE}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OFFICER: frozenset(_INVESTIGATE),
    Role.DISPATCHER: frozenset(_QUERY),
    Role.ANALYST: frozenset(_INVESTIGATE | {Capability.CREATE_HOTLIST}),
    Role.DETECTIVE: frozenset(_INVESTIGATE | {Capability.CREATE_HOTLIST}),
    Role.ADMINISTRATOR: frozenset(
        {
            Capability.AUDIT_QUERY,
            Capability.READ_AUDIT_LOG,
            Capability.MANAGE_USERS,
            Capability.SUSPEND_USERS,
            Capability.MANAGE_CAMERAS,
            Capability.MANAGE_RETENTION,
            Capability.REVIEW_SHARING,
            Capability.SIGN_OFF_AUDIT,
            Capability.READ_REPORTS,
            Capability.RECORD_INCIDENTS,
            Capability.HANDLE_COMPLAINTS,
        }
    ),
    Role.CHIEF: frozenset(
        {
            Capability.APPROVE_USERS,
            Capability.SUSPEND_USERS,
            Capability.APPROVE_RELOCATIONS,
            Capability.APPROVE_FELONY_EXCEPTIONS,
            Capability.APPROVE_POLICY_TEXT,
            Capability.READ_REPORTS,
            # AUD-5; Oak Park GO 4-68 VII.E: the audit's discrepancies are reported "to the Chief".
            Capability.RECEIVE_AUDIT_DISCREPANCIES,
            # Oak Park GO 4-68 VII.D: electronic online sharing of historical ALPR data with an outside
            # agency "will be at the discretion of the Chief of Police": the administrator asks, the Chief
            # decides (sharing.services.online).
            Capability.APPROVE_ONLINE_SHARING,
        }
    ),
    Role.AUDITOR: frozenset(
        {Capability.AUDIT_QUERY, Capability.READ_AUDIT_LOG, Capability.READ_REPORTS,
         Capability.HANDLE_COMPLAINTS}
    ),
    Role.OVERSIGHT: frozenset({Capability.READ_REPORTS}),
    Role.RECORDS: frozenset({Capability.HANDLE_RECORDS_REQUESTS}),
}

# Roles that reach ALPR data at all need current training and policy sign-off (ACC-5).
ALPR_DATA_CAPABILITIES = frozenset(
    {Capability.SEARCH_PLATES, Capability.VERIFY_ALERTS, Capability.AUDIT_QUERY, Capability.CREATE_HOTLIST}
)


@enforces("ACC-7")
def role_has(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def roles_with(capability: str) -> list[str]:
    """Return the roles that grant `capability`, in Role order."""
    return [role for role in Role if role_has(role, capability)]


# How a sentence names the people of each role: an office one person holds with "the", the others plural.
ROLE_PEOPLE: dict[str, str] = {
    Role.OFFICER: "officers",
    Role.DISPATCHER: "dispatchers",
    Role.ANALYST: "crime analysts",
    Role.DETECTIVE: "detectives",
    Role.ADMINISTRATOR: "the system administrator",
    Role.CHIEF: "the Chief of police",
    Role.AUDITOR: "auditors",
    Role.OVERSIGHT: "oversight board members",
    Role.RECORDS: "the records supervisor",
}


def people_of(roles) -> str:
    """Name the people of `roles` in Role order, e.g. "crime analysts and detectives"; "nobody" for none."""
    people = [ROLE_PEOPLE[role] for role in Role if role in roles] or ["nobody"]
    return people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"


def who_may(*capabilities: str) -> str:
    """Name the people whose role grants any of `capabilities`, as `people_of` does."""
    return people_of({role for role in Role if any(role_has(role, c) for c in capabilities)})


def only_who_may(*capabilities: str, doing: str) -> str:
    """Refuse in words that say who may instead: "Only the Chief of police may approve accounts."."""
    if not any(roles_with(capability) for capability in capabilities):
        return f"Nobody may {doing}."
    return f"Only {who_may(*capabilities)} may {doing}."


@enforces("ACC-5")
def role_records_training_of(role: str, subject_role: str) -> bool:
    """Whether `role` records the training of someone in `subject_role` (never one's own: ACC-5).

    The administrators record everyone's; whoever approves accounts (the Chief) also records the
    administrators', so a department with a single administrator has someone to record theirs.
    """
    return role_has(role, Capability.MANAGE_USERS) or (
        role_has(role, Capability.APPROVE_USERS) and role_has(subject_role, Capability.MANAGE_USERS))


def training_recorders(subject_role: str) -> list[str]:
    """Return the roles that record the training of someone in `subject_role`, in Role order."""
    return [role for role in Role if role_records_training_of(role, subject_role)]


def role_reaches_alpr_data(role: str) -> bool:
    return bool(ROLE_CAPABILITIES.get(role, frozenset()) & ALPR_DATA_CAPABILITIES)


class TrainingKind(models.TextChoices):
    ALPR_TRAINING = "alpr_training", "Department-approved ALPR training"
    POLICY_SIGNOFF = "policy_signoff", "Annual ALPR policy sign-off"
    LEADS_CERTIFICATION = "leads_certification", "LEADS certification"


# Everyone holds the department's ALPR training and the annual policy sign-off; a capability may ask for
# more: those who verify alerts against LEADS hold a current LEADS certification (ACC-5).
TRAINING_FOR_EVERYONE = (TrainingKind.ALPR_TRAINING, TrainingKind.POLICY_SIGNOFF)
TRAINING_FOR_CAPABILITY = {Capability.VERIFY_ALERTS: (TrainingKind.LEADS_CERTIFICATION,)}


@enforces("ACC-5")
def trainings_required(role: str) -> list[str]:
    """Return the trainings a person of `role` must hold, in TrainingKind order."""
    needed = set(TRAINING_FOR_EVERYONE).union(
        *(kinds for capability, kinds in TRAINING_FOR_CAPABILITY.items() if role_has(role, capability)))
    return [kind for kind in TrainingKind if kind in needed]


def capability_table() -> list[tuple[str, list[bool]]]:
    """Return rows of (capability label, [granted per role in Role order]) for display."""
    return [
        (capability.label, [role_has(role, capability) for role in Role])
        for capability in Capability
    ]
