"""Sitemaps and robots.txt of the built sample site (generator/sitemaps.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from generator.build import BuildResult, Project, read_settings
from generator.catalogue import load_catalogue

from .conftest import TODAY

Site = tuple[Project, BuildResult]
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def entries(path: Path) -> dict[str, tuple[str | None, dict[str, str]]]:
    """loc → (lastmod, {hreflang: href})."""
    out = {}
    for url in ET.parse(path).getroot().findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc is not None
        alternates = {
            link.get("hreflang", ""): link.get("href", "") for link in url.findall("x:link", NS)
        }
        out[loc] = (url.findtext("s:lastmod", namespaces=NS), alternates)
    return out


def test_sitemaps_list_every_page_with_its_data_date_and_alternates(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    base = read_settings(project.root).site_url
    cat, _ = load_catalogue(project.root, today=TODAY)

    index = ET.parse(site / "sitemap.xml").getroot()
    named = [e.findtext("s:loc", namespaces=NS) for e in index.findall("s:sitemap", NS)]
    assert named == [f"{base}sitemap-vi.xml", f"{base}en/sitemap.xml"]
    assert (
        (site / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {base}sitemap.xml\n")
    )
    assert not list(site.rglob("sitemap.xml.gz"))  # MkDocs' stale copies are gone

    vi = entries(site / "sitemap-vi.xml")
    en = entries(site / "en" / "sitemap.xml")
    for lang, listed, prefix in (("vi", vi, ""), ("en", en, "en/")):
        for loc in listed:
            # Every listed URL is a real, indexable page of that language.
            assert loc.startswith(base + prefix)
            page = site / loc.removeprefix(base) / "index.html"
            head = page.read_text(encoding="utf-8").split("</head>")[0]
            assert 'content="noindex"' not in head, loc
        for product in cat.published:
            loc = f"{base}{prefix}san-pham/{product.id}/"
            lastmod, alternates = listed[loc]
            assert lastmod == product.provenance.updated.isoformat(), (lang, loc)
            assert alternates == {
                "vi": f"{base}san-pham/{product.id}/",
                "en": f"{base}en/san-pham/{product.id}/",
                "x-default": f"{base}san-pham/{product.id}/",
            }
        for producer in cat.producers.values():
            made = [p.provenance.updated for p in cat.products_of(producer.id)]
            lastmod, _ = listed[f"{base}{prefix}nha-san-xuat/{producer.id}/"]
            assert lastmod == (max(made).isoformat() if made else None)
        # Redirect stubs (noindex) are not listed; the catalogue is, with its latest change.
        assert not [loc for loc in listed if "/p/" in loc or "/01/" in loc]
        lastmod, _ = listed[f"{base}{prefix}danh-muc/"]
        assert lastmod == max(p.provenance.updated for p in cat.published).isoformat()
    # Both languages list the same pages, but for the news categories (their slugs come from
    # each language's category names), which list no alternates.
    one_language = {loc.removeprefix(base) for loc in vi} ^ {
        loc.removeprefix(f"{base}en/") for loc in en
    }
    assert all(path.startswith("tin-tuc/") for path in one_language)
    for listed, prefix in ((vi, ""), (en, "en/")):
        for path in one_language:
            if f"{base}{prefix}{path}" in listed:
                assert listed[f"{base}{prefix}{path}"][1] == {}
