from django.db import migrations


def backfill(apps, schema_editor):
    from search.indexing import rebuild

    rebuild(apps, apps.get_model("search", "Entry"))


class Migration(migrations.Migration):
    """The index again, now with the names of evidence files."""

    dependencies = [
        ("search", "0001_initial"),
        ("attachments", "0001_evidence_documents"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
