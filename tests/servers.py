"""Real web servers for the tests: Debian's nginx serving a site folder as docs/deployment.md
configures it, and a plain HTTP client that does not follow redirects."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from email.message import Message
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int) -> None:
    for _ in range(50):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)


def get(port: int, path: str, headers: Mapping[str, str] | None = None) -> tuple[int, Message]:
    """Status and headers of a GET, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=dict(headers or {}))
    try:
        with opener.open(request) as reply:
            return reply.status, reply.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def body(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as reply:
        return str(reply.read().decode("utf-8"))


@contextlib.contextmanager
def nginx_serving(root: Path, work: Path) -> Iterator[int]:
    """nginx with the site's generated includes (mime.types, 404 page, _host denied); `root`
    may be a symbolic link, as a deployment's `current` is. Yields the port."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.skip("nginx is not installed (make test installs Debian's nginx-light)")
    port = free_port()
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    conf = work / "nginx.conf"
    # Workers of a root master run as nobody, who cannot read pytest's private temp folders.
    conf.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{}}
http {{
    access_log off;
    {mime}
    default_type application/octet-stream;
    client_body_temp_path {work};
    include {root}/_host/nginx-redirects.conf;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        error_page 404 /404.html;
        include {root}/_host/nginx-headers.conf;
        if ($ocop_redirect) {{ return 301 $ocop_redirect; }}
        location ~ ^/_host/ {{ deny all; }}
    }}
}}
""")
    test = subprocess.run([binary, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    server = subprocess.Popen([binary, "-c", str(conf)], stderr=subprocess.DEVNULL)
    wait_for(port)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
