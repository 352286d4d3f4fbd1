from django.apps import AppConfig


class StagesConfig(AppConfig):
    name = "stages"
    verbose_name = "Stages of the wheel"

    def ready(self):
        from django.db.models.signals import post_migrate

        from stages.immutability import install_triggers

        post_migrate.connect(install_triggers, sender=self)
