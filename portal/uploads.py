"""What the portal accepts as an uploaded document: the content types, their extensions, the size limit.

Kept here, below every app, because two layers read it: the upload service (applications.attachments)
judges each file against it, and a call's required documents (programmes.CallDocument) may only
ask for formats and sizes the upload service accepts.
"""

from django.conf import settings

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"

# The accepted content types and the extensions a file of each type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
    ODT: (".odt",),
    ODS: (".ods",),
    DOC: (".doc",),
    XLS: (".xls",),
}
ACCEPTED_EXTENSIONS = ", ".join(ext for extensions in ALLOWED_TYPES.values() for ext in extensions)
# The same extensions without their dot, as a call's documents name them ("pdf", "docx").
FORMATS = tuple(ext.lstrip(".") for extensions in ALLOWED_TYPES.values() for ext in extensions)

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB


def max_upload_bytes() -> int:
    """The portal's limit for any uploaded file (ATTACHMENT_MAX_BYTES)."""
    return getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def content_types_for(formats) -> set[str]:
    """The content types a file may have when one of `formats` (extensions without a dot) is asked for.

    A type counts when any of its extensions is named, so "jpg" also takes a file named ".jpeg".
    """
    wanted = {f".{name.strip().lower().lstrip('.')}" for name in formats if name.strip()}
    return {content_type for content_type, extensions in ALLOWED_TYPES.items() if wanted & set(extensions)}
