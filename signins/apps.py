from django.apps import AppConfig


class SigninsConfig(AppConfig):
    name = "signins"
    verbose_name = "Sign-in settings and history"
