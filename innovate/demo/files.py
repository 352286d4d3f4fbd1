"""The demo's evidence documents: for Family group conferencing, an interim evaluation report,
a table of figures withdrawn and replaced by a corrected one, and the board paper from its
latest reflection session. Added through the same write path as an upload, each on its day."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import ReflectionSession, SessionStatus
from attachments.services import add_attachment, withdraw_attachment
from innovate.demo.story import recorded_on
from stages.models import Innovation

TITLE = "Family group conferencing"


def pdf(*lines):
    """A one-page PDF showing `lines` in Helvetica: small, and a real document any reader
    opens."""
    text = "BT /F1 12 Tf 72 760 Td 16 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines
    )
    stream = text + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return out


def figures(rows):
    return (
        "month,families referred,families reached\r\n"
        + "".join(f"{month},{referred},{reached}\r\n" for month, referred, reached in rows)
    ).encode()


def load_files(organisation, today):
    """Add the demo's files to Family group conferencing of `organisation`, if it has it."""
    innovation = (
        Innovation.objects.filter(organisation=organisation, title=TITLE)
        .select_related("lead", "organisation")
        .first()
    )
    if innovation is None or innovation.lead is None:
        return
    lead = innovation.lead
    with recorded_on(today - timedelta(days=45)):
        add_attachment(
            innovation,
            SimpleUploadedFile(
                "Interim evaluation report.pdf",
                pdf(
                    "Family group conferencing: interim evaluation",
                    "Families offered a conference before proceedings: 38",
                    "Families who held one: 29",
                    "What families said: they felt listened to, and the plan was theirs.",
                ),
            ),
            by=lead,
            description="For the board, from the evaluation team",
        )
    rows = [("January", 14, 9), ("February", 12, 10), ("March", 15, 11)]
    with recorded_on(today - timedelta(days=30)):
        first = add_attachment(
            innovation,
            SimpleUploadedFile("Families reached by month.csv", figures(rows)),
            by=lead,
        )
    with recorded_on(today - timedelta(days=29)):
        withdraw_attachment(first, by=lead, reason="Replaced by the corrected figures for March.")
        add_attachment(
            innovation,
            SimpleUploadedFile(
                "Families reached by month (corrected).csv",
                figures([*rows[:2], ("March", 15, 12)]),
            ),
            by=lead,
        )
    session = (
        ReflectionSession.objects.filter(innovation=innovation, held_on__lte=today)
        .exclude(status=SessionStatus.PLANNED)
        .order_by("-held_on")
        .first()
    )
    if session is not None:
        with recorded_on(session.held_on):
            add_attachment(
                innovation,
                SimpleUploadedFile(
                    "Board paper for the session.pdf",
                    pdf(f"{session.title}", "Where the parts stand, and the decisions to take."),
                ),
                by=lead,
                target=session,
            )
