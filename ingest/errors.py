"""Why an upload was refused, each with its HTTP status, and the JSON a camera gets for it; all store
nothing."""
from django.http import JsonResponse

from core.errors import ApplicationError


class BadUpload(ApplicationError):
    status_code = 400
    code = "bad_upload"


class CapturedBeforeService(BadUpload):
    """Captured before the camera went into service: it was not allowed to collect then (CAM-2)."""

    code = "captured_before_service"


class HostNotAllowed(BadUpload):
    """The request's Host header names none of the server's host names (ALLOWED_HOSTS)."""

    code = "host_not_allowed"


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


def error_response(error: ApplicationError) -> JsonResponse:
    """A refusal as a camera gets it: ``{"error": code, "detail": message[, "field": name]}``."""
    body = {"error": error.code, "detail": error.message}
    if error.field:
        body["field"] = error.field
    response = JsonResponse(body, status=error.status_code)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(max(1, error.retry_after))
    return response
