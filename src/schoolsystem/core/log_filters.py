"""Logging filters for the service's logs (settings.LOGGING)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx response is the service working as designed (a refusal for a role, a record outside the user's area):
    one line in the log ("Forbidden (Permission denied): /performance/at-risk/"), not a stack trace that buries the
    5xx errors operators must see. Records without a status code, and 5xx, keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
