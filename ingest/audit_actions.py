from audit.actions import register

# Uploads themselves are not audit events (they are the reads); refusals that matter for security are.
CAMERA_AUTH_REFUSED = register("ingest.camera_auth_refused", "Camera upload refused: revoked credential, "
                               "inactive camera or installation not in effect", category="ingest")
CAPTURE_BEFORE_SERVICE = register(
    "ingest.capture_before_service", "Camera upload refused: captured before the camera went into service "
    "(during its public notice, before it was installed, or while it was inactive)", category="ingest")
READ_RECOGNITION_FAILED = register("ingest.read_failed", "Plate read given up after repeated failures",
                                   category="ingest", touches_alpr_data=True)
# An upload that its source address alone authenticated is, though: the address stands in for a key.
CAMERA_ADDRESS_UPLOAD = register("ingest.address_upload",
                                 "Camera upload accepted on its bound source address alone (no key: an "
                                 "on-premises Plate Recognizer SDK client)", category="ingest")
# Accepted, and flagged for the auditor: a camera that stays put (fixed, trailer) reporting a position
# far from its approved placement may have been moved without approval (CAM-2). Once a camera a day.
CAMERA_AWAY_FROM_PLACEMENT = register(
    "ingest.camera_away_from_placement", "Camera reports a position away from its approved placement "
    "(possibly moved without approval); its reads are placed at the approved placement", category="camera")
