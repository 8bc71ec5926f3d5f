from audit.actions import register

CAMERA_CREATED = register("camera.created", "Camera registered", category="camera")
CAMERA_STATUS_CHANGED = register("camera.status_changed", "Camera status changed", category="camera")
CAMERA_CREDENTIAL_ISSUED = register("camera.credential_issued", "Camera API credential issued",
                                    category="camera")
CAMERA_CREDENTIAL_ROTATED = register("camera.credential_rotated", "Camera API credential rotated",
                                     category="camera")
CAMERA_CREDENTIAL_REVOKED = register("camera.credential_revoked", "Camera API credential revoked",
                                     category="camera")
CAMERA_CREDENTIAL_BOUND = register("camera.credential_bound",
                                   "Camera API credential bound to a source network (or unbound)",
                                   category="camera")
