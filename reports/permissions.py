"""Which capability of ``policy.roles`` each action of this app needs: said once, here.

Three of these borrow the nearest existing capability of the same role until ``policy.roles`` has a
dedicated one (noted in each line); the role that holds it is what matters to the policy.
"""

from policy.roles import Capability

REQUEST_PLACEMENT = Capability.MANAGE_CAMERAS  # system administrator (ACC-7)
APPROVE_PLACEMENT = Capability.APPROVE_RELOCATIONS  # chief (ACC-7, CAM-2)
RECORD_COSTS = Capability.MANAGE_CAMERAS  # system administrator
DRAFT_POLICY_TEXT = Capability.MANAGE_RETENTION  # "manage retention and the agency policy": administrator
APPROVE_POLICY_TEXT = Capability.APPROVE_USERS  # chief only; a dedicated capability would be clearer
RECORD_INCIDENTS = Capability.MANAGE_USERS  # system administrator only; likewise
HANDLE_COMPLAINTS = Capability.READ_AUDIT_LOG  # administrator and auditor
SEE_COMPLAINTS = Capability.READ_REPORTS  # board, chief, administrator, auditor
READ_REPORTS = Capability.READ_REPORTS
GENERATE_REPORTS = Capability.SIGN_OFF_AUDIT  # the administrator, who also signs off
SIGN_OFF_AUDIT = Capability.SIGN_OFF_AUDIT
