"""Documents people upload (accreditation evidence, decision minutes): one check for all of them. Allowed types
only, not empty, at most 5 MB, and a binary type must start with its signature (a renamed .exe is not a PDF)."""

from pathlib import Path
from typing import NoReturn

from schoolsystem.core.errors import ValidationFailed

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
# First bytes of the binary types: a .pdf must start like a PDF, Office/ODF files are zip containers.
ZIP = b"PK\x03\x04"
DOCUMENT_MAGIC = {".pdf": b"%PDF-", ".docx": ZIP, ".xlsx": ZIP, ".odt": ZIP, ".ods": ZIP}
# What an upload box says it takes: every type above, by name and extension (found in review: the hint promised
# "Word, Excel, OpenDocument", and .doc, .xls and .ods were refused).
DOCUMENT_HINT = "PDF (.pdf), Word (.docx), Excel (.xlsx), OpenDocument (.odt, .ods), CSV (.csv) or text (.txt); 5 MB at most."


def validate_document(name: str, size: int, head: bytes) -> str:
    """The extension of an acceptable upload, or ValidationFailed naming the `file` field. The message beside the
    field is the one in the error summary (Design System: the same words in both, no full stop at the end)."""
    ext = Path(name).suffix.lower()
    if ext not in DOCUMENT_TYPES:
        _refuse(f"The file must be one of {', '.join(sorted(DOCUMENT_TYPES))}")
    if size == 0:
        _refuse("The file is empty")
    if size > DOCUMENT_MAX_BYTES:
        _refuse("The file must be smaller than 5 MB")
    magic = DOCUMENT_MAGIC.get(ext)
    if magic and not head.startswith(magic):
        _refuse(f"The file is not a valid {ext} file")
    if not magic and b"\x00" in head:
        _refuse(f"The file is not a text {ext} file")
    return ext


def _refuse(message: str) -> NoReturn:
    raise ValidationFailed(message, extra={"errors": {"file": [message]}})


def validate_upload_file(upload) -> str:
    """validate_document for a Django UploadedFile (reads its first bytes, then rewinds)."""
    head = upload.read(8)
    upload.seek(0)
    return validate_document(upload.name, upload.size, head)
