from audit.actions import register

POLICY_CHANGED = register("policy.changed", "Agency policy changed", category="policy")
# A change that loosens the policy (RPT-4): proposed, commented on by the public, decided by the Chief.
POLICY_CHANGE_PROPOSED = register(
    "policy.change_proposed", "Policy change proposed for public comment", category="policy")
POLICY_CHANGE_COMMENTED = register(
    "policy.change_commented", "Public comment on a proposed policy change", category="policy")
POLICY_CHANGE_APPROVED = register(
    "policy.change_approved", "Proposed policy change approved by the Chief", category="policy")
POLICY_CHANGE_REJECTED = register(
    "policy.change_rejected", "Proposed policy change rejected by the Chief", category="policy")
POLICY_CHANGE_WITHDRAWN = register(
    "policy.change_withdrawn", "Proposed policy change withdrawn", category="policy")
