import logging
import sys

from schoolsystem.core.log_filters import ClientErrorsWithoutTraceback


def record(status):
    try:
        raise PermissionError("Your role cannot see the risk screen.")
    except PermissionError:
        exc_info = sys.exc_info()
    rec = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",), exc_info
    )
    if status is not None:
        rec.status_code = status
    return rec


def test_refusals_and_not_found_log_one_line_server_errors_keep_their_traceback():
    f = ClientErrorsWithoutTraceback()
    for status in (403, 404):
        rec = record(status)
        assert f.filter(rec) and rec.exc_info is None
        assert "Traceback" not in logging.Formatter().format(rec)
    for status in (500, None):
        rec = record(status)
        assert f.filter(rec) and rec.exc_info is not None
        assert "Traceback" in logging.Formatter().format(rec)


def test_the_service_logs_through_the_filter():
    from django.conf import settings

    assert "client_errors" in settings.LOGGING["handlers"]["console"]["filters"]
