import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from applications.attachments import (
    DOC,
    DOCX,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    PPTX,
    XLS,
    XLSX,
    PrivateStorage,
    attachment_add,
    attachment_remove,
    clean_file_name,
    private_storage,
    sniff_content_type,
    validate_upload,
)
from applications.models import Attachment
from applications.tests.factories import ApplicationFactory

# Real files, built here -------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A 1x1 white pixel.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n"
    + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + png_chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
    + png_chunk(b"IEND", b"")
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 40 + b"\xff\xd9"
PE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
SCRIPT_BYTES = b"#!/bin/sh\nrm -rf ~\n"


def zip_bytes(entries: dict[str, bytes], *, first_stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries.items()):
            stored = first_stored and index == 0
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


CONTENT_TYPES_XML = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def ooxml(folder: str, main_part: str) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            f"{folder}/{main_part}": b'<?xml version="1.0"?><document/>',
        }
    )


def odf(mimetype: str) -> bytes:
    return zip_bytes(
        {"mimetype": mimetype.encode(), "content.xml": b'<?xml version="1.0"?><office:document-content/>'},
        first_stored=True,
    )


NO_STREAM = 0xFFFFFFFF


def ole2(*streams: str) -> bytes:
    """A compound file (MS-CFB v3): header, one FAT sector, one directory sector with the root and the streams."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *[0xFFFFFFFF] * 108)
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, *[0xFFFFFFFF] * 126)

    def entry(name: str, kind: int, *, right: int = NO_STREAM, child: int = NO_STREAM) -> bytes:
        data = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        data[: len(encoded)] = encoded
        struct.pack_into("<HBBIII", data, 64, len(encoded), kind, 1, NO_STREAM, right, child)
        struct.pack_into("<II", data, 116, 0xFFFFFFFE, 0)  # empty: no sector, size 0
        return bytes(data)

    assert len(streams) <= 3
    directory = [entry("Root Entry", 5, child=1 if streams else NO_STREAM)]
    for index, name in enumerate(streams, start=1):
        directory.append(entry(name, 2, right=index + 1 if index < len(streams) else NO_STREAM))
    directory += [b"\x00" * 64 + struct.pack("<HBBIII", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM) + b"\x00" * 48] * (
        4 - len(directory)
    )
    return bytes(header) + fat + b"".join(directory)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(uploaded_file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(uploaded_file)
    return caught.value


# Accepted files ---------------------------------------------------------------

ACCEPTED = [
    ("statutes.pdf", PDF_BYTES, PDF),
    ("stamp.png", PNG_BYTES, PNG),
    ("photo.jpg", JPEG_BYTES, JPEG),
    ("photo.jpeg", JPEG_BYTES, JPEG),
    ("declaration.docx", ooxml("word", "document.xml"), DOCX),
    ("budget.xlsx", ooxml("xl", "workbook.xml"), XLSX),
    ("pitch.pptx", ooxml("ppt", "presentation.xml"), PPTX),
    ("declaration.odt", odf(ODT), ODT),
    ("budget.ods", odf(ODS), ODS),
    ("declaration.doc", ole2("\x01CompObj", "WordDocument", "1Table"), DOC),
    ("budget.xls", ole2("Workbook", "\x05SummaryInformation"), XLS),
    ("old-budget.xls", ole2("Book"), XLS),
    ("SCAN.PDF", PDF_BYTES, PDF),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_it_accepts_each_allowed_type_with_its_content_type_and_sha256(name, content, content_type):
    assert validate_upload(upload(name, content)) == (content_type, hashlib.sha256(content).hexdigest())


def test_it_decides_the_type_from_the_content_not_the_name_or_the_browser():
    uploaded_file = upload("stamp.pdf", PNG_BYTES, content_type="application/pdf")

    assert sniff_content_type(uploaded_file) == PNG


def test_sniffing_leaves_the_file_rewound():
    uploaded_file = upload("declaration.docx", ooxml("word", "document.xml"))
    uploaded_file.read(3)

    sniff_content_type(uploaded_file)

    assert uploaded_file.tell() == 0


# Refused files ----------------------------------------------------------------


def test_it_refuses_a_windows_program_renamed_pdf_and_names_the_file():
    error = refusal(upload("statutes.pdf", PE_BYTES, content_type="application/pdf"))

    assert error.code == "executable"
    assert "“statutes.pdf”" in error.messages[0]
    assert ".pdf" in error.messages[0] and ".docx" in error.messages[0]  # lists what is accepted


def test_it_refuses_an_elf_binary():
    assert refusal(upload("quote.pdf", ELF_BYTES)).code == "executable"


def test_it_refuses_a_shell_script_named_docx():
    error = refusal(upload("declaration.docx", SCRIPT_BYTES))

    assert error.code == "executable"
    assert "“declaration.docx”" in error.messages[0]


def test_it_refuses_unknown_content():
    error = refusal(upload("notes.pdf", b"<html><script>alert(1)</script></html>"))

    assert error.code == "not_allowed"
    assert "“notes.pdf”" in error.messages[0]
    assert ".pdf" in error.messages[0]


def test_it_refuses_a_png_named_pdf_as_disguised():
    error = refusal(upload("report.pdf", PNG_BYTES, content_type="application/pdf"))

    assert error.code == "disguised"
    assert "“report.pdf”" in error.messages[0]
    assert "disguised" in error.messages[0]
    assert ".png" in error.messages[0]


def test_it_refuses_a_file_without_extension():
    assert refusal(upload("statutes", PDF_BYTES)).code == "no_extension"


def test_it_refuses_an_empty_file():
    error = refusal(upload("statutes.pdf", b""))

    assert error.code == "empty"
    assert "“statutes.pdf”" in error.messages[0]


@override_settings(ATTACHMENT_MAX_BYTES=1000)
def test_it_refuses_a_file_above_the_limit():
    error = refusal(upload("statutes.pdf", PDF_BYTES + b" " * (1001 - len(PDF_BYTES))))

    assert error.code == "too_large"
    assert "“statutes.pdf”" in error.messages[0]
    assert "MB" in error.messages[0]


@override_settings(ATTACHMENT_MAX_BYTES=1000)
def test_it_accepts_a_file_at_the_limit():
    assert validate_upload(upload("statutes.pdf", PDF_BYTES + b" " * (1000 - len(PDF_BYTES))))[0] == PDF


def test_the_default_limit_is_10_mb(settings):
    if hasattr(django_settings, "ATTACHMENT_MAX_BYTES"):
        del settings.ATTACHMENT_MAX_BYTES
    content = PDF_BYTES + b" " * (10 * 1024 * 1024 + 1 - len(PDF_BYTES))

    error = refusal(upload("statutes.pdf", content))

    assert error.code == "too_large"
    assert error.messages[0] == "The file “statutes.pdf” is 10.1 MB, more than the limit of 10 MB."
    assert validate_upload(upload("statutes.pdf", content[:-1]))[0] == PDF


def test_it_refuses_a_zip_that_is_not_an_office_document():
    error = refusal(upload("documents.docx", zip_bytes({"statutes.pdf": PDF_BYTES, "stamp.png": PNG_BYTES})))

    assert error.code == "archive"
    assert "“documents.docx”" in error.messages[0]


def test_it_refuses_an_opendocument_whose_first_entry_is_not_its_mimetype():
    content = zip_bytes({"content.xml": b"<office:document-content/>", "mimetype": ODT.encode()})

    assert refusal(upload("letter.odt", content)).code == "archive"


def test_it_refuses_a_word_document_with_macros():
    content = zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "word/document.xml": b"<document/>",
            "word/vbaProject.bin": b"\x00" * 10,
        }
    )

    error = refusal(upload("declaration.docx", content))

    assert error.code == "macros"
    assert "“declaration.docx”" in error.messages[0]


def test_it_refuses_a_program_with_a_zip_appended():
    # zipfile finds an archive at the end of any file: the start must be a ZIP's.
    assert refusal(upload("declaration.docx", PE_BYTES + ooxml("word", "document.xml"))).code == "executable"


def test_it_refuses_an_ole2_file_that_is_neither_word_nor_excel():
    # E.g. a Windows installer (.msi) renamed .doc.
    error = refusal(upload("declaration.doc", ole2("\x05SummaryInformation", "Property")))

    assert error.code == "not_allowed"


def test_it_refuses_an_office_zip_that_expands_beyond_100_mb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        with archive.open("word/document.xml", "w") as part:
            zeros = b"\x00" * (1024 * 1024)
            for _ in range(101):
                part.write(zeros)
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024

    error = refusal(upload("declaration.docx", content))

    assert error.code == "zip_bomb"
    assert "“declaration.docx”" in error.messages[0]
    assert "100 MB" in error.messages[0]


# Storage and services ---------------------------------------------------------


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "public"
    return tmp_path / "private"


def test_private_storage_has_no_url(private_root):
    storage = private_storage()

    assert isinstance(storage, PrivateStorage)
    assert storage.location == str(private_root)
    with pytest.raises(ValueError):
        storage.url("attachments/1/file.pdf")


def test_attachment_add_stores_the_file_under_a_generated_name_outside_media_root(private_root, applicant):
    application = ApplicationFactory()
    content = PDF_BYTES

    attachment = attachment_add(
        application=application,
        uploaded_file=upload("../../etc/passwd.pdf", content),
        kind=Attachment.Kind.STATUTES,
        by=applicant,
    )

    attachment.refresh_from_db()
    path = Path(attachment.file.path)
    assert path.read_bytes() == content
    assert path.is_relative_to(private_root)
    assert not path.is_relative_to(django_settings.MEDIA_ROOT)
    assert "passwd" not in attachment.file.name
    assert attachment.file.name.startswith(f"attachments/{application.pk}/")
    assert attachment.file.name.endswith(".pdf")
    assert attachment.original_name == "passwd.pdf"
    assert attachment.content_type == PDF
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.uploaded_by == applicant
    assert attachment.kind == Attachment.Kind.STATUTES


def test_attachment_add_strips_windows_folders(private_root, applicant):
    attachment = attachment_add(
        application=ApplicationFactory(),
        uploaded_file=upload("C:\\Users\\ana\\statutes.pdf", PDF_BYTES),  # as old browsers send it
        kind=Attachment.Kind.OTHER,
        by=applicant,
    )

    assert attachment.original_name == "statutes.pdf"


def test_a_long_file_name_is_cut_to_255_characters_keeping_its_extension():
    name = clean_file_name("/tmp/" + "x" * 300 + ".pdf")

    assert len(name) == 255
    assert name.endswith("x.pdf")


def test_attachment_add_stores_nothing_for_a_refused_file(private_root, applicant):
    with pytest.raises(ValidationError):
        attachment_add(
            application=ApplicationFactory(),
            uploaded_file=upload("statutes.pdf", PE_BYTES),
            kind=Attachment.Kind.STATUTES,
            by=applicant,
        )

    assert not Attachment.objects.exists()
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))


def test_attachment_add_refuses_an_unknown_kind(private_root, applicant):
    with pytest.raises(ValidationError):
        attachment_add(
            application=ApplicationFactory(), uploaded_file=upload("a.pdf", PDF_BYTES), kind="selfie", by=applicant
        )


def test_attachment_remove_deletes_the_row_and_the_file(private_root, applicant, django_capture_on_commit_callbacks):
    attachment = attachment_add(
        application=ApplicationFactory(),
        uploaded_file=upload("statutes.pdf", PDF_BYTES),
        kind=Attachment.Kind.STATUTES,
        by=applicant,
    )
    path = Path(attachment.file.path)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=attachment, by=applicant)

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not path.exists()
