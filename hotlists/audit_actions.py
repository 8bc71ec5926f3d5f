from audit.actions import register

HOTLIST_CREATED = register("hotlist.created", "Hotlist created", category="hotlist")
ENTRY_ADDED = register("hotlist.entry_added", "Hotlist entry added", category="hotlist")
ENTRY_EDITED = register("hotlist.entry_edited", "Hotlist entry edited", category="hotlist")
ENTRY_DEACTIVATED = register("hotlist.entry_deactivated", "Hotlist entry deactivated", category="hotlist")
ENTRIES_LISTED = register("hotlist.entries_listed", "Hotlist entries listed", category="hotlist",
                          touches_alpr_data=True)
ENTRY_VIEWED = register("hotlist.entry_viewed", "Hotlist entry opened", category="hotlist",
                        touches_alpr_data=True)
IMPORT_RUN = register("hotlist.imported", "Hotlist file imported", category="hotlist")
IMPORT_VIEWED = register("hotlist.import_viewed", "Hotlist import report opened (its rejected rows)",
                         category="hotlist", touches_alpr_data=True)
READ_MATCHED = register("hotlist.read_matched", "Read matched a hotlist entry (alert raised)",
                        category="hotlist", touches_alpr_data=True)
MATCH_SUPPRESSED = register("hotlist.match_suppressed",
                            "Read matched a hotlist entry of another state (no alert, by the policy)",
                            category="hotlist", touches_alpr_data=True)
ALERTS_DELIVERED = register("hotlist.alerts_delivered", "Alerts delivered to an officer's screen",
                            category="hotlist", touches_alpr_data=True)
ALERT_VIEWED = register("hotlist.alert_viewed", "Alert opened", category="hotlist", touches_alpr_data=True)
ALERT_IMAGE_VIEWED = register("hotlist.alert_image_viewed", "Alert image viewed", category="hotlist",
                              touches_alpr_data=True)
ALERT_VERIFIED = register("hotlist.alert_verified", "Alert verification recorded", category="hotlist",
                          touches_alpr_data=True)
ALERT_CLOSED_ON_CORRECTION = register(
    "hotlist.alert_closed_on_correction", "Alert closed as a misread: its read's plate was corrected",
    category="hotlist", touches_alpr_data=True)
ALERT_ACTION = register("hotlist.alert_action", "Action on an alert recorded", category="hotlist",
                        touches_alpr_data=True)
ALERT_LIST_VIEWED = register("hotlist.alert_list_viewed", "Alert inbox viewed", category="hotlist",
                             touches_alpr_data=True)
