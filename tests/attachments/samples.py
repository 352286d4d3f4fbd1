"""Tiny real files of each type the product takes, and of the kinds it refuses, built here so
the tests need nothing on disk."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf():
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )


def png():
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg():
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def zipped(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def office_open(folder, main):
    types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    return zipped(
        [
            ("[Content_Types].xml", types),
            ("_rels/.rels", b"<Relationships/>"),
            (f"{folder}/{main}", b"<x/>"),
        ]
    )


def open_document(kind):
    return zipped(
        [
            ("mimetype", f"application/vnd.oasis.opendocument.{kind}".encode()),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest/>"),
        ]
    )


def compound(stream):
    """A compound file (Office 97-2003) whose directory holds the root and one empty stream."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name, kind, child=free):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        row = bytearray(128)
        row[: len(encoded)] = encoded
        struct.pack_into("<HBB", row, 64, len(encoded), kind, 1)
        struct.pack_into("<III", row, 68, free, free, child)
        struct.pack_into("<I", row, 116, end)
        return bytes(row)

    directory = entry("Root Entry", 5, child=1) + entry(stream, 2) + bytes(256)
    return bytes(header) + fat + directory


def csv_file():
    return (
        b"date,measure,value\r\n"
        b"2025-01-31,Families reached,12\r\n"
        b"2025-02-28,Families reached,15\r\n"
    )


ALLOWED = [
    # (name the browser sends, content, type shown, content type stored)
    ("report.pdf", pdf(), "PDF", "application/pdf"),
    (
        "report.docx",
        office_open("word", "document.xml"),
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("report.doc", compound("WordDocument"), "Word document", "application/msword"),
    (
        "figures.xlsx",
        office_open("xl", "workbook.xml"),
        "Excel workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("figures.xls", compound("Workbook"), "Excel workbook", "application/vnd.ms-excel"),
    (
        "board.pptx",
        office_open("ppt", "presentation.xml"),
        "PowerPoint presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "board.ppt",
        compound("PowerPoint Document"),
        "PowerPoint presentation",
        "application/vnd.ms-powerpoint",
    ),
    (
        "notes.odt",
        open_document("text"),
        "OpenDocument text",
        "application/vnd.oasis.opendocument.text",
    ),
    (
        "figures.ods",
        open_document("spreadsheet"),
        "OpenDocument spreadsheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (
        "board.odp",
        open_document("presentation"),
        "OpenDocument presentation",
        "application/vnd.oasis.opendocument.presentation",
    ),
    ("readings.csv", csv_file(), "CSV file", "text/csv"),
    ("photo.png", png(), "PNG picture", "image/png"),
    ("photo.jpg", jpeg(), "JPEG picture", "image/jpeg"),
]

WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48) + b"PE\x00\x00"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>"

REFUSED = [
    # (name, content, the browser's type, the message at the field)
    (
        "report.pdf",
        WINDOWS_PROGRAM,
        "application/pdf",
        "The chosen file is a Windows program, which cannot be attached.",
    ),
    (
        "setup.exe",
        WINDOWS_PROGRAM,
        "application/x-msdownload",
        "The chosen file is a Windows program, which cannot be attached.",
    ),
    (
        "figures.csv",
        b"\x7fELF\x02\x01\x01" + bytes(32),
        "text/csv",
        "The chosen file is a program, which cannot be attached.",
    ),
    (
        "run.csv",
        b"#!/bin/sh\nrm -rf ~,now\n",
        "text/csv",
        "The chosen file is a script, which cannot be attached.",
    ),
    (
        "logo.svg",
        SVG,
        "image/svg+xml",
        "The chosen file is an SVG picture, which cannot be attached.",
    ),
    (
        "logo.png",
        b"  " + SVG,
        "image/png",
        "The chosen file is an SVG picture, which cannot be attached.",
    ),
    (
        "page.html",
        HTML,
        "text/html",
        "The chosen file is a web page (HTML), which cannot be attached.",
    ),
    (
        "page.csv",
        b"<html><p>a,b</p></html>",
        "text/csv",
        "The chosen file is a web page (HTML), which cannot be attached.",
    ),
    (
        "archive.docx",
        zipped([("readme.txt", b"hello")]),
        "application/msword",
        "The chosen file is a zip archive, not an office document.",
    ),
    (
        "notes.txt",
        b"Just a sentence of plain text.\n",
        "text/plain",
        "The chosen file is not of a type that can be attached.",
    ),
    (
        "broken.pdf",
        b"PK\x03\x04 not really a zip",
        "application/pdf",
        "The chosen file is a damaged or unreadable archive.",
    ),
]


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
