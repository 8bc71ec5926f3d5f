from django.shortcuts import render

from core.errors import ApplicationError


class ApplicationErrorMiddleware:
    """Render an `ApplicationError` raised by a view as a page with its message and status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        return render(
            request,
            "error.html",
            {"message": exception.message, "code": exception.code},
            status=exception.status_code,
        )
