"""Benchmark the catalogue search page on synthetic catalogues, in headless Chromium.

For each size N (`--sizes 1000,20000`):

1. **Catalogue**: `build/bench/search/<N>/project/`, N products and N/10 producers written with
   bench/synth.py's own generators (`make_product`, `make_producer`: product i is the same as in
   `make bench`). Photos: the catalogue loader checks that every photo file exists, so each slot is
   a hard link to one of synth's POOL_SIZE pool photos, not to a unique copy (synth's unique photos
   would be 60,000 files and 17 GB at N = 20,000); nothing here decodes them except step 6.
2. **Index**: both languages' indexes (`Renderer(cat, photos={}, lang).search_index()`: cards
   without `<picture>`), written by `generator.search.write_search_index` into the site folder
   `build/bench/search/<N>/site/`; timed, and measured per kind of file (word shards, facets,
   dates, cards: count, bytes, gzip bytes, largest).
3. **Site**: a copy of the sample build (`public/` as it is when the run starts, without its
   `search-index/` and `anh/`)
   with `search-index/` replaced by the N-product index and `tim-kiem/index.html` rebuilt for N.
   The search page at N differs from the sample's only in its search block (facet lists, each
   capped at `generator.search.MAX_FACET_VALUES`, counts, first cards, the index's file table),
   so: `Renderer.search_page()` of the synthetic
   catalogue, its front matter dropped, converted by Python-Markdown with the `markdown_extensions`
   of mkdocs.yml (what MkDocs does to a page body), and the converted `<div class="ocop-search"…>`
   … `</noscript>` block put in place of the sample page's own. The method is checked on every run:
   the same conversion of the sample catalogue's page must give the sample page's block byte for
   byte, card photos left out (reported as "page method check").
4. **Transfer** (bench/search_probe.mjs, Playwright driving Debian's Chromium, site served by
   verify/server.mjs with gzip): a fresh browser context per run (empty HTTP cache), 360×740 CSS px,
   isMobile, hasTouch, DPR 2. Open `tim-kiem/`, wait for the first results (`#ocop-status` shows a
   count, the result list is not aria-busy, and no request for 0.8 s), tap `#ocop-q`, type QUERY, wait for the results the same way.
   Typed twice, in separate contexts: keys 30 ms apart (one search after the 120 ms typing pause:
   the "first query") and keys 250 ms apart (a search per keystroke, as a slow phone typist
   triggers); a third context opens the page with QUERY in its URL (`tim-kiem/?<the search box's
   field name>=…`), so the query is the page's first search (no search without words before it).
   Every response counts its headers + encoded (gzip) body, from Playwright's context-wide
   events; for the requests the page's CDP session sees
   (`Network.loadingFinished.encodedDataLength`), the CDP figure is compared and the largest
   difference reported.
5. **Latency**, in a fresh context on the same page: the page's own search box end to end, per
   prefix of QUERY ("c", "ca", "ca ", …): from the input event to the first frame after the
   results are shown (status written, list no longer aria-busy), less the page's 120 ms typing
   pause: matching, facet counts, ordering, cards. Without and with FILTER ticked, ROUNDS rounds
   each (round 1 fetches the files the prefixes need; later rounds find them loaded).
6. **Card photos** (only for N ≤ PHOTO_MAX_N): the main photo of every product goes through the
   image pipeline (`generator.images.process_photos`, cached in `build/bench/search/image-cache/`;
   pool photos, so about 20 distinct encodes), cards get their `<picture>`, a second index and site
   are built, and the transfer runs are repeated there: what card photos add to the card files
   and to the bytes of the page + query.

Usage: python -m bench.search [--sizes 1000,20000] [--write] [--from-last]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import markdown
import yaml

from bench import synth
from bench.run import machine
from generator import search
from generator.build import LenientLoader, link_renditions, read_settings, today_from_env
from generator.catalogue import Catalogue, load_catalogue
from generator.errors import Lang
from generator.images import Photo, PhotoJob, process_photos
from generator.programme import load_programme
from generator.render import Renderer, page_dir
from generator.search import SEARCH_DIR, SearchIndex, write_search_index
from generator.text import fold

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "bench" / "search"
PROBE = Path(__file__).with_name("search_probe.mjs")
DOCS_FILE = ROOT / "docs" / "benchmarks.md"
LAST_RUN = WORK / "last-run.json"
BEGIN, END = "<!-- search-bench:start -->", "<!-- search-bench:end -->"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LANGS: tuple[Lang, ...] = ("vi", "en")
PAGE = "tim-kiem/"

QUERY = "ca phe nam nung"
FILTER = {"sao": "4"}
"""One facet value ticked for the filtered measurements: OCOP 4 stars."""
TYPING = (("one go", 30), ("key by key", 250))
"""Typing runs: name and ms between keys (the page searches 120 ms after the last key)."""
ROUNDS = 3
VIEWPORT = (360, 740)
DPR = 2
PHOTO_MAX_N = 1000
"""Card photos are measured at sizes up to this one (the image pipeline is the slow part)."""

TARGET_TRANSFER = 300 * 1024
"""Bytes transferred (compressed) for opening the search page and the first query, at the
largest N."""
TARGET_KEYSTROKE_MS = 100.0
"""Per keystroke, on this machine, at the largest N."""

KB = 1024
QUERY_FIELD = re.compile(r'<input id="ocop-q" name="([^"]+)"')
PAGE_BLOCK = re.compile(r'<div class="ocop-search" id="ocop-search".*?</noscript>', re.S)
PICTURE = re.compile(r"<picture>.*?</picture>", re.S)
CATEGORIES = (
    ("html", "page HTML"),
    ("css", "CSS"),
    ("js", "JS (ours + Material bundle)"),
    ("material-search", "Material site search (worker, lunr, index)"),
    ("search-index", "search index (word shards, facets, dates)"),
    ("cards", "result cards"),
    ("images", "images"),
    ("other", "other"),
)


class BenchError(Exception):
    """A step of the benchmark failed; the message says which."""


# --- the synthetic catalogue --------------------------------------------------------------------


class _Dumper(yaml.CSafeDumper):
    """synth.dump_yaml's output through libyaml (same text, about 6× faster)."""


def _str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    )


_Dumper.add_representer(str, _str)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
        default_flow_style=False,
    )


PROJECT_VERSION = 1
"""Raise when make_project changes what it writes (synth.py's own changes are detected)."""


def _generator_key(n: int) -> str:
    source = Path(synth.__file__).read_bytes() if synth.__file__ else b""
    return f"{n} {PROJECT_VERSION} {hashlib.sha256(source).hexdigest()}"


def make_project(n: int) -> Path:
    """Write the synthetic catalogue of n products (kept between runs while the generators are
    unchanged); return its folder."""
    dest = WORK / str(n) / "project"
    stamp = dest / ".complete"
    key = _generator_key(n)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return dest
    for name in ("data", "producers", "products"):
        shutil.rmtree(dest / name, ignore_errors=True)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "data", dest / "data")
    communes = synth.load_communes(ROOT)
    synth.photo_pool()
    pool = sorted((synth.PHOTO_DIR / "pool").glob("*.jpg"))[: synth.POOL_SIZE]
    producers = max(1, n // synth.PRODUCTS_PER_PRODUCER)
    (dest / "producers").mkdir()
    for k in range(producers):
        text = _dump(synth.make_producer(k, communes))
        (dest / "producers" / f"{synth.producer_id(k)}.yaml").write_text(text, encoding="utf-8")
    for i in range(n):
        data = synth.make_product(i, synth.producer_id(i % producers), communes)
        folder = dest / "products" / data["id"]
        folder.mkdir(parents=True)
        (folder / "product.yaml").write_text(_dump(data), encoding="utf-8")
        for j, (file, *_rest) in enumerate(synth.PHOTO_SLOTS):
            synth.link_photo(pool[(i * synth.PHOTOS_PER_PRODUCT + j) % len(pool)], folder / file)
    stamp.write_text(key, encoding="utf-8")
    return dest


# --- the search page, the way MkDocs makes it ---------------------------------------------------


def markdown_config(root: Path = ROOT) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The `markdown_extensions` of mkdocs.yml, as Python-Markdown takes them."""
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), LenientLoader)
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    for entry in config.get("markdown_extensions") or []:
        if isinstance(entry, str):
            names.append(entry)
        elif isinstance(entry, dict):
            for name, options in entry.items():
                names.append(name)
                configs[name] = {k: v for k, v in (options or {}).items() if v is not None}
    return names, configs


def page_block(page_markdown: str) -> str:
    """The search block of a search page's Markdown, as MkDocs turns it into HTML."""
    body = page_markdown
    if body.startswith("---\n"):
        body = body.split("\n---\n", 1)[1]
    names, configs = markdown_config()
    html = markdown.markdown(body, extensions=names, extension_configs=configs)
    found = PAGE_BLOCK.search(html)
    if found is None:
        raise BenchError("the rendered search page has no ocop-search block")
    return found.group(0)


def splice(shell: str, block: str) -> str:
    """The sample page with its search block replaced."""
    if len(PAGE_BLOCK.findall(shell)) != 1:
        raise BenchError(f"{PAGE}index.html of the sample build has no single ocop-search block")
    return PAGE_BLOCK.sub(lambda _: block, shell)


def query_link(page_html: str, words: str) -> str:
    """The search page's URL query for these words (the search box's field name, as the form
    sends it): a page opened with it runs them as its first search."""
    found = QUERY_FIELD.search(page_html)
    if found is None:
        raise BenchError("the search page has no #ocop-q field")
    return "?" + urllib.parse.urlencode({found.group(1): words})


def sample_site() -> Path:
    """A snapshot of the sample build (public/ resolved, without its bundle and photos): builds
    started meanwhile may switch public/ and prune the release it pointed to."""
    site = (ROOT / "public").resolve()
    if not (site / PAGE / "index.html").is_file() or not (site / SEARCH_DIR).is_dir():
        raise BenchError("no sample build with a search page in public/: run `make site` first")
    snapshot = WORK / "sample"
    shutil.rmtree(snapshot, ignore_errors=True)

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {SEARCH_DIR, "anh"} & set(names) if Path(folder) == site else set()

    shutil.copytree(site, snapshot, ignore=ignore)
    return snapshot


def method_check(sample: Path) -> str:
    """Convert the sample catalogue's search page the same way; compare with the sample build."""
    cat, diag = load_catalogue(ROOT, today_from_env())
    settings = read_settings(ROOT)
    # With the fairs and outlets, as the build renders it: they decide "sold in supermarkets".
    programme = load_programme(ROOT, cat, diag)
    r = Renderer(cat, {}, "vi", illustrative=settings.illustrative, programme=programme)
    mine = PICTURE.sub("", page_block(r.search_page(r.search_index())))
    found = PAGE_BLOCK.search((sample / PAGE / "index.html").read_text(encoding="utf-8"))
    if found is None:
        return "the sample page has no search block"
    built = PICTURE.sub("", found.group(0))
    if built == mine:
        return f"identical apart from card photos ({len(mine):,} characters)"
    at = next(
        (k for k, (a, b) in enumerate(zip(mine, built, strict=False)) if a != b),
        min(len(mine), len(built)),
    )
    return (
        f"DIFFERS from the sample build at character {at:,} (a stale public/? run `make site`): "
        f"{built[at : at + 60]!r} vs {mine[at : at + 60]!r}"
    )


# --- index and site -----------------------------------------------------------------------------


@dataclass
class Bundle:
    """The index on disk: files, bytes and gzip bytes per kind ('words.vi', 'cards.en', …)."""

    bytes: int = 0
    gzip: int = 0
    files: int = 0
    kinds: dict[str, list[int]] = field(default_factory=dict)
    """kind → [files, bytes, gzip bytes, largest gzip file]."""

    def add(self, kind: str, size: int, packed: int) -> None:
        self.bytes += size
        self.gzip += packed
        self.files += 1
        entry = self.kinds.setdefault(kind, [0, 0, 0, 0])
        entry[0] += 1
        entry[1] += size
        entry[2] += packed
        entry[3] = max(entry[3], packed)

    def get(self, kind: str) -> list[int]:
        return self.kinds.get(kind, [0, 0, 0, 0])


KINDS = {"w": "words", "f": "facets", "d": "dates", "c": "cards"}


def measure_bundle(folder: Path) -> Bundle:
    """Sizes as stored and as sent (gzip level 6, like verify/server.mjs and nginx's default)."""
    bundle = Bundle()
    for path in sorted(folder.rglob("*.json")):
        rel = path.relative_to(folder)
        lang, first = rel.parts[0], rel.parts[1]
        kind = f"{KINDS.get(first[0], 'other') if first != 'c' else 'cards'}.{lang}"
        data = path.read_bytes()
        bundle.add(kind, len(data), len(gzip.compress(data, 6)))
    return bundle


def render(
    cat: Catalogue, photos: dict[Path, Photo]
) -> tuple[list[SearchIndex], dict[str, str], list[int]]:
    """Search indexes (both languages), search pages, and the card sizes (vi) in characters."""
    illustrative = read_settings(ROOT).illustrative
    indexes: list[SearchIndex] = []
    pages: dict[str, str] = {}
    cards: list[int] = []
    for lang in LANGS:
        r = Renderer(cat, photos, lang, illustrative=illustrative)
        index = r.search_index()
        indexes.append(index)
        pages[lang] = r.search_page(index)
        if lang == "vi":
            ctx = r.context(page_dir("search"))
            cards = [len(r.card(ctx, p)) for p in cat.published]
    return indexes, pages, cards


def make_site(sample: Path, dest: Path, page_html: str, indexes: list[SearchIndex]) -> float:
    """The served site: the sample build with this index and search page. Returns the seconds
    write_search_index took."""
    if dest.exists():
        shutil.rmtree(dest)

    shutil.copytree(sample, dest)
    page = dest / PAGE / "index.html"
    page.unlink()
    page.write_text(page_html, encoding="utf-8")
    started = time.perf_counter()
    write_search_index(dest, indexes)
    return time.perf_counter() - started


def main_photos(cat: Catalogue) -> dict[Path, Photo]:
    """Card photos: every product's main photo through the image pipeline (cached)."""
    jobs = []
    for product in cat.published:
        photo = product.main_photo
        if photo is None:
            continue
        source = cat.photo_files[(product.id, photo.file)]
        jobs.append(
            PhotoJob(source, f"products/{product.id}/{photo.file}", synth.slug(source.stem))
        )
    photos, problems, _stats = process_photos(jobs, WORK / "image-cache")
    if problems:
        raise BenchError(f"image pipeline: {problems[0].format('en')}")
    return photos


# --- the browser --------------------------------------------------------------------------------


def category(url: str, content_type: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    if path == PAGE or content_type.startswith("text/html"):
        return "html"
    if path.startswith(f"{SEARCH_DIR}/"):
        return "cards" if "/c/" in path else "search-index"
    if path.endswith(".css"):
        return "css"
    if "/workers/search" in path or "/lunr/" in path or path.startswith("search/"):
        return "material-search"
    if path.endswith((".js", ".mjs")):
        return "js"
    if content_type.startswith("image/"):
        return "images"
    return "other"


@dataclass
class Transfer:
    """One typing run: bytes and requests per phase ('open', 'query') and category."""

    name: str
    delay: int
    link: str
    searches: int
    wait_ms: float
    """From the last key to the results of the whole query."""
    open_status: str
    query_status: str
    cards: int
    bytes: dict[str, dict[str, int]]
    requests: dict[str, dict[str, int]]
    largest: list[tuple[str, str, int]]
    """(phase, url, bytes) of the largest responses."""
    problems: list[str]
    cdp_checked: int
    cdp_max_diff: int

    def total(self, phases: Iterable[str], *, images: bool = True) -> int:
        return sum(
            size
            for phase in phases
            for cat, size in self.bytes.get(phase, {}).items()
            if images or cat != "images"
        )

    def count(self, phase: str, cat: str) -> int:
        return self.requests.get(phase, {}).get(cat, 0)


def summarise(run: dict[str, Any]) -> Transfer:
    sizes: dict[str, dict[str, int]] = {}
    counts: dict[str, dict[str, int]] = {}
    largest = []
    problems = [f"page error: {e}" for e in run["errors"]]
    for r in run["records"]:
        cat = category(r["url"], r["type"])
        size = int(r["headers"]) + int(r["body"])
        phase = r["phase"]
        sizes.setdefault(phase, {}).setdefault(cat, 0)
        sizes[phase][cat] += size
        counts.setdefault(phase, {}).setdefault(cat, 0)
        counts[phase][cat] += 1
        largest.append((phase, r["url"], size))
        if r["failed"] or r["status"] >= 400:
            problems.append(f"{r['url']}: {r['failed'] or r['status']}")
    ours = {r["url"]: int(r["headers"]) + int(r["body"]) for r in run["records"]}
    diffs = [abs(ours[c["url"]] - int(c["bytes"])) for c in run["cdp"] if c["url"] in ours]
    largest.sort(key=lambda x: -x[2])
    return Transfer(
        run["name"],
        run["delay"],
        run["link"],
        run["searches"],
        float(run["waitMs"] or 0),
        run["openStatus"],
        run["queryStatus"],
        run["cards"],
        sizes,
        counts,
        largest[:6],
        problems,
        len(diffs),
        max(diffs, default=0),
    )


def probe(site: Path, *, rounds: int, link: str) -> dict[str, Any]:
    config = {
        "site": str(site),
        "page": PAGE,
        "query": QUERY,
        "filter": FILTER,
        "typing": [
            *({"name": name, "delay": delay} for name, delay in TYPING),
            {"name": "link", "link": link},
        ],
        "rounds": rounds,
        "viewport": list(VIEWPORT),
        "dpr": DPR,
        "chrome": CHROME,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=WORK, delete=False) as f:
        json.dump(config, f)
    try:
        proc = subprocess.run(
            ["node", str(PROBE), f.name], cwd=ROOT, capture_output=True, text=True, check=False
        )
    finally:
        os.unlink(f.name)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-20:])
        raise BenchError(f"bench/search_probe.mjs failed (exit {proc.returncode}):\n{tail}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@dataclass
class Latency:
    """Milliseconds per keystroke of one measure, over every prefix and round."""

    ms: list[float]
    first_round: list[float]
    results: int
    """Results of the whole query."""
    slowest: str = ""
    """The prefix of the slowest sample."""

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.ms)


def latencies(samples: list[dict[str, Any]]) -> Latency:
    final = [s for s in samples if s["prefix"] == QUERY]
    results = int(final[-1].get("results", 0)) if final else 0
    slowest = max(samples, key=lambda s: float(s["ms"]))["prefix"] if samples else ""
    return Latency(
        [float(s["ms"]) for s in samples],
        [float(s["ms"]) for s in samples if s["round"] == 0],
        results,
        str(slowest),
    )


# --- one size -----------------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    project_seconds: float
    load_seconds: float
    render_seconds: float
    docs: int
    index_seconds: float
    bundle: Bundle
    page_bytes: int
    sample_page_bytes: int
    transfers: list[Transfer]
    latency: dict[str, Latency]
    browser: str
    photo_transfers: list[Transfer] = field(default_factory=list)
    photo_bundle: Bundle | None = None
    card_chars: float = 0.0
    card_photo_chars: float = 0.0
    order_check: dict[str, dict[str, int]] = field(default_factory=dict)
    """gzip bytes of the vi facets file and of the query's word shards, products in the
    catalogue's order and shuffled (see order_check)."""


@dataclass
class RunInfo:
    date: str
    command: str
    machine: dict[str, str]
    method_check: str
    seconds: float = 0.0


def bench_size(n: int, sample: Path, log: Callable[[str], None]) -> SizeResult:
    started = time.perf_counter()
    project = make_project(n)
    project_seconds = time.perf_counter() - started
    log(f"N={n:,}: synthetic catalogue {project.relative_to(ROOT)} in {project_seconds:.1f} s")

    started = time.perf_counter()
    cat, _diag = load_catalogue(project, synth.TODAY)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    indexes, pages, cards = render(cat, {})
    render_seconds = time.perf_counter() - started
    docs = sum(index.manifest["n"] for index in indexes)
    log(
        f"N={n:,}: loaded in {load_seconds:.1f} s, indexes of {docs:,} entries in {render_seconds:.1f} s"
    )

    shell = (sample / PAGE / "index.html").read_text(encoding="utf-8")
    page_html = splice(shell, page_block(pages["vi"]))
    site = WORK / str(n) / "site"
    index_seconds = make_site(sample, site, page_html, indexes)
    bundle = measure_bundle(site / SEARCH_DIR)
    log(f"N={n:,}: index written in {index_seconds:.1f} s, {bundle.bytes / 2**20:.1f} MB")

    link = query_link(page_html, QUERY)
    raw = probe(site, rounds=ROUNDS, link=link)
    transfers = [summarise(run) for run in raw["transfer"]]
    if raw["latency"].get("errors"):
        raise BenchError(f"errors in the page: {raw['latency']['errors'][:3]}")
    latency = {
        f"ui {name}": latencies(samples)
        for name, samples in raw["latency"].items()
        if name in ("plain", "filter") and isinstance(samples, list)
    }
    for t in transfers:
        if t.link:
            log(f"N={n:,}: page opened at {PAGE}{t.link}: {t.total(['open']) / KB:.0f} KB")
            continue
        log(
            f"N={n:,}: open {t.total(['open']) / KB:.0f} KB, + query typed {t.name} "
            f"{t.total(['query']) / KB:.0f} KB ({t.searches} searches)"
        )
    for key, lat in latency.items():
        log(
            f"N={n:,}: {key} median {lat.median:.1f} ms, p95 {lat.p95:.1f} ms, max {lat.max:.1f} ms"
        )
    result = SizeResult(
        n,
        project_seconds,
        load_seconds,
        render_seconds,
        docs,
        index_seconds,
        bundle,
        len(page_html.encode()),
        len(shell.encode()),
        transfers,
        latency,
        raw["browser"],
        card_chars=statistics.mean(cards) if cards else 0.0,
        order_check=order_check(cat),
    )
    if n <= PHOTO_MAX_N:
        started = time.perf_counter()
        photos = main_photos(cat)
        indexes, photo_pages, cards = render(cat, photos)
        photo_site = WORK / str(n) / "site-photos"
        make_site(sample, photo_site, splice(shell, page_block(photo_pages["vi"])), indexes)
        link_renditions(photo_site, cat, photos)
        result.photo_bundle = measure_bundle(photo_site / SEARCH_DIR)
        result.card_photo_chars = statistics.mean(cards) if cards else 0.0
        result.photo_transfers = [
            summarise(r) for r in probe(photo_site, rounds=0, link=link)["transfer"]
        ]
        log(f"N={n:,}: card photos measured in {time.perf_counter() - started:.0f} s")
    return result


def order_check(cat: Catalogue) -> dict[str, dict[str, int]]:
    """How much the figures owe to the synthetic catalogue's regularity.

    Products are numbered in name order, and synthetic names that sort together share their
    words and facet values, so runs of equal values compress very well. In a real catalogue
    the name says less about the rest; shuffling the numbering removes every such correlation,
    a pessimistic bound for what a real catalogue's index files weigh.
    """
    r = Renderer(cat, {}, "vi", illustrative=True)
    ordered = r.sorted(cat.published)
    shuffled = ordered[:]
    random.Random(20261129).shuffle(shuffled)
    out: dict[str, dict[str, int]] = {}
    for label, products in (("name order", ordered), ("shuffled", shuffled)):
        entries = [search.Entry(p, r.state(p), "") for p in products]
        index = search.build_index(cat, entries, "vi")
        base = f"{SEARCH_DIR}/vi/"
        table = index.manifest["words"]
        shards = {
            table[max(k for k, (first, _) in enumerate(table) if first <= word)][1]
            for word in fold(QUERY).split()
        }
        out[label] = {
            "facets": len(gzip.compress(index.files[base + index.manifest["facets"]], 6)),
            "query shards": sum(len(gzip.compress(index.files[base + s], 6)) for s in shards),
            "all shards": sum(
                len(gzip.compress(index.files[base + name], 6)) for _first, name in table
            ),
        }
    return out


# --- saving and loading -------------------------------------------------------------------------


def save_results(results: Sequence[SizeResult], run: RunInfo) -> None:
    LAST_RUN.parent.mkdir(parents=True, exist_ok=True)
    data = {"run": asdict(run), "results": [asdict(r) for r in results]}
    LAST_RUN.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _transfer(data: dict[str, Any]) -> Transfer:
    data = dict(data)
    data["largest"] = [tuple(x) for x in data["largest"]]
    return Transfer(**data)


def load_results() -> tuple[list[SizeResult], RunInfo]:
    data = json.loads(LAST_RUN.read_text(encoding="utf-8"))
    results = []
    for r in data["results"]:
        r["bundle"] = Bundle(**r["bundle"])
        if r["photo_bundle"] is not None:
            r["photo_bundle"] = Bundle(**r["photo_bundle"])
        r["transfers"] = [_transfer(t) for t in r["transfers"]]
        r["photo_transfers"] = [_transfer(t) for t in r["photo_transfers"]]
        r["latency"] = {k: Latency(**v) for k, v in r["latency"].items()}
        results.append(SizeResult(**r))
    return results, RunInfo(**data["run"])


# --- report -------------------------------------------------------------------------------------


def _kb(size: float) -> str:
    return f"{size / KB:,.1f}"


def _ms(value: float) -> str:
    return f"{value:,.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "**FAIL**"


def index_table(results: Sequence[SizeResult]) -> str:
    rows = []
    for r in results:
        b = r.bundle
        rows.append(
            [
                f"{r.n:,}",
                f"{r.docs:,}",
                f"{r.render_seconds:.1f}",
                f"{r.index_seconds:,.1f}",
                f"{b.bytes / 2**20:,.1f}",
                f"{b.gzip / 2**20:,.1f}",
                f"{b.files:,}",
            ]
        )
    return _table(
        [
            "N",
            "entries (vi + en)",
            "render s (both languages)",
            "write s",
            "index MB",
            "gzip MB",
            "files",
        ],
        rows,
    )


def chunks_table(results: Sequence[SizeResult]) -> str:
    rows = []
    for r in results:
        for kind in ("words", "facets", "dates", "cards"):
            files, total, packed, largest = r.bundle.get(f"{kind}.vi")
            rows.append(
                [
                    f"{r.n:,}",
                    kind,
                    f"{files:,}",
                    _kb(total),
                    _kb(packed),
                    _kb(packed / files if files else 0),
                    _kb(largest),
                ]
            )
    return _table(
        ["N", "vi files", "count", "total KB", "gzip KB", "mean gzip KB", "largest gzip KB"], rows
    )


def transfer_table(r: SizeResult, transfers: Sequence[Transfer]) -> str:
    typed = [t for t in transfers if not t.link]
    links = [t for t in transfers if t.link]
    columns = [("open the page", typed[0], "open")]
    columns += [(f"+ query typed {t.name}", t, "query") for t in typed]
    columns += [(f"page opened at `{PAGE}{t.link}`", t, "open") for t in links]

    def cell(t: Transfer, phase: str, cat: str) -> str:
        n = t.count(phase, cat)
        return f"{_kb(t.bytes.get(phase, {}).get(cat, 0))} ({n})" if n else "–"

    def total(t: Transfer, phase: str, *, images: bool = True) -> str:
        phases = ["open"] if phase == "open" else ["open", "query"]
        return f"**{_kb(t.total(phases, images=images))}**"

    rows = []
    for key, label in CATEGORIES:
        if any(t.count(phase, key) for _, t, phase in columns):
            rows.append([label] + [cell(t, phase, key) for _, t, phase in columns])
    rows.append(
        ["**page + query** (open: the page alone)"] + [total(t, phase) for _, t, phase in columns]
    )
    rows.append(
        ["**the same without images**"] + [total(t, phase, images=False) for _, t, phase in columns]
    )
    rows.append(
        ["searches completed by the page"]
        + ["1" if phase == "open" else str(t.searches) for _, t, phase in columns]
    )
    rows.append(
        ["results shown after the last key, ms"]
        + [f"{t.wait_ms:,.0f}" if phase == "query" else "–" for _, t, phase in columns]
    )
    rows.append(
        ["status shown"]
        + [
            t.open_status
            if phase == "open" and not t.link
            else f"{t.query_status} ({t.cards} cards)"
            for _, t, phase in columns
        ]
    )
    return _table(["", *(name for name, _, _ in columns)], rows)


def latency_table(results: Sequence[SizeResult]) -> str:
    labels = {
        "ui plain": "search box end to end",
        "ui filter": f"search box, filter {_filter_label()} ticked",
    }
    rows = []
    for r in results:
        for key, label in labels.items():
            lat = r.latency.get(key)
            if lat is None:
                continue
            rows.append(
                [
                    f"{r.n:,}",
                    label,
                    _ms(lat.median),
                    _ms(lat.p95),
                    _ms(lat.max),
                    _ms(max(lat.first_round)),
                    f'"{lat.slowest}"',
                    f"{lat.results:,}",
                ]
            )
    return _table(
        [
            "N",
            "measure",
            "median ms",
            "p95 ms",
            "max ms",
            "max of round 1 ms",
            "slowest prefix",
            "results of the query",
        ],
        rows,
    )


def _filter_label() -> str:
    return ", ".join(f"{k}={v}" for k, v in FILTER.items())


def targets_table(results: Sequence[SizeResult]) -> tuple[str, list[bool]]:
    big = results[-1]
    rows: list[list[str]] = []
    verdicts: list[bool] = []

    def add(name: str, value: str, limit: str, ok: bool) -> None:
        rows.append([name, f"{big.n:,}", value, limit, _verdict(ok)])
        verdicts.append(ok)

    limit = f"≤ {TARGET_TRANSFER // KB} KB"
    for t in (t for t in big.transfers if not t.link):
        total = t.total(["open", "query"])
        add(
            f"page + first query, typed {t.name} ({t.searches} searches)",
            f"{_kb(total)} KB",
            limit,
            total <= TARGET_TRANSFER,
        )
    for key, label in (
        ("ui plain", "per keystroke, p95"),
        ("ui filter", f"per keystroke with {_filter_label()}, p95"),
    ):
        lat = big.latency.get(key)
        if lat is not None:
            add(
                label,
                f"{_ms(lat.p95)} ms (max {_ms(lat.max)})",
                f"≤ {TARGET_KEYSTROKE_MS:g} ms",
                lat.p95 <= TARGET_KEYSTROKE_MS,
            )
    return _table(["target", "N", "value", "limit", "result"], rows), verdicts


def photos_note(results: Sequence[SizeResult]) -> str:
    lines = []
    for r in results:
        if r.photo_bundle is None or not r.photo_transfers:
            continue
        plain = r.bundle.get("cards.vi")
        photo = r.photo_bundle.get("cards.vi")
        per_file = photo[2] / photo[0] - plain[2] / plain[0] if plain[0] and photo[0] else 0.0
        lines.append(
            f"At N = {r.n:,}, a card's `<picture>` adds {r.card_photo_chars - r.card_chars:,.0f} "
            f"characters of markup ({r.card_chars:,.0f} → {r.card_photo_chars:,.0f}), "
            f"{per_file:,.0f} bytes (gzip) per card file, "
            f"{(r.photo_bundle.bytes - r.bundle.bytes) / 2**20:,.2f} MB to the index."
        )
        lines.append("")
        lines.append(transfer_table(r, r.photo_transfers))
    return "\n".join(lines)


def order_table(results: Sequence[SizeResult]) -> str:
    rows = []
    for r in results:
        for label, sizes in r.order_check.items():
            rows.append(
                [
                    f"{r.n:,}",
                    label,
                    *(_kb(sizes[k]) for k in ("facets", "query shards", "all shards")),
                ]
            )
    table = _table(
        ["N", "numbering", "facets file", f'word shards of "{QUERY}"', "all word shards"], rows
    )
    notes = []
    for r in results:
        if "shuffled" not in r.order_check or not r.transfers:
            continue
        extra = sum(
            r.order_check["shuffled"][k] - r.order_check["name order"][k]
            for k in ("facets", "query shards")
        )
        first = r.transfers[0]
        notes.append(
            f"N = {r.n:,}: page + first query (typed {first.name}) "
            f"{_kb(first.total(['open', 'query']))} KB as measured, about "
            f"{_kb(first.total(['open', 'query']) + extra)} KB with the shuffled files"
        )
    return table + ("\n\n" + "; ".join(notes) + "." if notes else "")


def largest_note(results: Sequence[SizeResult]) -> str:
    lines = []
    for r in results:
        t = r.transfers[0]
        items = ", ".join(f"`{url}` {_kb(size)} KB ({phase})" for phase, url, size in t.largest[:4])
        lines.append(f"- N = {r.n:,}: {items}")
    return "\n".join(lines)


def checks_note(results: Sequence[SizeResult], run: RunInfo) -> str:
    lines = [f"- page method check (sample catalogue): {run.method_check}"]
    for r in results:
        for t in [*r.transfers, *r.photo_transfers]:
            lines.append(
                f"- N = {r.n:,}, {f'opened at {t.link}' if t.link else f'typed {t.name}'}"
                f"{' (card photos)' if t in r.photo_transfers else ''}: "
                f"CDP and Playwright agree within {t.cdp_max_diff} bytes on the "
                f"{t.cdp_checked} page-session requests; "
                + (
                    "no failed request"
                    if not t.problems
                    else "problems: " + "; ".join(t.problems[:5])
                )
            )
    return "\n".join(lines)


def method(link: str) -> str:
    return f"""\
Method (details in the docstring of `bench/search.py`): synthetic catalogues from bench/synth.py
(photos hard-linked from its pool, cards without `<picture>`); the search index of both
languages written by `generator.search.write_search_index`; served with gzip by
`verify/server.mjs` inside a copy of the sample build (`public/`), whose search page gets the
search block of the N-product catalogue (rendered by `Renderer.search_page()`, converted with the
`markdown_extensions` of mkdocs.yml, spliced in; checked against the sample build). Headless
Chromium (Playwright), {VIEWPORT[0]}×{VIEWPORT[1]}, isMobile, hasTouch, DPR {DPR}, a fresh
context (empty HTTP cache) per run: open `{PAGE}`, tap the search box,
type "{QUERY}" with the keys 30 ms apart (one search after the page's 120 ms pause: the *first
query*) or 250 ms apart (a search per keystroke); a third run opens `{PAGE}{link}` (the query is
the page's first search). Bytes are headers + encoded (gzip) body of every response; figures in
parentheses are request counts; KB = 1,024 bytes. Latency: the page's own search box, from the
input event to the first frame with the results, less the 120 ms typing pause (matching, facet
counts, ordering, cards), for each of the {len(QUERY)} prefixes of the query, {ROUNDS} rounds
(round 1 fetches the files), without and with {_filter_label()} ticked.
Material's own files come from the sample build: if its bundle and site search (worker, lunr,
`search/search_index.json`) load, their index is the sample's, while a real build of N products
also indexes the producers list and the featured products of the home page.
The synthetic texts repeat a small vocabulary in a regular pattern, so they compress better than
a real catalogue would: the word shards of real data will be larger (still loaded per word)."""


def report(results: Sequence[SizeResult], run: RunInfo) -> str:
    targets, verdicts = targets_table(results)
    machine_line = " · ".join(f"{k}: {v}" for k, v in run.machine.items())
    parts = [
        f"Run on {run.date} with `{run.command}` ({run.seconds / 60:.0f} min in all).",
        "",
        f"Machine: {machine_line}.",
        "",
        method(next((t.link for t in results[-1].transfers if t.link), "?…")),
        "",
        "### Index build and files",
        "",
        index_table(results),
        "",
        "Files of the Vietnamese index (the English one is alike):",
        "",
        chunks_table(results),
        "",
    ]
    for r in results:
        parts += [
            f'### Transfer at N = {r.n:,}: open the search page, then type "{QUERY}"',
            "",
            f"Search page HTML: {_kb(r.page_bytes)} KB uncompressed (sample: {_kb(r.sample_page_bytes)} KB).",
            "",
            transfer_table(r, r.transfers),
            "",
        ]
    photos = photos_note(results)
    if photos:
        parts += ["### Card photos", "", photos, ""]
    else:
        parts += [
            "### Card photos",
            "",
            f"Not measured in this run (no N ≤ {PHOTO_MAX_N:,}): cards have no `<picture>`.",
            "",
        ]
    parts += [
        "How much of this the synthetic catalogue's regularity gives (gzip KB of the vi files; "
        "products numbered in name order as built, then with the numbering shuffled, a "
        "pessimistic bound for a real catalogue, see `order_check`):",
        "",
        order_table(results),
        "",
        "Largest responses of page + first query:",
        "",
        largest_note(results),
        "",
        "### Per keystroke",
        "",
        latency_table(results),
        "",
        "### Targets",
        "",
        targets,
        "",
        f"{sum(verdicts)} of {len(verdicts)} targets met.",
        "",
        "### Checks of the method",
        "",
        checks_note(results, run),
    ]
    return "\n".join(parts).rstrip() + "\n"


def write_docs(text: str) -> None:
    block = f"{BEGIN}\n\n## Catalogue search\n\n{text}\n{END}\n"
    current = DOCS_FILE.read_text(encoding="utf-8") if DOCS_FILE.exists() else "# Benchmarks\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        DOCS_FILE.write_text(head + block + ("\n" + tail if tail else ""), encoding="utf-8")
    else:
        DOCS_FILE.write_text(current.rstrip("\n") + "\n\n" + block, encoding="utf-8")


# --- main ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m bench.search",
        description="Benchmark the catalogue search page on synthetic catalogues.",
    )
    parser.add_argument(
        "--sizes", default="1000,20000", help="comma-separated product counts (default 1000,20000)"
    )
    parser.add_argument(
        "--write", action="store_true", help="rewrite its section of docs/benchmarks.md"
    )
    parser.add_argument(
        "--from-last",
        action="store_true",
        help=f"measure nothing: report the last run again ({LAST_RUN.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1:
        parser.error("sizes must be positive")

    def log(line: str) -> None:
        print(line, flush=True)

    if args.from_last:
        results, run = load_results()
    else:
        started = time.perf_counter()
        WORK.mkdir(parents=True, exist_ok=True)
        info = machine()
        node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
        info["Node"] = node.stdout.strip()
        command = ("python -m bench.search " + " ".join(argv)).strip()
        run = RunInfo(dt.date.today().isoformat(), command, info, "")
        print(" · ".join(f"{k}: {v}" for k, v in info.items()), flush=True)
        results = []
        try:
            sample = sample_site()
            run.method_check = method_check(sample)
            log(f"page method check: {run.method_check}")
            for n in sizes:
                results.append(bench_size(n, sample, log))
                info["browser"] = results[-1].browser
                run.seconds = time.perf_counter() - started
                save_results(results, run)  # a run stopped at a later size keeps this one
        except BenchError as failure:
            print(f"\n{failure}", file=sys.stderr)
            return 1
    text = report(results, run)
    print("\n" + text)
    if args.write:
        write_docs(text)
        print(f"wrote {DOCS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
