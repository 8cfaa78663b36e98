"""Benchmark the build on synthetic catalogues and compare it with a plain MkDocs floor.

For each size N (`--sizes 1000,5000`), in one run:

1. write the synthetic project `build/bench/<N>/` (bench/synth.py; photos are cached between runs;
   `--distinct-photos K` makes products reuse K different photos);
2. first build: no `build/` and no `public/` in the project; the rendition, share-image, QR and
   PDF caches live in one folder for every N (`build/bench/cache`, `--cache`), so a size reuses
   the work of the products it shares with a smaller one. With `--cold` that folder is emptied
   before the first size: its first build is then a real cold build;
3. full build with warm caches: the project's `build/` and `public/` removed again, caches kept;
4. no-change rebuild;
5. one-product-changed rebuild: one product's Vietnamese summary edited;
6. one-photo-changed rebuild: one product's main photo replaced by new bytes (another picture,
   re-encoded);
7. the floor: plain `mkdocs build --strict` of bare Markdown pages at the same paths as our build's
   `build/docs-vi` and `build/docs-en` (so the same number of pages per language), with the same
   Material theme, the same short `nav:` and `not_in_nav`, the two languages in parallel processes
   as our build runs them.

Every build runs in a wrapper subprocess (`python -m bench.run _child …`) that calls
`generator.build.build()` (or starts the two floor MkDocs builds) and prints its own
`getrusage(RUSAGE_SELF)` and `getrusage(RUSAGE_CHILDREN)` as JSON. Wall time is taken around the
wrapper, so Python start-up and imports count, as they do for `python -m generator build`. The
wrapper's process tree is also sampled from /proc every SAMPLE_SECONDS for the sum of resident
memory, since both MkDocs builds run at the same time. The wrapper also times the images stage
(`process_photos` and `share_images`) and the PDF stage (`write_spec_sheets`) with the CPU time of
the main process and of its workers (`RUSAGE_CHILDREN`, plus live descendants read from /proc).

The wrappers run a snapshot of `generator/` and `bench/` taken when the run starts
(`build/bench/code/`), so edits to the working tree during a long run do not mix versions.

`--skip first,photo,…` leaves builds out (the full build is always run): at 20,000 products each
build takes a quarter of an hour, and the first build differs from the full one only after a code
change. Without the first build, the output is measured on the full build's release.

Usage: python -m bench.run [--sizes 1000,5000] [--distinct-photos K] [--cold] [--repeat R]
       [--skip first,nochange,changed,photo] [--write] [--profile] [--from-last]
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from bench import weight

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
CACHE_DIR = BENCH_DIR / "cache"
CODE_DIR = BENCH_DIR / "code"
DOCS_FILE = ROOT / "docs" / "benchmarks.md"
TODAY = "2026-11-28"
LANGS = ("vi", "en")
SAMPLE_SECONDS = 0.1
PSS_EVERY = 5
"""Pss (smaps_rollup walks the page tables, dearer than stat) is read every 5th sample."""
DEFAULT_SIZES = "1000,5000"
DEFAULT_DISTINCT = 3000
"""Different photos by default: every photo of N = 1,000 is its own; larger N reuse them."""

TARGET_N = 20_000
"""The size the targets are set for; smaller N are reported against the same limits."""
TARGET_FULL_RATIO = 2.0
"""Full build with warm caches / floor."""
TARGET_NOCHANGE_RATIO = 1.2
"""No-change rebuild / floor."""
TARGET_MEMORY_MB = 2048
"""Peak resident memory of the build's process tree."""
TARGET_IMAGE_CPU = 0.90
"""CPU time of the image workers / (wall time of the images stage × cores), when encoding."""
MIN_ENCODED = 100
"""Below this many renditions made, a build's images stage is too short to judge utilisation."""
TARGET_GROWTH = 1.25
"""Per-product cost at the largest N / at the smallest N: "flat" means it does not grow; fixed
costs (start-up, theme assets) make it fall below 1, which passes."""
TARGET_PAGE_WEIGHT = 120 * 1024
"""Product page first load, gzip'd: HTML + CSS + JS + fonts (bench/weight.py)."""
TARGET_PHOTO_BYTES = 80 * 1024
"""The main photo rendition a 360 px wide phone picks (DPR 2 and 3)."""
VIEWPORT = 360
DPRS = (2, 3)

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LAST_RUN = BENCH_DIR / "last-run.json"
BUILDS = ("first", "full", "nochange", "changed", "photo")
LABELS = {
    "first": "first build",
    "full": "full build, caches warm",
    "nochange": "no-change rebuild",
    "changed": "one product changed",
    "photo": "one photo changed",
}
IMAGE_CACHES = ("images", "share")
MEMORY_METHOD = (
    "max RSS = largest `ru_maxrss` of one process (`getrusage` SELF = the generator, CHILDREN = "
    "its largest child: a MkDocs build or an image worker), printed by a wrapper process that runs "
    "the build; tree RSS = sum of VmRSS over the wrapper's process tree, sampled every "
    f"{SAMPLE_SECONDS:g} s from /proc (pages a forked worker shares with its parent count in "
    f"both); tree PSS = sum of Pss (shared pages split), sampled every "
    f"{SAMPLE_SECONDS * PSS_EVERY:g} s"
)


class BenchError(Exception):
    """A build under measurement failed; the message holds the end of its output."""


# --- measurements -------------------------------------------------------------------------------


@dataclass
class Stage:
    """One instrumented stage of a build: wall time, CPU of the main process and of workers."""

    wall: float = 0.0
    main_cpu: float = 0.0
    worker_cpu: float = 0.0
    machine_cpu: float = 0.0
    """Busy CPU seconds of the whole machine meanwhile (/proc/stat): the rest is other work."""

    @property
    def others_cpu(self) -> float:
        return max(0.0, self.machine_cpu - self.main_cpu - self.worker_cpu)

    def utilisation(self, cores: int) -> float:
        return self.worker_cpu / (self.wall * cores) if self.wall > 0 else 0.0


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
    new_renditions: int | None = None
    """Rendition and share-image files that appeared in the cache during the build."""
    new_pdfs: int | None = None
    stages: dict[str, Stage] = field(default_factory=dict)
    tree_pss_kb: int = 0
    """Peak of the summed proportional set size (pages shared after fork counted once)."""
    pages: int | None = None
    """Generated pages of both languages."""
    pages_kept: int | None = None
    """Product, QR, producer and listing pages kept from the last build, not rendered again."""

    @property
    def rss_max_kb(self) -> int:
        return max(self.rss_self_kb, self.rss_children_kb)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Run:
        stages = {k: Stage(**v) for k, v in data.pop("stages", {}).items()}
        return cls(**data, stages=stages)


@dataclass
class Output:
    total_bytes: int
    """public/ with every hard-linked file counted once."""
    files: int
    image_bytes: int
    pages_per_lang: dict[str, int]
    product_pages: dict[str, list[int]]
    page_weight: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per language, the largest product page's first load: html, css, js, font, total (gzip),
    deferred (what the first interaction adds) and search (search indexes before interaction)."""
    main_photo: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per DPR ("2", "3"): width, largest and mean bytes of the picked main-photo rendition."""
    search: dict[str, int] = field(default_factory=dict)

    def all_pages(self) -> list[int]:
        return [size for sizes in self.product_pages.values() for size in sizes]


@dataclass
class SizeResult:
    n: int
    distinct_photos: int | None
    runs: dict[str, Run]
    floor: Run
    output: Output
    floor_pages: int
    cores: int

    @property
    def builds(self) -> list[Run]:
        return [self.runs[key] for key in BUILDS if key in self.runs]

    @property
    def photos_repeat(self) -> bool:
        return self.distinct_photos is not None and self.distinct_photos < 3 * self.n


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
    results = [
        SizeResult(
            r["n"],
            r["distinct_photos"],
            {key: Run.from_json(run) for key, run in r["runs"].items()},
            Run.from_json(r["floor"]),
            Output(**r["output"]),
            r["floor_pages"],
            r["cores"],
        )
        for r in data["results"]
    ]
    return results, RunInfo(**data["run"])


# --- processes ----------------------------------------------------------------------------------


def _processes() -> Iterator[tuple[int, int, int, float]]:
    """(pid, parent pid, resident KiB, CPU seconds) of every process, from /proc."""
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        yield int(entry.name), int(fields[1]), int(fields[21]) * page_kb, cpu


def _tree(root_pid: int) -> list[tuple[int, int, float]]:
    """(pid, resident KiB, CPU seconds) of a process and all its descendants (one /proc scan)."""
    table = list(_processes())
    parent = {pid: ppid for pid, ppid, _rss, _cpu in table}
    found = []
    for pid, _ppid, rss, cpu in table:
        p = pid
        while p > 1:
            if p == root_pid:
                found.append((pid, rss, cpu))
                break
            p = parent.get(p, 0)
    return found


def _tree_rss_kb(root_pid: int) -> int:
    return sum(rss for _pid, rss, _cpu in _tree(root_pid))


def _tree_pss_kb(root_pid: int) -> int:
    """Sum of Pss over a process tree: forked workers share their parent's pages until they
    write them, and RSS counts those pages once per process."""
    total = 0
    for pid, _rss, _cpu in _tree(root_pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                total += next((int(x.split()[1]) for x in rollup if x.startswith("Pss:")), 0)
        except (OSError, ValueError):
            continue
    return total


# --- one build ----------------------------------------------------------------------------------


def snapshot_code() -> Path:
    """Copy generator/ and bench/ into CODE_DIR: the code every wrapper of this run imports."""
    shutil.rmtree(CODE_DIR, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("generator", "bench"):
        shutil.copytree(ROOT / package, CODE_DIR / package, ignore=ignore)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    (CODE_DIR / "VERSION").write_text(f"{code_version()}, snapshot {stamp}", encoding="utf-8")
    return CODE_DIR


def _run_wrapper(label: str, args: Sequence[str], code: Path) -> Run:
    """Run `python -m bench.run _child <args>` from `code`, timing it and sampling its tree."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.run", "_child", *args],
        cwd=code,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        count = 0
        while not done.wait(SAMPLE_SECONDS):
            peak = max(peak, _tree_rss_kb(proc.pid))
            count += 1
            if count % PSS_EVERY == 0:
                peak_pss = max(peak_pss, _tree_pss_kb(proc.pid))

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
        stages={k: Stage(**v) for k, v in report.get("stages", {}).items()},
        tree_pss_kb=peak_pss,
        pages=report.get("pages"),
        pages_kept=report.get("pages_kept"),
    )


def _count_files(folder: Path, *, suffix: str | None = None, skip: str = ".json") -> int:
    """Files under a cache folder (counted outside the timed build)."""
    count = 0
    for _dirpath, _dirs, names in os.walk(folder):
        count += sum(1 for n in names if (n.endswith(suffix) if suffix else not n.endswith(skip)))
    return count


def _cache_counts(cache: Path) -> tuple[int, int]:
    renditions = sum(_count_files(cache / name) for name in IMAGE_CACHES)
    return renditions, _count_files(cache / "pdf", suffix=".pdf")


def build_once(
    label: str, project: Path, cache: Path, code: Path, *, profile: Path | None = None
) -> Run:
    args = ["build", str(project), TODAY, str(cache)]
    renditions, pdfs = _cache_counts(cache)
    run = _run_wrapper(label, [*args, str(profile)] if profile else args, code)
    renditions_after, pdfs_after = _cache_counts(cache)
    run.new_renditions, run.new_pdfs = renditions_after - renditions, pdfs_after - pdfs
    return run


def floor_once(floor: Path, code: Path) -> Run:
    for lang in LANGS:
        shutil.rmtree(floor / f"site-{lang}", ignore_errors=True)
    return _run_wrapper("floor", ["floor", str(floor)], code)


def repeated(times: int, measure: Callable[[int], Run]) -> Run:
    """The run with the median wall time of `times` runs."""
    runs = sorted((measure(k) for k in range(times)), key=lambda r: r.wall)
    return runs[(len(runs) - 1) // 2]


def clean(project: Path) -> None:
    """No build folder (docs trees, releases) and no public/ in the project."""
    shutil.rmtree(project / "build", ignore_errors=True)
    public = project / "public"
    if public.is_symlink() or public.is_file():
        public.unlink()
    elif public.is_dir():
        shutil.rmtree(public)


# --- the output ---------------------------------------------------------------------------------


def _public_size(release: Path) -> tuple[int, int, int]:
    """Bytes (hard links counted once), files, and bytes under /anh/."""
    total = files = images = 0
    seen: set[tuple[int, int]] = set()
    for dirpath, _dirs, names in os.walk(release):
        in_images = Path(dirpath).relative_to(release).parts[:1] == ("anh",)
        for name in names:
            stat = os.lstat(os.path.join(dirpath, name))
            files += 1
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_size
            if in_images:
                images += stat.st_size
    return total, files, images


def _page_weight(page: Path, site: Path) -> dict[str, int]:
    w = weight.page_weight(page, site)
    figures = {kind: w.sent(kind) for kind in ("html", "css", "js", "font")}
    return {
        **figures,
        "total": w.sent(),
        "deferred": w.deferred_sent,
        "search": len(w.search_before_interaction),
        "missing": len(w.missing),
    }


def _main_photos(pages: Sequence[Path], site: Path) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {}
    for dpr in DPRS:
        picks = [p for p in (weight.picked_rendition(x, site, VIEWPORT, dpr) for x in pages) if p]
        if picks:
            found[str(dpr)] = {
                "width": max(p.width for p in picks),
                "max": max(p.bytes for p in picks),
                "mean": statistics.mean(p.bytes for p in picks),
            }
    return found


def _search_payload(release: Path) -> dict[str, int]:
    """The catalogue's own index (search-index/), Material's search_index.json per language,
    and what the search page loads before anyone types."""
    index_bytes = index_gzip = index_files = largest = 0
    for path in (release / "search-index").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            packed = weight.gzip_size(data)
            index_files += 1
            index_bytes += len(data)
            index_gzip += packed
            largest = max(largest, packed)
    figures = {
        "index_files": index_files,
        "index_bytes": index_bytes,
        "index_gzip": index_gzip,
        "index_largest_gzip": largest,
    }
    for lang in LANGS:
        material = release / ("" if lang == "vi" else lang) / "search" / "search_index.json"
        figures[f"material_{lang}_gzip"] = (
            weight.gzip_size(material.read_bytes()) if material.is_file() else 0
        )
    page = release / "tim-kiem" / "index.html"
    if page.is_file():
        first = weight.page_weight(page, release)
        figures["page_first_load"] = first.sent()
        figures["page_search_files"] = len(first.search_before_interaction)
    return figures


def measure_output(project: Path) -> Output:
    release = (project / "public").resolve()
    total, files, images = _public_size(release)
    pages = {
        lang: sum(1 for _ in (project / "build" / f"docs-{lang}").rglob("*.md")) for lang in LANGS
    }
    product_files = {
        lang: sorted((release if lang == "vi" else release / lang).glob("san-pham/*/index.html"))
        for lang in LANGS
    }
    product_pages = {
        lang: [p.stat().st_size for p in files] for lang, files in product_files.items()
    }
    page_weight = {
        lang: _page_weight(max(paths, key=lambda p: p.stat().st_size), release)
        for lang, paths in product_files.items()
        if paths
    }
    return Output(
        total,
        files,
        images,
        pages,
        product_pages,
        page_weight,
        _main_photos(product_files["vi"], release),
        _search_payload(release),
    )


# --- the floor ----------------------------------------------------------------------------------


class LenientLoader(yaml.SafeLoader):
    """mkdocs.yml may carry Python tags (the slugify function); they are not needed here."""


LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def prepare_floor(project: Path) -> tuple[Path, int]:
    """Bare pages at our build's paths, and a plain Material config per language."""
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), LenientLoader)
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


def _cpu_now() -> tuple[float, float, float]:
    """CPU seconds of this process, of its children (reaped: getrusage; alive: /proc), and busy
    CPU seconds of the whole machine (/proc/stat: all but idle and iowait)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    alive = sum(cpu for pid, _rss, cpu in _tree(os.getpid()) if pid != os.getpid())
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(x) for x in stat.readline().split()[1:9]]
        machine = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        machine = 0.0
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime + alive, machine


def _instrument(stages: dict[str, Stage]) -> None:
    """Time the images stage (photo renditions and share images) and the PDF stage of build()."""
    from generator import build, share, specsheet

    def wrap(owner: Any, name: str, stage: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            before = _cpu_now()
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                main, workers, machine = (b - a for a, b in zip(before, _cpu_now(), strict=True))
                record = stages.setdefault(stage, Stage())
                record.wall += time.perf_counter() - started
                record.main_cpu += main
                record.worker_cpu += workers
                record.machine_cpu += machine

        setattr(owner, name, timed)

    wrap(build, "process_photos", "images")
    wrap(share, "share_images", "images")
    wrap(specsheet, "write_spec_sheets", "pdf")


def _child_build(project: Path, today: str, cache: Path, profile: str | None) -> int:
    from generator.build import BuildFailed, Project, build
    from generator.errors import ContentErrors

    stages: dict[str, Stage] = {}
    _instrument(stages)

    def run() -> Any:
        return build(Project.at(project, cache_dir=cache), today=dt.date.fromisoformat(today))

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
        "pages_kept": result.pages_kept,
        "stages": {name: asdict(stage) for name, stage in stages.items()},
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
        profile = argv[4] if len(argv) > 4 else None
        return _child_build(Path(argv[1]), argv[2], Path(argv[3]), profile)
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


def code_version() -> str:
    """The commit the snapshot was taken from, and whether generator/ or bench/ had edits."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "generator", "bench"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{commit or '?'}" + (" + uncommitted changes in generator/ or bench/" if dirty else "")


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


def _photos(r: SizeResult) -> str:
    if not r.photos_repeat:
        return f"{r.n:,} · {3 * r.n:,} photos, all distinct"
    return f"{r.n:,} · {3 * r.n:,} photos, {r.distinct_photos:,} distinct (repeating)"


def label(r: SizeResult, run: Run) -> str:
    if run is r.floor:
        return f"**floor**: MkDocs × 2, {r.floor_pages:,} bare pages/lang"
    if run.label == "first":
        if not run.cached and run.new_pdfs:
            return "cold build (empty caches)"
        return "first build (caches of earlier runs)"
    return LABELS.get(run.label, run.label)


def builds_table(results: Sequence[SizeResult]) -> str:
    rows = []
    for r in results:
        for run in [*r.builds, r.floor]:
            renditions = "–" if run.made is None else f"{run.made:,} / {run.cached or 0:,}"
            rows.append(
                [
                    _photos(r),
                    label(r, run),
                    f"{run.wall:.1f}",
                    f"{run.wall / r.n * 1000:.1f}",
                    f"{run.wall / r.floor.wall:.2f}",
                    f"{run.cpu:.1f}",
                    _mb(run.rss_max_kb, kb=True),
                    _mb(run.tree_peak_kb, kb=True),
                    _mb(run.tree_pss_kb, kb=True) if run.tree_pss_kb else "–",
                    renditions,
                    "–" if run.new_renditions is None else f"{run.new_renditions:,}",
                    "–" if run.new_pdfs is None else f"{run.new_pdfs:,}",
                ]
            )
    return _table(
        [
            "N · photos",
            "build",
            "wall s",
            "ms / product",
            "× floor",
            "CPU s",
            "max RSS MB",
            "tree RSS MB",
            "tree PSS MB",
            "renditions made / cached",
            "new in cache",
            "PDFs made",
        ],
        rows,
    )


def stages_table(results: Sequence[SizeResult]) -> str:
    stages: list[str] = []
    for r in results:
        for run in r.builds:
            stages += [s for s in run.timings if s not in stages]
    rows = [
        [f"{r.n:,}", label(r, run), *(f"{run.timings.get(s, 0.0):.2f}" for s in stages)]
        for r in results
        for run in r.builds
    ]
    return _table(["N", "build", *stages], rows)


def work_table(results: Sequence[SizeResult]) -> str:
    """The instrumented images and PDF stages of the builds that made something."""
    rows = []
    for r in results:
        for run in r.builds:
            if not (run.made or run.new_pdfs):
                continue
            images, pdf = run.stages.get("images", Stage()), run.stages.get("pdf", Stage())
            made = run.made or 0
            per_rendition = images.worker_cpu / made * 1000 if made >= MIN_ENCODED else None
            sheets = run.new_pdfs or 0
            per_sheet = (
                f"{pdf.wall / sheets:.3f} / {pdf.worker_cpu / sheets:.3f}"
                if sheets >= MIN_ENCODED
                else "–"
            )
            others = (
                f"{images.others_cpu / (images.wall * r.cores):.0%}"
                if images.machine_cpu and images.wall
                else "not measured"
            )
            rows.append(
                [
                    f"{r.n:,}",
                    label(r, run),
                    f"{images.wall:.1f}",
                    f"{images.main_cpu:.1f}",
                    f"{images.worker_cpu:.1f}",
                    f"{images.utilisation(r.cores):.0%}",
                    others,
                    f"{made:,}",
                    "–" if per_rendition is None else f"{per_rendition:.0f}",
                    f"{pdf.wall:.1f}",
                    f"{sheets:,}",
                    per_sheet,
                ]
            )
    return _table(
        [
            "N",
            "build",
            "images wall s",
            "main CPU s",
            "workers CPU s",
            "workers busy (of all cores)",
            "other processes busy",
            "renditions made",
            "worker CPU ms / rendition",
            "PDF wall s",
            "PDFs made",
            "s / sheet (wall / worker CPU)",
        ],
        rows,
    )


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
                f"{o.total_bytes / r.n / 1024:,.0f}",
                *pages,
            ]
        )
    return _table(
        [
            "N",
            "pages / lang",
            "files",
            "public/ MB (hard links once)",
            "of which /anh/ MB",
            "KB of public/ per product",
            "product page HTML KB vi (mean / max)",
            "en (mean / max)",
        ],
        rows,
    )


def phone_table(results: Sequence[SizeResult]) -> str:
    rows = []
    for r in results:
        for lang, w in r.output.page_weight.items():
            photo = [
                f"{int(p['width'])} w · {_kb(p['max'])} / {_kb(p['mean'])}"
                for p in (r.output.main_photo.get(str(dpr)) for dpr in DPRS)
                if p
            ]
            rows.append(
                [
                    f"{r.n:,}",
                    lang,
                    *(_kb(w[k]) for k in ("html", "css", "js", "font")),
                    f"**{_kb(w['total'])}**",
                    _kb(w["deferred"]),
                    str(w["search"]),
                    *(photo if lang == "vi" else ["same" for _ in photo]),
                ]
            )
    return _table(
        [
            "N",
            "lang",
            "HTML",
            "CSS",
            "JS",
            "fonts",
            "first load",
            "+ first interaction",
            "search files before interaction",
            *(f"main photo, 360 px DPR {d}: picked · max / mean KB" for d in DPRS),
        ],
        rows,
    )


def search_table(results: Sequence[SizeResult]) -> str:
    rows = []
    for r in results:
        s = r.output.search
        rows.append(
            [
                f"{r.n:,}",
                f"{s.get('index_files', 0):,}",
                _mb(s.get("index_bytes", 0)),
                _mb(s.get("index_gzip", 0)),
                _kb(s.get("index_largest_gzip", 0)),
                f"{_kb(s.get('material_vi_gzip', 0))} / {_kb(s.get('material_en_gzip', 0))}",
                _kb(s.get("page_first_load", 0)),
                str(s.get("page_search_files", 0)),
            ]
        )
    return _table(
        [
            "N",
            "catalogue index files",
            "MB",
            "gzip MB",
            "largest file gzip KB",
            "Material search_index.json gzip KB vi / en",
            "search page first load KB (gzip)",
            "index files in it",
        ],
        rows,
    )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "**FAIL**"


def _at(n: int) -> str:
    return f"{n:,}" + (" (target size)" if n == TARGET_N else "")


def targets_table(results: Sequence[SizeResult]) -> tuple[str, list[bool]]:
    rows: list[list[str]] = []
    verdicts: list[bool] = []

    def add(name: str, n: str, value: str, limit: str, ok: bool) -> None:
        rows.append([name, n, value, limit, _verdict(ok)])
        verdicts.append(ok)

    for r in results:
        for key, limit in (("full", TARGET_FULL_RATIO), ("nochange", TARGET_NOCHANGE_RATIO)):
            if key in r.runs:
                wall = r.runs[key].wall
                add(
                    f"{LABELS[key]} / floor",
                    _at(r.n),
                    f"{wall:.1f} s / {r.floor.wall:.1f} s = {wall / r.floor.wall:.2f}",
                    f"≤ {limit:g}",
                    wall / r.floor.wall <= limit,
                )
        tree = max(run.tree_peak_kb for run in r.builds) / 1024
        single = max(run.rss_max_kb for run in r.builds) / 1024
        pss = max(run.tree_pss_kb for run in r.builds) / 1024
        # Judged on PSS where it was sampled: image and PDF workers are forked from the
        # generator and share its pages, which RSS counts once per process (at 20,000 products a
        # one-photo build read 2,929 MB of tree RSS for 1,162 MB of PSS).
        judged = pss or tree
        add(
            "peak memory (tree PSS; tree RSS, largest process)",
            _at(r.n),
            (f"{pss:,.0f} MB (" if pss else "(PSS not sampled; ")
            + f"tree RSS {tree:,.0f} MB, largest process {single:,.0f} MB)",
            f"≤ {TARGET_MEMORY_MB:,} MB",
            judged <= TARGET_MEMORY_MB,
        )
        for run in r.builds:
            images = run.stages.get("images")
            if images and (run.made or 0) >= MIN_ENCODED:
                busy = images.utilisation(r.cores)
                add(
                    f"image workers busy while encoding ({label(r, run)})",
                    _at(r.n),
                    f"{images.worker_cpu:.0f} CPU s / ({images.wall:.0f} s × {r.cores}) "
                    f"= {busy:.0%}"
                    + (
                        f" (other processes: {images.others_cpu / (images.wall * r.cores):.0%})"
                        if images.machine_cpu
                        else ""
                    ),
                    f"≥ {TARGET_IMAGE_CPU:.0%}",
                    busy >= TARGET_IMAGE_CPU,
                )
        for run in r.builds:
            if run.made:
                add(
                    f"renditions made = unique new renditions ({label(r, run)})",
                    _at(r.n),
                    f"{run.made:,} made, {run.new_renditions or 0:,} new in the cache",
                    "equal",
                    run.made == run.new_renditions,
                )
        w = max(r.output.page_weight.values(), key=lambda x: x["total"], default=None)
        if w:
            add(
                "product page first load (HTML + CSS + JS + fonts, gzip), largest",
                _at(r.n),
                f"{_kb(w['total'])} KB",
                f"≤ {TARGET_PAGE_WEIGHT // 1024} KB",
                w["total"] <= TARGET_PAGE_WEIGHT,
            )
            searches = sum(x["search"] for x in r.output.page_weight.values())
            add(
                "search index files a product page loads before interaction",
                _at(r.n),
                str(searches),
                "0",
                searches == 0,
            )
        for dpr in DPRS:
            photo = r.output.main_photo.get(str(dpr))
            if photo:
                add(
                    f"main photo picked at 360 px, DPR {dpr}, largest",
                    _at(r.n),
                    f"{_kb(photo['max'])} KB ({int(photo['width'])} w)",
                    f"≤ {TARGET_PHOTO_BYTES // 1024} KB",
                    photo["max"] <= TARGET_PHOTO_BYTES,
                )
    if len(results) > 1:
        small, large = results[0], results[-1]
        span = f"{large.n:,} vs {small.n:,}"
        for key in ("full", "changed"):
            if key not in small.runs or key not in large.runs:
                continue
            a, b = small.runs[key], large.runs[key]
            growth = (b.wall / large.n) / (a.wall / small.n)
            add(
                f"{LABELS[key]}: ms per product, ratio",
                span,
                f"{b.wall / large.n * 1000:.1f} / {a.wall / small.n * 1000:.1f} = {growth:.2f}",
                f"≤ {TARGET_GROWTH:g} (flat)",
                growth <= TARGET_GROWTH,
            )
    return _table(["target", "N", "value", "limit", "result"], rows), verdicts


def cold_costs(results: Sequence[SizeResult]) -> str:
    """Cold cost per photo and per PDF sheet, from the builds that made them."""
    lines = []
    for r in results:
        run = r.runs.get("first")
        if run is None:
            continue
        images, pdf = run.stages.get("images", Stage()), run.stages.get("pdf", Stage())
        if run.made and not r.photos_repeat and not run.cached:
            photos = 3 * r.n
            lines.append(
                f"Cold photos, N={r.n:,} (all {photos:,} distinct, none cached): images stage "
                f"{images.wall:.0f} s wall, {images.worker_cpu:.0f} s of worker CPU: "
                f"{images.wall / photos * 1000:.0f} ms wall and "
                f"{images.worker_cpu / photos * 1000:.0f} ms CPU per source photo "
                f"({run.made / photos:.1f} renditions each), "
                f"{images.wall / r.n * 1000:.0f} ms wall per product."
            )
        if run.new_pdfs:
            lines.append(
                f"PDF spec sheets, N={r.n:,}: {run.new_pdfs:,} made in {pdf.wall:.0f} s wall "
                f"({pdf.wall / run.new_pdfs:.3f} s wall, "
                f"{pdf.worker_cpu / run.new_pdfs:.3f} s worker CPU per sheet)."
            )
    return "\n\n".join(lines)


def marginal_costs(results: Sequence[SizeResult]) -> str:
    """Slope between the smallest and the largest N: the cost of one more product."""
    if len(results) < 2:
        return ""
    small, large = results[0], results[-1]
    parts = [
        f"{LABELS[key]} {(large.runs[key].wall - small.runs[key].wall) / (large.n - small.n) * 1000:.1f} ms"
        for key in ("full", "nochange", "changed", "photo")
        if key in small.runs and key in large.runs
    ]
    parts.append(
        f"floor {(large.floor.wall - small.floor.wall) / (large.n - small.n) * 1000:.1f} ms"
    )
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
    repeat = [r for r in results if r.photos_repeat]
    note = (
        "Photos repeat at "
        + ", ".join(f"N={r.n:,} ({r.distinct_photos:,} distinct)" for r in repeat)
        + ": the first build there encodes only what the cache lacks; cold photo cost is "
        "measured where all photos are distinct."
        if repeat
        else "Every photo is distinct at every N."
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
        method + " " + note,
        "",
        "### Where the time goes (the generator's own stage timings, s)",
        "",
        stages_table(results),
        "",
        "`checks` is the publishing step: it includes `pdf` (spec sheets), the search index, feeds, "
        "exports and the release checks.",
        "",
        "### Images and PDF spec sheets (builds that made some)",
        "",
        work_table(results),
        "",
        cold_costs(results),
        "",
        "### Output",
        "",
        output_table(results),
        "",
        "### What a phone downloads for a product page (KB, gzip level 6)",
        "",
        phone_table(results),
        "",
        "### Search payload",
        "",
        search_table(results),
        "",
        "### Targets",
        "",
        targets,
        "",
        *([marginal_costs(results), ""] if len(results) > 1 else []),
        f"{sum(verdicts)} of {len(verdicts)} targets met.",
    ]
    return "\n".join(parts).rstrip() + "\n"


def docs_head() -> str:
    """The hand-maintained part of docs/benchmarks.md, written when the file does not exist."""
    return (
        "# Benchmarks\n\n`make bench` builds synthetic catalogues (bench/synth.py) and times them "
        "against a floor: what MkDocs alone costs for the same number of pages. The method is "
        "described in the docstring of bench/run.py.\n"
    )


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


@dataclass
class Options:
    repeat: int
    profile: bool
    distinct_photos: int | None
    cache: Path
    code: Path
    skip: frozenset[str] = frozenset()


def bench_size(n: int, options: Options, save: Callable[[SizeResult], None]) -> SizeResult:
    """All builds of one size and its floor; `save` gets the result after the floor and after
    each later rebuild, so that an interrupted run keeps what it measured."""
    from bench import synth

    started = time.perf_counter()
    project = synth.make_project(n, distinct_photos=options.distinct_photos)
    print(
        f"N={n:,}: synthetic project {project.relative_to(ROOT)} ready in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    cache, code = options.cache, options.code

    def log(run: Run) -> Run:
        print(
            f"N={n:,}: {LABELS.get(run.label, run.label)} {run.wall:.1f} s "
            f"(renditions made {run.made}, PDFs made {run.new_pdfs}, "
            f"pages kept {run.pages_kept or 0:,}/{run.pages or 0:,}, stages "
            + ", ".join(f"{k} {v:.1f}" for k, v in run.timings.items())
            + ")",
            flush=True,
        )
        return run

    runs: dict[str, Run] = {}
    if "first" not in options.skip:
        clean(project)
        runs["first"] = log(build_once("first", project, cache, code))
        output = measure_output(project)
    clean(project)
    runs["full"] = log(build_once("full", project, cache, code))
    if "first" in options.skip:
        # Measured on the warm build instead: same pages, same files (a first build after a
        # code change differs only in time; at 20,000 products it costs a quarter of an hour).
        output = measure_output(project)
    if "nochange" not in options.skip:
        runs["nochange"] = log(
            repeated(options.repeat, lambda k: build_once("nochange", project, cache, code))
        )
    floor_dir, floor_pages = prepare_floor(project)
    floor = repeated(options.repeat, lambda k: floor_once(floor_dir, code))
    print(f"N={n:,}: floor ({floor_pages:,} pages/lang) {floor.wall:.1f} s", flush=True)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    result = SizeResult(n, options.distinct_photos, runs, floor, output, floor_pages, cores or 1)
    save(result)

    def photo(k: int) -> Run:
        synth.replace_photo(project, n // 2 + 1, f"{time.time_ns()}")
        return build_once("photo", project, cache, code)

    if "photo" not in options.skip:
        runs["photo"] = log(repeated(options.repeat, photo))
        save(result)

    def change(k: int) -> Run:
        synth.edit_summary(project, n // 2, k + 1)
        return build_once("changed", project, cache, code)

    if "changed" not in options.skip:
        runs["changed"] = log(repeated(options.repeat, change))
        save(result)

    if options.profile:
        prof = project / "full.prof"
        clean(project)
        build_once("profile", project, cache, code, profile=prof)
        print(
            f"\ncProfile of a full build with warm caches at N={n:,} (main process only; MkDocs, "
            f"image and PDF workers run in child processes): {prof.relative_to(ROOT)}"
        )
        print_profile(prof)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="Benchmark builds of synthetic catalogues."
    )
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"comma-separated product counts (default {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--distinct-photos",
        type=int,
        default=DEFAULT_DISTINCT,
        help="different photos in all (photo j of product i is number (3i + j) mod K); "
        f"0 = all distinct (default {DEFAULT_DISTINCT:,})",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=CACHE_DIR,
        help=f"cache folder shared by every size (default {CACHE_DIR.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the shared cache first: the first build of the smallest size is cold",
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
        help="also profile one full build with warm caches per size (cProfile)",
    )
    parser.add_argument(
        "--skip",
        default="",
        help="builds not to run, comma-separated: first, nochange, changed, photo",
    )
    parser.add_argument(
        "--keep-code",
        action="store_true",
        help=f"run the code snapshot of the last run ({CODE_DIR.relative_to(ROOT)}) again",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the last run's results for the sizes this run does not measure",
    )
    parser.add_argument(
        "--from-last",
        action="store_true",
        help=f"build nothing: report the last run again (saved in {LAST_RUN.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1 or args.repeat < 1 or args.distinct_photos < 0:
        parser.error("sizes and --repeat must be positive, --distinct-photos not negative")

    if args.from_last:
        results, run = load_results()
    else:
        command = ("python -m bench.run " + " ".join(argv)) if argv else "make bench"
        run = RunInfo(dt.date.today().isoformat(), command.strip(), machine())
        cache = args.cache.resolve()
        if args.cold:
            shutil.rmtree(cache, ignore_errors=True)
        code = CODE_DIR if args.keep_code and CODE_DIR.is_dir() else snapshot_code()
        run.machine["code"] = (code / "VERSION").read_text(encoding="utf-8")
        print(" · ".join(f"{k}: {v}" for k, v in run.machine.items()), flush=True)
        skip = frozenset(s.strip() for s in args.skip.split(",") if s.strip())
        options = Options(
            args.repeat, args.profile, args.distinct_photos or None, cache, code, skip
        )
        results = []
        if args.merge and LAST_RUN.exists():
            earlier, earlier_run = load_results()
            results = [r for r in earlier if r.n not in sizes]
            kept = ", ".join(f"{r.n:,}" for r in results)
            run.command = f"{earlier_run.command}` (N = {kept}), then `{run.command}"
        try:
            for n in sizes:
                done = list(results)

                def save(partial: SizeResult, done: list[SizeResult] = done) -> None:
                    save_results(sorted([*done, partial], key=lambda r: r.n), run)

                results = sorted([*done, bench_size(n, options, save)], key=lambda r: r.n)
        except BenchError as failure:
            print(f"\n{failure}", file=sys.stderr)
            return 1
    print("\n" + report(results, run))
    if args.write:
        write_docs(report(results, run, for_docs=True))
        print(f"wrote {DOCS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
