"""Audit actions of purpose-bound searches (USE-1 to USE-7, AUD-1)."""
from audit.actions import register

JUSTIFICATION_STATED = register("search.justification_stated", "Search justification stated",
                                category="search")
JUSTIFICATION_CLOSED = register("search.justification_closed", "Search justification ended",
                                category="search")
PLATE_SEARCHED = register("search.plate", "Plate search", category="search", touches_alpr_data=True)
CANVASS_SEARCHED = register("search.canvass", "Canvass search (place and time)", category="search",
                            touches_alpr_data=True)
READ_VIEWED = register("read.viewed", "Plate read viewed", category="search", touches_alpr_data=True)
READ_IMAGE_VIEWED = register("read.image_viewed", "Plate read image viewed", category="search",
                             touches_alpr_data=True)
READ_DOWNLOADED = register("read.downloaded", "Plate read downloaded as evidence", category="search",
                           touches_alpr_data=True)
AUDIT_LOOKUP = register("search.audit_lookup", "Audit query: who searched a plate or case",
                        category="audit")
OUTCOME_RECORDED = register("search.outcome_recorded", "Search outcome recorded", category="search")
FELONY_REQUESTED = register("felony.requested", "Other-felony search requested", category="search")
FELONY_DECIDED = register("felony.decided", "Other-felony search request decided", category="search")
RELEASE_READS_SELECTED = register("search.sharing_release", "Reads selected for release to another agency",
                                  category="search", touches_alpr_data=True)
PARTNER_NETWORKS_SEARCHED = register("search.partner_networks", "Plate search of partner agencies' networks",
                                     category="search", touches_alpr_data=True)
