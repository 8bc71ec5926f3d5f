from audit.actions import register

# Uploads themselves are not audit events (they are the reads); refusals that matter for security are.
CAMERA_AUTH_REFUSED = register("ingest.camera_auth_refused", "Camera upload refused: revoked credential, "
                               "inactive camera or installation not in effect", category="ingest")
READ_RECOGNITION_FAILED = register("ingest.read_failed", "Plate read given up after repeated failures",
                                   category="ingest", touches_alpr_data=True)
