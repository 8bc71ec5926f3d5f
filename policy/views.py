"""The policy page: the policy in force, explained; its versions; who may do what (ACC-7, RPT-4).

Also the proposed changes that loosen the policy: what they change, the public's comments, and the
Chief's decision once the comment period has ended.
"""
from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import capability_required
from audit.context import Actor
from core.errors import ApplicationError
from policy.forms import EXPLANATIONS, DecisionForm, PolicyForm
from policy.models import MAX_RETENTION_DAYS, AgencyPolicy
from policy.presentation import change_rows, field_label, value_entries, value_text
from policy.roles import Capability, Role, capability_table
from policy.selectors import current_policy, policy_change_get, policy_changes_waiting
from policy.services import (
    PolicyChange,
    policy_change_approve,
    policy_change_reject,
    policy_change_withdraw,
    policy_update,
)

# Who reads a proposed change and its comments: who proposes, who decides, and the oversight readers.
_PROPOSAL_READERS = (Capability.MANAGE_RETENTION, Capability.APPROVE_POLICY_TEXT, Capability.READ_REPORTS)


def _shown(policy: AgencyPolicy, name: str):
    """The value as the page shows it: a choice by its label, anything else as it is."""
    value = getattr(policy, name)
    return value_text(name, value) if AgencyPolicy._meta.get_field(name).choices else value


def _values(policy: AgencyPolicy) -> list[dict]:
    field_labels = {field.name: field.verbose_name for field in AgencyPolicy._meta.fields}
    return [{"name": name, "label": field_labels[name].capitalize(), "value": _shown(policy, name),
             "list": value_entries(getattr(policy, name)), "explanation": explanation, "source": source}
            for name, (explanation, source) in EXPLANATIONS.items()]


def _versions() -> list[dict]:
    """Every version, newest first, with what changed from the one before."""
    versions = list(AgencyPolicy.objects.select_related("created_by").order_by("id"))
    rows, before = [], None
    for version in versions:
        values = {k: v for k, v in model_to_dict(version).items() if k in EXPLANATIONS}
        changed = sorted(field_label(k) for k in values if before is not None and before[k] != values[k])
        rows.append({"policy": version, "changed": changed})
        before = values
    return rows[::-1]


def policy_detail(request):
    policy = current_policy()
    return render(request, "policy/detail.html", {
        "policy": policy,
        "values": _values(policy),
        "versions": _versions(),
        "roles": Role.choices,
        "capabilities": capability_table(),
        "waiting": policy_changes_waiting(),
        "now": timezone.now(),
    })


@capability_required(Capability.MANAGE_RETENTION, doing="change the agency policy")
@require_http_methods(["GET", "POST"])
def policy_edit(request):
    policy = current_policy()
    form = PolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            form.add_error(None, "Nothing changed.")
        else:
            try:
                done = policy_update(actor=Actor.for_request(request), changes=changes,
                                     reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                _say_what_changed(request, done)
                return redirect("policy:detail")
    return render(request, "policy/edit.html", {"form": form, "max_retention_days": MAX_RETENTION_DAYS},
                  status=400 if form.errors else 200)


def _say_what_changed(request, done: PolicyChange) -> None:
    if done.in_force:
        messages.success(request, "The new policy version is in force.")
    if done.proposal:
        names = ", ".join(field_label(name) for name in done.proposal.changes)
        closes = timezone.localtime(done.proposal.comment_closes_at)
        messages.success(request, f"These changes loosen the policy and are proposed for public comment "
                                  f"until {closes:%Y-%m-%d %H:%M}, then the Chief's approval: {names}.")


@capability_required(*_PROPOSAL_READERS)
def change_detail(request, proposal_id: int):
    proposal = policy_change_get(proposal_id)
    if proposal is None:
        raise Http404("No such proposed change.")
    return render(request, "policy/change.html", {
        "proposal": proposal,
        "rows": change_rows(proposal),
        "comments": proposal.comments.all(),
        "form": DecisionForm(),
        "comment_open": proposal.is_open_for_comment,
    })


_DECISIONS = {
    "approve": (lambda actor, pk, note: policy_change_approve(actor=actor, proposal_id=pk, note=note),
                "Approved: the change is in force."),
    "reject": (lambda actor, pk, note: policy_change_reject(actor=actor, proposal_id=pk, note=note),
               "Rejected: the policy stays as it is."),
    "withdraw": (lambda actor, pk, note: policy_change_withdraw(actor=actor, proposal_id=pk, note=note),
                 "Withdrawn."),
}


@require_POST
def change_action(request, proposal_id: int, action: str):
    """Approve, reject or withdraw a proposal; the services check who may, and when."""
    if action not in _DECISIONS:
        raise Http404("Unknown action.")
    decide, done = _DECISIONS[action]
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        decide(Actor.for_request(request), proposal_id, note)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("policy:change", proposal_id=proposal_id)
