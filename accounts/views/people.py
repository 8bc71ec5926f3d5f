"""People administration: the administrator's list and forms, the Chief's approval queue (ACC-1 to ACC-8).

Thin: parse the form, call `accounts.services`, render. The services decide who may do what and
audit every attempt; the page-level `capability_required` only keeps pages from people whose role
has no use for them.
"""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.decorators import capability_required
from accounts.forms import (
    AccountCreateForm,
    DecisionForm,
    PeopleFilterForm,
    ReasonForm,
    RoleChangeForm,
    TrainingForm,
)
from accounts.models import AccountStatus
from accounts.views._forms import form_error
from audit.context import Actor
from core.errors import ApplicationError
from policy.roles import Capability, role_reaches_alpr_data

PEOPLE = selectors.PEOPLE_CAPABILITIES


@capability_required(*PEOPLE)
def people_list(request):
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.people_list(status=filters.get("status", ""), role=filters.get("role", ""),
                                   search=filters.get("search", ""))
    return render(request, "accounts/people_list.html", {"form": form, "people": people[:500]})


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def account_create(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.account_create(
                actor=Actor.for_request(request), username=data["username"], full_name=data["full_name"],
                badge_number=data["badge_number"], role=data["role"], email=data["email"],
                password=data["password"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{person.full_name}'s account is created. It stays pending until "
                                      "the Chief approves it.")
            return redirect("accounts:person_detail", user_id=person.pk)
    return render(request, "accounts/account_create.html", {"form": form},
                  status=400 if form.errors else 200)


def _detail_context(request, person, **forms) -> dict:
    return {
        "person": person,
        "may_record_training": selectors.may_record_training(request.user, person),
        "decisions": selectors.person_decisions(person),
        "records": selectors.person_training_records(person),
        "states": selectors.training_states(person),
        "blockers": selectors.training_blockers(person),
        "training_form": forms.get("training_form") or TrainingForm(prefix="training"),
        "decision_form": DecisionForm(),
        "is_pending": person.status == AccountStatus.PENDING,
        "is_reinstatable": person.status in (AccountStatus.SUSPENDED, AccountStatus.INACTIVE),
        "is_active": person.status == AccountStatus.ACTIVE,
    }


@capability_required(*PEOPLE)
def person_detail(request, user_id: int):
    person = selectors.person_get(user_id=user_id)
    return render(request, "accounts/person_detail.html", _detail_context(request, person))


@capability_required(*PEOPLE)
@require_POST
def training_record(request, user_id: int):
    person = selectors.person_get(user_id=user_id)
    form = TrainingForm(request.POST, prefix="training")
    if form.is_valid():
        try:
            services.training_record(actor=Actor.for_request(request), user_id=person.pk, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Training recorded.")
            return redirect("accounts:person_detail", user_id=person.pk)
    context = _detail_context(request, person, training_form=form)
    return render(request, "accounts/person_detail.html", context, status=400)


# One page each for the decisions that change what a person may reach: a reason, then confirm.
LIFECYCLE = {
    "suspend": {
        "service": services.account_suspend,
        "capability": Capability.SUSPEND_USERS,
        "title": "Suspend access",
        "consequence": "Every session of this person ends at once, and the account reaches "
                       "nothing until the Chief reinstates it.",
        "button": "Suspend now",
        "danger": True,
        "done": "Access suspended. Open sessions have ended.",
    },
    "separate": {
        "service": services.account_separate,
        "capability": Capability.SUSPEND_USERS,
        "title": "Separate from the department",
        "consequence": "The account is disabled for good, and every session ends at once.",
        "button": "Separate now",
        "danger": True,
        "done": "The employee is separated. Open sessions have ended.",
    },
    "reinstate": {
        "service": services.account_reinstate,
        "capability": Capability.APPROVE_USERS,
        "title": "Reinstate access",
        "consequence": "The person can sign in again, subject to current training.",
        "button": "Reinstate",
        "danger": False,
        "done": "Access reinstated.",
    },
}


@require_http_methods(["GET", "POST"])
def person_lifecycle(request, user_id: int, action: str):
    step = LIFECYCLE[action]
    return capability_required(step["capability"])(_person_lifecycle)(request, user_id, step)


def _person_lifecycle(request, user_id: int, step: dict):
    person = selectors.person_get(user_id=user_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            step["service"](actor=Actor.for_request(request), user_id=person.pk,
                            reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, step["done"])
            return redirect("accounts:person_detail", user_id=person.pk)
    return render(request, "accounts/person_confirm.html", {"person": person, "form": form, "step": step},
                  status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def role_change(request, user_id: int):
    person = selectors.person_get(user_id=user_id)
    form = RoleChangeForm(request.POST or None, initial={"role": person.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.account_change_role(actor=Actor.for_request(request), user_id=person.pk,
                                         role=form.cleaned_data["role"], reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Role changed. The account is pending until the Chief approves it "
                                      "again.")
            return redirect("accounts:person_detail", user_id=person.pk)
    return render(request, "accounts/role_change.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)


@capability_required(Capability.APPROVE_USERS)
def approvals(request):
    """The queue, each person with what their training still blocks (ACC-5): approval lets them sign
    in, but the training gate keeps them from ALPR data until it is renewed, so the Chief sees it."""
    return render(request, "accounts/approvals.html", {
        "pending": [(person, selectors.training_blockers(person), role_reaches_alpr_data(person.role))
                    for person in selectors.pending_accounts()],
        "reinstatable": selectors.reinstatable_accounts(),
    })


def _say_approved(request, person) -> None:
    blockers = selectors.training_blockers(person)
    if not blockers:
        messages.success(request, f"{person.full_name}'s account is approved.")
        return
    messages.warning(request, f"{person.full_name}'s account is approved, but their training blocks all "
                              f"access to ALPR data until it is renewed (ACC-5): {' '.join(blockers)}")


@require_POST
def account_decide(request, user_id: int):
    """Approve or deny one pending account (ACC-2); the service refuses anyone but the Chief."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or deny.")
        return redirect("accounts:approvals")
    actor = Actor.for_request(request)
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["decision"] == "approve":
            person = services.account_approve(actor=actor, user_id=user_id, reason=reason,
                                              role=form.cleaned_data["role"])
            _say_approved(request, person)
        else:
            person = services.account_deny(actor=actor, user_id=user_id, reason=reason)
            messages.success(request, f"{person.full_name}'s account is denied.")
    except ApplicationError as error:
        if error.status_code == 403:
            raise
        messages.error(request, error.message)
    if request.POST.get("back") == "detail":
        return redirect("accounts:person_detail", user_id=user_id)
    return redirect("accounts:approvals")


@capability_required(Capability.MANAGE_USERS)
def lockouts(request):
    return render(request, "accounts/lockouts.html", {"lockouts": selectors.locked_out_accounts()})


@require_POST
def lockout_release(request):
    try:
        services.lockout_release(actor=Actor.for_request(request), username=request.POST.get("username", ""))
    except ApplicationError as error:
        if error.status_code == 403:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"{request.POST.get('username')} can sign in again.")
    return redirect("accounts:lockouts")
