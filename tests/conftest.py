from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildResult, Project, build

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = (
    "mkdocs.yml",
    "content",
    "theme_overrides",
    "data",
    "producers",
    "products",
    "permalinks.txt",
)
TODAY = dt.date(2026, 11, 28)
"""Fixed build date: which sample certificates have expired must not depend on the day tests run."""


def copy_project(dest: Path) -> Path:
    """A private copy of the project's inputs, so a test can change them freely."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, symlinks=True)
        else:
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="session")
def image_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One rendition cache for the whole test session: photos are encoded once."""
    return tmp_path_factory.mktemp("image-cache")


@pytest.fixture
def project(tmp_path: Path, image_cache: Path) -> Project:
    return Project.at(copy_project(tmp_path / "project"), cache_dir=image_cache)


@pytest.fixture(scope="session")
def sample_site(
    tmp_path_factory: pytest.TempPathFactory, image_cache: Path
) -> Iterator[tuple[Project, BuildResult]]:
    """The shipped sample catalogue, built once per test session."""
    root = copy_project(tmp_path_factory.mktemp("sample"))
    project = Project.at(root, cache_dir=image_cache)
    yield project, build(project, today=TODAY)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def nginx(sample_site: tuple[Project, BuildResult], tmp_path: Path) -> Iterator[int]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.skip("nginx is not installed (make test installs Debian's nginx-light)")
    project, _ = sample_site
    site = project.public.resolve()
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    # Workers of a root master run as nobody, who cannot read pytest's private temp folders.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path};
    include {site}/_host/nginx-redirects.conf;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/_host/nginx-headers.conf;
        if ($ocop_redirect) {{ return 301 $ocop_redirect; }}
    }}
}}
""")
    test = subprocess.run([binary, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    server = subprocess.Popen([binary, "-c", str(conf)], stderr=subprocess.DEVNULL)
    for _ in range(50):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=10)
