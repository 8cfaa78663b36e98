"""Deployment targets (generator/deploy.py): ssh with rsync --link-dest and an atomic `current`
switch (on this machine, through a stand-in ssh, and served by the real nginx), a gh-pages branch
pushed to a local bare repository, and S3 through moto's in-process mock. No network."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildResult, Project
from generator.cli import main
from generator.deploy import (
    MANIFEST,
    DeployFailed,
    PagesTarget,
    S3Target,
    SshTarget,
    deploy_github_pages,
    deploy_s3,
    deploy_ssh,
    pages_cname,
    release_files,
    require_tool,
    rollback_ssh,
    s3_client,
    website_redirects,
)
from generator.headers import BRIEF, IMMUTABLE, REVALIDATE
from tests.conftest import ROOT
from tests.servers import body, get, nginx_serving

Site = tuple[Project, BuildResult]
SITE_URL = "https://ocop.krongno.example/"
PAGE = "san-pham/gao-buon-choah/index.html"
NEW_FILE = "tin/ghi-chu.txt"

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")


@pytest.fixture(scope="module")
def releases(sample_site: Site, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three releases named like build/releases/: the built sample; the same with one page
    changed and a file added; then without that file."""
    project, _ = sample_site
    folder = tmp_path_factory.mktemp("releases")
    folder.chmod(0o755)
    a, b, c = (folder / f"2026010{day}T080000.000000Z" for day in (1, 2, 3))
    shutil.copytree(project.public.resolve(), a)
    shutil.copytree(a, b)
    page = b / PAGE
    page.write_text(page.read_text("utf-8").replace("</body>", "<!-- B --></body>"), "utf-8")
    (b / NEW_FILE).write_text("B\n", encoding="utf-8")
    shutil.copytree(b, c)
    (c / NEW_FILE).unlink()
    return [a, b, c]


def _files(release: Path) -> int:
    return sum(1 for _ in release_files(release))


def _one(release: Path, pattern: str) -> str:
    return sorted(release.glob(pattern))[0].relative_to(release).as_posix()


# --- ssh ----------------------------------------------------------------------------------------


def test_ssh_deploy_links_unchanged_files_switches_and_prunes(
    releases: list[Path], tmp_path: Path
) -> None:
    a, b, c = releases
    server = tmp_path / "srv"
    target = SshTarget("", str(server), keep=2)
    first = deploy_ssh(a, target)
    assert (first.stamp, first.previous, first.base) == (a.name, None, None)
    assert first.sent == first.files == _files(a)
    assert os.readlink(server / "current") == f"releases/{a.name}"

    second = deploy_ssh(b, target)
    assert (second.previous, second.base) == (a.name, a.name)
    assert (second.sent, second.files) == (2, first.files + 1)  # the changed page, the new file
    assert second.bytes_sent * 50 < first.bytes_sent
    assert os.readlink(server / "current") == f"releases/{b.name}"
    old, new = server / "releases" / a.name, server / "releases" / b.name
    for same in (_one(a, "anh/gao-buon-choah/*.webp"), "index.html", "_host/nginx-headers.conf"):
        assert (old / same).stat().st_ino == (new / same).stat().st_ino, same
    assert (old / PAGE).stat().st_ino != (new / PAGE).stat().st_ino
    assert "<!-- B -->" in (server / "current" / PAGE).read_text("utf-8")
    assert oct((new / PAGE).stat().st_mode & 0o777) == oct(0o644)

    third = deploy_ssh(c, target)
    assert (third.pruned, third.kept) == ([a.name], [b.name, c.name])
    assert sorted(os.listdir(server / "releases")) == [b.name, c.name]
    assert not (server / "current" / NEW_FILE).exists()
    assert sorted(p.name for p in server.iterdir()) == ["current", "releases"]  # no leftovers

    assert rollback_ssh(target) == (c.name, b.name)
    assert os.readlink(server / "current") == f"releases/{b.name}"
    with pytest.raises(DeployFailed, match="no release older than the live one"):
        rollback_ssh(target)
    assert rollback_ssh(target, c.name) == (b.name, c.name)
    with pytest.raises(DeployFailed, match=f"no release {a.name}"):
        rollback_ssh(target, a.name)


FAKE_SSH = """#!/bin/sh
# Stand-in for ssh: logs the call, then runs the remote command on this machine as sshd would.
echo "$@" >> "$(dirname "$0")/calls.log"
while [ $# -gt 0 ]; do
  case "$1" in
    -l|-p|-o|-i|-F|-e) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
shift
exec sh -c "$*"
"""


def test_ssh_target_runs_the_same_steps_over_ssh(
    releases: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, _ = releases
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "ssh").write_text(FAKE_SSH, encoding="utf-8")
    (tools / "ssh").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    server = tmp_path / "srv với dấu cách"  # quoting through two shells and rsync
    reloaded = tmp_path / "reloaded"
    target = SshTarget(
        "deploy@ocop.example", str(server), reload=f"touch {shlex.quote(str(reloaded))}"
    )
    assert target.where == f"deploy@ocop.example:{server}"
    deploy_ssh(a, target)
    second = deploy_ssh(b, target)
    assert (second.sent, second.base) == (2, a.name)
    assert os.readlink(server / "current") == f"releases/{b.name}"
    assert reloaded.exists()
    calls = (tools / "calls.log").read_text(encoding="utf-8")
    # Per deployment: the state of the server, rsync's own connection, the switch, the reload.
    assert calls.count("deploy@ocop.example sh -c ") == 6
    assert calls.count("-l deploy ocop.example rsync --server") == 2
    assert rollback_ssh(target) == (b.name, a.name)


def test_missing_programs_are_named_with_their_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "generator.deploy.shutil.which", lambda name: None if name in ("ssh", "rsync") else name
    )
    with pytest.raises(DeployFailed) as caught:
        require_tool("rsync")
    assert str(caught.value) == (
        "không tìm thấy chương trình rsync; hãy cài đặt: sudo apt-get install rsync / "
        "rsync is not installed; install it: sudo apt-get install rsync"
    )
    monkeypatch.setattr(
        "generator.deploy.shutil.which", lambda name: None if name == "ssh" else name
    )
    with pytest.raises(DeployFailed, match="sudo apt-get install openssh-client"):
        deploy_ssh(Path("/nonexistent/20260101T000000Z"), SshTarget("server", "/srv/ocop"))


def test_nginx_serves_the_current_release(releases: list[Path], tmp_path: Path) -> None:
    """The server's root is `<path>/current`: a switch (or a rollback) shows at once."""
    a, b, _ = releases
    server = tmp_path / "srv"
    server.mkdir()
    server.chmod(0o755)
    target = SshTarget("localhost", str(server))
    deploy_ssh(a, target)
    with nginx_serving(server / "current", tmp_path) as port:
        assert "<!-- B -->" not in body(port, "/" + PAGE.removesuffix("index.html"))
        for path, expected in (
            ("/", REVALIDATE),
            ("/" + PAGE.removesuffix("index.html"), REVALIDATE),
            ("/" + _one(a, "assets/javascripts/bundle.*.min.js"), IMMUTABLE),
            ("/" + _one(a, "anh/gao-buon-choah/*.jpg"), IMMUTABLE),
            ("/tin/san-pham-moi.atom", REVALIDATE),
            ("/assets/images/ocop-star.svg", BRIEF),
        ):
            status, headers = get(port, path)
            assert (status, headers["Cache-Control"]) == (200, expected), path
        status, headers = get(port, "/p/gao-buon-choah/")
        assert (status, headers["Location"].rpartition(str(port))[2]) == (
            301,
            "/san-pham/gao-buon-choah/",
        )
        assert get(port, "/_host/nginx-headers.conf")[0] == 403
        deploy_ssh(b, target)
        assert "<!-- B -->" in body(port, "/" + PAGE.removesuffix("index.html"))
        assert get(port, "/" + NEW_FILE)[0] == 200
        rollback_ssh(target)
        assert "<!-- B -->" not in body(port, "/" + PAGE.removesuffix("index.html"))
        assert get(port, "/" + NEW_FILE)[0] == 404


# --- GitHub Pages -------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_github_pages_branch_in_a_bare_repository(releases: list[Path], tmp_path: Path) -> None:
    a, b, _ = releases
    repo = tmp_path / "site.git"
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
    target = PagesTarget(str(repo))
    first = deploy_github_pages(a, target, SITE_URL)
    assert first is not None
    files = _git(repo, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {"index.html", "404.html", ".nojekyll", "CNAME", PAGE} <= set(files)
    assert not [f for f in files if f.startswith(("_host/", ".htaccess", "_headers", "_redirects"))]
    # Every file of the release but the host files, byte for byte.
    assert len(files) == len(list(release_files(a, host_files=False))) + 2
    assert _git(repo, "show", f"gh-pages:{PAGE}") == (a / PAGE).read_text("utf-8")
    assert _git(repo, "show", "gh-pages:CNAME") == "ocop.krongno.example\n"
    assert deploy_github_pages(a, target, SITE_URL) is None  # nothing changed: no commit
    second = deploy_github_pages(b, target, SITE_URL)
    assert _git(repo, "rev-list", "gh-pages").split() == [second, first]
    assert _git(repo, "log", "-1", "--format=%s", "gh-pages").strip() == f"Release {b.name}"
    assert "<!-- B -->" in _git(repo, "show", f"gh-pages:{PAGE}")


def test_cname_only_for_a_custom_domain() -> None:
    assert pages_cname("https://ocop.krongno.example/") == "ocop.krongno.example"
    assert pages_cname("https://krong-no.github.io/ocop/") is None
    assert pages_cname("http://127.0.0.1:8000/") is None


# --- S3 -----------------------------------------------------------------------------------------


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    moto = pytest.importorskip("moto")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with moto.mock_aws():
        client = s3_client(S3Target("ocop"))
        client.create_bucket(Bucket="ocop")
        yield client


class Recording:
    """An S3 client that remembers the order of its uploads."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.puts: list[str] = []

    def put_object(self, **kwargs: Any) -> Any:
        self.puts.append(kwargs["Key"])
        return self.client.put_object(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_s3_uploads_changed_files_with_their_headers_pages_last(
    releases: list[Path], s3: Any
) -> None:
    a, b, c = releases
    target = S3Target("ocop")
    s3.put_object(Bucket="ocop", Key="ghi-chu-rieng.txt", Body=b"not ours")
    recording = Recording(s3)
    first = deploy_s3(a, target, client=recording, site_url=SITE_URL)
    expected = list(release_files(a, host_files=False))
    assert sorted(first.uploaded) == sorted(expected) and first.unchanged == 0
    pages = [i for i, key in enumerate(recording.puts) if key.endswith(".html")]
    others = [i for i, key in enumerate(recording.puts[:-1]) if not key.endswith(".html")]
    assert max(others) < min(pages)
    assert recording.puts[-1] == MANIFEST  # last, and not counted in `uploaded`
    for key, cache, kind in (
        (
            _one(a, "assets/javascripts/bundle.*.min.js"),
            IMMUTABLE,
            "text/javascript; charset=utf-8",
        ),
        (_one(a, "anh/gao-buon-choah/*.webp"), IMMUTABLE, "image/webp"),
        (_one(a, "anh/chia-se/*.jpg"), IMMUTABLE, "image/jpeg"),
        (_one(a, "search-index/vi/w-*.json"), IMMUTABLE, "application/json; charset=utf-8"),
        (PAGE, REVALIDATE, "text/html; charset=utf-8"),
        ("tin/san-pham-moi.xml", REVALIDATE, "application/rss+xml; charset=utf-8"),
        ("en/tin/san-pham-moi.json", REVALIDATE, "application/feed+json; charset=utf-8"),
        ("du-lieu/danh-muc-ocop-vi.csv", REVALIDATE, "text/csv; charset=utf-8"),
        (_one(a, "san-pham/gao-buon-choah/*.pdf"), REVALIDATE, "application/pdf"),
        ("qr/gao-buon-choah.svg", REVALIDATE, "image/svg+xml"),
        ("assets/images/ocop-star.svg", BRIEF, "image/svg+xml"),
    ):
        head = s3.head_object(Bucket="ocop", Key=key)
        assert (head["CacheControl"], head["ContentType"]) == (cache, kind), key
        assert "WebsiteRedirectLocation" not in head
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket="ocop")["Contents"]}
    assert not [k for k in listed if k.startswith(("_host/", ".htaccess", "_headers", "_redir"))]

    again = deploy_s3(a, target, client=s3, site_url=SITE_URL)
    assert (again.uploaded, again.unchanged) == ([], len(expected))

    recording.puts.clear()
    changed = deploy_s3(b, target, client=recording, site_url=SITE_URL)
    assert changed.uploaded == [NEW_FILE, PAGE]
    assert recording.puts == [NEW_FILE, PAGE, MANIFEST]

    # A file gone from the release stays through its grace period, then goes; files the deploy
    # did not upload are never deleted.
    now = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    gone = deploy_s3(c, target, client=s3, site_url=SITE_URL, now=now)
    assert (gone.uploaded, gone.deleted, gone.waiting) == ([], [], [NEW_FILE])
    never = S3Target("ocop", delete_after_days=None)
    later = deploy_s3(c, never, client=s3, site_url=SITE_URL, now=now + dt.timedelta(days=30))
    assert (later.deleted, later.waiting) == ([], [NEW_FILE])
    early = deploy_s3(c, target, client=s3, site_url=SITE_URL, now=now + dt.timedelta(days=6))
    assert (early.deleted, early.waiting) == ([], [NEW_FILE])
    done = deploy_s3(c, target, client=s3, site_url=SITE_URL, now=now + dt.timedelta(days=7))
    assert (done.deleted, done.waiting) == ([NEW_FILE], [])
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket="ocop")["Contents"]}
    assert NEW_FILE not in listed and "ghi-chu-rieng.txt" in listed

    # An object changed behind the deploy's back (same size, other bytes) is uploaded again.
    s3.put_object(Bucket="ocop", Key="robots.txt", Body=b"x" * (c / "robots.txt").stat().st_size)
    assert deploy_s3(c, target, client=s3, site_url=SITE_URL).uploaded == ["robots.txt"]


def test_s3_website_endpoint_gets_real_redirects(releases: list[Path], s3: Any) -> None:
    a = releases[0]
    stubs = website_redirects(a)
    assert stubs["p/gao-buon-choah/index.html"] == "/san-pham/gao-buon-choah/"
    assert all(k.startswith(("p/", "01/", "san-pham/", "en/san-pham/")) for k in stubs)
    assert any(k.startswith("01/") for k in stubs)
    plain = deploy_s3(a, S3Target("ocop", prefix="ocop/"), client=s3, site_url=SITE_URL)
    assert len(plain.uploaded) == len(list(release_files(a, host_files=False)))
    # Turning the setting on changes the headers of the stub pages only: only they go again.
    website = S3Target("ocop", prefix="ocop/", website=True)
    redone = deploy_s3(a, website, client=s3, site_url=SITE_URL)
    assert sorted(redone.uploaded) == sorted("ocop/" + k for k in stubs)
    head = s3.head_object(Bucket="ocop", Key="ocop/p/gao-buon-choah/index.html")
    assert head["WebsiteRedirectLocation"] == "/san-pham/gao-buon-choah/"
    head = s3.head_object(Bucket="ocop", Key="ocop/san-pham/gao-buon-choah/index.html")
    assert "WebsiteRedirectLocation" not in head


# --- command line and make ------------------------------------------------------------------------


def _project(tmp_path: Path, deploy: str = "") -> Path:
    root = tmp_path / "project"
    root.mkdir()
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\nextra:\n" in config
    (root / "mkdocs.yml").write_text(config.replace("\nextra:\n", f"\nextra:\n{deploy}", 1))
    return root


def test_cli_deploys_with_the_settings_of_mkdocs_yml(
    releases: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, _ = releases
    server = tmp_path / "srv"
    root = _project(tmp_path, f"  deploy:\n    ssh:\n      path: {server}\n      keep: 2\n")
    assert main(["--root", str(root), "deploy", "ssh", "--release", str(a)]) == 0
    assert main(["--root", str(root), "--lang", "en", "deploy", "ssh", "--release", str(b)]) == 0
    out = capsys.readouterr().out
    assert f"Đã triển khai {a.name} lên {server}: chép {_files(a)}/{_files(a)} tệp" in out
    assert f"Deployed {b.name} to {server}: 2/{_files(b)} files copied" in out
    assert f"{_files(b) - 2} unchanged files are hard links to {a.name}" in out
    assert "python -m generator deploy rollback" in out
    assert main(["--root", str(root), "deploy", "rollback"]) == 0
    assert os.readlink(server / "current") == f"releases/{a.name}"


def test_cli_refuses_without_a_built_site_or_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    assert main(["--root", str(root), "deploy", "ssh", "--path", str(tmp_path / "srv")]) == 2
    err = capsys.readouterr().err
    assert "chưa có trang đã dựng" in err and "run make site first" in err
    (root / "public").mkdir()
    (root / "public" / "index.html").write_text("<!doctype html>", encoding="utf-8")
    assert main(["--root", str(root), "deploy", "ssh"]) == 2
    assert "extra.deploy.ssh.path" in capsys.readouterr().err
    assert main(["--root", str(root), "deploy", "s3"]) == 2
    assert "extra.deploy.s3.bucket" in capsys.readouterr().err
    assert main(["--root", str(root), "deploy", "ssh", "--path", "x", "--keep", "0"]) == 2
    assert "keep" in capsys.readouterr().err


def test_make_deploy_refuses_before_a_build(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {**os.environ, "MAKEFLAGS": ""}
    command = [make, "-s", "-C", str(tmp_path), "-f", str(ROOT / "Makefile"), "deploy"]
    done = subprocess.run([*command, "TARGET=ssh"], capture_output=True, text=True, env=env)
    assert done.returncode != 0
    assert "make site" in done.stdout + done.stderr
    assert not (tmp_path / ".venv").exists()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode != 0 and "TARGET=ssh|github-pages|s3" in done.stdout + done.stderr
