"""What chat apps and search engines read from the built pages: Open Graph and Twitter tags, the
share images they name, and the JSON-LD blocks (generator/structured.py, share.py, main.html)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

from PIL import Image

from generator.build import BuildResult, Project, read_settings
from generator.catalogue import load_catalogue

from .conftest import TODAY

Site = tuple[Project, BuildResult]
LOCALES = {"vi": ("vi_VN", "en_US"), "en": ("en_US", "vi_VN")}


def meta(html: str) -> dict[str, str]:
    head = html.split("</head>", 1)[0]
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', head)
    return {key: unescape(value) for key, value in found}


def json_ld(html: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_every_page_has_sharing_tags_in_its_language(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    pages = [
        p
        for p in site.rglob("index.html")
        if 'content="noindex"' not in p.read_text(encoding="utf-8").split("</head>")[0]
    ]
    assert len(pages) > 50
    for page in pages:
        html = page.read_text(encoding="utf-8")
        tags = meta(html)
        lang = "en" if page.relative_to(site).parts[0] == "en" else "vi"
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is not None
        assert tags["og:title"] and unescape(title.group(1)).startswith(tags["og:title"]), page
        assert tags["og:description"], page
        assert (tags["og:locale"], tags["og:locale:alternate"]) == LOCALES[lang], page
        assert tags["twitter:title"] == tags["og:title"]


def test_product_pages_name_their_share_image_and_carry_json_ld(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    base = read_settings(project.root).site_url
    cat, _ = load_catalogue(project.root, today=TODAY)
    for product in cat.published:
        for lang, prefix in (("vi", ""), ("en", "en/")):
            html = (site / prefix / "san-pham" / product.id / "index.html").read_text("utf-8")
            tags = meta(html)
            assert tags["og:type"] == "product"
            assert tags["og:url"] == f"{base}{prefix}san-pham/{product.id}/"
            image = tags["og:image"]
            assert image.startswith(f"{base}anh/chia-se/{product.id}-{lang}.")
            with Image.open(site / image.removeprefix(base)) as shared:
                assert shared.size == (int(tags["og:image:width"]), int(tags["og:image:height"]))
                assert shared.size == (1200, 630)
            assert tags["twitter:card"] == "summary_large_image"

            data, crumbs = json_ld(html)
            assert data["@type"] == "Product" and data["name"] == product.name.get(lang)
            assert data["url"] == tags["og:url"]
            for url in data["image"]:
                assert (site / url.removeprefix(base)).is_file(), url
            ocop = [c for c in data.get("hasCertification", []) if c["name"] == "OCOP"]
            current = product.current
            if current is not None and cat.shows_stars(product):
                assert ocop[0]["certificationRating"]["ratingValue"] == current.stars
            else:
                assert ocop == []
            assert "aggregateRating" not in json.dumps(data)
            assert crumbs["@type"] == "BreadcrumbList"
            assert crumbs["itemListElement"][-1]["item"] == tags["og:url"]
            for item in crumbs["itemListElement"]:
                assert (site / item["item"].removeprefix(base) / "index.html").is_file()


def test_producer_pages_describe_an_organization(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    cat, _ = load_catalogue(project.root, today=TODAY)
    for producer in cat.producers.values():
        html = (site / "nha-san-xuat" / producer.id / "index.html").read_text("utf-8")
        data, crumbs = json_ld(html)
        assert data["@type"] in ("Organization", "Corporation")
        assert data["name"] == producer.name.vi
        assert crumbs["@type"] == "BreadcrumbList"


def test_share_images_are_published_without_metadata(sample_site: Site) -> None:
    project, _ = sample_site
    folder: Path = project.public.resolve() / "anh" / "chia-se"
    files = sorted(folder.glob("*.jpg"))
    cat, _ = load_catalogue(project.root, today=TODAY)
    assert len(files) == 2 * len(cat.published)
    for file in files:
        with Image.open(file) as image:
            assert image.format == "JPEG" and image.size == (1200, 630)
            assert not image.getexif() and "xmp" not in image.info and "exif" not in image.info
