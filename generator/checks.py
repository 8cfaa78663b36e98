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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import LANGS
from .images import audit_published_image, write_atomic

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
    read: int = 0
    """Pages the link check read (the others were unchanged since the last check)."""

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


class LinkMemo:
    """The link targets of the pages of the last checked release, so that a page need not be
    read again while it is the same file (`file_key`) at the same place and all its targets
    still exist.

    At 5,000 products the link check read 35,000 pages (700 MB) and resolved 1.2 million
    links in every build, 19 to 29 s of a one-product rebuild, though MkDocs had kept nearly
    all of those pages. What a kept page links to is kept here: the files its links resolved
    to, as numbers in a table of paths, for every page by its path in the release. A page
    whose recorded targets are all still in the release links to nothing broken; one whose
    file changed, or one of whose targets has gone, is read and checked as in a first build,
    so the problems reported are the same.

    The file is text, one path or page per line, written and read a line at a time: at 20,000
    products it holds about half a million paths and 88,000 pages, and as one JSON document it
    took the generator's memory over its peak."""

    HEADER = "ocop link targets 1\n"

    def __init__(self, memo: Path | None = None) -> None:
        self.memo = memo
        self.table: list[str] = []
        self.pages: dict[str, tuple[str, int, str]] = {}
        """Path in the release: (file key, links counted, numbers of its targets joined by ",")."""
        self._index: dict[str, str] | None = None
        if memo is None:
            return
        table: list[str] = []
        pages: dict[str, tuple[str, int, str]] = {}
        try:
            with open(memo, encoding="utf-8") as lines:
                if next(lines, "") != self.HEADER:
                    return
                for _ in range(int(next(lines))):
                    table.append(next(lines)[:-1])
                for line in lines:
                    rel, key, links, numbers = line[:-1].split("\t")
                    pages[rel] = (key, int(links), numbers)
        except (OSError, ValueError, StopIteration):
            return  # no memo, or a damaged one: every page is read
        self.table, self.pages = table, pages

    def number(self, path: str) -> str:
        """The number of `path` in the table, added if it is new."""
        if self._index is None:
            self._index = {p: str(i) for i, p in enumerate(self.table)}
        found = self._index.get(path)
        if found is None:
            found = self._index[path] = str(len(self.table))
            self.table.append(path)
        return found

    def save(self, pages: dict[str, tuple[str, int, str]]) -> None:
        """Keep this release's pages. Paths no page links to any more are dropped from the
        table once they are half of it; until then the numbers of the kept pages stay valid."""
        if self.memo is None:
            return
        used: set[str] = set()
        for _key, _links, numbers in pages.values():
            used.update(numbers.split(","))
        used.discard("")
        if len(used) * 2 < len(self.table):
            order = sorted(used, key=int)
            renumber = {n: str(i) for i, n in enumerate(order)}
            self.table = [self.table[int(n)] for n in order]
            pages = {
                rel: (key, links, ",".join(renumber[n] for n in numbers.split(",") if n))
                for rel, (key, links, numbers) in pages.items()
            }
        self.pages, self._index = pages, None

        def lines() -> Iterator[bytes]:
            yield f"{self.HEADER}{len(self.table)}\n".encode()
            for path in self.table:
                yield f"{path}\n".encode()
            for rel, (key, links, numbers) in pages.items():
                yield f"{rel}\t{key}\t{links}\t{numbers}\n".encode()

        write_atomic(self.memo, lines())


_BROKEN, _UNKEPT = "broken", "unkept"
"""What a link resolved to when not a number: nothing, or a path the memo cannot hold."""


def _plain(path: str) -> bool:
    """A path the memo's lines can hold (none of ours has a tab or a line break)."""
    return "\t" not in path and "\n" not in path and "\r" not in path


def file_key(stat: os.stat_result) -> str:
    """Device, inode, modification time and size: the same four, the same content (as for
    the image audit and `pagefacts`)."""
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"


def check_links(site: Path, report: CheckReport, memo: Path | None = None) -> None:
    """Every relative or root-relative link in every page must name a file of the release.

    With a `memo` file (`LinkMemo`), pages unchanged since the last check whose targets all
    still exist are not read again."""
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
    memory = LinkMemo(memo)
    keys = {page: file_key(os.lstat(site / page)) for page in pages}
    # Pages that are the same file as last time, then those of them whose targets have gone.
    same = {
        page: memory.pages[page]
        for page in pages
        if page in memory.pages and memory.pages[page][0] == keys[page]
    }
    numbers: set[str] = set()
    for _key, _links, recorded in same.values():
        numbers.update(recorded.split(","))
    numbers.discard("")
    table = memory.table
    gone = {
        n
        for n in numbers
        if not n.isdigit() or int(n) >= len(table) or table[int(n)] not in existing
    }
    del numbers
    if gone:
        same = {page: entry for page, entry in same.items() if gone.isdisjoint(entry[2].split(","))}
    checked = dict(same)
    # The number of the file a link resolved to (or _BROKEN), by (page depth, URL), for
    # URLs whose target does not depend on which folder of that depth the page is in:
    # root-absolute ones and those that climb out of all of the page's folders. Those are most
    # links (theme assets, menus, photos of cards), about 520,000 at 1,000 products.
    known: dict[tuple[int, str], str] = {}
    for page in pages:
        if page in same:
            report.links += same[page][1]
            continue
        report.read += 1
        # A 404 page is served at any depth; its links are root-absolute by design.
        not_found = page == "404.html" or page.endswith("/404.html")
        text = (site / page).read_text(encoding="utf-8", errors="replace")
        base = posixpath.dirname(page)
        depth = page.count("/")
        climb = "../" * depth
        links = 0
        targets: set[str] = set()
        remember = _plain(page)
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
                links += 1
                if not_found:
                    continue
                shared = url.startswith((climb, "/"))
                found = known.get((depth, url)) if shared else None
                if found is None:
                    target = _resolves(url, base, existing)
                    if target is None:
                        found = _BROKEN
                    else:
                        found = memory.number(target) if _plain(target) else _UNKEPT
                    if shared:
                        known[depth, url] = found
                if found == _BROKEN:
                    report.problems.append(f"{page}: liên kết hỏng / broken link: {url}")
                    remember = False  # read again next time, to report it again
                elif found == _UNKEPT:
                    remember = False
                else:
                    targets.add(found)
        report.links += links
        if remember:
            checked[page] = (keys[page], links, ",".join(targets))
    memory.save(checked)


def _resolves(url: str, base: str, existing: set[str]) -> str | None:
    """The file of the release that `url`, on a page in folder `base`, is served from."""
    path = unquote(urlsplit(url).path)
    target = posixpath.normpath(
        path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)
    )
    if target == ".":
        target = ""
    if path.endswith("/") or target == "":
        target = f"{target}/index.html".lstrip("/")
    if target.startswith("../"):
        return None
    if target in existing:
        return target
    if f"{target}/index.html" in existing:
        return f"{target}/index.html"
    return None


def check_product_pages(site: Path, product_ids: Iterable[str], report: CheckReport) -> None:
    for pid in product_ids:
        for lang in LANGS:
            prefix = "" if lang == "vi" else f"{lang}/"
            page = site / f"{prefix}san-pham/{pid}/index.html"
            if not page.is_file():
                report.problems.append(
                    f"{prefix}san-pham/{pid}/: thiếu trang sản phẩm / missing product page"
                )


AUDIT_KEEP = 1_000_000
"""Audit results kept in the cache file (about 50 bytes each). This build's come last, so the
oldest go first when a cache outgrows this."""


def _audit_key(stat: os.stat_result, ext: str) -> str:
    """The file itself: published images are hard links to cache files that are never rewritten,
    so device, inode, modification time and size name the content in every release and every
    catalogue sharing the cache; the extension is audited too. A symlink has its own inode
    (lstat), so it is audited (and refused) even when it points at a clean file."""
    return file_key(stat) + ext


def check_images(
    site: Path, originals: dict[int, set[str]], cache_file: Path, report: CheckReport
) -> None:
    """Audit every published image, once per file (`_audit_key`) for as long as the cache keeps it.

    The results of earlier builds are kept, not only this build's, and they are keyed by the file,
    not by its path: catalogues that share a cache folder (the benchmark's 1,000 and 5,000
    products) lost each other's results, and a 5,000-product build audited all 102,211 of its
    images again, 40 of its 57 s of image checks under the profiler. Clean files are stored as a
    list of keys (one per cache file however many releases link it): the benchmark's 281,138
    results, as a dict by path, took 56 MB in the generator; as keys of files about 35 MB."""
    try:
        stored = json.loads(cache_file.read_text())
        order: list[str] = list(stored["clean"])
        flagged: dict[str, list[str]] = dict(stored["flagged"])
    except (OSError, ValueError, KeyError, TypeError):
        order, flagged = [], {}
    clean = set(order)
    seen: dict[str, bool] = {}
    """This build's keys, in order, and whether the file is clean."""
    for dirpath, _dirs, files in os.walk(site):
        # Plain strings, not Path objects: 100,000 images at 5,000 products.
        rel_dir = os.path.relpath(dirpath, site).replace(os.sep, "/")
        for name in files:
            full = os.path.join(dirpath, name)
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            stat = os.lstat(full)
            size = stat.st_size
            if size in originals:
                with open(full, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
                if digest in originals[size]:
                    report.problems.append(
                        f"{rel}: ảnh gốc bị xuất bản / an original upload is published"
                    )
            ext = os.path.splitext(name)[1].lower()
            if ext not in IMAGE_EXTS:
                continue
            report.images += 1
            key = _audit_key(stat, ext)
            if key in clean:
                problems: list[str] = []
            else:
                found = flagged.get(key)
                problems = audit_published_image(Path(full)) if found is None else found
                if problems:
                    flagged[key] = problems
            seen[key] = not problems
            report.problems.extend(f"{rel}: {p}" for p in problems)
            if size > IMAGE_BUDGET:
                report.problems.append(
                    f"{rel}: {size // 1024} KB, vượt ngân sách {IMAGE_BUDGET // 1024}"
                    f" KB cho một ảnh / over the {IMAGE_BUDGET // 1024} KB budget for one image"
                )
    kept = [key for key in order if key not in seen]
    kept += [key for key, ok in seen.items() if ok]
    kept = kept[max(0, len(kept) - AUDIT_KEEP) :]
    flagged = {key: problems for key, problems in flagged.items() if key in seen}
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(cache_file, json.dumps({"clean": kept, "flagged": flagged}).encode("utf-8"))
