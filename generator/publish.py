"""Releases and the atomic switch of `public/`.

`mkdocs build` empties its output first and reports strict failures only at the end, so building in
place can leave an empty or broken site behind. Each build goes into a fresh release folder; only a
release that passed every check becomes `public/`, by replacing a symbolic link in one rename (atomic
on POSIX): a visitor, or rsync to a server, sees either the old site or the new one, never a mix.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

KEEP_RELEASES = 3
"""Old releases kept for a quick rollback (`ln -sfn build/releases/<stamp> public`)."""


def new_release_dir(build_dir: Path) -> Path:
    releases = build_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = releases / stamp
    path.mkdir()
    return path


def current_release(public: Path) -> Path | None:
    if public.is_symlink():
        return (public.parent / os.readlink(public)).resolve()
    return None


def switch(public: Path, release: Path) -> None:
    """Point `public` at `release` atomically; a real folder left by older tools is moved aside."""
    if public.exists() and not public.is_symlink():
        aside = release.parent / f"previous-{release.name}"
        public.rename(aside)
    tmp = public.with_name(f".{public.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(release, public.parent), tmp)
    os.replace(tmp, public)


TRASH = ".trash-"
"""Prefix of a release being deleted (hidden from `ls`, never a candidate for rollback)."""
_DELETE = (
    "import os, shutil, sys\nos.nice(10)\nfor path in sys.argv[1:]:\n    shutil.rmtree(path, True)"
)
_deleting: list[subprocess.Popen[bytes]] = []


def prune_releases(build_dir: Path, public: Path, keep: int = KEEP_RELEASES) -> list[Path]:
    """Drop the releases older than the last `keep` (never the live one); returns them as moved.

    A release holds every file of the site (48,000 at 1,000 products, about a million at 20,000)
    and deleting one took 4.5 s at 1,000 products. It is renamed at once (same folder, one
    rename) and deleted by a detached low-priority process, so the build ends without waiting.
    A deletion that was cut short (machine stopped) is picked up by the next prune."""
    releases = build_dir / "releases"
    live = current_release(public)
    doomed = sorted(p for p in releases.iterdir() if p.name.startswith(TRASH))
    candidates = sorted(
        (p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(TRASH)),
        key=lambda p: p.name,
    )
    for old in candidates[:-keep]:
        if live is not None and old.resolve() == live:
            continue
        trash = releases / f"{TRASH}{old.name}"
        os.replace(old, trash)
        doomed.append(trash)
    _deleting[:] = [proc for proc in _deleting if proc.poll() is None]  # reap finished ones
    if doomed:
        _deleting.append(
            subprocess.Popen(
                [sys.executable, "-c", _DELETE, *map(str, doomed)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # outlives the build command
            )
        )
    return doomed


def wait_for_deletions() -> None:
    """Wait until the releases being deleted are gone (tests, and tools that measure disk use)."""
    for proc in _deleting:
        proc.wait()
    _deleting.clear()


def discard(release: Path) -> None:
    shutil.rmtree(release, ignore_errors=True)
