"""Release gates: a release becomes `public/` only if all of these pass.

- every published product page exists in both languages
- every internal link and image reference resolves to a file of the release
- no original upload is published, and no published image carries metadata (GPS) or is not a web
  format

Link extraction uses a regular expression over the attributes MkDocs and our templates write
(always double-quoted) instead of a full HTML parser: it is about ten times faster, which keeps the
no-change rebuild cheap at thousands of pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import LANGS
from .images import audit_published_image

_ATTR = re.compile(r'\s(?:href|src|srcset)="([^"]*)"')
_SKIP_SCHEMES = ("http:", "https:", "mailto:", "tel:", "data:", "javascript:", "zalo:")
IMAGE_BUDGET = 400 * 1024
"""No published image may be heavier: the widest rendition (1200 px) of a busy phone photo is
about 290 KB; anything bigger means an encoding setting or a source slipped through."""
IMAGE_EXTS = {
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".avif",
    ".gif",
    ".tif",
    ".tiff",
    ".heic",
    ".svg",
    ".bmp",
}


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    pages: int = 0
    links: int = 0
    images: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _targets(value: str, is_srcset: bool) -> Iterable[str]:
    if is_srcset or (", " in value and re.search(r"\s\d+w(,|$)", value)):
        for part in value.split(","):
            url = part.strip().split(" ")[0]
            if url:
                yield url
    else:
        yield value


def check_links(site: Path, report: CheckReport) -> None:
    """Every relative or root-relative link in every page must name a file of the release."""
    existing: set[str] = set()
    pages: list[str] = []
    for dirpath, _dirs, files in os.walk(site):
        rel_dir = os.path.relpath(dirpath, site).replace(os.sep, "/")
        for name in files:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            existing.add(rel)
            if name.endswith(".html"):
                pages.append(rel)
    report.pages = len(pages)
    for page in pages:
        text = (site / page).read_text(encoding="utf-8", errors="replace")
        base = posixpath.dirname(page)
        for match in _ATTR.finditer(text):
            raw = match.group(1)
            is_srcset = match.group(0).lstrip().startswith("srcset")
            for url in _targets(raw, is_srcset):
                if (
                    not url
                    or url.startswith("#")
                    or url.lower().startswith(_SKIP_SCHEMES)
                    or url.startswith("//")
                ):
                    continue
                report.links += 1
                path = unquote(urlsplit(url).path)
                if page == "404.html" or page.endswith("/404.html"):
                    continue  # served at any depth; its links are root-absolute by design
                target = posixpath.normpath(
                    path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)
                )
                if target == ".":
                    target = ""
                if path.endswith("/") or target == "":
                    target = f"{target}/index.html".lstrip("/")
                if target.startswith("../") or (
                    target not in existing and f"{target}/index.html" not in existing
                ):
                    report.problems.append(f"{page}: liên kết hỏng / broken link: {url}")


def check_product_pages(site: Path, product_ids: Iterable[str], report: CheckReport) -> None:
    for pid in product_ids:
        for lang in LANGS:
            prefix = "" if lang == "vi" else f"{lang}/"
            page = site / f"{prefix}san-pham/{pid}/index.html"
            if not page.is_file():
                report.problems.append(
                    f"{prefix}san-pham/{pid}/: thiếu trang sản phẩm / missing product page"
                )


def check_images(
    site: Path, originals: dict[int, set[str]], cache_file: Path, report: CheckReport
) -> None:
    """Audit every published image; results are cached by name (names carry a content hash)."""
    try:
        cache: dict[str, list[str]] = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        cache = {}
    fresh: dict[str, list[str]] = {}
    for dirpath, _dirs, files in os.walk(site):
        for name in files:
            path = Path(dirpath) / name
            size = path.stat().st_size
            if size in originals:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if digest in originals[size]:
                    report.problems.append(
                        f"{path.relative_to(site)}: ảnh gốc bị xuất bản / an original upload is "
                        "published"
                    )
            if path.suffix.lower() not in IMAGE_EXTS:
                continue
            report.images += 1
            key = f"{path.relative_to(site).as_posix()}:{size}"
            problems = cache.get(key)
            if problems is None:
                problems = audit_published_image(path)
            fresh[key] = problems
            report.problems.extend(f"{path.relative_to(site)}: {p}" for p in problems)
            if size > IMAGE_BUDGET:
                report.problems.append(
                    f"{path.relative_to(site)}: {size // 1024} KB, vượt ngân sách {IMAGE_BUDGET // 1024}"
                    f" KB cho một ảnh / over the {IMAGE_BUDGET // 1024} KB budget for one image"
                )
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(fresh))
