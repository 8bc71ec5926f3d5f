"""Tell other apps that a new version of the policy is in force."""
from django.dispatch import Signal

# Sent inside the transaction that puts a version in force, with ``policy`` (the new version) and
# ``before`` (the values it replaced): an app whose records were granted under the old values
# settles them under the new ones there, so a later version cannot undo the effect of this one.
policy_in_force = Signal()
