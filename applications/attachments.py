"""Attachments: what an uploaded file really is, and where it is kept.

A file is judged by its content (magic bytes, the inside of ZIP and OLE2
containers), never by its name or by the content type the browser sends: both
are chosen by the uploader. The name must then agree with the content, so a
program renamed "statutes.pdf" or a picture renamed "quote.pdf" is refused.

Accepted files are kept in PrivateStorage, outside MEDIA_ROOT and without a
URL: they are only ever sent by a view that checked who is asking.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
import zipfile
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from portal.storage import PrivateStorage, private_media_root, private_storage  # noqa: F401  (re-exported)
from portal.uploads import (  # noqa: F401  (re-exported: the upload service's vocabulary)
    ACCEPTED_EXTENSIONS,
    ALLOWED_TYPES,
    DEFAULT_MAX_BYTES,
    DOC,
    DOCX,
    JPEG,
    MB,
    ODS,
    ODT,
    PDF,
    PNG,
    PPTX,
    XLS,
    XLSX,
    content_types_for,
    max_upload_bytes,
)

from .models import Attachment

if TYPE_CHECKING:
    from .models import Application, Attachment

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
# An office document that would expand beyond this is a ZIP bomb, not a document.
MAX_UNCOMPRESSED_BYTES = 100 * MB

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Programs and scripts: Windows PE, ELF, Mach-O (32, 64, universal), "#!" scripts.
EXECUTABLE_MAGICS = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# Office Open XML: the folder of the main parts tells the application.
OOXML_FOLDERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
ODF_MIMETYPES = {ODT.encode(), ODS.encode()}

MESSAGES = {
    "empty": _("The file “%(name)s” is empty."),
    "too_large": _("The file “%(name)s” is %(size)s MB, more than the limit of %(limit)s MB."),
    "executable": _("The file “%(name)s” is a program or a script, not a document. Accepted files: %(accepted)s."),
    "not_allowed": _("The file “%(name)s” is not of an accepted type. Accepted files: %(accepted)s."),
    "archive": _(
        "The file “%(name)s” is a ZIP archive, not an office document. Send the documents one by one. "
        "Accepted files: %(accepted)s."
    ),
    "macros": _(
        "The file “%(name)s” contains macros, which are refused. Save it as a document without macros "
        "and send it again."
    ),
    "zip_bomb": _("The file “%(name)s” would expand to more than %(limit)s MB when opened: it is refused."),
    "disguised": _(
        "The file “%(name)s” ends in %(extension)s but its content is a %(actual)s file: disguised files are "
        "refused. If the file is genuine, rename it to end in %(expected)s."
    ),
    "no_extension": _("The file “%(name)s” has no extension: rename it to end in %(expected)s."),
    "kind": _("“%(kind)s” is not a kind of attachment."),
    "too_large_for": _("The file “%(name)s” is %(size)s MB; “%(document)s” is accepted up to %(limit)s MB."),
    "format": _("The file “%(name)s” is a %(actual)s file; “%(document)s” is accepted as %(accepted)s."),
    "document": _("This document is not one the call asks for."),
}


# Identification ---------------------------------------------------------------


def _read_head(file, size: int = 16) -> bytes:
    file.seek(0)
    return file.read(size)


def _identify(file) -> tuple[str | None, str]:
    """(content type, "") for an accepted file, else (None, code of the refusal)."""
    head = _read_head(file)
    if head.startswith(EXECUTABLE_MAGICS):
        return None, "executable"
    if head.startswith(b"%PDF-"):
        return PDF, ""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, ""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG, ""
    if head.startswith(ZIP_MAGIC):
        return _identify_zip(file)
    if head.startswith(OLE2_MAGIC):
        content_type = _identify_ole2(file)
        return content_type, "" if content_type else "not_allowed"
    return None, "not_allowed"


def _identify_zip(file) -> tuple[str | None, str]:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            content_type, refusal = _office_zip_type(archive, entries)
            if content_type is None:
                return None, refusal
            # Only the sizes the archive declares are added up: nothing is
            # decompressed here, so a bomb cannot hurt the server while checked.
            if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
                return None, "zip_bomb"
            return content_type, ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        return None, "archive"


def _office_zip_type(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> tuple[str | None, str]:
    if not entries:
        return None, "archive"
    first = entries[0]
    if first.filename == "mimetype":
        # OpenDocument: the first entry names the type (reading is bounded to 100 bytes).
        with archive.open(first) as stream:
            mimetype = stream.read(100).strip()
        return (mimetype.decode(), "") if mimetype in ODF_MIMETYPES else (None, "archive")
    names = [entry.filename for entry in entries]
    if "[Content_Types].xml" not in names:
        return None, "archive"
    found = {content_type for folder, content_type in OOXML_FOLDERS.items() if any(n.startswith(folder) for n in names)}
    if len(found) != 1:
        return None, "archive"
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        # A macro-enabled .docm/.xlsm/.pptm, whatever its name says.
        return None, "macros"
    return found.pop(), ""


# OLE2 (compound file binary format, MS-CFB): the streams at the root tell a
# Word document ("WordDocument") from an Excel workbook ("Workbook", or "Book"
# for Excel 5), and both from other OLE2 files such as .msi installers.
_MAX_REGULAR_SECTOR = 0xFFFFFFFA  # above: free, end of chain, FAT or DIFAT sector
_NO_STREAM = 0xFFFFFFFF


class _Damaged(Exception):
    pass


def _identify_ole2(file) -> str | None:
    try:
        streams = _ole2_root_streams(file)
    except (_Damaged, struct.error, OSError):
        return None
    if "WordDocument" in streams:
        return DOC
    if "Workbook" in streams or "Book" in streams:
        return XLS
    return None


def _ole2_root_streams(file) -> set[str]:
    file.seek(0, os.SEEK_END)
    file_size = file.tell()
    header = _read_head(file, 512)
    if len(header) < 512:
        raise _Damaged
    sector_shift = int.from_bytes(header[0x1E:0x20], "little")
    if sector_shift not in (9, 12):
        raise _Damaged
    sector_size = 1 << sector_shift
    sector_count = file_size // sector_size - 1
    words_per_sector = sector_size // 4

    def read_sector(number: int) -> bytes:
        if number >= sector_count:
            raise _Damaged
        file.seek((number + 1) * sector_size)
        data = file.read(sector_size)
        if len(data) != sector_size:
            raise _Damaged
        return data

    fat: list[int] = []

    def next_sector(number: int) -> int:
        if number >= len(fat):
            raise _Damaged
        return fat[number]

    def walk(start: int):
        # Every chain is bounded by the sectors the file has, and may not loop.
        seen = set()
        number = start
        while number <= _MAX_REGULAR_SECTOR:
            if number in seen:
                raise _Damaged
            seen.add(number)
            yield number
            number = next_sector(number)

    # The FAT sectors: 109 listed in the header, then a chain of DIFAT sectors.
    fat_count = int.from_bytes(header[0x2C:0x30], "little")
    if fat_count > sector_count:
        raise _Damaged
    fat_sectors = list(struct.unpack("<109I", header[0x4C:0x200]))
    difat = int.from_bytes(header[0x44:0x48], "little")
    seen_difat = set()
    while difat <= _MAX_REGULAR_SECTOR and len(fat_sectors) < fat_count:
        if difat in seen_difat:
            raise _Damaged
        seen_difat.add(difat)
        words = struct.unpack(f"<{words_per_sector}I", read_sector(difat))
        fat_sectors.extend(words[:-1])
        difat = words[-1]
    for number in fat_sectors[:fat_count]:
        fat.extend(struct.unpack(f"<{words_per_sector}I", read_sector(number)))

    entries = []
    for number in walk(int.from_bytes(header[0x30:0x34], "little")):
        data = read_sector(number)
        entries.extend(data[offset : offset + 128] for offset in range(0, sector_size, 128))
    if not entries or entries[0][66] != 5:  # the first entry is the root storage
        raise _Damaged

    # The root's children form a tree linked by left and right siblings.
    names = set()
    pending = [int.from_bytes(entries[0][76:80], "little")]
    visited = set()
    while pending:
        index = pending.pop()
        if index == _NO_STREAM:
            continue
        if index >= len(entries) or index in visited:
            raise _Damaged
        visited.add(index)
        entry = entries[index]
        name_length = int.from_bytes(entry[64:66], "little")
        if entry[66] == 2 and 2 <= name_length <= 64:  # a stream
            names.add(entry[: name_length - 2].decode("utf-16-le", errors="replace"))
        left, right = struct.unpack("<II", entry[68:76])
        pending += [left, right]
    return names


def sniff_content_type(file) -> str | None:
    """The accepted content type the file's bytes show, or None.

    Reads the content only (never the name nor the browser's content type),
    and leaves the file rewound.
    """
    try:
        return _identify(file)[0]
    finally:
        file.seek(0)


# Validation -------------------------------------------------------------------


def clean_file_name(name: str) -> str:
    """The last component of an uploaded file's name, safe to keep and show: at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    if name in {"", ".", ".."}:
        name = "attachment"
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: 255 - len(ext)] + ext
    return name


def _megabytes(size: int, rounding: str) -> str:
    value = Decimal(size) / MB
    value = value.quantize(Decimal("0.1") if value >= Decimal("0.1") else Decimal("0.001"), rounding=rounding)
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return number_format(value)


def _sha256(uploaded_file) -> str:
    digest = hashlib.sha256()
    if hasattr(uploaded_file, "chunks"):
        for chunk in uploaded_file.chunks(CHUNK_SIZE):
            digest.update(chunk)
    else:
        uploaded_file.seek(0)
        while chunk := uploaded_file.read(CHUNK_SIZE):
            digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def _file_size(uploaded_file) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, os.SEEK_END)
        size = uploaded_file.tell()
        uploaded_file.seek(0)
    return size


def validate_upload(uploaded_file, *, document=None) -> tuple[str, str]:
    """Check an uploaded file and return (content type, SHA-256 hex digest).

    Raises ValidationError when the file is empty, too large, of a type that is
    not accepted (programs, scripts, archives, ZIP bombs, anything unknown), or
    named with an extension that does not match its content. For one of a call's
    documents (programmes.CallDocument), also when it is larger than the document's
    maximum or not in one of its formats: the portal's limits are the widest, each
    document may narrow them.
    """
    name = clean_file_name(getattr(uploaded_file, "name", "") or "")
    size = _file_size(uploaded_file)
    if size == 0:
        raise ValidationError(MESSAGES["empty"], code="empty", params={"name": name})
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            MESSAGES["too_large"],
            code="too_large",
            params={"name": name, "size": _megabytes(size, ROUND_CEILING), "limit": _megabytes(limit, ROUND_HALF_UP)},
        )
    if document is not None and size > document.max_bytes:
        raise ValidationError(
            MESSAGES["too_large_for"],
            code="too_large",
            params={
                "name": name,
                "size": _megabytes(size, ROUND_CEILING),
                "limit": _megabytes(document.max_bytes, ROUND_HALF_UP),
                "document": document.title,
            },
        )

    try:
        content_type, refusal = _identify(uploaded_file)
    finally:
        uploaded_file.seek(0)
    if content_type is None:
        params = {"name": name, "accepted": ACCEPTED_EXTENSIONS}
        if refusal == "zip_bomb":
            params = {"name": name, "limit": _megabytes(MAX_UNCOMPRESSED_BYTES, ROUND_HALF_UP)}
        raise ValidationError(MESSAGES[refusal], code=refusal, params=params)

    extensions = ALLOWED_TYPES[content_type]
    extension = os.path.splitext(name)[1].lower()
    if extension not in extensions:
        code = "disguised" if extension else "no_extension"
        raise ValidationError(
            MESSAGES[code],
            code=code,
            params={
                "name": name,
                "extension": extension,
                "actual": extensions[0].lstrip(".").upper(),
                "expected": " / ".join(extensions),
            },
        )
    if document is not None and content_type not in document.content_types:
        raise ValidationError(
            MESSAGES["format"],
            code="format",
            params={
                "name": name,
                "actual": extensions[0].lstrip(".").upper(),
                "document": document.title,
                "accepted": ", ".join(f.upper() for f in document.format_list),
            },
        )
    return content_type, _sha256(uploaded_file)


# Services ---------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, application: Application, uploaded_file, by, kind: str = Attachment.Kind.OTHER, document=None
) -> Attachment:
    """Check an uploaded file and attach it to an application.

    `document`: the call's document (programmes.CallDocument) the file answers; the file must then
    be in one of its formats and within its maximum size, and takes its kind. Without one, the file
    is of `kind` (another document, a clarification's, an invoice) and meets the portal's limits.

    The file is stored under a random name (see models.attachment_path); its
    original name, without any folder, is kept in the row for display. The
    caller checks that `by` may change the application and that it is a draft.
    """
    if document is not None:
        if document.call_id != application.call_id:
            raise ValidationError(MESSAGES["document"], code="document")
        kind = document.kind
    if kind not in Attachment.Kind.values:
        raise ValidationError(MESSAGES["kind"], code="kind", params={"kind": kind})
    content_type, sha256 = validate_upload(uploaded_file, document=document)
    original_name = clean_file_name(uploaded_file.name)
    attachment = Attachment(
        application=application,
        document=document,
        kind=kind,
        original_name=original_name,
        content_type=content_type,
        size=_file_size(uploaded_file),
        sha256=sha256,
        uploaded_by=by,
    )
    attachment.file.save(original_name, uploaded_file, save=False)
    try:
        attachment.save()
    except Exception:
        # No row, no file. (A rollback of an enclosing transaction after we
        # return can still leave a file without a row: harmless, never served.)
        attachment.file.storage.delete(attachment.file.name)
        raise
    logger.info(
        "attachment %s (%s, %s bytes) added to application %s by user %s",
        attachment.pk,
        content_type,
        attachment.size,
        application.pk,
        getattr(by, "pk", None),
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    """Delete an attachment and its stored file.

    The file is deleted once the transaction commits, so a rollback never
    leaves a row whose file is gone. The caller checks that `by` may change
    the application and that it is a draft.
    """
    storage, name = attachment.file.storage, attachment.file.name
    attachment_id, application_id = attachment.pk, attachment.application_id
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)
    logger.info(
        "attachment %s removed from application %s by user %s", attachment_id, application_id, getattr(by, "pk", None)
    )
