from urllib.parse import unquote

from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from core.errors import ApplicationError


class QueryStringMiddleware:
    """Refuse a query string with a NUL character: 400, before any view parses it.

    No page takes a NUL on purpose, and PostgreSQL refuses one in a text value, so a NUL that reached
    a query (a filter, a search box) ended as a server error. Placed first, it covers every URL, the
    camera and partner endpoints included; the raw query string is decoded only when it holds a "%".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%" in query and "\x00" in unquote(query):
            raise BadRequest("The address holds a NUL character.")
        return self.get_response(request)


class NoStoreMiddleware:
    """Tell every cache not to keep a response: ``Cache-Control: no-store, private`` (AUD-1, USE-1).

    Plate text, photos and crops leave only as an audited response to a justified request; a copy in
    a browser's disk cache (the back button on a shared patrol-car laptop), a proxy or a CDN is a copy
    no audit row covers and no purge removes. Set here once for every page, partial and API response
    rather than view by view, where a new page would be cacheable until someone remembered. Static
    files are served before this middleware and keep their own long-lived headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


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
