from audit.actions import register

AGENCY_REGISTERED = register("sharing.agency_registered", "Agency registered", category="sharing")
AGENCY_UPDATED = register(
    "sharing.agency_updated", "Agency details or sharing switch changed", category="sharing"
)
# Online sharing (partner searches) is the Chief's decision on the administrator's request (Oak Park GO
# 4-68 VII.D); switching it off is AGENCY_UPDATED, immediate.
ONLINE_SHARING_REQUESTED = register(
    "sharing.online_sharing_requested", "Partner searches for an agency asked of the Chief",
    category="sharing",
)
ONLINE_SHARING_DECIDED = register(
    "sharing.online_sharing_decided", "Partner searches for an agency approved or denied by the Chief",
    category="sharing",
)
AGENCY_REVOKED = register("sharing.agency_revoked", "Agency's access revoked", category="sharing")
DECLARATION_RECORDED = register(
    "sharing.declaration_recorded", "Sharing declaration recorded", category="sharing"
)
PERSON_ADDED = register("sharing.person_added", "Partner person added", category="sharing")
CREDENTIAL_ISSUED = register("sharing.credential_issued", "Partner API key issued", category="sharing")
CREDENTIAL_REVOKED = register("sharing.credential_revoked", "Partner API key revoked", category="sharing")
PARTNER_AUTH_REFUSED = register("sharing.partner_auth_refused", "Partner API key refused", category="sharing")
REQUEST_RECEIVED = register(
    "sharing.request_received", "Written sharing request received", category="sharing"
)
REQUEST_DECIDED = register(
    "sharing.request_decided", "Sharing request approved or denied", category="sharing"
)
REQUEST_RELEASED = register(
    "sharing.request_released", "Data released to an agency", category="sharing", touches_alpr_data=True
)
# A request names the plates an agency asks for: plate data, so its listing and its page are audited.
REQUEST_VIEWED = register("sharing.request_viewed", "Sharing request viewed", category="sharing",
                          touches_alpr_data=True)
REQUESTS_LISTED = register("sharing.requests_listed", "Sharing requests listed", category="sharing",
                           touches_alpr_data=True)
DELETION_CERTIFIED = register(
    "sharing.deletion_certified", "Recipient certified deletion", category="sharing"
)
DELETION_REMINDED = register(
    "sharing.deletion_reminded", "Deletion certificate reminder sent", category="sharing"
)
DELETION_OVERDUE = register("sharing.deletion_overdue", "Deletion certificate overdue", category="sharing")
RECORDS_REQUEST_ROUTED = register(
    "sharing.records_request_routed",
    "Non-law-enforcement request routed to the records supervisor",
    category="sharing",
)
RECORDS_REQUEST_CLOSED = register(
    "sharing.records_request_closed", "Records request closed", category="sharing"
)
NOTICES_READ = register("sharing.erroneous_notices_read", "Erroneous-data notices read by a partner",
                        category="sharing", touches_alpr_data=True)
NOTICE_DELIVERED = register(
    "sharing.erroneous_notice_delivered", "Erroneous-data notice delivered", category="sharing"
)
RELEASE_DOWNLOADED = register("sharing.release_downloaded", "Released package downloaded by the recipient",
                              category="sharing", touches_alpr_data=True)
# Our officers searching partner agencies' networks (Oak Park GO 4-68 IX.1)
PARTNER_NETWORK_CONFIGURED = register(
    "sharing.partner_network_configured", "Partner agency's network configured for our searches",
    category="sharing")
PARTNER_SEARCH_KEY_STORED = register(
    "sharing.partner_search_key_stored", "Key a partner agency issued to one of our people stored",
    category="sharing")
PARTNER_SEARCH_KEY_REMOVED = register(
    "sharing.partner_search_key_removed", "Key a partner agency issued to one of our people removed",
    category="sharing")
PARTNER_SEARCH_KEYS_REENCRYPTED = register(
    "sharing.partner_search_keys_reencrypted", "Stored partner keys encrypted again (key rotation)",
    category="sharing")
