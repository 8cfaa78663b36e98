"""Progress bars of the long steps, and the one-line summaries of the commands."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import progress
from generator.build import Project
from generator.cli import done

from .conftest import ROOT


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _square(n: int) -> int:
    return n * n


@pytest.fixture(autouse=True)
def _quiet_again() -> object:
    yield
    progress.configure("vi", io.StringIO(), enabled=False)


def test_bars_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("OCOP_PROGRESS", raising=False)
    assert progress.wanted(Terminal())
    assert not progress.wanted(io.StringIO())  # a pipe or a log file
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(Terminal())
    monkeypatch.setenv("OCOP_PROGRESS", "1")
    assert progress.wanted(io.StringIO())
    monkeypatch.setenv("OCOP_PROGRESS", "0")
    monkeypatch.delenv("CI")
    assert not progress.wanted(Terminal())


def test_a_step_draws_its_bar_and_erases_it() -> None:
    out = Terminal()
    progress.configure("vi", out, enabled=True)
    with progress.step("photos", 4) as bar:
        for _ in range(4):
            bar.advance()
    frames = out.getvalue().split("\r\x1b[K")
    assert frames[0] == ""
    assert frames[1].startswith("Ảnh sản phẩm  " + "░" * progress.BAR_WIDTH + "  0/4  ")
    assert re.fullmatch(r"Ảnh sản phẩm  █{24}  4/4  \d+ s", frames[-2])
    assert frames[-1] == ""  # the line is erased: the command's summary follows on a clean line


def test_english_labels_and_a_step_without_a_count() -> None:
    out = Terminal()
    progress.configure("en", out, enabled=True)
    with progress.step("mkdocs"):
        pass
    assert out.getvalue().split("\r\x1b[K")[1] == "Building pages (MkDocs, 2 languages) … 0 s"


def test_silent_when_not_configured() -> None:
    out = Terminal()
    progress.configure("vi", out, enabled=False)
    with progress.step("pdf", 3) as bar:
        bar.advance(3)
    assert out.getvalue() == ""


@pytest.mark.parametrize(("workers", "per_worker"), [(1, None), (2, None), (2, 3)])
def test_run_tasks_keeps_the_order_of_the_tasks(workers: int, per_worker: int | None) -> None:
    out = Terminal()
    progress.configure("vi", out, enabled=True)
    tasks = list(range(30, 0, -1))
    done = progress.run_tasks(
        _square, tasks, workers=workers, step_name="share", tasks_per_worker=per_worker
    )
    assert done == [n * n for n in tasks]
    assert "Ảnh chia sẻ  " + "█" * progress.BAR_WIDTH + "  30/30" in out.getvalue()


def test_summary_line_of_other_commands() -> None:
    counts = [(19, "sản phẩm", "products"), (39, "mã QR", "QR codes")]
    assert done("vi", counts, 0.54) == "19 sản phẩm · 39 mã QR · 0,5 giây"
    assert done("en", counts, 0.54) == "19 products · 39 QR codes · 0.5 s"


def _cli(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args, "--root", str(project.root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )


def test_qr_and_report_end_with_a_summary_and_lang_works_before_the_command(
    project: Project, tmp_path: Path
) -> None:
    listing = _cli(project, "--lang", "en", "qr", "--today", "2026-11-28")
    codes = listing.stdout.splitlines()
    # "<code text>  v3 M ≥20 mm  <product id> <label>": every product has its page's code.
    products = {line.split("  ")[2].split()[0] for line in codes}
    assert re.fullmatch(
        rf"{len(products)} products · {len(codes)} QR codes · \d+\.\d s\n", listing.stderr
    )
    assert "\r" not in listing.stderr  # CI: no progress bars in the log
    report = _cli(project, "report", "--today", "2026-11-28", "--out", str(tmp_path))
    last = report.stderr.splitlines()[-1]
    assert re.fullmatch(
        rf"{len(products)} sản phẩm · \d+ việc cần làm · 0 cảnh báo · \d+,\d giây", last
    )
