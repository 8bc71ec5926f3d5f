"""Writes of the retention app, one module per concern; import them from here.

- ``evidence``: evidence packages and their verification (RET-4)
- ``holds``: evidence holds (RET-2)
- ``purge``: the rolling purge of expired reads and their images (RET-1, RET-3)
- ``erroneous``: flags of erroneous reads, their review and the notices owed to agencies (RET-5)
"""
from retention.services.evidence import evidence_package_create, evidence_package_verify

__all__ = ["evidence_package_create", "evidence_package_verify"]
