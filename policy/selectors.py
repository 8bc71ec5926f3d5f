from django.db.models import Count, Q
from django.utils import timezone

from policy.models import AgencyPolicy, PolicyChangeProposal, ProposalStatus


def current_policy() -> AgencyPolicy:
    """Return the policy in force: the newest version (a migration creates the first)."""
    return AgencyPolicy.objects.order_by("-id").first() or AgencyPolicy()


def policy_in_force_before(moment) -> AgencyPolicy:
    """Return the version in force in the last instant before `moment`: the newest put in force before it
    (a version is in force from its creation). A period ending at `moment` is judged by it, so a later
    change, loosening or tightening, never reaches back. Before the first version: the defaults."""
    return AgencyPolicy.objects.filter(created_at__lt=moment).order_by("-id").first() or AgencyPolicy()


def purpose_labels_before(moment) -> dict[str, str]:
    """Each purpose code permitted by any version in force before `moment` (the defaults included), with
    the label the newest of them gave it. Figures for a past period name a purpose dropped since, or
    during it, as the policy of the time did, not by its bare code."""
    labels = {p["code"]: p["label"] for p in AgencyPolicy().permitted_purposes}
    versions = AgencyPolicy.objects.filter(created_at__lt=moment).order_by("id")
    for purposes in versions.values_list("permitted_purposes", flat=True):
        labels.update({p["code"]: p["label"] for p in purposes})
    return labels


def policy_changes_waiting():
    """Proposed changes not yet decided, oldest first: open for comment, or waiting for the Chief."""
    return PolicyChangeProposal.objects.filter(status=ProposalStatus.PROPOSED).order_by("id")


def policy_changes_open_for_comment():
    """Proposed changes the public may still comment on, the soonest to close first."""
    return policy_changes_waiting().filter(comment_closes_at__gt=timezone.now()).order_by("comment_closes_at")


def policy_changes_published():
    """Every proposed change, newest first: the public sees what was proposed and what became of it."""
    return PolicyChangeProposal.objects.order_by("-id")


def policy_change_get(proposal_id: int) -> PolicyChangeProposal | None:
    return (PolicyChangeProposal.objects.select_related("proposed_by", "decided_by", "policy")
            .filter(pk=proposal_id).first())


def policy_changes_waiting_counts() -> dict[str, int]:
    """Proposed changes not yet decided: ``ready`` (public comment has ended: the Chief decides) and
    ``in_comment`` (the public may still comment). Counts for the start page."""
    closed = Q(comment_closes_at__lte=timezone.now())
    return policy_changes_waiting().aggregate(ready=Count("id", filter=closed),
                                              in_comment=Count("id", filter=~closed))
