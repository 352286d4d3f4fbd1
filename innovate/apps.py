from django.apps import AppConfig


class InnovateConfig(AppConfig):
    name = "innovate"
    verbose_name = "Innovate"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from innovate.middleware import session_started

        user_logged_in.connect(session_started, dispatch_uid="innovate-session-started")

        from innovate.accounts import signals

        signals.connect()
