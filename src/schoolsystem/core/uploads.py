"""Documents people upload (accreditation evidence, decision minutes): one check for all of them. Allowed types
only, not empty, at most 5 MB, and a binary type must start with its signature (a renamed .exe is not a PDF)."""

from pathlib import Path

from schoolsystem.core.errors import ValidationFailed

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
# First bytes of the binary types: a .pdf must start like a PDF, Office/ODF files are zip containers.
DOCUMENT_MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04", ".odt": b"PK\x03\x04"}


def validate_document(name: str, size: int, head: bytes) -> str:
    """The extension of an acceptable upload, or ValidationFailed naming the `file` field."""
    ext = Path(name).suffix.lower()
    if ext not in DOCUMENT_TYPES:
        allowed = ", ".join(sorted(DOCUMENT_TYPES))
        raise ValidationFailed(
            f"The file must be one of {allowed}.", extra={"errors": {"file": [f"Allowed: {allowed}."]}}
        )
    if size == 0:
        raise ValidationFailed("The file is empty.", extra={"errors": {"file": ["The file is empty."]}})
    if size > DOCUMENT_MAX_BYTES:
        raise ValidationFailed(
            "The file must be smaller than 5 MB.", extra={"errors": {"file": ["Too large (5 MB at most)."]}}
        )
    magic = DOCUMENT_MAGIC.get(ext)
    if magic and not head.startswith(magic):
        raise ValidationFailed(
            f"The file is not a valid {ext} file.", extra={"errors": {"file": [f"Not a valid {ext} file."]}}
        )
    if not magic and b"\x00" in head:
        raise ValidationFailed(
            f"The file is not a text {ext} file.", extra={"errors": {"file": ["Not a text file."]}}
        )
    return ext


def validate_upload_file(upload) -> str:
    """validate_document for a Django UploadedFile (reads its first bytes, then rewinds)."""
    head = upload.read(8)
    upload.seek(0)
    return validate_document(upload.name, upload.size, head)
