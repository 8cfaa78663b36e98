"""Sitemaps and robots.txt: one sitemap per language with real dates and hreflang alternates.

MkDocs writes a sitemap per build whose `lastmod` is the build date on every page, and no
language alternates. Search engines use `lastmod` to decide what to fetch again: a date that
changes on every build teaches them to ignore it. So the release gets its own:

- `/sitemap.xml`: a sitemap index naming `/sitemap-vi.xml` and `/en/sitemap.xml`;
- each language's sitemap lists every indexable page of that language (redirect stubs and
  other `noindex` pages are left out), with `xhtml:link` alternates (vi, en, x-default → vi) when
  the page exists in both languages, and `lastmod` where the data knows it: a product's own
  `provenance.updated`, for a producer or a listing the latest of its products. Hand-written
  pages carry no date rather than a wrong one.
- `/robots.txt`: everything may be crawled; names the sitemap index.

MkDocs' `sitemap.xml.gz` files are removed: they would be stale copies of what is replaced.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from .catalogue import Catalogue
from .images import write_atomic
from .pagefacts import PageFacts
from .render import page_dir
from .schema import Product

SITEMAPS = {"vi": "sitemap-vi.xml", "en": "en/sitemap.xml"}
INDEX = "sitemap.xml"
_SKIP = ("assets/", "search/", "search-index/", "_host/", "anh/", "du-lieu/")


def _latest(products: Iterable[Product]) -> dt.date | None:
    return max((p.provenance.updated for p in products), default=None)


def page_dates(cat: Catalogue) -> dict[str, dt.date]:
    """Page folder (as in page_dir, the same in both languages) → the date its data last
    changed."""
    published = cat.published
    dates: dict[str, dt.date | None] = {}
    for product in published:
        dates[page_dir("product", product.id)] = product.provenance.updated
        dates[page_dir("product", product.id) + "qr/"] = product.provenance.updated
    for producer in cat.producers.values():
        dates[page_dir("producer", producer.id)] = _latest(cat.products_of(producer.id))
    everything = _latest(published)
    for key in ("catalogue", "producers", "search"):
        dates[page_dir(key)] = everything
    for group in cat.taxonomy.groups:
        members = (p for p in published if cat.taxonomy.group_of(p.ocop_category) is group)
        dates[page_dir("group", group.slug)] = _latest(members)
    for n in (3, 4, 5):
        members = (
            p
            for p in published
            if p.current is not None and cat.shows_stars(p) and p.current.stars == n
        )
        dates[page_dir("stars", str(n))] = _latest(members)
    for commune in cat.region.new.values():
        members = (p for p in published if cat.commune_new(p).id == commune.id)
        dates[page_dir("commune", commune.id)] = _latest(members)
    for commune in cat.region.old.values():
        members = (p for p in published if p.place.commune_old == commune.id)
        dates[page_dir("commune_old", commune.id)] = _latest(members)
    return {key: date for key, date in dates.items() if date is not None}


def indexable_pages(release: Path, facts: PageFacts | None = None) -> dict[str, set[str]]:
    """Language → page folders ('' for the home page, 'san-pham/x/' …) of the release that
    search engines may index. With `facts`, pages seen by an earlier build are not read again."""
    facts = facts or PageFacts()
    pages: dict[str, set[str]] = {"vi": set(), "en": set()}
    for dirpath, dirs, files in os.walk(release):
        rel = Path(dirpath).relative_to(release).as_posix()
        folder = "" if rel == "." else f"{rel}/"
        # Assets, indexes and data of either language are not pages.
        dirs[:] = [d for d in dirs if f"{folder.removeprefix('en/')}{d}/" not in _SKIP]
        if "index.html" not in files:
            continue
        if facts.of(Path(dirpath) / "index.html").noindex:
            continue
        if folder.startswith("en/"):
            pages["en"].add(folder.removeprefix("en/"))
        else:
            pages["vi"].add(folder)
    return pages


def _url(site_url: str, lang: str, folder: str) -> str:
    return site_url + ("en/" if lang == "en" else "") + folder


def sitemap(site_url: str, lang: str, pages: dict[str, set[str]], dates: dict[str, dt.date]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for folder in sorted(pages[lang]):
        lines.append("<url>")
        lines.append(f"<loc>{escape(_url(site_url, lang, folder))}</loc>")
        if folder in dates:
            lines.append(f"<lastmod>{dates[folder].isoformat()}</lastmod>")
        if all(folder in pages[other] for other in ("vi", "en")):
            for other in ("vi", "en"):
                href = escape(_url(site_url, other, folder))
                lines.append(f'<xhtml:link rel="alternate" hreflang="{other}" href="{href}"/>')
            href = escape(_url(site_url, "vi", folder))
            lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{href}"/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap_index(site_url: str, dates: dict[str, dt.date]) -> str:
    latest = max(dates.values(), default=None)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path in SITEMAPS.values():
        lines.append("<sitemap>")
        lines.append(f"<loc>{escape(site_url + path)}</loc>")
        if latest is not None:
            lines.append(f"<lastmod>{latest.isoformat()}</lastmod>")
        lines.append("</sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def robots(site_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}{INDEX}\n"


def write_sitemaps(
    release: Path, cat: Catalogue, site_url: str, facts: PageFacts | None = None
) -> list[str]:
    """Replace MkDocs' sitemaps with ours; returns the files written (release-relative)."""
    site_url = site_url.rstrip("/") + "/"
    pages = indexable_pages(release, facts)
    dates = page_dates(cat)
    written = []
    for lang, path in SITEMAPS.items():
        # Replaced, not written through: a preview release hard-links MkDocs' own sitemap.
        write_atomic(release / path, sitemap(site_url, lang, pages, dates).encode())
        written.append(path)
    write_atomic(release / INDEX, sitemap_index(site_url, dates).encode())
    write_atomic(release / "robots.txt", robots(site_url).encode())
    for stale in ("sitemap.xml.gz", "en/sitemap.xml.gz"):
        (release / stale).unlink(missing_ok=True)
    return sorted([*written, INDEX, "robots.txt"])
