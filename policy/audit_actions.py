from audit.actions import register

POLICY_CHANGED = register("policy.changed", "Agency policy changed", category="policy")
