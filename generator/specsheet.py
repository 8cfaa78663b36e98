"""PDF spec sheets for supermarket buyers: one A4 sheet (one or two pages) per product and language.

A sheet says what the product page's "For buyers" section says — both render the same macros of
templates/_macros.md.j2 — plus the name, main photo, OCOP certificate, producer, commune, the
permanent QR code and URL, the generation date and, for sample data, the illustrative notice. The
HTML (templates/specsheet.html.j2, CSS inline) becomes a PDF with WeasyPrint and the bundled DejaVu
Sans, which covers Vietnamese in one file; system fonts are never used.

Rendering costs time, so every PDF is cached under the sha256 of its exact inputs: the HTML (which
names the photo rendition by its content-addressed cache path and carries the QR code as a data
URL), the font files, WeasyPrint's and pydyf's versions and LAYOUT_VERSION. The generation date is
left out of the key on purpose: it is filled in when the PDF is made, so an unchanged sheet keeps
the date it was rendered and a rebuild the next day renders nothing. Sheets that miss the cache are
rendered in a process pool. So that a build need not render every sheet's HTML only to find its
key, the cache also names each key under the digest of the sheet's inputs (`_inputs_digest`); a
sheet found there comes without HTML.

Measured on the 2-core build machine, sample catalogue (19 products × 2 languages = 38 sheets,
1–2 pages, 52–129 KB each): 0.17–0.38 s of WeasyPrint per sheet (mean 0.25 s), so 10.0 s on one
worker and 5.0 s wall with two; a rebuild with nothing changed takes 0.13 s (HTML and keys) and
renders nothing. Runs vary by up to 2× on this VM, which reports CPU steal.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from . import progress
from .catalogue import Catalogue
from .errors import LANGS, Lang
from .i18n import LABELS, format_date, format_money, format_number
from .images import Photo as ImagePhoto
from .images import write_atomic
from .package import files_digest
from .qr import Code, QrCache
from .render import FALLBACK_WIDTH, Renderer, page_dir
from .schema import Product

LAYOUT_VERSION = 1
"""Bump when the PDFs change for a reason the key cannot see (this module's code)."""
MAX_PAGES = 2
"""A sheet longer than this is rendered again in the compact style (smaller type and photo)."""
FONTS = Path(__file__).parent / "fonts"
FONT_FILES = {"normal": FONTS / "DejaVuSans.ttf", "bold": FONTS / "DejaVuSans-Bold.ttf"}
PDF_NAMES: dict[Lang, str] = {"vi": "thong-so-{id}.pdf", "en": "spec-sheet-{id}.pdf"}
"""File names of the sheets, beside each language's product page. Permanent: buyers keep links."""
TEMPLATE = "specsheet.html.j2"
_GENERATED = "<!--ocop:generated-->"
_CREATED = "<!--ocop:created-->"
_FALLBACK = "<!-- fallback-note -->"
_COMPACT = '<body class="">'
"""The template's body tag; the compact retry swaps in `class="compact"` (styles in the template)."""


class SpecSheetFailed(RuntimeError):
    """WeasyPrint could not render a sheet (or its worker died)."""


def pdf_path(product_id: str, lang: Lang) -> str:
    """The release-relative path of a product's sheet: `san-pham/<id>/thong-so-<id>.pdf` (vi),
    `en/san-pham/<id>/spec-sheet-<id>.pdf` (en)."""
    prefix = "" if lang == "vi" else f"{lang}/"
    return f"{prefix}{page_dir('product', product_id)}{PDF_NAMES[lang].format(id=product_id)}"


@dataclass(frozen=True)
class SpecSheet:
    """One sheet to render: its HTML (dates left as placeholders) and its cache key."""

    product_id: str
    lang: Lang
    path: str
    """Where it is published, relative to the release root."""
    html: str
    """Empty when the sheet came from the inputs index (its PDF is cached)."""
    key: str
    index: Path | None = None
    """Where render_spec_sheets records this sheet's key under its inputs digest, once its PDF
    is in the cache."""

    def dated_html(self, day: dt.date) -> str:
        """The HTML as rendered on `day` (the generation date is not part of the key)."""
        generated = LABELS[self.lang]["generated"].format(date=format_date(day, self.lang))
        return self.html.replace(_GENERATED, generated).replace(_CREATED, day.isoformat())


@dataclass(frozen=True)
class RenderedSheet:
    sheet: SpecSheet
    file: Path
    """The PDF in the cache (hard-linked into releases)."""
    pages: int
    size: int
    """Bytes."""
    seconds: float
    """Time WeasyPrint took to make it (recorded when it was made, also for cache hits)."""
    cached: bool
    compact: bool
    """Rendered in the compact style because the normal one ran past MAX_PAGES."""


@dataclass
class SpecSheetStats:
    made: int = 0
    cached: int = 0
    seconds: float = 0.0
    """Wall time of the whole step (HTML, cache look-ups, rendering, linking)."""
    render_seconds: float = 0.0
    """WeasyPrint time summed over the sheets made by this run."""
    sheets: list[RenderedSheet] = field(default_factory=list)

    @property
    def too_long(self) -> list[RenderedSheet]:
        """Sheets still longer than MAX_PAGES in the compact style: worth a warning."""
        return [s for s in self.sheets if s.pages > MAX_PAGES]


# --- phase 1: the HTML of every sheet and its key ---------------------------------------------


def _digest_files(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _key_base() -> str:
    """What every key shares: layout version, tool versions and the fonts' bytes."""
    versions = [f"{name}={metadata.version(name)}" for name in ("weasyprint", "pydyf")]
    fonts = _digest_files(FONT_FILES.values())
    return "|".join([f"layout={LAYOUT_VERSION}", *versions, f"fonts={fonts}"])


def _inputs_digest(cat: Catalogue, product: Product, parts: Sequence[str]) -> str:
    """What a sheet's HTML is made of, without rendering it: the generator's files, the
    product, its producer, product set and communes as data, what the build date decides
    (state, stars), and `parts` (language, settings, QR code, photo rendition)."""
    data = [
        files_digest(),
        repr(product),
        repr(cat.producers[product.producer]),
        repr(cat.taxonomy.sets[product.ocop_category]),
        repr(cat.region.old[product.place.commune_old]),
        repr(cat.commune_new(product)),
        cat.state(product),
        str(cat.shows_stars(product)),
        *parts,
    ]
    return hashlib.sha256("\0".join(data).encode("utf-8")).hexdigest()


def _portable(html: str, fonts: Mapping[str, str], photo_src: str) -> str:
    """The sheet's HTML without this machine's paths, for its key: the fonts are in the key by
    their bytes, the photo by its rendition's content-addressed name. A cache moved to another
    folder or machine (a CI job) still finds its sheets."""
    for weight, uri in fonts.items():
        html = html.replace(uri, f"font:{weight}")
    if photo_src:
        html = html.replace(photo_src, "photo:" + photo_src.rsplit("/", 1)[-1])
    return html


def _short_code(
    product: Product, codes: Mapping[str, Sequence[Code]], site_url: str, qr_cache: QrCache
) -> Code:
    for code in codes.get(product.id, ()):
        if code.key == f"p/{product.id}":
            return code
    return qr_cache.code(f"p/{product.id}", f"{site_url}p/{product.id}", "m", "")


def _svg_data_url(code: Code, qr_cache: QrCache) -> str:
    source = qr_cache.files(code)["svg"]
    data = source.read_bytes() if isinstance(source, Path) else source
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def _photo_url(cat: Catalogue, photos: Mapping[Path, ImagePhoto], product: Product) -> str:
    """A published rendition (metadata already stripped), never the original upload: the JPEG
    the page falls back to, about 300 dpi at the printed width."""
    photo = product.main_photo
    if photo is None:
        return ""
    image = photos.get(cat.photo_files[(product.id, photo.file)])
    if image is None:
        return ""
    jpegs = image.by_format("jpeg")
    if not jpegs:
        return ""
    rendition = next((r for r in jpegs if r.width >= FALLBACK_WIDTH), jpegs[-1])
    return rendition.file.resolve().as_uri()


def spec_sheets(
    cat: Catalogue,
    photos: Mapping[Path, ImagePhoto],
    codes: Mapping[str, Sequence[Code]],
    *,
    site_url: str,
    illustrative: bool,
    qr_cache: QrCache | None = None,
    site_names: Mapping[Lang, str] | None = None,
    products: Sequence[Product] | None = None,
    cache_dir: Path | None = None,
) -> Iterator[SpecSheet]:
    """The sheets of every published product (or of `products`) in every language, one at a
    time: a sheet's HTML is about 24 KB as Python text, 960 MB for the 40,000 sheets of a
    20,000-product catalogue, and render_spec_sheets keeps only the sheets it must render.

    `codes` are the QR codes the build already made (qr.catalogue_codes); `site_names` the
    per-language site names of mkdocs.yml (`extra.languages.<lang>.site_name`).

    With `cache_dir` (the PDF cache), a sheet whose inputs (`_inputs_digest`) were seen before
    and whose PDF is in the cache is not rendered to HTML at all: its key is read from
    `cache_dir/inputs/<inputs digest>` and it comes without HTML. Rendering the HTML only to
    find its key took 13 s of a 5,000-product build. Any change to the generator's files misses
    this index; the HTML is then rendered and its key still finds the PDF.
    """
    qr_cache = qr_cache or QrCache(None)
    base = _key_base()
    fonts = {weight: path.resolve().as_uri() for weight, path in FONT_FILES.items()}
    chosen = list(cat.published if products is None else products)
    qr_urls: dict[str, tuple[Code, str]] = {}
    for product in chosen:
        code = _short_code(product, codes, site_url, qr_cache)
        qr_urls[product.id] = (code, _svg_data_url(code, qr_cache))
    code_lists = {pid: list(found) for pid, found in codes.items()}
    for lang in LANGS:
        r = Renderer(cat, dict(photos), lang, illustrative=illustrative, codes=code_lists)
        template = r.env.get_template(TEMPLATE)
        t = LABELS[lang]
        prefix = "" if lang == "vi" else f"{lang}/"
        site_name = (site_names or {}).get(lang) or t["catalogue"]
        for product in chosen:
            code, qr_src = qr_urls[product.id]
            photo_src = _photo_url(cat, photos, product)
            path = pdf_path(product.id, lang)
            index = None
            if cache_dir is not None:
                photo_name = photo_src.rsplit("/", 1)[-1]
                parts = [base, lang, site_url, str(illustrative), site_name, code.url, qr_src]
                parts.append(photo_name)
                index = cache_dir / "inputs" / _inputs_digest(cat, product, parts)
                key = _indexed_key(index, cache_dir)
                if key is not None:
                    yield SpecSheet(product.id, lang, path, "", key)
                    continue
            r.fallback_used = False
            html = template.render(
                r=r,
                t=t,
                lang=lang,
                cat=cat,
                p=product,
                producer=cat.producers[product.producer],
                category=cat.taxonomy.sets[product.ocop_category],
                commune_old=cat.region.old[product.place.commune_old],
                commune_new=cat.commune_new(product),
                fmt_date=lambda d, lang=lang: format_date(d, lang),
                money=lambda a, lang=lang: format_money(a, lang),
                number=lambda v, lang=lang: format_number(v, lang),
                fonts=fonts,
                qr_src=qr_src,
                photo_src=photo_src,
                url=code.url,
                page_url=f"{site_url}{prefix}{page_dir('product', product.id)}",
                site_name=site_name,
                illustrative=illustrative,
            )
            note = f'<p lang="{lang}">{t["no_translation"]}</p>' if r.fallback_used else ""
            html = html.replace(_FALLBACK, note, 1)
            key = hashlib.sha256(f"{base}|{_portable(html, fonts, photo_src)}".encode()).hexdigest()
            yield SpecSheet(product.id, lang, path, html, key, index)


def _indexed_key(index: Path, cache_dir: Path) -> str | None:
    """The sheet key recorded for these inputs, if its PDF and record are in the cache."""
    try:
        key = index.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    if not (_record_path(cache_dir, key).is_file() and (cache_dir / f"{key}.pdf").is_file()):
        return None
    return key


# --- phase 2: render what the cache lacks -----------------------------------------------------


@dataclass(frozen=True)
class _Task:
    html: bytes
    """Dated (generation line and CreationDate filled in), UTF-8, zlib-compressed: a cold
    build holds every missing sheet's task until the pool takes it, and the compressed HTML is
    about a fifth of the text."""
    target: Path

    @classmethod
    def of(cls, sheet: SpecSheet, day: dt.date, target: Path) -> _Task:
        return cls(zlib.compress(sheet.dated_html(day).encode("utf-8"), 1), target)


@dataclass(frozen=True)
class _Outcome:
    pages: int = 0
    seconds: float = 0.0
    compact: bool = False
    error: str | None = None


def _render_task(task: _Task) -> _Outcome:
    """Make one PDF (in a worker process). Only file: and data: URLs are fetched: a sheet never
    reaches the network, whatever a product file says."""
    import weasyprint  # type: ignore[import-untyped]  # loaded in workers only (pango, fonts)

    started = time.perf_counter()
    # fail_on_errors: a missing font or photo stops the sheet instead of silently falling back
    # to a system font (no Vietnamese marks) or printing no photo.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)

    def render(text: str) -> Any:
        return weasyprint.HTML(string=text, base_url=str(FONTS), url_fetcher=fetcher).render()

    tmp = task.target.with_name(f".{task.target.name}.{os.getpid()}.tmp")
    html = zlib.decompress(task.html).decode("utf-8")
    try:
        document = render(html)
        compact = len(document.pages) > MAX_PAGES
        if compact:
            document = render(html.replace(_COMPACT, '<body class="compact">', 1))
        # Tagged: screen readers get headings, tables and the photo's text alternative.
        document.write_pdf(tmp, pdf_tags=True)
        os.replace(tmp, task.target)
        outcome = _Outcome(len(document.pages), time.perf_counter() - started, compact)
        # The worker records its sheet at once, after the PDF (a record never names a missing
        # file): a build stopped half-way keeps every sheet made so far. Recorded by the parent
        # at the end, the 6,460 sheets of a stopped 5,000-product benchmark had no records and
        # were all rendered again.
        record = json.dumps(
            {"pages": outcome.pages, "seconds": outcome.seconds, "compact": outcome.compact}
        )
        write_atomic(_record_path(task.target.parent, task.target.stem), record.encode("utf-8"))
    # WeasyPrint raises many types, and a fetch error made fatal is a BaseException: report
    # them all as data, the pool goes on with the other sheets.
    except (Exception, weasyprint.urls.FatalURLFetchingError) as exc:
        tmp.unlink(missing_ok=True)
        return _Outcome(error=f"{type(exc).__name__}: {exc}")
    return outcome


TASKS_PER_WORKER = 200
"""A WeasyPrint worker grew to 2 GB resident after about 2,000 sheets (5,000-product benchmark),
so the workers are replaced after this many sheets each (progress.run_tasks); a new worker costs
well under a second, against about 50 s for its 200 sheets."""


def _run(tasks: list[_Task], workers: int | None) -> list[_Outcome]:
    return progress.run_tasks(
        _render_task,
        tasks,
        workers=workers,
        step_name="pdf",
        died=lambda: _Outcome(error="tiến trình con bị dừng / the worker process died"),
        tasks_per_worker=TASKS_PER_WORKER,
    )


def _record_inputs(sheet: SpecSheet) -> None:
    """Name the sheet's key under its inputs digest (a file per digest, never rewritten, so
    the caches of several CI jobs merge by copying)."""
    if sheet.index is not None and not sheet.index.exists():
        sheet.index.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(sheet.index, sheet.key.encode("ascii"))


def _record_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{key}.json"  # beside f"{key}.pdf"


def _cached(cache_dir: Path, sheet: SpecSheet) -> RenderedSheet | None:
    pdf = cache_dir / f"{sheet.key}.pdf"
    try:
        record = json.loads(_record_path(cache_dir, sheet.key).read_text(encoding="utf-8"))
        size = pdf.stat().st_size
    except (OSError, ValueError):
        return None
    return RenderedSheet(
        sheet,
        pdf,
        int(record["pages"]),
        size,
        float(record["seconds"]),
        cached=True,
        compact=bool(record.get("compact", False)),
    )


def render_spec_sheets(
    sheets: Iterable[SpecSheet],
    cache_dir: Path,
    *,
    today: dt.date,
    workers: int | None = None,
) -> list[RenderedSheet]:
    """The PDF of every sheet, from the cache or rendered now (in parallel); `today` is the
    generation date printed on the sheets made by this call.

    The results' sheets carry no HTML (`html` is empty): it is needed only for the key and for
    rendering, and holding it cost about 170 KB of memory per product at 5,000 products."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, RenderedSheet] = {}
    order: list[str] = []
    missing: dict[str, SpecSheet] = {}
    tasks: list[_Task] = []
    for sheet in sheets:
        order.append(sheet.key)
        if sheet.key in results or sheet.key in missing:
            continue
        bare = replace(sheet, html="")
        hit = _cached(cache_dir, bare)
        if hit is not None:
            results[sheet.key] = hit
            _record_inputs(sheet)
        elif not sheet.html:
            raise SpecSheetFailed(f"{sheet.path}: the cached PDF {sheet.key} is gone")
        else:
            missing[sheet.key] = bare
            tasks.append(_Task.of(sheet, today, cache_dir / f"{sheet.key}.pdf"))
    failures = []
    for (key, sheet), task, outcome in zip(
        missing.items(), tasks, _run(tasks, workers), strict=True
    ):
        if outcome.error is not None:
            failures.append(f"{sheet.path}: {outcome.error}")
            continue
        _record_inputs(sheet)
        results[key] = RenderedSheet(
            sheet,
            task.target,
            outcome.pages,
            task.target.stat().st_size,
            outcome.seconds,
            cached=False,
            compact=outcome.compact,
        )
    if failures:
        raise SpecSheetFailed(
            "không tạo được bảng thông số PDF / could not render the PDF spec sheets:\n"
            + "\n".join(failures)
        )
    return [results[key] for key in order]


def write_spec_sheets(
    release: Path | None,
    cat: Catalogue,
    photos: Mapping[Path, ImagePhoto],
    codes: Mapping[str, Sequence[Code]],
    *,
    site_url: str,
    illustrative: bool,
    cache_dir: Path,
    qr_cache: QrCache | None = None,
    site_names: Mapping[Lang, str] | None = None,
    workers: int | None = None,
    products: Sequence[Product] | None = None,
) -> SpecSheetStats:
    """Render (or take from `cache_dir`) the sheets of every published product (or of
    `products`) and publish them in `release` at pdf_path() (None: only fill the cache, as a
    CI job of `cache --part` does). The generation date printed on new sheets is the
    catalogue's build date (`cat.today`, SOURCE_DATE_EPOCH-aware)."""
    started = time.perf_counter()
    sheets = spec_sheets(
        cat,
        photos,
        codes,
        site_url=site_url,
        illustrative=illustrative,
        qr_cache=qr_cache,
        site_names=site_names,
        products=products,
        cache_dir=cache_dir,
    )
    rendered = render_spec_sheets(sheets, cache_dir, today=cat.today, workers=workers)
    stats = SpecSheetStats(sheets=rendered)
    for item in rendered:
        if release is not None:
            target = release / item.sheet.path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(item.file, target)  # the cache file is never rewritten: no copy needed
            except OSError:
                target.write_bytes(item.file.read_bytes())
        if item.cached:
            stats.cached += 1
        else:
            stats.made += 1
            stats.render_seconds += item.seconds
    stats.seconds = time.perf_counter() - started
    return stats
