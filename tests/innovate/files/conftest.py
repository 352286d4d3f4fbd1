import pytest


@pytest.fixture
def stored(settings, tmp_path):
    """The files stored during the test: the default storage is a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }

    def files():
        return sorted(p for p in (tmp_path / "files").rglob("*") if p.is_file())

    return files
