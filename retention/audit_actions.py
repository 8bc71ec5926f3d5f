from audit.actions import register

PURGE_RUN = register("retention.purge_run", "Expired plate reads purged", category="retention")
HOLD_PLACED = register("retention.hold_placed", "Evidence hold placed", category="retention",
                       touches_alpr_data=True)
HOLD_RELEASED = register("retention.hold_released", "Evidence hold released", category="retention")
HOLD_VIEWED = register("retention.hold_viewed", "Evidence hold viewed", category="retention",
                       touches_alpr_data=True)
HOLD_REVIEW_REMINDED = register("retention.hold_review_reminded", "Evidence hold review reminder sent",
                                category="retention")
EVIDENCE_PACKAGE_CREATED = register("retention.evidence_package_created", "Evidence package created",
                                    category="retention", touches_alpr_data=True)
EVIDENCE_PACKAGE_VIEWED = register("retention.evidence_package_viewed", "Evidence package viewed",
                                   category="retention", touches_alpr_data=True)
EVIDENCE_PACKAGE_DOWNLOADED = register("retention.evidence_package_downloaded", "Evidence package downloaded",
                                       category="retention", touches_alpr_data=True)
EVIDENCE_PACKAGE_VERIFIED = register("retention.evidence_package_verified", "Evidence package verified",
                                     category="retention")
EVIDENCE_ORPHANS_REMOVED = register("retention.evidence_orphans_removed",
                                    "Evidence directories without a package record removed",
                                    category="retention")
IMAGES_PACKED = register("retention.images_packed", "Read images packed into day segments",
                         category="retention")
READ_FLAGGED = register("retention.read_flagged", "Read flagged as erroneous", category="retention",
                        touches_alpr_data=True)
FLAGGED_READS_LISTED = register("retention.flagged_reads_listed", "Flagged reads listed for review",
                                category="retention", touches_alpr_data=True)
FLAG_REVIEWED = register("retention.flag_reviewed", "Erroneous-read flag reviewed", category="retention",
                         touches_alpr_data=True)
READ_SHARE_REGISTERED = register("retention.read_share_registered", "Read registered as shared",
                                 category="retention")
