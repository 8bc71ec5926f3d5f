"""What sharing does when something happens elsewhere: a separated employee's partner keys are wiped."""
from django.dispatch import receiver

from accounts.signals import account_separated
from sharing.services.networks import partner_search_keys_remove_on_separation


@receiver(account_separated, dispatch_uid="sharing.partner_keys_on_separation")
def remove_partner_keys_on_separation(sender, user, actor, **kwargs) -> None:
    partner_search_keys_remove_on_separation(actor=actor, user=user)
