"""Domain errors. Services raise these; the API maps them to 400/403/404/409 and pages to form errors.

Never raise HTTP exceptions from services or models (see docs/decisions/0001-architecture.md).
"""


class ApplicationError(Exception):
    """Base of every domain error. `message` is written for the user who caused it."""

    http_status = 400

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    """Input does not satisfy a rule; `extra["errors"]` may list field-level problems."""


class InvalidTransition(ApplicationError):
    """A workflow was asked to move from a state that does not allow that move."""

    http_status = 409


class NotEligible(ApplicationError):
    """An organisation, school or partner fails an eligibility rule; the message says which."""


class StaleEdit(ApplicationError):
    """Optimistic locking: somebody else saved the record since this edit was loaded."""

    http_status = 409


class PermissionDenied(ApplicationError):
    """The user's role or scope does not allow this action."""

    http_status = 403


class NotFound(ApplicationError):
    """The object does not exist *for this user* (out-of-scope objects are reported as not found)."""

    http_status = 404
