import pytest


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://innovate.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_RETRY_SECONDS = 0
