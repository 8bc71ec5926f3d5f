import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, PolicyDenied
from policy.audit_actions import POLICY_CHANGED
from policy.models import AgencyPolicy
from policy.roles import Capability
from policy.selectors import current_policy

_NOT_POLICY = {"id", "created_at", "created_by", "change_reason"}


@enforces("RET-1", "AUD-3")
def policy_update(*, actor: Actor, changes: dict, reason: str) -> AgencyPolicy:
    """Put a new version of the policy in force, with the changed values; audited."""
    with refusals_recorded(actor=actor, action=POLICY_CHANGED, query=_jsonable(changes)):
        if not actor.user or not actor.user.can(Capability.MANAGE_RETENTION):
            raise PolicyDenied("Only the system administrator may change the agency policy.")
        if not reason.strip():
            raise ApplicationError("Say why the policy is changing.", field="reason")
        with transaction.atomic():
            before = current_policy()
            values = {k: v for k, v in model_to_dict(before).items() if k not in _NOT_POLICY}
            unknown = set(changes) - set(values)
            if unknown:
                raise ApplicationError(f"Not a policy setting: {', '.join(sorted(unknown))}")
            new = AgencyPolicy(**{**values, **changes}, created_by=actor.user, change_reason=reason)
            _validate(new)
            new.save()
            diff = {k: [values[k], v] for k, v in changes.items() if values[k] != v}
            audit_record(actor=actor, action=POLICY_CHANGED, description=reason,
                         targets=[f"policy:{new.pk}"], query=_jsonable(diff))
            return new


def _validate(policy: AgencyPolicy) -> None:
    """Run the model's checks; a value the general order forbids becomes an audited refusal."""
    try:
        policy.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=field) from None


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))
