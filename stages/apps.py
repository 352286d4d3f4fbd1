from django.apps import AppConfig


class StagesConfig(AppConfig):
    name = "stages"
    verbose_name = "Stages of the wheel"

    def ready(self):
        from django.db.models.signals import post_migrate
        from simple_history.signals import pre_create_historical_record

        from stages.clock import date_history
        from stages.immutability import install_triggers

        post_migrate.connect(install_triggers, sender=self)
        pre_create_historical_record.connect(date_history, dispatch_uid="stages.clock")
