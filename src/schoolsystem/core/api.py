"""API plumbing shared by every app: the domain-error handler, pagination, query-parameter validation, base
permission classes and the audit-history serializer."""

from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from schoolsystem.accounts.constants import OFFICER_ROLES
from schoolsystem.core.errors import ApplicationError
from schoolsystem.core.forms import TEXT_LIMIT
from schoolsystem.core.models import AuditEvent

_UNSET = object()


def limit_free_text() -> None:
    """Give every DRF CharField that accepts input and sets no max_length the service's limit for free text
    (`core.forms.TEXT_LIMIT`, as the pages' text boxes have): without it an endpoint saved a 100,000-character
    summary. Installed once from CoreConfig.ready(), so the serializers of every app, those written later too,
    refuse over-long text with a field error ("Ensure this field has no more than 10000 characters.") without
    each one remembering to; a field that sets its own max_length keeps it."""
    init = serializers.CharField.__init__
    if getattr(init, "limits_free_text", False):
        return

    def __init__(self, *args, max_length=_UNSET, **kwargs):
        if max_length is _UNSET:
            max_length = None if kwargs.get("read_only") else TEXT_LIMIT
        init(self, *args, max_length=max_length, **kwargs)

    __init__.limits_free_text = True  # type: ignore[attr-defined]
    serializers.CharField.__init__ = __init__  # type: ignore[method-assign]


def exception_handler(exc, context):
    """Map domain errors (ApplicationError) to JSON responses: 400, 403, 404 or 409 with a message."""
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message, "code": type(exc).__name__, **exc.extra}
        return Response(body, status=exc.http_status)
    return drf_exception_handler(exc, context)


class ReadOnlyOrRole(permissions.BasePermission):
    """Anyone signed in may read; writes need one of the view's `write_roles` (superusers always may)."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        roles = getattr(view, "write_roles", ())
        return bool(request.user.is_superuser or request.user.role in roles)


class Pagination(PageNumberPagination):
    """Page-numbered lists: `?page=2&page_size=100` (at most 500 a page)."""

    page_size_query_param = "page_size"
    max_page_size = 500


def query_params(serializer_class, request) -> dict:
    """Validate a list endpoint's query parameters with a serializer: bad values give 400 naming the parameter."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {k: v for k, v in serializer.validated_data.items() if v not in (None, "")}


class AuditEventSerializer(serializers.ModelSerializer):
    """One entry of an object's history: who, when, what, old and new values."""

    who = serializers.CharField(read_only=True)
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField(), min_length=2, max_length=2),
        read_only=True,
        help_text='{"field": [old, new]} for each field that changed',
    )

    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_on", "who", "action", "object_repr", "changes", "note"]


class AuditHistoryPageSerializer(serializers.Serializer):
    """A page of an object's history (the shape `Pagination` returns)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AuditEventSerializer(many=True)


class IsOfficer(permissions.BasePermission):
    """LA and regional officers, staff and superusers (for audit history)."""

    message = "Only officers may read the audit history."

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_superuser or user.is_staff or user.role in OFFICER_ROLES)
        )


def not_found(request, exception=None):
    """Django's 404 for an address no route matches (handler404): JSON under /api/, as the API's own 404s are
    (`/api/v1/establishments/abc/` was the HTML "Page not found"), in the same shape as DRF's own 404s
    (`{"detail": ...}`), the service's page elsewhere."""
    from django.http import JsonResponse
    from django.views import defaults

    from schoolsystem.core.middleware import is_api

    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
