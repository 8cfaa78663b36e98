"""Progress of the long steps, and the one process pool they share.

A build of a few thousand photos or spec sheets runs for minutes; an official watching a silent
terminal cannot tell a working build from a hung one. So on a terminal each long step draws one
line that it keeps rewriting (`\\r`): what it does, a bar, done/total and the seconds so far. The
line is erased when the step ends, so what stays on screen is the command's own output and its
one-line summary.

The bar is off unless a command turns it on (`configure`), and `configure` turns it on only when
standard error is a terminal and the `CI` variable is unset: logs of CI runs, pipes, tests and the
benchmark stay free of carriage returns. `OCOP_PROGRESS=0` turns it off by hand, `=1` on.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO, TypeVar

from .errors import Lang

T = TypeVar("T")
R = TypeVar("R")

BAR_WIDTH = 24
REDRAW_SECONDS = 0.1
"""At most ten redraws a second: a terminal over SSH should not spend the build drawing bars."""

LABELS: dict[str, tuple[str, str]] = {
    "photos": ("Ảnh sản phẩm", "Product photos"),
    "share": ("Ảnh chia sẻ", "Share images"),
    "pdf": ("Bảng thông số PDF", "PDF spec sheets"),
    "render": ("Tạo trang", "Writing pages"),
    "mkdocs": ("Dựng trang (MkDocs, 2 ngôn ngữ)", "Building pages (MkDocs, 2 languages)"),
    "publish": ("Kiểm tra và xuất bản", "Checking and publishing"),
}


@dataclass
class _Settings:
    enabled: bool = False
    lang: Lang = "vi"
    stream: TextIO | None = None


_settings = _Settings()


def wanted(stream: TextIO) -> bool:
    """Whether a command writing to `stream` should draw progress bars."""
    forced = os.environ.get("OCOP_PROGRESS")
    if forced in ("0", "1"):
        return forced == "1"
    return stream.isatty() and not os.environ.get("CI")


def configure(lang: Lang, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
    """Called once by a command: draw bars on `stream` (stderr) in `lang` when it is wanted."""
    out = stream or sys.stderr
    _settings.lang = lang
    _settings.stream = out
    _settings.enabled = wanted(out) if enabled is None else enabled


def label(step: str) -> str:
    vi, en = LABELS[step]
    return vi if _settings.lang == "vi" else en


class Bar:
    """One step's progress line. Silent unless progress is configured on."""

    def __init__(self, step: str, total: int | None) -> None:
        self.step = step
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._stream = _settings.stream if _settings.enabled else None
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw(force=self.total is not None and self.done >= self.total)

    def line(self) -> str:
        seconds = int(time.monotonic() - self.started)
        if self.total is None:
            return f"{label(self.step)} … {seconds} s"
        filled = BAR_WIDTH * self.done // max(self.total, 1)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        return f"{label(self.step)}  {bar}  {self.done}/{self.total}  {seconds} s"

    def _draw(self, *, force: bool = False) -> None:
        if self._stream is None:
            return
        now = time.monotonic()
        if not force and now - self._drawn < REDRAW_SECONDS:
            return
        self._drawn = now
        self._stream.write("\r\x1b[K" + self.line())
        self._stream.flush()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._stream = None


@contextmanager
def step(name: str, total: int | None = None) -> Iterator[Bar]:
    """A step with a known count of items (a bar), or without (its name and elapsed seconds)."""
    bar = Bar(name, total)
    try:
        yield bar
    finally:
        bar.close()


def run_tasks(
    work: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int | None,
    step_name: str,
    died: Callable[[], R] | None = None,
    tasks_per_worker: int | None = None,
) -> list[R]:
    """`work` applied to every task, in the order of `tasks`, with a progress bar.

    One worker per core in a process pool; run in this process when there is a single task or
    core, since a pool costs a process start per worker (and a WeasyPrint import for the spec
    sheets), not worth it for a small rebuild. `died` stands in for a task whose worker process
    was killed (out of memory, a crash in a native library): that task fails, the others stand.
    `tasks_per_worker` replaces the workers after that many tasks each, for work whose library
    keeps memory between calls (WeasyPrint: 2 GB per worker after ~2,000 spec sheets).
    """
    count = min(len(tasks), workers or os.cpu_count() or 1)
    with step(step_name, len(tasks)) as bar:
        if count <= 1:
            results = []
            for task in tasks:
                results.append(work(task))
                bar.advance()
            return results
        outcomes: dict[int, R] = {}
        # A fresh pool per batch of `tasks_per_worker` tasks a worker, rather than the pool's
        # own max_tasks_per_child, which hangs in Python 3.11 when a worker retires (tested).
        batch = count * tasks_per_worker if tasks_per_worker else len(tasks)
        for start in range(0, len(tasks), batch):
            with ProcessPoolExecutor(max_workers=count) as pool:
                futures: dict[Future[R], int] = {
                    pool.submit(work, tasks[i]): i
                    for i in range(start, min(start + batch, len(tasks)))
                }
                pending = set(futures)
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        try:
                            outcomes[futures[future]] = future.result()
                        except BrokenProcessPool:
                            if died is None:
                                raise
                            outcomes[futures[future]] = died()
                        bar.advance()
        return [outcomes[i] for i in range(len(tasks))]
