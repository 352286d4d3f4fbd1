from django.db import migrations


def load_stages(apps, schema_editor):
    from stages.framework import read_stages

    Stage = apps.get_model("stages", "Stage")
    HistoricalStage = apps.get_model("stages", "HistoricalStage")
    for fields in read_stages():
        stage, created = Stage.objects.update_or_create(
            number=fields["number"], defaults=fields
        )
        HistoricalStage.objects.create(
            id=stage.pk,
            history_date=stage_history_date(),
            history_type="+" if created else "~",
            history_change_reason="Loaded from the framework text",
            **{k: v for k, v in fields.items()},
        )


def stage_history_date():
    from django.utils import timezone

    return timezone.now()


class Migration(migrations.Migration):
    dependencies = [("stages", "0001_initial")]

    operations = [migrations.RunPython(load_stages, migrations.RunPython.noop)]
