"""Evidence documents in an S3-compatible store, through django-storages, as docker compose
keeps them in MinIO. The test starts a real server process: MinIO when its `minio` program is
found (MINIO_BINARY, the PATH, or a copy downloaded once into ~/.cache/innovate when the
network allows), else moto's S3 server (a development dependency); it is skipped, saying
why, when neither can start. The app reaches it over HTTP, as it would reach Amazon S3."""

import os
import shutil
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from attachments.models import Attachment
from tests.attachments import samples

MINIO_URL = "https://dl.min.io/server/minio/release/linux-amd64/minio"
CACHE = Path.home() / ".cache" / "innovate" / "minio"
KEY, SECRET, BUCKET = "innovate-test", "innovate-test-secret", "innovate-files"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def minio_binary():
    """The minio program, or None (with why) when it is not here and cannot be downloaded."""
    found = os.environ.get("MINIO_BINARY") or shutil.which("minio")
    if found:
        return found, None
    if CACHE.exists():
        return str(CACHE), None
    try:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = CACHE.with_suffix(".part")
        with urllib.request.urlopen(MINIO_URL, timeout=15) as answer, open(partial, "wb") as out:
            shutil.copyfileobj(answer, out)
        partial.chmod(partial.stat().st_mode | stat.S_IXUSR)
        partial.rename(CACHE)
        return str(CACHE), None
    except (OSError, urllib.error.URLError) as error:
        return None, f"minio could not be downloaded from {MINIO_URL}: {error}"


def start(command, port, env, log):
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    return None


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """(name, endpoint) of a running S3-compatible server with an empty private bucket."""
    boto3 = pytest.importorskip("boto3")
    folder = tmp_path_factory.mktemp("s3")
    port = free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    env = {**os.environ, "MINIO_ROOT_USER": KEY, "MINIO_ROOT_PASSWORD": SECRET}
    binary, why = minio_binary()
    process, name = None, None
    if binary:
        command = [binary, "server", str(folder / "data"), "--address", f"127.0.0.1:{port}"]
        process, name = start(command + ["--quiet"], port, env, log), "MinIO"
    if process is None:
        try:
            import moto.server  # noqa: F401
        except ImportError:
            log.close()
            pytest.skip(f"No S3-compatible server: {why or 'minio did not start'}, no moto")
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        process, name = start(command, port, env, log), "moto"
    if process is None:
        log.close()
        pytest.skip("No S3-compatible server started: " + (folder / "server.log").read_text())
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            client.create_bucket(Bucket=BUCKET)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    yield name, endpoint, client
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.fixture
def s3_storage(settings, s3_server):
    name, endpoint, client = s3_server
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": KEY,
                "secret_key": SECRET,
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }
    return s3_server


def test_a_file_goes_to_the_s3_store_and_comes_back_only_through_the_download(
    s3_storage, client_for, leader, viewer, outsider, innovation
):
    name, endpoint, s3 = s3_storage
    content = samples.ALLOWED[1][1]
    response = client_for(leader).post(
        reverse("files:list", args=[innovation.pk]),
        {"file": samples.upload("evaluation.docx", content, "application/pdf")},
    )
    assert response.status_code == 303, response.content[:500]
    attachment = Attachment.objects.get()
    stored = s3.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == content
    assert attachment.file.name.startswith(f"attachments/{innovation.organisation_id}/")

    url = reverse("files:download", args=[attachment.pk])
    download = client_for(viewer).get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="evaluation.docx"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content
    assert client_for(outsider).get(url).status_code == 404
    if name == "MinIO":
        # The bucket is private: the file cannot be fetched from the store without the keys.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{endpoint}/{BUCKET}/{attachment.file.name}", timeout=10)
        assert refused.value.code == 403
