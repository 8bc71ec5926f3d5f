"""The application's error types and the one place that turns them into responses.

Services raise these; views never build error responses themselves. `ApplicationErrorMiddleware`
renders them as pages and `api_exception_handler` as API responses.
"""
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A request that cannot be carried out, with a message meant for the person who made it."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class PolicyDenied(ApplicationError):
    """The agency's policy forbids this request; the refusal has been audited."""

    status_code = 403
    code = "policy_denied"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 flag_for_audit: bool = False):
        super().__init__(message, code=code, field=field)
        self.flag_for_audit = flag_for_audit


class ProhibitedPurpose(PolicyDenied):
    """A request named a purpose the policy prohibits (USE-3, SHR-4); always flagged for the auditor."""

    code = "prohibited_purpose"

    def __init__(self, message: str, *, purpose_code: str, field: str | None = None):
        super().__init__(message, field=field, flag_for_audit=True)
        self.purpose_code = purpose_code


class TooManyRequests(PolicyDenied):
    """A limit of the policy on how often something may be done was reached: refused (and audited as
    refused); the answer says when to try again (``Retry-After``)."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, flag_for_audit: bool = False):
        super().__init__(message, flag_for_audit=flag_for_audit)
        self.retry_after = max(1, int(retry_after))


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"


class NotYours(PolicyDenied):
    """A refusal answered as "not found", so the answer does not tell whether the object exists.

    Audited as refused (it is a `PolicyDenied`), shown as a 404.
    """

    status_code = 404
    code = "not_found"


def api_exception_handler(exc, context):
    """Map application errors to JSON responses; leave the rest to DRF."""
    if isinstance(exc, ApplicationError):
        body = {"error": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        response = Response(body, status=exc.status_code)
        if isinstance(exc, TooManyRequests):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return exception_handler(exc, context)
