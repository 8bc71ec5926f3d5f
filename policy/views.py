"""The policy page: the policy in force, explained; its versions; who may do what (ACC-7, RPT-4)."""
from django.contrib import messages
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import capability_required
from audit.context import Actor
from core.errors import ApplicationError
from policy.forms import EXPLANATIONS, PolicyForm
from policy.models import AgencyPolicy
from policy.roles import Capability, Role, capability_table
from policy.selectors import current_policy
from policy.services import policy_update


def _values(policy: AgencyPolicy) -> list[dict]:
    field_labels = {field.name: field.verbose_name for field in AgencyPolicy._meta.fields}
    return [{"name": name, "label": field_labels[name].capitalize(), "value": getattr(policy, name),
             "explanation": explanation, "source": source}
            for name, (explanation, source) in EXPLANATIONS.items()]


def _versions() -> list[dict]:
    """Every version, newest first, with what changed from the one before."""
    versions = list(AgencyPolicy.objects.select_related("created_by").order_by("id"))
    rows, before = [], None
    for version in versions:
        values = {k: v for k, v in model_to_dict(version).items() if k in EXPLANATIONS}
        changed = sorted(k for k in values if before is not None and before[k] != values[k])
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
    })


@capability_required(Capability.MANAGE_RETENTION, message="Only the system administrator changes the policy.")
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
                policy_update(actor=Actor.for_request(request), changes=changes,
                              reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "The new policy version is in force.")
                return redirect("policy:detail")
    return render(request, "policy/edit.html", {"form": form}, status=400 if form.errors else 200)
