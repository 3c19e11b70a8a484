import secrets

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control


def is_api(request) -> bool:
    """Addresses under /api/ answer JSON in DRF's shape (`{"detail": ...}`); every other address, the service's
    pages."""
    return request.path.startswith("/api/")


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: a strict Content-Security-Policy and Permissions-Policy.

    GOV.UK Frontend needs one inline script (the js-enabled class); it carries a per-request nonce.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            f"script-src 'self' 'nonce-{request.csp_nonce}'; object-src 'none'; base-uri 'self'; "
            "frame-ancestors 'none'; form-action 'self'; worker-src 'self' blob:",
        )
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        # Casework must not stay in a shared computer's browser cache or a proxy's: anything answered to a
        # signed-in user (session or API token) is not stored, unless the view chose its own caching.
        signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
        if (signed_in or "HTTP_AUTHORIZATION" in request.META) and "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True, private=True)
        return response


class MethodNotAllowedPageMiddleware:
    """A page opened with a method its view does not take (a form's action opened from the address bar, or reached
    after signing in) gets a page saying what it is, not Django's empty 405. The API keeps its own JSON answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or is_api(request):
            return response
        page = render(request, "405.html", status=405)
        if "Allow" in response.headers:
            page.headers["Allow"] = response.headers["Allow"]
        return page


class NulCharacterMiddleware:
    """A request whose address holds a NUL character (`?la=%00`) is refused with 400 before any view reads it.
    PostgreSQL cannot store or compare text with NUL in it, and Django raises ValueError for such a query, so
    every filter that reads a query parameter was a 500 on PostgreSQL (found by fuzzing the demo's pages there).
    Forms and the API already refuse NUL in what is posted (Django's and DRF's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            if is_api(request):
                return JsonResponse({"detail": "The address holds a NUL character."}, status=400)
            return render(request, "400.html", status=400)
        return self.get_response(request)
