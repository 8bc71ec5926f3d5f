"""Which capability of ``policy.roles`` each action of this app needs: said once, here."""

from policy.roles import Capability

REQUEST_PLACEMENT = Capability.MANAGE_CAMERAS  # system administrator (ACC-7)
APPROVE_PLACEMENT = Capability.APPROVE_RELOCATIONS  # chief (ACC-7, CAM-2)
RECORD_COSTS = Capability.MANAGE_CAMERAS  # system administrator
MANAGE_DISTRICTS = Capability.MANAGE_CAMERAS  # system administrator: districts and camera assignments
DRAFT_POLICY_TEXT = Capability.MANAGE_RETENTION  # "manage retention and the agency policy": administrator
APPROVE_POLICY_TEXT = Capability.APPROVE_POLICY_TEXT  # chief
RECORD_INCIDENTS = Capability.RECORD_INCIDENTS  # system administrator
HANDLE_COMPLAINTS = Capability.HANDLE_COMPLAINTS  # administrator and auditor
SEE_COMPLAINTS = Capability.READ_REPORTS  # board, chief, administrator, auditor
READ_REPORTS = Capability.READ_REPORTS
GENERATE_REPORTS = Capability.SIGN_OFF_AUDIT  # the administrator, who also signs off
SIGN_OFF_AUDIT = Capability.SIGN_OFF_AUDIT
RECEIVE_DISCREPANCIES = Capability.RECEIVE_AUDIT_DISCREPANCIES  # chief (AUD-5)
