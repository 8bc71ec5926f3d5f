"""Why an upload was refused. Each maps to an HTTP status in ``ingest.views``; all store nothing."""
from core.errors import ApplicationError


class BadUpload(ApplicationError):
    status_code = 400
    code = "bad_upload"


class CapturedBeforeService(BadUpload):
    """Captured before the camera went into service: it was not allowed to collect then (CAM-2)."""

    code = "captured_before_service"


class UploadTooLarge(ApplicationError):
    status_code = 413
    code = "too_large"


class CameraAuthFailed(ApplicationError):
    status_code = 401
    code = "camera_not_authenticated"


class RateLimited(ApplicationError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
