from django import forms

from innovate.forms import NO_PERSONAL_DATA, GovukForm, NoNulCharField

ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.csv,.png,.jpg,.jpeg"


class AttachForm(GovukForm):
    # Not required here: the write path says what is wrong with a missing, empty or refused
    # file, in one place (attachments.services.check_upload).
    file = forms.FileField(
        label="File",
        required=False,
        allow_empty_file=True,
        help_text="A PDF, Word, Excel, PowerPoint or OpenDocument file, a CSV file, or a PNG or "
        "JPEG picture, at most 20 MB. Do not attach a child's or family's personal details.",
    )
    description = NoNulCharField(
        label="What is it? (optional)",
        max_length=300,
        required=False,
        help_text="For example: the evaluation report for the board, March 2025. "
        + NO_PERSONAL_DATA,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "govuk-file-upload", "accept": ACCEPT})


class WithdrawFileForm(GovukForm):
    reason = NoNulCharField(
        label="Why is it withdrawn?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: attached to the wrong innovation, or replaced by a newer "
        "version. The file is kept, listed as withdrawn, and only a manager may still open it.",
        error_messages={"required": "Say why the file is withdrawn."},
    )
