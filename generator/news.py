"""The news posts (content/<lang>/tin-tuc/posts/*.md, Material's blog) as a feed of each language.

Material's blog plugin makes the pages; the feeds (RSS, Atom, JSON Feed: generator/feeds.py) are
written by the build like the products feed, at `tin/tin-tuc.{xml,atom,json}` and
`en/tin/tin-tuc.…`. A post missing in English is taken from Vietnamese, as the pages are.
Entry ids are the posts' page URLs: a post's `slug:` never changes (mkdocs.yml), so neither does
its id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from . import feeds
from .errors import LANGS, Lang
from .images import Photo
from .render import NEWS_IMAGE_DIR

NEWS_FEED = "tin-tuc"
POSTS = "tin-tuc/posts"
TEXTS: dict[Lang, dict[str, str]] = {
    "vi": {
        "title": "Tin tức OCOP Krông Nô",
        "description": "Tin về chương trình OCOP của huyện Krông Nô: sản phẩm mới, hội chợ, siêu thị.",
    },
    "en": {
        "title": "Krông Nô OCOP news",
        "description": "News of Krông Nô's OCOP programme: new products, trade fairs, supermarkets.",
    },
}
_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_PHOTO = re.compile(r'^--8<-- "anh:([^"|]+)', re.M)


def post_files(root: Path, lang: Lang) -> dict[str, Path]:
    """File name → post file of a language, Vietnamese ones standing in for missing ones."""
    found: dict[str, Path] = {}
    for source in (lang, "vi"):
        folder = root / "content" / source / POSTS
        if folder.is_dir():
            for path in sorted(folder.glob("*.md")):
                found.setdefault(path.name, path)
    return found


def entries(
    root: Path, lang: Lang, *, site_url: str, photos: Mapping[str, Photo]
) -> list[feeds.FeedEntry]:
    out = []
    base = site_url + ("" if lang == "vi" else f"{lang}/")
    for path in post_files(root, lang).values():
        match = _FRONT.match(path.read_text(encoding="utf-8-sig"))
        if match is None:
            continue  # not a post the blog plugin would publish either
        meta = yaml.safe_load(match.group(1)) or {}
        body = match.group(2)
        if meta.get("draft") or not meta.get("slug") or not meta.get("date"):
            continue
        date = meta["date"]
        day = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))
        heading = re.search(r"(?m)^# (.+)$", body)
        title = heading.group(1).strip() if heading else str(meta["slug"])
        image = None
        cover = _PHOTO.search(body)
        if cover and cover.group(1).strip() in photos:
            rendition = photos[cover.group(1).strip()].largest("jpeg")
            image = feeds.Image(
                f"{site_url}{NEWS_IMAGE_DIR}/{rendition.name}",
                "image/jpeg",
                rendition.file.stat().st_size,
            )
        url = f"{base}tin-tuc/{meta['slug']}/"
        out.append(
            feeds.FeedEntry(
                id=url,
                title=title,
                url=url,
                summary=str(meta.get("description") or ""),
                published=feeds.announced(day),
                image=image,
                categories=tuple(
                    feeds.Category(str(c), str(c)) for c in meta.get("categories") or ()
                ),
            )
        )
    return out


def write_news_feeds(
    release: Path,
    root: Path,
    *,
    site_url: str,
    photos: Mapping[str, Photo],
    site_names: Mapping[Lang, str],
) -> list[str]:
    written = []
    for lang in LANGS:
        feed = feeds.make_feed(
            lang,
            entries(root, lang, site_url=site_url, photos=photos),
            site_url=site_url,
            name=NEWS_FEED,
            title=TEXTS[lang]["title"],
            description=TEXTS[lang]["description"],
            author=feeds.Author(site_names.get(lang, TEXTS[lang]["title"])),
            empty_updated=feeds.announced(dt.date(2026, 1, 1)),
        )
        written += feeds.write_feed(release, feed)
    return written


def feed_links(lang: Lang, site_url: str) -> list[tuple[str, str, str]]:
    return feeds.feed_links(lang, site_url=site_url, name=NEWS_FEED, title=TEXTS[lang]["title"])
