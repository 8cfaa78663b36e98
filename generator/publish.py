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


def prune_releases(build_dir: Path, public: Path, keep: int = KEEP_RELEASES) -> None:
    releases = build_dir / "releases"
    live = current_release(public)
    candidates = sorted((p for p in releases.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in candidates[:-keep]:
        if live is not None and old.resolve() == live:
            continue
        shutil.rmtree(old, ignore_errors=True)


def discard(release: Path) -> None:
    shutil.rmtree(release, ignore_errors=True)
