"""Benchmark the build on synthetic catalogues and compare it with a plain MkDocs floor.

For each size N (`--sizes 100,1000`), in one run:

1. write the synthetic project `build/bench/<N>/` (bench/synth.py; photos are cached between runs);
2. cold build: no `build/` (so an empty image cache and docs trees), no `public/`;
3. no-change rebuild;
4. one-product-changed rebuild: one product's Vietnamese summary edited;
5. the floor: plain `mkdocs build --strict` of bare Markdown pages at the same paths as our build's
   `build/docs-vi` and `build/docs-en` (so the same number of pages per language), with the same
   Material theme, the same short `nav:` and `not_in_nav`, the two languages in parallel processes
   as our build runs them. It is what MkDocs alone costs for that many pages: our no-change rebuild
   should stay within TARGET_FLOOR_RATIO of it.

Every build runs in a wrapper subprocess (`python -m bench.run _child …`) that calls
`generator.build.build()` (or starts the two floor MkDocs builds) and prints its own
`getrusage(RUSAGE_SELF)` and `getrusage(RUSAGE_CHILDREN)` as JSON. Wall time is taken around the
wrapper, so Python start-up and imports count, as they do for `python -m generator build`. The
wrapper's process tree is also sampled from /proc every SAMPLE_SECONDS for the sum of resident
memory, since both MkDocs builds run at the same time.

Usage: python -m bench.run [--sizes 100,1000] [--repeat R] [--write] [--profile] [--from-last]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS_FILE = ROOT / "docs" / "benchmarks.md"
TODAY = "2026-11-28"
LANGS = ("vi", "en")
SAMPLE_SECONDS = 0.1

TARGET_FLOOR_RATIO = 1.5
"""No-change rebuild / floor."""
TARGET_PAGE_BYTES = 30 * 1024
"""Largest product page (HTML, either language)."""
TARGET_GROWTH = 1.25
"""Per-product cost at the largest N / at the smallest N: "constant" means it does not grow; fixed
costs (start-up, theme assets, listing pages) make it fall below 1, which passes."""

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LAST_RUN = ROOT / "build" / "bench" / "last-run.json"
LABELS = {"cold": "cold build", "nochange": "no-change rebuild", "changed": "one product changed"}
MEMORY_METHOD = (
    "max RSS = largest `ru_maxrss` of one process (`getrusage` SELF = the generator, CHILDREN = "
    "its largest child: a MkDocs build or an image worker), printed by a wrapper process that runs "
    "the build; tree RSS = sum of VmRSS over the wrapper's process tree, sampled every "
    f"{SAMPLE_SECONDS:g} s from /proc"
)


class BenchError(Exception):
    """A build under measurement failed; the message holds the end of its output."""


# --- measurements -------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    wall: float
    cpu: float
    rss_self_kb: int
    rss_children_kb: int
    tree_peak_kb: int
    made: int | None = None
    cached: int | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rss_max_kb(self) -> int:
        return max(self.rss_self_kb, self.rss_children_kb)


@dataclass
class Output:
    total_bytes: int
    files: int
    image_bytes: int
    pages_per_lang: dict[str, int]
    product_pages: dict[str, list[int]]

    def all_pages(self) -> list[int]:
        return [size for sizes in self.product_pages.values() for size in sizes]


@dataclass
class SizeResult:
    n: int
    cold: Run
    nochange: Run
    changed: Run
    floor: Run
    output: Output
    floor_pages: int

    @property
    def builds(self) -> list[Run]:
        return [self.cold, self.nochange, self.changed]


@dataclass
class RunInfo:
    date: str
    command: str
    machine: dict[str, str]


def save_results(results: Sequence[SizeResult], run: RunInfo) -> None:
    LAST_RUN.parent.mkdir(parents=True, exist_ok=True)
    data = {"run": asdict(run), "results": [asdict(r) for r in results]}
    LAST_RUN.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def load_results() -> tuple[list[SizeResult], RunInfo]:
    data = json.loads(LAST_RUN.read_text(encoding="utf-8"))
    results = []
    for r in data["results"]:
        runs = {key: Run(**r[key]) for key in ("cold", "nochange", "changed", "floor")}
        results.append(
            SizeResult(r["n"], **runs, output=Output(**r["output"]), floor_pages=r["floor_pages"])
        )
    return results, RunInfo(**data["run"])


def _tree_rss_kb(root_pid: int) -> int:
    """Sum of resident memory of a process and all its descendants (one /proc scan)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * page_kb
    total = 0
    for pid, kb in rss.items():
        p = pid
        while p > 1:
            if p == root_pid:
                total += kb
                break
            p = parent.get(p, 0)
    return total


def _run_wrapper(label: str, args: Sequence[str]) -> Run:
    """Run `python -m bench.run _child <args>`, timing it and sampling its process tree."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.run", "_child", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(SAMPLE_SECONDS):
            peak = max(peak, _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        tail = "\n".join((err or out).strip().splitlines()[-30:])
        raise BenchError(f"{label} failed (exit {proc.returncode}):\n{tail}")
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return Run(
        label,
        wall,
        float(report["cpu"]),
        int(report["rss_self_kb"]),
        int(report["rss_children_kb"]),
        peak,
        report.get("made"),
        report.get("cached"),
        {str(k): float(v) for k, v in report.get("timings", {}).items()},
    )


def build_once(label: str, project: Path, *, profile: Path | None = None) -> Run:
    args = ["build", str(project), TODAY]
    return _run_wrapper(label, [*args, str(profile)] if profile else args)


def floor_once(floor: Path) -> Run:
    for lang in LANGS:
        shutil.rmtree(floor / f"site-{lang}", ignore_errors=True)
    return _run_wrapper("floor", ["floor", str(floor)])


def repeated(times: int, measure: Callable[[int], Run]) -> Run:
    """The run with the median wall time of `times` runs."""
    runs = sorted((measure(k) for k in range(times)), key=lambda r: r.wall)
    return runs[(len(runs) - 1) // 2]


def clean(project: Path) -> None:
    """Cold start: no build folder (image cache, docs trees, releases) and no public/."""
    shutil.rmtree(project / "build", ignore_errors=True)
    public = project / "public"
    if public.is_symlink() or public.is_file():
        public.unlink()
    elif public.is_dir():
        shutil.rmtree(public)


def measure_output(project: Path) -> Output:
    release = (project / "public").resolve()
    total = files = images = 0
    for dirpath, _dirs, names in os.walk(release):
        for name in names:
            size = os.lstat(os.path.join(dirpath, name)).st_size
            total += size
            files += 1
            if Path(dirpath).relative_to(release).parts[:1] == ("anh",):
                images += size
    pages = {
        lang: sum(1 for _ in (project / "build" / f"docs-{lang}").rglob("*.md")) for lang in LANGS
    }
    product_pages = {
        lang: [
            p.stat().st_size
            for p in (release if lang == "vi" else release / lang).glob("san-pham/*/index.html")
        ]
        for lang in LANGS
    }
    return Output(total, files, images, pages, product_pages)


# --- the floor ----------------------------------------------------------------------------------


class _LenientLoader(yaml.SafeLoader):
    """mkdocs.yml may carry Python tags (the slugify function); they are not needed here."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def prepare_floor(project: Path) -> tuple[Path, int]:
    """Bare pages at our build's paths, and a plain Material config per language."""
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), _LenientLoader)
    site_url = str(config.get("site_url") or "http://127.0.0.1:8000/").rstrip("/") + "/"
    features = (config.get("theme") or {}).get("features") or []
    floor = project / "floor"
    pages = 0
    for lang in LANGS:
        source = project / "build" / f"docs-{lang}"
        docs = floor / f"docs-{lang}"
        shutil.rmtree(docs, ignore_errors=True)
        rels = sorted(p.relative_to(source) for p in source.rglob("*.md"))
        for k, rel in enumerate(rels):
            target = docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            title = rel.parent.name or rel.stem
            target.write_text(
                f"# {title}\n\nPage {k} of a bare site of {len(rels)} pages: one "
                "paragraph of plain text and nothing else.\n",
                encoding="utf-8",
            )
        pages = max(pages, len(rels))
        mkdocs_config = {
            "site_name": f"Floor ({lang})",
            "site_url": site_url if lang == "vi" else f"{site_url}{lang}/",
            "docs_dir": f"docs-{lang}",
            "site_dir": f"site-{lang}",
            "use_directory_urls": True,
            "theme": {"name": "material", "language": lang, "features": features},
            "nav": config.get("nav"),
            "not_in_nav": config.get("not_in_nav"),
            "plugins": ["search"],
        }
        (floor / f"mkdocs-{lang}.yml").write_text(
            yaml.safe_dump(mkdocs_config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return floor, pages


# --- the wrapper process ------------------------------------------------------------------------


def _usage() -> dict[str, Any]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "rss_self_kb": own.ru_maxrss,
        "rss_children_kb": kids.ru_maxrss,
    }


def _child_build(project: Path, today: str, profile: str | None) -> int:
    from generator.build import BuildFailed, Project, build
    from generator.errors import ContentErrors

    def run() -> Any:
        return build(Project.at(project), today=dt.date.fromisoformat(today))

    try:
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            result = profiler.runcall(run)
            profiler.dump_stats(profile)
        else:
            result = run()
    except ContentErrors as failure:
        for problem in failure.problems[:30]:
            print(problem.format("en"), file=sys.stderr)
        print(f"{len(failure.problems)} problems", file=sys.stderr)
        return 1
    except BuildFailed as failure:
        print(failure, file=sys.stderr)
        return 3
    report = {
        "made": result.renditions_made,
        "cached": result.renditions_cached,
        "timings": result.timings,
        "pages": result.pages,
        **_usage(),
    }
    print(json.dumps(report))
    return 0


def _child_floor(folder: Path) -> int:
    """Both language builds at once, the way generator.build.run_mkdocs starts ours."""
    from generator.build import mkdocs_command

    procs = [
        subprocess.Popen(
            mkdocs_command(folder / f"mkdocs-{lang}.yml"),
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for lang in LANGS
    ]
    failed = False
    for proc in procs:
        output, _ = proc.communicate()
        if proc.returncode != 0:
            print(output, file=sys.stderr)
            failed = True
    if failed:
        return 3
    print(json.dumps(_usage()))
    return 0


def child(argv: Sequence[str]) -> int:
    if argv[0] == "build":
        return _child_build(Path(argv[1]), argv[2], argv[3] if len(argv) > 3 else None)
    if argv[0] == "floor":
        return _child_floor(Path(argv[1]))
    raise SystemExit(f"unknown child command {argv[0]!r}")


# --- the machine --------------------------------------------------------------------------------


def _first_line(path: str, prefix: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    memory = _first_line("/proc/meminfo", "MemTotal")
    cpus = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    info = {
        "CPUs": f"{cpus}" + (f" ({usable} usable)" if usable != cpus else ""),
        "CPU model": _first_line("/proc/cpuinfo", "model name") or platform.processor() or "?",
        "RAM": f"{int(memory.split()[0]) / 2**20:.1f} GiB" if memory else "?",
        "OS": platform.platform(terse=True),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "MkDocs": _version("mkdocs"),
        "mkdocs-material": _version("mkdocs-material"),
        "Pillow": _version("pillow"),
    }
    if hasattr(os, "getloadavg"):
        info["load average"] = " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1/5/15 min)"
    try:
        quota = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota and quota[0] != "max":
            info["CPU quota"] = f"{int(quota[0]) / int(quota[1]):g} CPUs (cgroup)"
    except (OSError, ValueError, IndexError):
        pass
    return info


# --- report -------------------------------------------------------------------------------------


def _mb(size: float, *, kb: bool = False) -> str:
    """MiB from bytes (one decimal) or from KiB (whole numbers, as RSS is)."""
    return f"{size / 1024:,.0f}" if kb else f"{size / 2**20:,.1f}"


def _kb(size: float) -> str:
    return f"{size / 1024:.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def builds_table(results: Sequence[SizeResult]) -> str:
    rows = []
    for r in results:
        for run in [*r.builds, r.floor]:
            label = LABELS.get(run.label, run.label)
            if run is r.floor:
                label = f"**floor**: MkDocs × 2, {r.floor_pages:,} bare pages/lang"
            renditions = "–" if run.made is None else f"{run.made:,} / {run.cached or 0:,}"
            rows.append(
                [
                    f"{r.n:,}",
                    label,
                    f"{run.wall:.1f}",
                    f"{run.wall / r.n * 1000:.0f}",
                    f"{run.cpu:.1f}",
                    _mb(run.rss_max_kb, kb=True),
                    _mb(run.tree_peak_kb, kb=True),
                    renditions,
                ]
            )
    return _table(
        [
            "N",
            "build",
            "wall s",
            "ms / product",
            "CPU s",
            "max RSS MB",
            "tree RSS MB",
            "renditions made / cached",
        ],
        rows,
    )


def stages_table(results: Sequence[SizeResult]) -> str:
    stages: list[str] = []
    for r in results:
        for run in r.builds:
            stages += [s for s in run.timings if s not in stages]
    rows = [
        [f"{r.n:,}", LABELS[run.label], *(f"{run.timings.get(s, 0.0):.2f}" for s in stages)]
        for r in results
        for run in r.builds
    ]
    return _table(["N", "build", *stages], rows)


def output_table(results: Sequence[SizeResult]) -> str:
    rows = []
    for r in results:
        o = r.output
        pages = [
            f"{_kb(statistics.mean(s)) if s else '–'} / {_kb(max(s)) if s else '–'}"
            for s in (o.product_pages[lang] for lang in LANGS)
        ]
        rows.append(
            [
                f"{r.n:,}",
                f"{o.pages_per_lang['vi']:,}",
                f"{o.files:,}",
                _mb(o.total_bytes),
                _mb(o.image_bytes),
                *pages,
            ]
        )
    return _table(
        [
            "N",
            "pages / lang",
            "files",
            "public/ MB",
            "of which /anh/ MB",
            "product page KB vi (mean / max)",
            "en (mean / max)",
        ],
        rows,
    )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "**FAIL**"


def targets_table(results: Sequence[SizeResult]) -> tuple[str, list[bool]]:
    rows: list[list[str]] = []
    verdicts: list[bool] = []

    def add(name: str, n: str, value: str, limit: str, ok: bool) -> None:
        rows.append([name, n, value, limit, _verdict(ok)])
        verdicts.append(ok)

    for r in results:
        ratio = r.nochange.wall / r.floor.wall
        add(
            "no-change rebuild / floor",
            f"{r.n:,}",
            f"{ratio:.2f}",
            f"≤ {TARGET_FLOOR_RATIO:g}",
            ratio <= TARGET_FLOOR_RATIO,
        )
    for r in results:
        largest = max(r.output.all_pages(), default=0)
        add(
            "product page HTML, largest",
            f"{r.n:,}",
            f"{_kb(largest)} KB",
            f"≤ {TARGET_PAGE_BYTES // 1024} KB",
            largest <= TARGET_PAGE_BYTES,
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        span = f"{large.n:,} vs {small.n:,}"
        for name, a, b in (
            ("cold build per product", small.cold, large.cold),
            ("no-change rebuild per product", small.nochange, large.nochange),
            ("one-changed rebuild per product", small.changed, large.changed),
        ):
            growth = (b.wall / large.n) / (a.wall / small.n)
            add(
                f"{name}, ratio",
                span,
                f"{growth:.2f}",
                f"≤ {TARGET_GROWTH:g} (constant)",
                growth <= TARGET_GROWTH,
            )
    return _table(["target", "N", "value", "limit", "result"], rows), verdicts


def marginal_costs(results: Sequence[SizeResult]) -> str:
    """Slope between the smallest and the largest N: the cost of one more product."""
    if len(results) < 2:
        return ""
    small, large = results[0], results[-1]
    parts = []
    for name, a, b in (
        ("cold", small.cold, large.cold),
        ("no-change", small.nochange, large.nochange),
        ("one changed", small.changed, large.changed),
        ("floor", small.floor, large.floor),
    ):
        parts.append(f"{name} {(b.wall - a.wall) / (large.n - small.n) * 1000:.1f} ms")
    return (
        f"Marginal cost of one more product (slope from N={small.n:,} to N={large.n:,}): "
        + " · ".join(parts)
        + "."
    )


def report(results: Sequence[SizeResult], run: RunInfo, *, for_docs: bool = False) -> str:
    targets, verdicts = targets_table(results)
    machine_line = " · ".join(f"{k}: {v}" for k, v in run.machine.items())
    method = (
        "Method: see *How it is measured* above."
        if for_docs
        else "Wall time is taken around a wrapper process (Python start-up and imports "
        f"included); {MEMORY_METHOD}."
    )
    parts = [
        f"Run on {run.date} with `{run.command}` (build date `--today {TODAY}`).",
        "",
        f"Machine: {machine_line}.",
        "",
        "### Builds",
        "",
        builds_table(results),
        "",
        method,
        "",
        "### Where the time goes (the generator's own stage timings, s)",
        "",
        stages_table(results),
        "",
        "### Output",
        "",
        output_table(results),
        "",
        "### Targets",
        "",
        targets,
        "",
        marginal_costs(results),
        "",
        f"{sum(verdicts)} of {len(verdicts)} targets met.",
    ]
    return "\n".join(parts).rstrip() + "\n"


def docs_head() -> str:
    """The hand-maintained part of docs/benchmarks.md, written when the file does not exist."""
    return f"""# Benchmarks

`make bench` builds synthetic catalogues (bench/synth.py) and times them against a floor: what
MkDocs alone costs for the same number of pages. `make bench BENCH_ARGS="--write"` rewrites the part
of this file between the bench markers; the rest is written by hand and kept.

## How it is measured

- **Catalogue**: N products (default N = 100 and 1,000; `BENCH_ARGS="--sizes 100,1000,5000"`) and
  N/10 producers with every field an editor fills in: bilingual name, summary, Markdown description
  and story, 1–3 OCOP certifications, 1–3 variants with GS1 GTIN-13s (prefix 952), food and trade
  sections, outlets, provenance, and 3 photos. Photos are 1600×1200 phone-like JPEGs of about
  300 KB (camera EXIF, a quarter of them stored sideways with Orientation 6), all different in bytes
  so the content-addressed image cache cannot share work between products.
- **Builds**, in this order: cold (no `build/`: empty image cache and docs trees, no `public/`),
  no-change rebuild, and a rebuild after one product's summary was edited. Each runs
  `generator.build.build()` in its own process, with `--today {TODAY}`.
- **Floor**: `mkdocs build --strict` of bare Markdown pages (a heading and one sentence) at the same
  paths as our build's `build/docs-vi/` and `build/docs-en/`, so the same number of pages per
  language, with the same Material theme, the same short `nav:`, `not_in_nav`, `site_url` and the
  search plugin, but none of our templates, theme overrides or Markdown extensions. Both languages
  build at once in two processes, as ours do. MkDocs always rebuilds everything, so the floor is the
  least any MkDocs-based rebuild of this site can cost; the no-change rebuild target is
  ≤ {TARGET_FLOOR_RATIO:g} × floor.
- **Time**: each build (and the floor) runs in its own wrapper process (`python -m bench.run
  _child …`); wall time is measured around it, so Python start-up and imports count as they do for
  `python -m generator build`. `--repeat R` runs each rebuild and the floor R times and keeps the
  median. The build machine is shared: the load average at the start is recorded with the machine.
- **Memory**: *max RSS* is the largest `ru_maxrss` of a single process, printed by the wrapper from
  `getrusage(RUSAGE_SELF)` (the generator) and `getrusage(RUSAGE_CHILDREN)` (its largest child: a
  MkDocs build or an image worker). *Tree RSS* is the sum of resident memory over the wrapper's whole
  process tree, sampled from /proc every {SAMPLE_SECONDS:g} s: what the machine needs while both
  MkDocs builds run at once.
"""


def write_docs(text: str) -> None:
    block = f"{BEGIN}\n\n## Latest run\n\n{text}\n{END}\n"
    if DOCS_FILE.exists():
        current = DOCS_FILE.read_text(encoding="utf-8")
        if BEGIN in current and END in current:
            head, rest = current.split(BEGIN, 1)
            tail = rest.split(END, 1)[1].lstrip("\n")
            DOCS_FILE.write_text(head + block + ("\n" + tail if tail else ""), encoding="utf-8")
            return
    DOCS_FILE.parent.mkdir(parents=True, exist_ok=True)
    DOCS_FILE.write_text(docs_head() + "\n" + block, encoding="utf-8")


# --- main ---------------------------------------------------------------------------------------


def print_profile(path: Path, limit: int = 25) -> None:
    import pstats

    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)


def bench_size(n: int, repeat: int, profile: bool) -> SizeResult:
    from bench import synth

    started = time.perf_counter()
    project = synth.make_project(n)
    print(
        f"N={n:,}: synthetic project {project.relative_to(ROOT)} ready in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    clean(project)
    cold = build_once("cold", project)
    print(f"N={n:,}: cold build {cold.wall:.1f} s", flush=True)
    output = measure_output(project)
    nochange = repeated(repeat, lambda k: build_once("nochange", project))
    print(f"N={n:,}: no-change rebuild {nochange.wall:.1f} s", flush=True)

    def change(k: int) -> Run:
        synth.edit_summary(project, n // 2, k + 1)
        return build_once("changed", project)

    changed = repeated(repeat, change)
    print(f"N={n:,}: one product changed {changed.wall:.1f} s", flush=True)
    floor_dir, floor_pages = prepare_floor(project)
    floor = repeated(repeat, lambda k: floor_once(floor_dir))
    print(f"N={n:,}: floor ({floor_pages:,} pages/lang) {floor.wall:.1f} s", flush=True)
    if profile:
        prof = project / "nochange.prof"
        build_once("profile", project, profile=prof)
        print(
            f"\ncProfile of a no-change rebuild at N={n:,} (main process only; MkDocs and image "
            f"workers run in child processes): {prof.relative_to(ROOT)}"
        )
        print_profile(prof)
    return SizeResult(n, cold, nochange, changed, floor, output, floor_pages)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="Benchmark builds of synthetic catalogues."
    )
    parser.add_argument(
        "--sizes", default="100,1000", help="comma-separated product counts (default 100,1000)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each rebuild and of the floor; the median is kept",
    )
    parser.add_argument("--write", action="store_true", help="rewrite docs/benchmarks.md")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile one no-change rebuild per size (cProfile)",
    )
    parser.add_argument(
        "--from-last",
        action="store_true",
        help=f"build nothing: report the last run again (saved in {LAST_RUN.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        parser.error("sizes and --repeat must be positive")

    if args.from_last:
        results, run = load_results()
    else:
        command = ("python -m bench.run " + " ".join(argv)) if argv else "make bench"
        run = RunInfo(dt.date.today().isoformat(), command.strip(), machine())
        print(" · ".join(f"{k}: {v}" for k, v in run.machine.items()), flush=True)
        results = []
        try:
            for n in sizes:
                results.append(bench_size(n, args.repeat, args.profile))
        except BenchError as failure:
            print(f"\n{failure}", file=sys.stderr)
            return 1
        save_results(results, run)
    print("\n" + report(results, run))
    if args.write:
        write_docs(report(results, run, for_docs=True))
        print(f"wrote {DOCS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
