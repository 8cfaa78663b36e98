"""Deployment of the live release: `python -m generator deploy ssh | github-pages | s3 | rollback`.

The site is plain files; each target only copies the release `public/` points at, and switches
what visitors see in one step where the host allows it:

- **ssh** (nginx, Apache, any server with a shell): rsync into `<path>/releases/<stamp>/` with
  `--link-dest` to the live release (an unchanged file costs neither transfer nor disk: it is a
  hard link), then `<path>/current` is switched in one rename (`ln -sfn` to a temporary name,
  `mv -T`), the last `keep` releases stay for `deploy rollback`. With no host (or `localhost`),
  the same steps run on this machine. The web server's root is `<path>/current`.
- **github-pages**: the release committed into a `gh-pages` branch (with `.nojekyll` and a
  `CNAME` for a custom domain), pushed; GitHub Pages sends none of the release's headers.
- **s3** (S3-compatible storage behind a CDN): changed files only, each with the Content-Type and
  Cache-Control of the host rules (generator/headers.py), pages last, so a page never links a
  file not yet uploaded; files gone from the release are deleted only after a grace period.

Settings come from mkdocs.yml `extra.deploy.<target>`, overridden by command-line options.
Exit status: 0 done, 2 settings or usage, 4 the deployment failed (what visitors see is unchanged,
except where the message says otherwise).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from . import headers
from .build import BuildFailed, LenientLoader, Project, read_settings
from .errors import Lang, Message

EXIT_OK, EXIT_USAGE, EXIT_FAILED = 0, 2, 4
TARGETS = ("ssh", "github-pages", "s3", "rollback")

HOST_FILES = ("_host", ".htaccess", "_headers", "_redirects")
"""The release's host configuration (nginx includes, Apache, Netlify and Cloudflare Pages files):
the ssh target keeps it for the server; GitHub Pages and object storage would only publish it."""
KEEP = 5
"""Releases kept on the server (the live one included) for `deploy rollback`."""
STAMP = re.compile(r"^\d{8}T\d{6}(?:\.\d+)?Z$")
"""A release folder's name (generator/publish.py): sorting the names sorts them by time."""
LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")
DEBIAN_PACKAGES = {"rsync": "rsync", "ssh": "openssh-client", "git": "git"}
MANIFEST = ".ocop-deploy.json"
"""What the s3 target uploaded (checksums, headers) and since when files are gone."""
DELETE_AFTER_DAYS = 7
"""Grace before the s3 target deletes a file the release no longer has (see docs/deployment.md)."""
UPLOAD_WORKERS = 8


class DeployFailed(Exception):
    """A deployment step failed; the message is bilingual (vi / en)."""


class DeploySetupError(DeployFailed):
    """Nothing was tried: no built site, a missing setting or program."""


def _fail(vi: str, en: str, detail: str = "", *, setup: bool = False) -> DeployFailed:
    detail = detail.strip()
    text = f"{vi} / {en}" + (f"\n{detail}" if detail else "")
    return DeploySetupError(text) if setup else DeployFailed(text)


def require_tool(name: str) -> str:
    """The path of a program the target runs; a clear message when it is not installed."""
    found = shutil.which(name)
    if found is None:
        package = DEBIAN_PACKAGES.get(name, name)
        raise _fail(
            f"không tìm thấy chương trình {name}; hãy cài đặt: sudo apt-get install {package}",
            f"{name} is not installed; install it: sudo apt-get install {package}",
            setup=True,
        )
    return found


def _run(command: list[str], what: Message, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise _fail(what.vi, what.en, done.stderr or done.stdout)
    return done


def live_release(public: Path) -> Path:
    """The release `public/` points at; refuses when nothing was built."""
    if not public.exists():
        raise _fail(
            f"chưa có trang đã dựng: {public} không tồn tại; hãy chạy make site trước",
            f"nothing built yet: {public} does not exist; run make site first",
            setup=True,
        )
    release = public.resolve()
    if not (release / "index.html").is_file():
        raise _fail(
            f"{release} không phải một bản dựng (thiếu index.html); hãy chạy make site",
            f"{release} is not a built site (no index.html); run make site",
            setup=True,
        )
    return release


def release_files(release: Path, *, host_files: bool = True) -> Iterator[str]:
    """Release-relative paths of the files (sorted), without the host files if asked."""
    for dirpath, dirs, names in os.walk(release):
        rel = Path(dirpath).relative_to(release).as_posix()
        prefix = "" if rel == "." else rel + "/"
        if not host_files and not prefix:
            dirs[:] = [d for d in dirs if d not in HOST_FILES]
        dirs.sort()
        for name in sorted(names):
            if host_files or prefix or name not in HOST_FILES:
                yield prefix + name


def release_warnings(release: Path, site_url: str) -> list[Message]:
    """What deserves a look before the release goes out (printed, not refused)."""
    warnings = []
    host = urlsplit(site_url).hostname or ""
    if host in LOCAL_HOSTS:
        warnings.append(
            Message(
                f"site_url trong mkdocs.yml là {site_url}: đường dẫn chuẩn, sơ đồ trang và mã QR "
                "sẽ trỏ về máy này; hãy đặt địa chỉ thật rồi dựng lại",
                f"site_url in mkdocs.yml is {site_url}: canonical URLs, the sitemap and the QR "
                "codes point at this machine; set the real address and build again",
            )
        )
    rules = headers.path_rules(())
    stale = headers.unkeyed_immutable(rules, ("/" + p for p in release_files(release)))
    if stale:
        listed = ", ".join(stale[:5]) + (" …" if len(stale) > 5 else "")
        warnings.append(
            Message(
                f"{len(stale)} tệp không có mã nội dung trong tên nhưng được lưu đệm một năm "
                f"(generator/headers.py CONTENT_KEYED): {listed}",
                f"{len(stale)} files have no content hash in their name but are cached for a "
                f"year (generator/headers.py CONTENT_KEYED): {listed}",
            )
        )
    return warnings


# --- settings -----------------------------------------------------------------------------------


def deploy_settings(root: Path) -> dict[str, Any]:
    """mkdocs.yml `extra.deploy`: one mapping per target (`ssh`, `github_pages`, `s3`)."""
    path = root / "mkdocs.yml"
    # MkDocs' own tags (!ENV, !!python/name) are read as nothing, as build.read_settings does.
    config = yaml.load(path.read_text(encoding="utf-8"), LenientLoader) or {}
    deploy = (config.get("extra") or {}).get("deploy") or {}
    if not isinstance(deploy, dict) or not all(isinstance(v, dict | None) for v in deploy.values()):
        raise _fail(
            "mkdocs.yml: extra.deploy phải gồm các mục ssh, github_pages, s3, mỗi mục là các "
            "cặp tên: giá trị",
            "mkdocs.yml: extra.deploy must hold ssh, github_pages and s3 sections, each of "
            "name: value pairs",
            setup=True,
        )
    return {key: value or {} for key, value in deploy.items()}


def _pick(option: Any, section: Mapping[str, Any], key: str, default: Any) -> Any:
    if option is not None:
        return option
    value = section.get(key)
    return default if value is None else value


def _whole(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(
            f"{name} phải là số nguyên từ {minimum} trở lên, không phải {value!r}",
            f"{name} must be a whole number of at least {minimum}, not {value!r}",
            setup=True,
        )
    return value


# --- ssh: rsync with --link-dest, atomic switch of `current` ------------------------------------


@dataclass(frozen=True)
class SshTarget:
    host: str
    """`user@server` (or a name from ~/.ssh/config); empty or `localhost`: this machine."""
    path: str
    """The folder holding `releases/` and the `current` link (the web server's root is
    `<path>/current`)."""
    keep: int = KEEP
    reload: str = ""
    """A command run on the server after the switch, e.g. `sudo systemctl reload nginx`."""

    @property
    def local(self) -> bool:
        return self.host in LOCAL_HOSTS

    @property
    def where(self) -> str:
        return self.path if self.local else f"{self.host}:{self.path}"


@dataclass(frozen=True)
class ServerState:
    current: str | None
    """The release `current` points at (its folder name), if any."""
    releases: list[str]
    """The release folders (stamps), oldest first."""


@dataclass
class SshResult:
    stamp: str
    previous: str | None
    """The release that was live before."""
    base: str | None
    """The release unchanged files were hard-linked from (--link-dest)."""
    files: int
    """Regular files in the release."""
    sent: int
    """Files rsync copied; with a base, the others are hard links to its files."""
    bytes_sent: int
    """Bytes rsync sent (over the network when the server is remote)."""
    pruned: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _shell(target: SshTarget, script: str, what: Message) -> str:
    """Run a POSIX shell script on the server (or here), return its output."""
    if target.local:
        command = ["sh", "-c", script]
    else:
        command = [require_tool("ssh"), target.host, "sh -c " + shlex.quote(script)]
    return _run(command, what).stdout


def server_state(target: SshTarget, *, create: bool) -> ServerState:
    folder = shlex.quote(target.path)
    script = "set -e; "
    script += f"mkdir -p {folder}/releases; " if create else f"test -d {folder}/releases; "
    script += f"cd {folder}; readlink current || true; echo '--'; ls -1 releases"
    output = _shell(
        target,
        script,
        Message(
            f"không đọc được thư mục {target.where}/releases trên máy chủ",
            f"could not read {target.where}/releases on the server",
        ),
    )
    link, _, names = output.partition("--\n")
    current = link.strip().rstrip("/").rpartition("/")[2] or None
    return ServerState(current, sorted(n for n in names.split() if STAMP.match(n)))


def _switch_script(target: SshTarget, stamp: str, remove: list[str]) -> str:
    """Point `current` at the release in one rename: visitors see the old site or the new."""
    folder = shlex.quote(target.path)
    release = shlex.quote(f"releases/{stamp}")
    lines = [
        "set -e",
        f"cd {folder}",
        f"test -d {release}",
        'tmp=".current.$$.tmp"',
        f'ln -sfn {release} "$tmp"',
        'mv -T "$tmp" current',
    ]
    lines += [f"rm -rf -- {shlex.quote(f'releases/{name}')}" for name in remove]
    return "\n".join(lines) + "\n"


def _reload(target: SshTarget, live: str) -> None:
    """The server's reload command, if any (nginx reads the redirect map and headers then)."""
    if target.reload:
        _shell(
            target,
            target.reload,
            Message(
                f"bản {live} đã chạy nhưng lệnh nạp lại máy chủ web thất bại: {target.reload}",
                f"{live} is live but reloading the web server failed: {target.reload}",
            ),
        )


def _rsync_figure(stats: str, label: str) -> int:
    match = re.search(rf"^{re.escape(label)}:? ([\d,.]+)", stats, re.M)
    return int(re.sub(r"[,.]", "", match.group(1))) if match else 0


def _now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def deploy_ssh(release: Path, target: SshTarget) -> SshResult:
    """Copy the release next to the live one, switch `current`, prune old releases."""
    rsync = require_tool("rsync")
    if not target.local:
        require_tool("ssh")
    stamp = release.name if STAMP.match(release.name) else _now_stamp()
    state = server_state(target, create=True)
    earlier = [name for name in state.releases if name != stamp]
    base = state.current if state.current in earlier else (earlier[-1] if earlier else None)
    command = [
        rsync,
        # Checksums, not times, decide what is unchanged: a rebuilt page with the same bytes is
        # linked too, and linked files keep their time (and nginx its ETag: a 304 still).
        "--recursive",
        "--links",
        "--safe-links",
        "--perms",
        "--chmod=D755,F644",
        "--checksum",
        "--delete",
        "--stats",
    ]
    if not target.local:
        command.append("--compress")
    if base:
        command.append(f"--link-dest=../{base}")  # relative to the destination folder
    path = target.path.rstrip("/")
    destination = f"{path}/releases/{stamp}/"
    command += [f"{release}/", destination if target.local else f"{target.host}:{destination}"]
    done = _run(
        command,
        Message(
            f"rsync không chép được bản dựng lên {target.where}",
            f"rsync could not copy the release to {target.where}",
        ),
        env={**os.environ, "LC_ALL": "C"},
    )
    names = sorted({*state.releases, stamp})
    keep = max(target.keep, 1)
    pruned = [name for name in names[:-keep] if name != stamp]
    _shell(
        target,
        _switch_script(target, stamp, pruned),
        Message(
            f"không chuyển được {target.where}/current sang bản mới (trang đang chạy giữ nguyên)",
            f"could not switch {target.where}/current to the new release (the live site is "
            "unchanged)",
        ),
    )
    _reload(target, stamp)
    stats = done.stdout
    reg = re.search(r"^Number of files: [\d,.]+ \(reg: ([\d,.]+)", stats, re.M)
    return SshResult(
        stamp=stamp,
        previous=state.current,
        base=base,
        files=int(re.sub(r"[,.]", "", reg.group(1))) if reg else 0,
        sent=_rsync_figure(stats, "Number of regular files transferred"),
        bytes_sent=_rsync_figure(stats, "Total bytes sent"),
        pruned=pruned,
        kept=[name for name in names if name not in pruned],
    )


def rollback_ssh(target: SshTarget, to: str | None = None) -> tuple[str | None, str]:
    """Switch `current` back to the release before it (or to `to`); returns (from, to)."""
    state = server_state(target, create=False)
    if to is None:
        older = [n for n in state.releases if state.current is None or n < state.current]
        if not older:
            raise _fail(
                f"không có bản nào cũ hơn bản đang chạy ({state.current}) trong "
                f"{target.where}/releases",
                f"there is no release older than the live one ({state.current}) in "
                f"{target.where}/releases",
            )
        to = older[-1]
    elif to not in state.releases:
        raise _fail(
            f"không có bản {to} trong {target.where}/releases; có: {', '.join(state.releases)}",
            f"no release {to} in {target.where}/releases; there are: {', '.join(state.releases)}",
        )
    _shell(
        target,
        _switch_script(target, to, []),
        Message(
            f"không chuyển được {target.where}/current sang bản {to}",
            f"could not switch {target.where}/current to {to}",
        ),
    )
    _reload(target, to)
    return state.current, to


# --- GitHub Pages: a gh-pages branch ------------------------------------------------------------


@dataclass(frozen=True)
class PagesTarget:
    remote: str
    """A git remote URL (or a local path: the tests push to a bare repository)."""
    branch: str = "gh-pages"


def pages_cname(site_url: str) -> str | None:
    """The custom domain for GitHub Pages' CNAME file; None on *.github.io (or no real host)."""
    host = (urlsplit(site_url).hostname or "").lower()
    if host in LOCAL_HOSTS or host == "github.io" or host.endswith(".github.io"):
        return None
    return host


def _copy_tree(release: Path, target: Path) -> None:
    """The release without its host files; hard links where the file system allows."""
    for rel in release_files(release, host_files=False):
        source, copy = release / rel, target / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, copy)
        except OSError:
            shutil.copy2(source, copy)


def deploy_github_pages(release: Path, target: PagesTarget, site_url: str) -> str | None:
    """Commit the release into the branch and push; returns the commit, None when unchanged."""
    git = require_tool("git")
    with tempfile.TemporaryDirectory(prefix="ocop-gh-pages-") as tmp:
        work = Path(tmp) / "site"

        def step(*args: str, vi: str, en: str) -> str:
            return _run([git, "-C", str(work), *args], Message(vi, en)).stdout

        listed = subprocess.run(
            [git, "ls-remote", "--exit-code", "--heads", target.remote, target.branch],
            capture_output=True,
            text=True,
            check=False,
        )
        if listed.returncode not in (0, 2):  # 2: the remote has no such branch yet
            raise _fail(
                f"không đọc được kho git {target.remote}",
                f"could not read the git repository {target.remote}",
                listed.stderr,
            )
        if listed.returncode == 0:
            clone = [git, "clone", "-q", "--depth", "1", "--single-branch", "-b", target.branch]
            _run(
                [*clone, "--", target.remote, str(work)],
                Message(
                    f"không tải được nhánh {target.branch} của {target.remote}",
                    f"could not fetch the {target.branch} branch of {target.remote}",
                ),
            )
        else:
            work.mkdir()
            step("init", "-q", vi="git init thất bại", en="git init failed")
            step("checkout", "-q", "--orphan", target.branch, vi="git thất bại", en="git failed")
            step("remote", "add", "origin", target.remote, vi="git thất bại", en="git failed")
        for child in work.iterdir():  # the branch holds exactly the new release
            if child.name == ".git":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        _copy_tree(release, work)
        (work / ".nojekyll").write_bytes(b"")  # serve the files as they are, `_`-names included
        cname = pages_cname(site_url)
        if cname:
            (work / "CNAME").write_text(cname + "\n", encoding="utf-8")
        step("add", "-A", vi="git add thất bại", en="git add failed")
        if subprocess.run([git, "-C", str(work), "diff", "--cached", "--quiet"]).returncode == 0:
            return None
        identity = []
        if subprocess.run(
            [git, "-C", str(work), "config", "user.email"], capture_output=True
        ).returncode:
            identity = ["-c", "user.name=OCOP catalogue", "-c", "user.email=ocop@localhost"]
        _run(
            [git, "-C", str(work), *identity, "commit", "-q", "-m", f"Release {release.name}"],
            Message("git commit thất bại", "git commit failed"),
        )
        step(
            "push",
            "-q",
            "origin",
            f"HEAD:refs/heads/{target.branch}",
            vi=f"không đẩy được nhánh {target.branch} lên {target.remote}",
            en=f"could not push the {target.branch} branch to {target.remote}",
        )
        return step("rev-parse", "HEAD", vi="git thất bại", en="git failed").strip()


# --- S3-compatible object storage ---------------------------------------------------------------


@dataclass(frozen=True)
class S3Target:
    bucket: str
    prefix: str = ""
    """Key prefix of the site in the bucket ("" or e.g. "ocop/")."""
    endpoint_url: str = ""
    """For S3-compatible services other than AWS (empty: AWS)."""
    region: str = ""
    website: bool = False
    """The bucket is served through its website endpoint: the /p/ and /01/ pages become 301s
    (`x-amz-website-redirect-location`)."""
    delete_after_days: int | None = DELETE_AFTER_DAYS
    """Days a file gone from the release stays in the bucket; None: never deleted."""


@dataclass
class S3Result:
    uploaded: list[str] = field(default_factory=list)
    """Keys uploaded, in upload order (pages last)."""
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    """Keys gone from the release, kept until their grace period ends."""


@dataclass(frozen=True)
class _Upload:
    rel: str
    key: str
    md5: str
    size: int
    meta: dict[str, str]

    @property
    def fingerprint(self) -> str:
        return self.md5 + " " + json.dumps(self.meta, sort_keys=True)


def s3_client(target: S3Target) -> Any:
    """A boto3 client; credentials from the usual places (AWS_* variables, ~/.aws)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise _fail(
            "chưa cài boto3; hãy chạy: .venv/bin/python -m pip install -r requirements.lock",
            "boto3 is not installed; run: .venv/bin/python -m pip install -r requirements.lock",
            setup=True,
        ) from exc
    # Checksums only where required: several S3-compatible services refuse the newer ones.
    config = Config(
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.client(
        "s3",
        endpoint_url=target.endpoint_url or None,
        region_name=target.region or None,
        config=config,
    )


def website_redirects(release: Path, base: str = "/") -> dict[str, str]:
    """Release-relative stub pages (`p/<id>/index.html`…) → the path their 301 leads to, read
    from the release's `_redirects` (its Vietnamese target: object storage cannot look at
    Accept-Language). `base` is the site's base path, which the rules carry."""
    path = release / "_redirects"
    stubs: dict[str, str] = {}
    if not path.is_file():
        return stubs
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[2] != "301" or not parts[0].startswith(base):
            continue
        folder = parts[0][len(base) :]
        if folder.endswith("/") and (release / folder / "index.html").is_file():
            stubs[f"{folder}index.html"] = parts[1]
    return stubs


def _read_manifest(client: Any, target: S3Target) -> dict[str, Any]:
    try:
        reply = client.get_object(Bucket=target.bucket, Key=target.prefix + MANIFEST)
    except client.exceptions.NoSuchKey:
        return {}
    data = json.loads(reply["Body"].read())
    return data if isinstance(data, dict) else {}


def _listing(client: Any, target: S3Target) -> dict[str, tuple[str, int]]:
    """Key → (ETag without quotes, size) of every object under the prefix."""
    found: dict[str, tuple[str, int]] = {}
    pages = client.get_paginator("list_objects_v2").paginate(
        Bucket=target.bucket, Prefix=target.prefix
    )
    for page in pages:
        for item in page.get("Contents", []):
            found[item["Key"]] = (item["ETag"].strip('"'), int(item["Size"]))
    return found


def _plan_upload(release: Path, target: S3Target, base: str) -> list[_Upload]:
    rules = headers.path_rules(())
    redirects = website_redirects(release, base) if target.website else {}
    plan = []
    for rel in release_files(release, host_files=False):
        data = (release / rel).read_bytes()
        meta = {
            "ContentType": headers.content_type(rules, "/" + rel),
            "CacheControl": headers.cache_control(rules, "/" + rel),
        }
        if rel in redirects:
            meta["WebsiteRedirectLocation"] = redirects[rel]
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        plan.append(_Upload(rel, target.prefix + rel, md5, len(data), meta))
    return plan


def deploy_s3(
    release: Path,
    target: S3Target,
    *,
    site_url: str = "/",
    client: Any = None,
    now: dt.datetime | None = None,
    workers: int = UPLOAD_WORKERS,
) -> S3Result:
    """Upload what changed (pages last), then delete what is gone past its grace period.

    An object is unchanged when its size, its recorded checksum and headers (the manifest of the
    last deployment) and, where the ETag is a plain MD5, its ETag all match. Only objects this
    command uploaded are ever deleted: other files under the prefix are left alone."""
    client = client if client is not None else s3_client(target)
    now = now or dt.datetime.now(dt.UTC)
    manifest = _read_manifest(client, target)
    known: dict[str, str] = manifest.get("files", {})
    listing = _listing(client, target)
    plan = _plan_upload(release, target, headers.base_path(site_url))
    result = S3Result()
    changed = []
    for item in plan:
        etag, size = listing.get(item.key, ("", -1))
        plain_md5 = re.fullmatch(r"[0-9a-f]{32}", etag) is not None  # not multipart, not SSE-KMS
        if (
            size == item.size
            and known.get(item.key) == item.fingerprint
            and (not plain_md5 or etag == item.md5)
        ):
            result.unchanged += 1
        else:
            changed.append(item)

    def put(item: _Upload) -> None:
        client.put_object(
            Bucket=target.bucket,
            Key=item.key,
            Body=(release / item.rel).read_bytes(),
            ContentMD5=base64.b64encode(bytes.fromhex(item.md5)).decode(),
            **item.meta,
        )

    # Pages last: a page on the site never links a file that is not there yet.
    pages = [item for item in changed if item.rel.endswith(".html")]
    for batch in ([item for item in changed if not item.rel.endswith(".html")], pages):
        with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
            list(pool.map(put, batch))
        result.uploaded += [item.key for item in batch]

    current = {item.key: item.fingerprint for item in plan}
    gone: dict[str, str] = {
        key: since
        for key, since in manifest.get("gone", {}).items()
        if key not in current and key in listing
    }
    for key in known:
        if key not in current and key in listing:
            gone.setdefault(key, now.isoformat())
    expired = []
    if target.delete_after_days is not None:
        limit = dt.timedelta(days=target.delete_after_days)
        expired = sorted(k for k, s in gone.items() if now - dt.datetime.fromisoformat(s) >= limit)
    for start in range(0, len(expired), 1000):
        client.delete_objects(
            Bucket=target.bucket,
            Delete={"Objects": [{"Key": key} for key in expired[start : start + 1000]]},
        )
    result.deleted = expired
    result.waiting = sorted(key for key in gone if key not in expired)
    record = {
        "files": current,
        "gone": {key: gone[key] for key in result.waiting},
        "release": release.name,
        "deployed": now.isoformat(),
    }
    client.put_object(
        Bucket=target.bucket,
        Key=target.prefix + MANIFEST,
        Body=json.dumps(record, indent=1, sort_keys=True).encode(),
        ContentType="application/json",
        CacheControl="no-store",
    )
    return result


# --- command line -------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `deploy` subcommand's options; each overrides mkdocs.yml `extra.deploy.<target>`."""
    parser.add_argument("target", choices=TARGETS, help="where to (rollback: the ssh server)")
    parser.add_argument(
        "--release", type=Path, default=None, help="release folder (default: what public/ is)"
    )
    ssh = parser.add_argument_group("ssh and rollback (extra.deploy.ssh)")
    ssh.add_argument("--host", default=None, help="user@server; empty or localhost: this machine")
    ssh.add_argument("--path", default=None, help="folder with releases/ and current")
    ssh.add_argument("--keep", type=int, default=None, help=f"releases kept (default {KEEP})")
    ssh.add_argument("--reload", default=None, help="command run on the server after the switch")
    ssh.add_argument("--to", default=None, help="rollback: the release to switch to")
    pages = parser.add_argument_group("github-pages (extra.deploy.github_pages)")
    pages.add_argument("--remote", default=None, help="git remote URL")
    pages.add_argument("--branch", default=None, help="branch (default gh-pages)")
    s3 = parser.add_argument_group("s3 (extra.deploy.s3)")
    s3.add_argument("--bucket", default=None)
    s3.add_argument("--prefix", default=None, help='key prefix, e.g. "ocop/" (default none)')
    s3.add_argument("--endpoint-url", default=None, help="S3-compatible service (default AWS)")
    s3.add_argument("--region", default=None)
    s3.add_argument(
        "--website",
        action="store_true",
        default=None,
        help="bucket website endpoint: 301s for /p/ and /01/",
    )
    s3.add_argument(
        "--delete-after",
        default=None,
        help=f"days before removed files are deleted, or 'never' (default {DELETE_AFTER_DAYS})",
    )


def _required(option: Any, section: Mapping[str, Any], where: str, vi: str, en: str) -> str:
    """A setting with no default: `where` is "ssh.path" (mkdocs.yml) and names the option."""
    key = where.rpartition(".")[2]
    value = str(_pick(option, section, key, ""))
    if not value:
        raise _fail(
            f"chưa đặt {vi}: extra.deploy.{where} trong mkdocs.yml hoặc --{key}",
            f"no {en}: set extra.deploy.{where} in mkdocs.yml or pass --{key}",
            setup=True,
        )
    return value


def _ssh_target(args: argparse.Namespace, section: Mapping[str, Any]) -> SshTarget:
    return SshTarget(
        host=str(_pick(args.host, section, "host", "")),
        path=_required(args.path, section, "ssh.path", "thư mục trên máy chủ", "server folder"),
        keep=_whole(_pick(args.keep, section, "keep", KEEP), "keep", 1),
        reload=str(_pick(args.reload, section, "reload", "")),
    )


def _s3_target(args: argparse.Namespace, section: Mapping[str, Any]) -> S3Target:
    bucket = _required(args.bucket, section, "s3.bucket", "tên bucket", "bucket")
    prefix = str(_pick(args.prefix, section, "prefix", "")).strip("/")
    days = _pick(args.delete_after, section, "delete_after_days", DELETE_AFTER_DAYS)
    if isinstance(days, str):
        days = None if days.strip().lower() == "never" else int(days) if days.isdigit() else days
    return S3Target(
        bucket=bucket,
        prefix=prefix + "/" if prefix else "",
        endpoint_url=str(_pick(args.endpoint_url, section, "endpoint_url", "")),
        region=str(_pick(args.region, section, "region", "")),
        website=bool(_pick(args.website, section, "website", False)),
        delete_after_days=None if days is None else _whole(days, "delete_after_days", 0),
    )


def _size(count: int, lang: Lang) -> str:
    text = f"{count:,}"
    return text.replace(",", ".") if lang == "vi" else text


def _run_target(project: Project, args: argparse.Namespace, lang: Lang) -> Message:
    settings = deploy_settings(project.root)
    if args.target == "rollback":
        target = _ssh_target(args, settings.get("ssh", {}))
        was, now = rollback_ssh(target, args.to)
        return Message(
            f"Đã quay lại: {target.where}/current → releases/{now} (trước đó: {was}).",
            f"Rolled back: {target.where}/current → releases/{now} (was: {was}).",
        )
    release = live_release(args.release or project.public)
    site_url = read_settings(project.root).site_url
    for warning in release_warnings(release, site_url):
        print(f"{warning.vi} / {warning.en}", file=sys.stderr)
    if args.target == "ssh":
        target = _ssh_target(args, settings.get("ssh", {}))
        done = deploy_ssh(release, target)
        linked = Message("", "")
        if done.base:
            linked = Message(
                f", {done.files - done.sent} tệp không đổi là liên kết cứng tới bản {done.base}",
                f", {done.files - done.sent} unchanged files are hard links to {done.base}",
            )
        text = Message(
            f"Đã triển khai {done.stamp} lên {target.where}: chép {done.sent}/{done.files} tệp "
            f"({_size(done.bytes_sent, 'vi')} byte gửi đi){linked.vi}; giữ {len(done.kept)} "
            f"bản, xóa {len(done.pruned)} bản cũ.\n"
            "Quay lại bản trước: python -m generator deploy rollback",
            f"Deployed {done.stamp} to {target.where}: {done.sent}/{done.files} files copied "
            f"({_size(done.bytes_sent, 'en')} bytes sent){linked.en}; {len(done.kept)} "
            f"releases kept, {len(done.pruned)} old ones deleted.\n"
            "Roll back: python -m generator deploy rollback",
        )
        if not target.reload:
            text = Message(
                text.vi + "\nNhớ nạp lại nginx (bản đồ chuyển hướng và tiêu đề được đọc lúc nạp): "
                "sudo nginx -t && sudo systemctl reload nginx",
                text.en + "\nReload nginx (it reads the redirect map and the headers at load "
                "time): sudo nginx -t && sudo systemctl reload nginx",
            )
        return text
    if args.target == "github-pages":
        section = settings.get("github_pages", {})
        remote = _required(args.remote, section, "github_pages.remote", "kho git", "git remote")
        pages = PagesTarget(remote, str(_pick(args.branch, section, "branch", "gh-pages")))
        commit = deploy_github_pages(release, pages, site_url)
        if commit is None:
            return Message(
                f"Nhánh {pages.branch} của {remote} đã giống bản {release.name}: không có gì để đẩy.",
                f"The {pages.branch} branch of {remote} already holds {release.name}: nothing to push.",
            )
        return Message(
            f"Đã đẩy {release.name} lên nhánh {pages.branch} của {remote} ({commit[:12]}).",
            f"Pushed {release.name} to the {pages.branch} branch of {remote} ({commit[:12]}).",
        )
    target_s3 = _s3_target(args, settings.get("s3", {}))
    result = deploy_s3(release, target_s3, site_url=site_url)
    return Message(
        f"Đã tải {len(result.uploaded)} tệp lên s3://{target_s3.bucket}/{target_s3.prefix} "
        f"({result.unchanged} tệp không đổi), xóa {len(result.deleted)} tệp cũ, "
        f"{len(result.waiting)} tệp cũ chờ hết hạn.",
        f"Uploaded {len(result.uploaded)} files to s3://{target_s3.bucket}/{target_s3.prefix} "
        f"({result.unchanged} unchanged), deleted {len(result.deleted)} old files, "
        f"{len(result.waiting)} old files waiting for their grace period.",
    )


def deploy_command(project: Project, args: argparse.Namespace) -> int:
    """`python -m generator deploy TARGET`."""
    lang: Lang = args.lang
    try:
        print(_run_target(project, args, lang).text(lang))
    except (DeploySetupError, BuildFailed) as failure:
        print(failure, file=sys.stderr)
        return EXIT_USAGE
    except DeployFailed as failure:
        print(failure, file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
