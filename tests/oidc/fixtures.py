"""A real OpenID Connect provider for the tests: tests/oidc/provider.mjs (node's oidc-provider)
in its own process on a free port on this machine, installed from its lock file the first
time (npm ci). Clients register through its registration endpoint; its sign-in pages accept
any login, which becomes the account and its email."""

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

HERE = Path(__file__).resolve().parent


def _install():
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)],
        check=True,
        capture_output=True,
        timeout=600,
    )


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    def __init__(self, port):
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"

    def register(self, redirect_uri, *, name="Innovate", logout_uri=None):
        """A new client of the provider for `redirect_uri`: (client_id, client_secret)."""
        body = {
            "redirect_uris": [redirect_uri],
            "post_logout_redirect_uris": [logout_uri] if logout_uri else [],
            "token_endpoint_auth_method": "client_secret_post",
            "client_name": name,
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
        }
        answer = requests.post(f"{self.issuer}/reg", json=body, timeout=10)
        answer.raise_for_status()
        found = answer.json()
        return found["client_id"], found["client_secret"]

    def sign_in(self, authorize_url, login, stop_at):
        """Goes through the provider's sign-in and consent pages as a browser would, from the
        authorisation URL to the redirect back to `stop_at`: returns that URL (with the code)."""
        session = requests.Session()
        url, method, data = authorize_url, "get", None
        for _ in range(12):
            response = session.request(method, url, data=data, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url, method, data = urljoin(url, response.headers["Location"]), "get", None
                if url.startswith(stop_at):
                    return url
                continue
            form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', response.text, re.S)
            assert form, response.text[:2000]
            fields = dict(
                re.findall(
                    r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form[2]
                )
            )
            if 'name="login"' in form[2]:
                fields.update(login=login, password="any-password")
            url, method, data = urljoin(url, unescape(form[1])), "post", fields
        raise AssertionError("the provider never sent the person back")


def _wait(process, port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode())
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=1
            ) as answer:
                json.loads(answer.read())
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the test OpenID provider did not start")


@pytest.fixture(scope="session")
def oidc_provider():
    if shutil.which("node") is None:
        pytest.skip("needs node for the test OpenID provider")
    _install()
    port = _free_port()
    process = subprocess.Popen(
        ["node", str(HERE / "provider.mjs")],
        env={"PORT": str(port), "PATH": __import__("os").environ.get("PATH", "")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait(process, port)
        yield Provider(port)
    finally:
        process.terminate()
        process.wait(timeout=10)
