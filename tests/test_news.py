"""News (Material's blog, one per language), its photos, product cards and feeds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from generator.build import BuildResult, Project, read_settings
from generator.errors import Lang
from generator.news import post_files

Site = tuple[Project, BuildResult]
LANGUAGES: tuple[tuple[Lang, str], ...] = (("vi", ""), ("en", "en/"))


def front(path: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(path.read_text("utf-8").split("\n---\n", 1)[0][4:])
    return data


def test_blog_builds_in_both_languages_with_cards_and_photos(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    for lang, prefix in LANGUAGES:
        posts = post_files(project.root, lang)
        assert len(posts) >= 3
        index = (site / prefix / "tin-tuc" / "index.html").read_text(encoding="utf-8")
        for path in posts.values():
            meta = front(path)
            page = site / prefix / "tin-tuc" / str(meta["slug"]) / "index.html"
            html = page.read_text(encoding="utf-8")
            assert f'href="{meta["slug"]}/"' in index or f"{meta['slug']}/" in index
            text = path.read_text("utf-8")
            # Product cards: the products the post names, linking their pages.
            for ids in re.findall(r'--8<-- "san-pham:([^"]+)"', text):
                for pid in ids.split(","):
                    assert f'href="../../san-pham/{pid}/"' in html, (page, pid)
                    assert (site / prefix / "san-pham" / pid / "index.html").is_file()
            # Photos: only renditions under /anh/tin-tuc/, never the original file.
            for name in re.findall(r'--8<-- "anh:([^"|]+)', text):
                stem = Path(name).stem
                sources = re.findall(rf'(?:src|srcset)="([^"]*{re.escape(stem)}[^"]*)"', html)
                assert sources, (page, name)
                for url in " ".join(sources).replace(",", " ").split():
                    if "/" in url:
                        published = (page.parent / url).resolve()
                        assert published.is_file() and published.parent.name == "tin-tuc"
                        assert (
                            published.read_bytes()
                            != (project.root / "content" / "anh" / name).read_bytes()
                        )
            # Categories have their pages.
            for category in meta.get("categories") or []:  # type: ignore[attr-defined]
                assert str(category) in html


def test_language_links_of_one_language_pages_lead_to_existing_pages(sample_site: Site) -> None:
    """Category pages have different slugs per language: their language links go to the news."""
    project, _ = sample_site
    site = project.public.resolve()
    for page in (site / "tin-tuc").rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a href="([^"]+)" hreflang="en"', html):
            assert (page.parent / href / "index.html").resolve().is_file(), (page, href)


def test_news_feeds_list_the_posts(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    base = read_settings(project.root).site_url
    for lang, prefix in LANGUAGES:
        posts = post_files(project.root, lang)
        rss = ET.parse(site / prefix / "tin" / "tin-tuc.xml").getroot()
        links = [item.findtext("link") for item in rss.iter("item")]
        expected = sorted(
            (front(p) for p in posts.values()), key=lambda m: str(m["date"]), reverse=True
        )
        assert links == [f"{base}{prefix}tin-tuc/{m['slug']}/" for m in expected]
        data = json.loads((site / prefix / "tin" / "tin-tuc.json").read_text(encoding="utf-8"))
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert [item["url"] for item in data["items"]] == links
        ET.parse(site / prefix / "tin" / "tin-tuc.atom")
        home = (site / prefix / "index.html").read_text(encoding="utf-8")
        assert f'href="{base}{prefix}tin/tin-tuc.xml"' in home
