"""What a file is, read from its content alone: the name and type the browser sends are never
believed. Pure Python, so no system library is needed.

`detect(fileobj)` returns a Detected type, or raises Refused with words for the person. Known:
PDF, Word (.docx and .doc), Excel (.xlsx and .xls), PowerPoint (.pptx and .ppt), OpenDocument
(text, spreadsheet, presentation), CSV, PNG and JPEG."""

import csv
import io
import struct
import zipfile
from dataclasses import dataclass

ALLOWED_WORDS = (
    "a PDF, Word, Excel, PowerPoint or OpenDocument file, a CSV file, or a PNG or JPEG picture"
)


@dataclass(frozen=True)
class Detected:
    kind: str  # shown to people: "PDF", "Word document", ...
    content_type: str
    extension: str


class Refused(Exception):
    """The file is not one the product takes; the message says what it is, if known."""


PDF = Detected("PDF", "application/pdf", "pdf")
PNG = Detected("PNG picture", "image/png", "png")
JPEG = Detected("JPEG picture", "image/jpeg", "jpg")
CSV = Detected("CSV file", "text/csv", "csv")
DOC = Detected("Word document", "application/msword", "doc")
XLS = Detected("Excel workbook", "application/vnd.ms-excel", "xls")
PPT = Detected("PowerPoint presentation", "application/vnd.ms-powerpoint", "ppt")
OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = Detected("Word document", OOXML + "wordprocessingml.document", "docx")
XLSX = Detected("Excel workbook", OOXML + "spreadsheetml.sheet", "xlsx")
PPTX = Detected("PowerPoint presentation", OOXML + "presentationml.presentation", "pptx")
ODF = "application/vnd.oasis.opendocument."
ODT = Detected("OpenDocument text", ODF + "text", "odt")
ODS = Detected("OpenDocument spreadsheet", ODF + "spreadsheet", "ods")
ODP = Detected("OpenDocument presentation", ODF + "presentation", "odp")

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROGRAMS = [
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\xfe\xed\xfa\xce", "a program"),
    (b"\xfe\xed\xfa\xcf", "a program"),
    (b"\xce\xfa\xed\xfe", "a program"),
    (b"\xcf\xfa\xed\xfe", "a program"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"#!", "a script"),
    (b"\x00asm", "a program"),
]
MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<meta")


def detect(fileobj):
    """The type of the open, seekable binary file `fileobj` (read from its start)."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise Refused("The file is empty.")
    for magic, what in PROGRAMS:
        if head.startswith(magic):
            raise Refused(f"The file is {what}, which cannot be attached.")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zipped(fileobj)
    if head.startswith(OLE):
        return _old_office(fileobj)
    return _text(fileobj)


def _zipped(fileobj):
    """Office Open XML names its parts in [Content_Types].xml and keeps them in word/, xl/ or
    ppt/; OpenDocument starts with a `mimetype` entry naming its type."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
                for known in (ODT, ODS, ODP):
                    if mimetype == known.content_type:
                        return known
            if "[Content_Types].xml" in names:
                for folder, known in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
                    if any(name.startswith(folder) for name in names):
                        return known
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise Refused("The file is a damaged or unreadable archive.") from error
    finally:
        fileobj.seek(0)
    raise Refused("The file is a zip archive, not an office document.")


FREE, END = 0xFFFFFFFF, 0xFFFFFFFE
STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}


def _old_office(fileobj):
    """Word 97–2003, Excel 97–2003 and PowerPoint 97–2003 are compound files: a small file
    system whose directory names the main stream (WordDocument, Workbook or Book, PowerPoint
    Document). The directory is found through the allocation table, as the format says."""
    data = fileobj.read()
    fileobj.seek(0)
    try:
        names = _compound_names(data)
    except (struct.error, IndexError, ValueError) as error:
        raise Refused("The file is a damaged Office 97–2003 document.") from error
    for name in names:
        if name in STREAMS:
            return STREAMS[name]
    raise Refused("The file is an Office 97–2003 file of a kind that cannot be attached.")


def _compound_names(data):
    sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
    if sector_size not in (512, 4096):
        raise ValueError("unknown sector size")
    fat_count, first_directory = struct.unpack_from("<II", data, 44)
    difat = struct.unpack_from("<109I", data, 76)

    def sector(number):
        start = sector_size * (number + 1)
        if start + sector_size > len(data):
            raise ValueError("sector beyond the end")
        return data[start : start + sector_size]

    fat = []
    for number in difat[: min(fat_count, 109)]:
        fat.extend(struct.unpack(f"<{sector_size // 4}I", sector(number)))
    names, number, seen = [], first_directory, set()
    while number not in (END, FREE) and number not in seen and len(seen) < 10_000:
        seen.add(number)
        directory = sector(number)
        for offset in range(0, sector_size, 128):
            length = struct.unpack_from("<H", directory, offset + 64)[0]
            if 2 <= length <= 64:
                names.append(directory[offset : offset + length - 2].decode("utf-16-le", "replace"))
        number = fat[number] if number < len(fat) else END
    return names


def _text(fileobj):
    """A CSV file: text (UTF-8, or Windows' Western encoding as Excel saves it) with no
    control characters, whose rows parse as CSV with at least two columns in one of them.
    Web pages and SVG pictures are text too, and refused by name."""
    data = fileobj.read()
    fileobj.seek(0)
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<svg") or (start.startswith(b"<?xml") and b"<svg" in start[:4096]):
        raise Refused("The file is an SVG picture, which cannot be attached.")
    if start.startswith(MARKUP) or b"<html" in start[:4096]:
        raise Refused("The file is a web page (HTML), which cannot be attached.")
    if start.startswith(b"<"):
        raise Refused("The file is XML or a web document, which cannot be attached.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Refused(_unknown()) from None
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        raise Refused(_unknown())
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        raise Refused(_unknown()) from None
    if not any(len(row) >= 2 for row in rows):
        raise Refused(_unknown())
    return CSV


def _unknown():
    return f"The file is not of a type that can be attached. Attach {ALLOWED_WORDS}."
