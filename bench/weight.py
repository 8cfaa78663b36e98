"""What a phone downloads for one page of a built site, read from the HTML (no browser).

- `page_weight()`: the bytes fetched before any interaction: the HTML, its stylesheets (not
  `media="print"`), its `<script src>` files and the fonts their CSS declares, each gzip'd at
  level 6 (what verify/server.mjs and nginx send; fonts are counted as stored, WOFF2 is already
  compressed). Images are left out (lazy or not, they are not the page's "weight" here; the main
  photo is measured apart). Scripts the page defers until the first interaction
  (`<script type="text/x-ocop-deferred" data-src>`) are listed apart, with what they fetch at
  once: Material's bundle starts its search worker, which downloads `search/search_index.json`.
- `picked_rendition()`: the candidate a browser takes from a `<picture>`'s WebP `srcset` and
  `sizes` for a viewport width and device pixel ratio (the smallest width ≥ slot × DPR, else the
  largest), with its size on disk.
"""

from __future__ import annotations

import gzip
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

GZIP_LEVEL = 6
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf")
SEARCH_INDEX_PARTS = ("search_index.json", "search-index/")
"""URLs that are a search index: Material's, and the catalogue's own (generator/search.py)."""
EM_PX = 16.0


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL))


@dataclass
class Fetch:
    url: str
    kind: str
    raw: int
    sent: int


@dataclass
class PageWeight:
    """Bytes (`sent` = gzip'd) of one page's first load, and of what its first interaction adds."""

    fetches: list[Fetch] = field(default_factory=list)
    deferred: list[Fetch] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def sent(self, kind: str | None = None) -> int:
        return sum(f.sent for f in self.fetches if kind is None or f.kind == kind)

    @property
    def deferred_sent(self) -> int:
        return sum(f.sent for f in self.deferred)

    @property
    def search_before_interaction(self) -> list[str]:
        return [f.url for f in self.fetches if any(p in f.url for p in SEARCH_INDEX_PARTS)]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.deferred: list[str] = []
        self.config = ""
        self.search_form = False
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            if a.get("media", "all") not in ("print",):
                self.stylesheets.append(a["href"])
        elif tag == "script":
            if a.get("type") == "text/x-ocop-deferred" and a.get("data-src"):
                self.deferred.append(a["data-src"])
            elif a.get("src"):
                self.scripts.append(a["src"])
            self._in_config = a.get("id") == "__config"
        elif tag == "form" and a.get("name") == "search":
            self.search_form = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_config = False

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config += data


def _local(url: str, base: str) -> str | None:
    """The site path of a URL relative to the page folder `base` (None: another site)."""
    if re.match(r"^[a-z]+:|^//", url):
        return None
    url = url.split("#", 1)[0].split("?", 1)[0]
    return posixpath.normpath(posixpath.join(base, url)).lstrip("/")


_FONT_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def page_weight(page: Path, site: Path) -> PageWeight:
    """The first load of `page` (a file under the site folder `site`), as a phone fetches it."""
    html = page.read_bytes()
    base = "/" + page.parent.relative_to(site).as_posix()
    weight = PageWeight([Fetch(str(page.relative_to(site)), "html", len(html), gzip_size(html))])
    tags = _Tags()
    tags.feed(html.decode("utf-8", errors="replace"))
    seen: set[str] = set()

    def fetch(url: str, base: str, kind: str, into: list[Fetch]) -> bytes | None:
        path = _local(url, base)
        if path is None or path in seen:
            return None
        seen.add(path)
        file = site / path
        if not file.is_file():
            weight.missing.append(path)
            return None
        data = file.read_bytes()
        sent = len(data) if kind == "font" else gzip_size(data)
        into.append(Fetch(path, kind, len(data), sent))
        return data

    for href in tags.stylesheets:
        css = fetch(href, base, "css", weight.fetches)
        if css is None:
            continue
        css_base = "/" + posixpath.dirname(_local(href, base) or "")
        for match in _FONT_URL.finditer(css.decode("utf-8", errors="replace")):
            if match[1].lower().endswith(FONT_SUFFIXES):
                fetch(match[1], css_base, "font", weight.fetches)
    for src in tags.scripts:
        fetch(src, base, "js", weight.fetches)
    for src in tags.deferred:
        fetch(src, base, "js", weight.deferred)
    worker = re.search(r'"search":\s*"([^"]+)"', tags.config)
    if worker and tags.search_form:
        root = re.search(r'"base":\s*"([^"]+)"', tags.config)
        fetch(worker[1], base, "js", weight.deferred)
        fetch(posixpath.join(root[1] if root else ".", "search/search_index.json"), base, "search",
              weight.deferred)  # fmt: skip
    return weight


# --- responsive images ---------------------------------------------------------------------------


def _length(text: str, viewport: float) -> float:
    """A CSS length of `sizes`: px, em, rem, vw, or calc() of those with + and -."""
    text = text.strip()
    if text.startswith("calc(") and text.endswith(")"):
        total, sign = 0.0, 1.0
        for token in re.findall(r"[+-]|[^\s+-]+", text[5:-1]):
            if token in "+-":
                sign = 1.0 if token == "+" else -1.0
            else:
                total += sign * _length(token, viewport)
        return total
    number = re.fullmatch(r"([\d.]+)(px|r?em|vw)", text)
    if not number:
        raise ValueError(f"unsupported length in sizes: {text!r}")
    value, unit = float(number[1]), number[2]
    return value * {"px": 1.0, "em": EM_PX, "rem": EM_PX, "vw": viewport / 100}[unit]


def _matches(condition: str, viewport: float) -> bool:
    for kind, value in re.findall(r"\((min|max)-width:\s*([^)]+)\)", condition):
        width = _length(value, viewport)
        if (kind == "min" and viewport < width) or (kind == "max" and viewport > width):
            return False
    return True


def slot_width(sizes: str, viewport: float) -> float:
    """The width `sizes` gives the image at this viewport width (CSS px)."""
    for entry in (e.strip() for e in sizes.split(",")):
        condition = re.match(r"^(\(.*\))\s+(\S.*)$", entry)
        if condition is None:
            return _length(entry, viewport)
        if _matches(condition[1], viewport):
            return _length(condition[2], viewport)
    return viewport


@dataclass
class Picked:
    url: str
    width: int
    bytes: int
    slot: float
    dpr: float


_PICTURE = re.compile(r"<picture>(.*?)</picture>", re.S)
_WEBP = re.compile(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)"')


def main_picture(html: str) -> tuple[str, str] | None:
    """srcset and sizes of the WebP source of the page's main photo: the picture whose image is
    `fetchpriority="high"`, else the first one."""
    pictures = _PICTURE.findall(html)
    chosen = next((p for p in pictures if 'fetchpriority="high"' in p), None)
    chosen = chosen or (pictures[0] if pictures else None)
    found = _WEBP.search(chosen) if chosen else None
    return (found[1], found[2]) if found else None


def picked_rendition(page: Path, site: Path, viewport: float, dpr: float) -> Picked | None:
    """The main photo's WebP candidate a browser picks at this viewport and DPR."""
    found = main_picture(page.read_text(encoding="utf-8"))
    if found is None:
        return None
    srcset, sizes = found
    candidates = sorted(
        (int(descriptor.rstrip("w")), url)
        for url, descriptor in (item.split() for item in srcset.split(","))
    )
    slot = slot_width(sizes, viewport)
    need = slot * dpr
    width, url = next((c for c in candidates if c[0] >= need), candidates[-1])
    path = _local(url, "/" + page.parent.relative_to(site).as_posix())
    size = (site / path).stat().st_size if path else 0
    return Picked(url, width, size, slot, dpr)
