from django.apps import AppConfig


class ApitokensConfig(AppConfig):
    name = "apitokens"
    verbose_name = "API tokens"
