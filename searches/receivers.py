"""What searches does when something happens elsewhere: a shorter approval period caps approvals given."""
from django.dispatch import receiver

from policy.signals import policy_in_force
from searches.services import felony_approvals_cap


@receiver(policy_in_force, dispatch_uid="searches.felony_approvals_on_policy")
def cap_felony_approvals(sender, policy, before, **kwargs) -> None:
    if policy.felony_approval_days < before["felony_approval_days"]:
        felony_approvals_cap(days=policy.felony_approval_days)
