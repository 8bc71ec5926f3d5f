"""Writes of the retention app, one module per concern; import them from here.

- ``evidence``: evidence packages and their verification (RET-4)
- ``holds``: evidence holds (RET-2)
- ``purge``: the rolling purge of expired reads and their images (RET-1, RET-3)
- ``packing``: a finished day's single images packed into its segments, so the purge stays O(1) in files
- ``erroneous``: flags of erroneous reads, their review and the notices owed to agencies (RET-5)
"""
from retention.services.erroneous import flag_review, read_flag_erroneous, read_share_register
from retention.services.evidence import (
    evidence_orphans_remove,
    evidence_package_check,
    evidence_package_create,
    evidence_package_get,
    evidence_package_verify,
    package_archive,
)
from retention.services.holds import hold_place, hold_release, hold_reviews_remind
from retention.services.packing import reads_pack_images
from retention.services.purge import reads_purge_expired

__all__ = [
    "evidence_orphans_remove",
    "evidence_package_check",
    "evidence_package_create",
    "evidence_package_get",
    "evidence_package_verify",
    "flag_review",
    "hold_place",
    "hold_release",
    "hold_reviews_remind",
    "package_archive",
    "read_flag_erroneous",
    "read_share_register",
    "reads_pack_images",
    "reads_purge_expired",
]
