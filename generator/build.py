"""The build: load → check → images → render → MkDocs × 2 → release checks → publish.

The first two steps write nothing; everything else writes under `build/` (git-ignored). `public/`
changes only at the very end, atomically, and only when every check passed.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from . import (
    checks,
    exports,
    feeds,
    figures,
    headers,
    news,
    package,
    permalinks,
    progress,
    publish,
    qr,
    rawhtml,
    search,
    share,
    sitemaps,
    specsheet,
)
from .catalogue import Catalogue, load_catalogue
from .errors import LANGS, ContentError, Diagnostics, Lang, Message, Severity, msg
from .i18n import LABELS
from .images import Photo, PhotoJob, process_photos, write_atomic
from .pagefacts import PageFacts
from .pageinputs import PageInputs
from .programme import load_programme
from .render import IMAGE_ROOT, NEWS_IMAGE_DIR, NEWS_PHOTOS, Blocks, render_language
from .schema import Product
from .text import slugify

BLOCK_LINE = re.compile(r'^--8<-- "([^"]+)"\s*$', re.MULTILINE)


class BuildFailed(Exception):
    """A build step other than content validation failed; `public/` was left untouched."""


@dataclass
class Project:
    """Where things are. Every path derives from the project root, so tests can build anywhere."""

    root: Path
    build_dir: Path
    public: Path
    cache_dir: Path

    @classmethod
    def at(
        cls,
        root: Path,
        *,
        public: Path | None = None,
        build_dir: Path | None = None,
        cache_dir: Path | None = None,
    ) -> Project:
        root = root.resolve()
        build_dir = build_dir or root / "build"
        return cls(root, build_dir, public or root / "public", cache_dir or build_dir / "cache")

    def docs_dir(self, lang: Lang) -> Path:
        return self.build_dir / f"docs-{lang}"

    @property
    def preview_dir(self) -> Path:
        """The live preview's own releases and MkDocs output, apart from the published site."""
        return self.build_dir / "preview"

    @property
    def preview(self) -> Path:
        """The symbolic link `serve` shows: the last good preview release."""
        return self.preview_dir / "current"


@dataclass
class SiteSettings:
    """The values the generator reads from mkdocs.yml (the rest is for MkDocs only)."""

    site_url: str
    illustrative: bool
    languages: dict[str, dict[str, str]]
    qr_error: str = "m"
    embed_hosts: tuple[str, ...] = ()
    """Sites allowed to frame the widget pages (mkdocs.yml `extra.embed_hosts`)."""

    def url(self, lang: Lang) -> str:
        return self.site_url if lang == "vi" else f"{self.site_url}{lang}/"

    @property
    def site_names(self) -> dict[Lang, str]:
        """The languages' site names that mkdocs.yml gives (extra.languages.<lang>.site_name)."""
        return {
            lang: self.languages[lang]["site_name"]
            for lang in LANGS
            if self.languages.get(lang, {}).get("site_name")
        }


@dataclass
class BuildResult:
    release: Path | None = None
    products: int = 0
    pages: int = 0
    renditions_made: int = 0
    renditions_cached: int = 0
    warnings: list[ContentError] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    new_permalinks: list[str] = field(default_factory=list)
    unchanged: bool = False
    """True when the inputs had not changed and the live release was kept."""
    pages_kept: int = 0
    """Product, QR, producer and listing pages whose Markdown was kept: their inputs were
    unchanged (pageinputs.PageInputs), so the generator did not render them again."""
    pages_rendered: int = 0
    """Pages MkDocs rendered (a preview renders the unchanged product pages no more)."""
    preview: bool = False
    full: bool = True
    """False for a preview build that let MkDocs re-render only the changed pages."""


class LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, which may carry MkDocs' own tags (!ENV, !!python/name)."""


LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(root: Path) -> SiteSettings:
    path = root / "mkdocs.yml"
    if not path.is_file():
        raise BuildFailed(
            f"{path}: không tìm thấy mkdocs.yml; hãy chạy lệnh trong thư mục dự án hoặc dùng --root"
            f" / mkdocs.yml not found; run the command in the project folder or pass --root"
        )
    config = yaml.load(path.read_text(encoding="utf-8"), LenientLoader)
    extra = config.get("extra") or {}
    site_url = str(config.get("site_url") or "http://127.0.0.1:8000/")
    if not site_url.endswith("/"):
        site_url += "/"
    qr_error = str(extra.get("qr_error", "m")).lower()
    if qr_error not in qr.ERROR_LEVELS:
        raise BuildFailed(
            f"mkdocs.yml: extra.qr_error phải là m hoặc q, không phải {qr_error!r} / "
            f"extra.qr_error must be m or q, not {qr_error!r}"
        )
    try:
        embed_hosts = headers.embed_hosts_setting(extra.get("embed_hosts"))
    except headers.EmbedHostsError as exc:
        raise BuildFailed(str(exc)) from exc
    return SiteSettings(
        site_url,
        bool(extra.get("illustrative", False)),
        extra.get("languages") or {},
        qr_error,
        embed_hosts=embed_hosts,
    )


def today_from_env() -> dt.date:
    """The build date decides "expired"; SOURCE_DATE_EPOCH makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


class TreeWriter(MutableMapping[str, str]):
    """A folder filled one file at a time, holding only the paths: the generated Markdown of one
    language is about 76 KB per product as Python text (Vietnamese needs two bytes a character),
    so collecting every page before writing held 1.5 GB at 20,000 products.

    A file whose text is unchanged is not rewritten, so it keeps its modification time (MkDocs'
    dirty builds rely on it, and a live reload stays quiet). `finish()` removes what was not
    written this time and returns how many files were written and removed.

    With an `inputs` file, the tree also remembers from which inputs (pageinputs.PageInputs) each
    page given to `put` was written, with the file's size and modification time as written:
    `reuse` then keeps a page of the same inputs whose file nobody has touched since, without
    rendering it. `reuse=False` (a forced build) renders every page but still remembers."""

    def __init__(self, target: Path, inputs: Path | None = None, *, reuse: bool = True) -> None:
        self.target = target
        self.paths: set[str] = set()
        self.written = 0
        self.kept = 0
        self.inputs = inputs
        self._before: dict[str, list[Any]] = {}
        self._after: dict[str, list[Any]] = {}
        if inputs is not None and reuse:
            try:
                loaded = json.loads(inputs.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}
            if isinstance(loaded, dict):
                self._before = loaded
        target.mkdir(parents=True, exist_ok=True)

    def __setitem__(self, rel: str, content: str | bytes) -> None:
        path = self.target / rel
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.paths.add(rel)
        try:
            if path.read_bytes() == data:
                return
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        self.written += 1

    def reuse(self, rel: str, digest: str) -> bool:
        entry = self._before.get(rel)
        if not isinstance(entry, list) or len(entry) != 3 or entry[0] != digest:
            return False
        path = self.target / rel
        try:
            stat = path.stat()
            if isinstance(entry[2], str):
                current: int | str = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                current = stat.st_mtime_ns
        except OSError:
            return False
        if entry[1:] != [stat.st_size, current]:
            return False  # changed by hand or by an interrupted build: render it again
        self.paths.add(rel)
        self._after[rel] = entry
        self.kept += 1
        return True

    def put(self, rel: str, content: str, digest: str, *, by_content: bool = False) -> None:
        """`by_content`: the page is known again by its text's digest instead of its
        modification time, which `_mark_for_dirty_build` sets for every page but the
        SKIPPABLE_PAGEs (listings are read back, a few hundred small pages)."""
        self[rel] = content
        stat = (self.target / rel).stat()
        if by_content:
            text = hashlib.sha256(content.encode("utf-8")).hexdigest()
            self._after[rel] = [digest, stat.st_size, text]
        else:
            self._after[rel] = [digest, stat.st_size, stat.st_mtime_ns]

    def __getitem__(self, rel: str) -> str:
        if rel not in self.paths:
            raise KeyError(rel)
        return (self.target / rel).read_text(encoding="utf-8")

    def __delitem__(self, rel: str) -> None:
        raise TypeError("a written page stays written")

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def finish(self) -> tuple[int, int]:
        removed = 0
        wanted = {self.target / rel for rel in self.paths}
        for dirpath, dirs, names in os.walk(self.target, topdown=False):
            for name in names:
                path = Path(dirpath) / name
                if path not in wanted:
                    path.unlink()
                    removed += 1
            for name in dirs:
                sub = Path(dirpath) / name
                if not any(sub.iterdir()):
                    sub.rmdir()
        if self.inputs is not None:
            write_atomic(self.inputs, json.dumps(self._after, separators=(",", ":")).encode())
        return self.written, removed


def photo_jobs(cat: Catalogue) -> list[PhotoJob]:
    jobs = []
    for product in cat.published:
        for photo in product.photos:
            source = cat.photo_files[(product.id, photo.file)]
            jobs.append(
                PhotoJob(
                    source, f"products/{product.id}/{photo.file}", slugify(Path(photo.file).stem)
                )
            )
    return jobs


NEWS_PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def _refuse_symlink(diag: Diagnostics, display: str) -> None:
    diag.error(
        display,
        0,
        0,
        "",
        msg(
            "tệp là liên kết tượng trưng (symlink) nên không được dùng; hãy chép tệp thật",
            "the file is a symbolic link and is not used; copy the real file",
        ),
    )


def news_photo_jobs(project: Project, diag: Diagnostics) -> dict[str, PhotoJob]:
    """Photos of content/anh/ (news covers and pictures of hand-written pages), by file name."""
    folder = project.root / NEWS_PHOTOS
    jobs: dict[str, PhotoJob] = {}
    if not folder.is_dir():
        return jobs
    for path in sorted(folder.iterdir()):
        display = path.relative_to(project.root).as_posix()
        if path.is_symlink():
            _refuse_symlink(diag, display)
            continue
        if path.is_file() and path.suffix.lower() in NEWS_PHOTO_SUFFIXES:
            jobs[path.name] = PhotoJob(path, display, slugify(path.stem))
    return jobs


def link_news_photos(release: Path, photos: Mapping[str, Photo]) -> None:
    folder = release / NEWS_IMAGE_DIR
    for image in photos.values():
        folder.mkdir(parents=True, exist_ok=True)
        for rendition in image.renditions:
            target = folder / rendition.name
            if not target.exists():
                os.link(rendition.file, target)


def content_pages(
    project: Project, lang: Lang, blocks: Mapping[str, str], diag: Diagnostics
) -> dict[str, str]:
    """Hand-written pages of one language, generated blocks spliced in at `--8<-- "name.md"`.

    A page missing in English is taken from Vietnamese with a visible note. Only Markdown is
    accepted: other files would be published byte for byte (photo metadata included).
    """
    pages: dict[str, str] = {}
    for source_lang in (lang, "vi") if lang != "vi" else ("vi",):
        folder = project.root / "content" / source_lang
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            display = path.relative_to(project.root).as_posix()
            if path.is_symlink():
                _refuse_symlink(diag, display)
                continue
            if path.is_dir() or rel in pages:
                continue
            if path.name == ".authors.yml" and rel.startswith("tin-tuc/"):
                # The news authors (Material's blog plugin): plain YAML, no pictures.
                pages[rel] = path.read_text(encoding="utf-8-sig")
                continue
            if path.suffix != ".md":
                if source_lang == lang:
                    diag.warning(
                        display,
                        0,
                        0,
                        "",
                        msg(
                            "chỉ tệp .md được dùng trong content/; tệp này bị bỏ qua (ảnh sản phẩm "
                            "đặt trong products/)",
                            "only .md files are used in content/; this file is skipped (product "
                            "photos go in products/)",
                        ),
                    )
                continue
            text = path.read_text(encoding="utf-8-sig")
            if source_lang != lang:
                text = _mark_untranslated(text, lang)
            pages[rel] = _splice_blocks(text, blocks, display, diag, _page_dir(rel, text))
    return pages


def _mark_untranslated(text: str, lang: Lang) -> str:
    note = f'<p class="ocop-fallback" role="note">{LABELS[lang]["no_translation"]}</p>\n\n'
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return (
                text[: end + 5]
                + "\n"
                + note
                + '<div lang="vi" markdown>\n\n'
                + text[end + 5 :]
                + "\n\n</div>\n"
            )
    return note + text


def _page_dir(rel: str, text: str) -> str:
    """The folder a content page is published at: news posts at tin-tuc/<slug>/ (the blog's
    post_url_format, mkdocs.yml), other pages after their path."""
    if rel.startswith("tin-tuc/posts/"):
        found = re.search(r"(?m)^slug:\s*[\"']?([a-z0-9-]+)", text.split("\n---", 1)[0])
        return f"tin-tuc/{found.group(1)}/" if found else "tin-tuc/"
    stem = rel.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("index").rstrip("/") + "/"


def _splice_blocks(
    text: str, blocks: Mapping[str, str], display: str, diag: Diagnostics, page_directory: str = ""
) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        made = blocks.resolve(name, page_directory) if isinstance(blocks, Blocks) else None
        if made is not None:
            return made
        if name not in blocks:
            line = text.count("\n", 0, match.start()) + 1
            diag.error(
                display,
                line,
                1,
                "",
                msg(
                    'không có khối "{name}"; các khối có sẵn: {names}',
                    'there is no block "{name}"; available blocks: {names}',
                    name=name,
                    names=", ".join(sorted(blocks)),
                ),
            )
            return ""
        return blocks[name]

    return BLOCK_LINE.sub(replace, text)


_ALTERNATE_LINK = re.compile(r'(<link rel="alternate" hreflang="[a-z-]+" href=")([^"]+)(")')
_LANGUAGE_LINK = re.compile(
    r'(<a href=")([^"]+)(" hreflang="[a-z]+" lang="[a-z]+" class="md-select__link")'
)


def fix_alternates(release: Path, site_url: str) -> int:
    """Point language links at pages that exist.

    Every page links the same path in the other language (theme_overrides/main.html and
    partials/alternate.html). A few pages exist in one language only: the news category pages,
    whose slugs come from each language's category names ("hoi-cho", "trade-fairs"). Their
    links go to the nearest page above that exists (the news index). Returns the links changed.

    Only those pages are read: every language link of a page goes to the same path in some
    language, so a page whose twin in the other language exists has nothing to fix. Reading and
    searching all pages took 8 s of every build at 5,000 products.
    """
    changed = 0
    other_root = release / LANGS[1]
    for html_file in release.rglob("index.html"):
        folder = html_file.parent
        parts = folder.relative_to(release).parts
        if parts[:1] == (LANGS[1],):
            twin = release.joinpath(*parts[1:])
        else:
            twin = other_root.joinpath(*parts)
        if (twin / "index.html").is_file():
            continue
        text = html_file.read_text(encoding="utf-8")

        def nearest(path: Path) -> Path:
            while not (path / "index.html").is_file() and path != release:
                path = path.parent
            return path

        def absolute(match: re.Match[str]) -> str:
            nonlocal changed
            href = match.group(2)
            if not href.startswith(site_url):
                return match.group(0)
            target = release / href.removeprefix(site_url)
            found = nearest(target)
            if found == target:
                return match.group(0)
            changed += 1
            rel = found.relative_to(release).as_posix()
            return f"{match.group(1)}{site_url}{'' if rel == '.' else rel + '/'}{match.group(3)}"

        def relative(match: re.Match[str], folder: Path = folder) -> str:
            nonlocal changed
            href = match.group(2)
            target = Path(os.path.normpath(folder / href))
            if not target.is_relative_to(release):
                return match.group(0)
            found = nearest(target)
            if found == target:
                return match.group(0)
            changed += 1
            rel = os.path.relpath(found, folder).replace(os.sep, "/")
            return f"{match.group(1)}{'./' if rel == '.' else rel + '/'}{match.group(3)}"

        new = _LANGUAGE_LINK.sub(relative, _ALTERNATE_LINK.sub(absolute, text))
        if new != text:
            # A preview release hard-links MkDocs' output: replace the file, never write through.
            write_atomic(html_file, new.encode())
    return changed


def keep_former_spec_sheets(release: Path, cat: Catalogue) -> None:
    """A renamed product's spec sheets stay at their old addresses too (buyers filed the links;
    the old pages are redirects, a PDF link has no such fallback on a plain static host)."""
    for product in cat.published:
        for former in product.former_ids:
            for lang in LANGS:
                source = release / specsheet.pdf_path(product.id, lang)
                target = release / specsheet.pdf_path(former, lang)
                if source.is_file() and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(source, target)


def share_footer(settings: SiteSettings) -> dict[Lang, str]:
    """The footer line of the share images: the site, and for sample data a warning that
    travels with the picture."""
    out: dict[Lang, str] = {}
    for lang in LANGS:
        note = f" · {LABELS[lang]['illustrative_short']}" if settings.illustrative else ""
        out[lang] = f"{share.SITE_NAME}{note}"
    return out


def mkdocs_config(project: Project, settings: SiteSettings, lang: Lang) -> dict[str, Any]:
    """The per-language config: it inherits everything else from the project's mkdocs.yml."""
    names = {code: LABELS[code]["lang_name"] for code in LANGS}
    own = settings.languages.get(lang, {})
    return {
        "INHERIT": os.path.relpath(project.root / "mkdocs.yml", project.build_dir),
        "site_name": own.get("site_name", "OCOP"),
        "site_description": own.get("site_description", ""),
        "site_url": settings.url(lang),
        "docs_dir": f"docs-{lang}",
        "site_dir": f"site-{lang}",
        "theme": {
            "language": lang,
            "custom_dir": os.path.relpath(project.root / "theme_overrides", project.build_dir),
        },
        # Material's search worker loads theme_overrides/assets/javascripts/lunr/min/lunr.vi.min.js
        # (diacritic folding) only when `lang` lists vi; English alone loads no language file.
        # English stays first in the en build for its stop words. Deep-merged into mkdocs.yml's
        # `plugins: search:` mapping.
        "plugins": {"search": {"lang": ["en", "vi"] if lang == "en" else ["vi"]}},
        # Generated pages' HTML blocks go straight to Python-Markdown's stash (generator/rawhtml.py).
        "hooks": [str(Path(rawhtml.__file__).resolve())],
        "extra": {
            # Material shows its language selector when `alternate` is truthy; `true` (not a
            # list) stops base.html from writing root-only alternates, and the theme override
            # writes per-page ones instead.
            "alternate": True,
            "ocop_lang": lang,
            "ocop_feeds": [
                {"type": media_type, "title": title, "href": href}
                for media_type, title, href in [
                    *feeds.feed_links(lang, site_url=settings.site_url),
                    *news.feed_links(lang, settings.site_url),
                ]
            ],
            "ocop_languages": [
                {
                    "lang": code,
                    "name": names[code],
                    "url": settings.url(code),
                    # from this language's root to the other's: the paths below are identical
                    "prefix": ("" if code == lang else ("../" if code == "vi" else f"{code}/")),
                }
                for code in LANGS
            ],
            "ocop_ui": {"illustrative": LABELS[lang]["illustrative"]},
        },
    }


DIRTY_NOTICE = "A 'dirty' build is being performed"


def mkdocs_command(config: Path, *, site_dir: Path | None = None, dirty: bool = False) -> list[str]:
    """How a language build is run (the benchmark's floor runs MkDocs the same way)."""
    if dirty:
        # Only the pages whose Markdown is newer than their HTML (the live preview). `--strict`
        # would fail on MkDocs' own notice that a dirty build is dirty, so the warnings are read
        # from the log instead (`strict_failures`).
        command = [sys.executable, "-m", "mkdocs", "build", "--dirty", "-f", str(config)]
    else:
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "-f",
            str(config),
        ]
    if site_dir is not None:
        command += ["--site-dir", str(site_dir)]
    return command


def strict_failures(log: str) -> list[str]:
    """The warnings and errors of a dirty build's log that `--strict` would have failed on."""
    found: list[str] = []
    keep = False
    for line in log.splitlines():
        if line.startswith(("WARNING", "ERROR")):
            keep = DIRTY_NOTICE not in line
            if keep:
                found.append(line)
        elif line[:1].isspace() and keep:
            found.append(line)
        else:
            keep = False
    return found


def run_mkdocs(
    project: Project,
    langs: tuple[Lang, ...],
    *,
    site_dirs: Mapping[Lang, Path] | None = None,
    dirty: bool = False,
) -> None:
    """Both language builds at once, in separate processes (one per core on the build machine)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    procs = {
        lang: subprocess.Popen(
            mkdocs_command(
                project.build_dir / f"mkdocs-{lang}.yml",
                site_dir=site_dirs[lang] if site_dirs else None,
                dirty=dirty,
            ),
            cwd=project.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for lang in langs
    }
    failures = []
    for lang, proc in procs.items():
        output, _ = proc.communicate()
        if proc.returncode != 0:
            failures.append(f"mkdocs ({lang}):\n{output.strip()}")
        elif dirty and (problems := strict_failures(output)):
            failures.append(f"mkdocs ({lang}):\n" + "\n".join(problems))
    if failures:
        raise BuildFailed("\n\n".join(failures))


def link_renditions(release: Path, cat: Catalogue, photos: Mapping[Path, Photo]) -> int:
    """Publish renditions from the cache under /anh/<product>/, once for both languages.

    Hard links cost no copy; the cache files are content-addressed and never rewritten.
    """
    count = 0
    for product in cat.published:
        folder = release / IMAGE_ROOT / product.id
        for photo in product.photos:
            image = photos.get(cat.photo_files[(product.id, photo.file)])
            if image is None:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            for rendition in image.renditions:
                target = folder / rendition.name
                if target.exists():
                    continue
                try:
                    os.link(rendition.file, target)
                except OSError:
                    target.write_bytes(rendition.file.read_bytes())
                count += 1
    return count


FINGERPRINT_FILE = "last-build.json"
INPUTS = (
    "mkdocs.yml",
    permalinks.LOCKFILE,
    "content",
    "data",
    "producers",
    "products",
    "theme_overrides",
)
_STAT_ONLY = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".heic", ".woff2"}
_TOOLS = (
    "mkdocs",
    "mkdocs-material",
    "pymdown-extensions",
    "markdown",
    "jinja2",
    "pillow",
    "segno",
    "nh3",
    "pyyaml",
    "openpyxl",
    "weasyprint",
    "pydyf",
)


LAYOUT_INPUTS = ("mkdocs.yml", "content", "theme_overrides")
"""What every page depends on (navigation, templates, page titles): when one of these changes, a
preview renders every page again instead of only the changed ones."""


def inputs_fingerprint(project: Project, today: dt.date, inputs: tuple[str, ...] = INPUTS) -> str:
    """A digest of everything a build reads: content, configuration, theme, the generator itself,
    tool versions and the build date (it decides which certificates have expired).

    Text files are hashed; photos and fonts are identified by size and modification time, which
    keeps a no-change check of 3,000 photos far below a second.
    """
    digest = hashlib.sha256(f"{today.isoformat()}|".encode())
    for tool in _TOOLS:
        digest.update(f"{tool}={metadata.version(tool)}|".encode())
    digest.update(f"generator={package.files_digest()}|".encode())
    roots = [project.root / name for name in inputs]
    for base in roots:
        if not base.exists():
            digest.update(f"-{base.name}|".encode())
            continue
        files = (
            [base]
            if base.is_file()
            else sorted(
                Path(d) / f
                for d, dirs, names in os.walk(base)
                for f in names
                if "__pycache__" not in d
            )
        )
        for path in files:
            stat = path.lstat()
            rel = path.relative_to(base.parent).as_posix()
            if path.suffix.lower() in _STAT_ONLY or not path.is_file():
                digest.update(f"{rel}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_mode}|".encode())
            else:
                digest.update(f"{rel}|".encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _unchanged(project: Project, fingerprint: str) -> BuildResult | None:
    """The result of the live release when the inputs are exactly those it was built from."""
    try:
        record = json.loads((project.build_dir / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    live = publish.current_release(project.public)
    release = project.build_dir / "releases" / str(record.get("release"))
    if record.get("fingerprint") != fingerprint or live is None or live != release.resolve():
        return None
    warnings = [
        ContentError(
            w["path"],
            w["line"],
            w["column"],
            w["field"],
            Message(w["vi"], w["en"]),
            Severity.WARNING,
        )
        for w in record.get("warnings", [])
    ]
    return BuildResult(
        release=release,
        products=record["products"],
        pages=record["pages"],
        renditions_cached=record["renditions"],
        warnings=warnings,
        unchanged=True,
    )


def _remember(project: Project, fingerprint: str, result: BuildResult) -> None:
    assert result.release is not None
    record = {
        "fingerprint": fingerprint,
        "release": result.release.name,
        "products": result.products,
        "pages": result.pages,
        "renditions": result.renditions_made + result.renditions_cached,
        "warnings": [
            {
                "path": w.path,
                "line": w.line,
                "column": w.column,
                "field": w.field,
                "vi": w.message.vi,
                "en": w.message.en,
            }
            for w in result.warnings
        ],
    }
    write_tree_file(project.build_dir / FINGERPRINT_FILE, json.dumps(record, ensure_ascii=False))


def load(
    project: Project, today: dt.date | None = None, *, preview: bool = False
) -> tuple[Catalogue, Diagnostics]:
    return load_catalogue(project.root, today or today_from_env(), preview=preview)


@dataclass
class Images:
    """The photos' renditions and the share images of a build (or of a part, `warm_caches`)."""

    photos: dict[Path, Photo]
    shares: dict[tuple[str, Lang], share.ShareImage]
    made: int
    cached: int


def make_images(
    project: Project,
    settings: SiteSettings,
    cat: Catalogue,
    diag: Diagnostics,
    jobs: list[PhotoJob],
    *,
    workers: int | None,
    products: list[Product] | None = None,
) -> Images:
    """Renditions of `jobs`' photos, then the share images of `products` (default: every
    published product), from the cache or made now; a photo that cannot be read stops here."""
    photos, problems, stats = process_photos(jobs, project.cache_dir / "images", workers=workers)
    diag.extend(problems)
    diag.raise_if_errors()
    shares, share_stats = share.share_images(
        cat,
        photos,
        project.cache_dir / "share",
        workers=workers,
        site_name=share_footer(settings),
        products=products,
    )
    return Images(photos, shares, stats.made + share_stats.made, stats.cached + share_stats.cached)


def make_spec_sheets(
    release: Path | None,
    project: Project,
    settings: SiteSettings,
    cat: Catalogue,
    photos: Mapping[Path, Photo],
    codes: Mapping[str, list[qr.Code]],
    qr_cache: qr.QrCache,
    *,
    workers: int | None,
    products: list[Product] | None = None,
) -> specsheet.SpecSheetStats:
    """The PDF spec sheets of `products` (default: every published product), from the cache or
    made now, published in `release` (None: only the cache is filled)."""
    try:
        return specsheet.write_spec_sheets(
            release,
            cat,
            photos,
            codes,
            site_url=settings.site_url,
            illustrative=settings.illustrative,
            cache_dir=project.cache_dir / "pdf",
            qr_cache=qr_cache,
            site_names=settings.site_names,
            workers=workers,
            products=products,
        )
    except specsheet.SpecSheetFailed as exc:
        raise BuildFailed(str(exc)) from exc


@dataclass
class CacheResult:
    """What `warm_caches` did for its part of the catalogue."""

    part: tuple[int, int]
    products: int = 0
    renditions_made: int = 0
    renditions_cached: int = 0
    sheets_made: int = 0
    sheets_cached: int = 0


def part_of(products: Iterable[Product], part: tuple[int, int]) -> list[Product]:
    """Part k of n (1-based): every product in exactly one part, chosen by its place in the
    sorted ids, so every job of a matrix agrees without talking to the others."""
    k, n = part
    return [p for i, p in enumerate(sorted(products, key=lambda p: p.id)) if i % n == k - 1]


def warm_caches(
    project: Project,
    *,
    part: tuple[int, int] = (1, 1),
    today: dt.date | None = None,
    workers: int | None = None,
) -> CacheResult:
    """The costly part of a build, for part k of n of the published products: photo
    renditions, share images, QR codes and PDF spec sheets, into `project.cache_dir`. Nothing
    is rendered or published.

    Those caches are content-addressed (a file's name is the digest of everything that made
    it), so the jobs of a CI matrix can each fill one part and a build on the union of their
    caches makes nothing again (docs/benchmarks.md, "More cores, or a CI matrix"). Part 1 also
    does the photos of fairs, outlets and news."""
    settings = read_settings(project.root)
    cat, diag = load(project, today)
    programme = load_programme(project.root, cat, diag)
    diag.raise_if_errors()
    mine = part_of(cat.published, part)
    ids = {p.id for p in mine}
    jobs = [job for job in photo_jobs(cat) if job.display_path.split("/")[1] in ids]
    if part[0] == 1:
        jobs += [*programme.photo_jobs(), *news_photo_jobs(project, diag).values()]
    images = make_images(project, settings, cat, diag, jobs, workers=workers, products=mine)
    qr_cache = qr.QrCache(project.cache_dir / "qr")
    codes = qr.catalogue_codes(cat, settings.site_url, settings.qr_error, qr_cache)
    sheets = make_spec_sheets(
        None, project, settings, cat, images.photos, codes, qr_cache, workers=workers, products=mine
    )
    return CacheResult(
        part,
        products=len(mine),
        renditions_made=images.made,
        renditions_cached=images.cached,
        sheets_made=sheets.made,
        sheets_cached=sheets.cached,
    )


def build(
    project: Project,
    *,
    today: dt.date | None = None,
    workers: int | None = None,
    force: bool = False,
    preview: bool = False,
) -> BuildResult:
    """Build the whole site and publish it; raise ContentErrors or BuildFailed otherwise.

    When nothing a build reads has changed since the live release was built, that release is
    kept as it is (`unchanged` in the result); `force` builds anyway, rendering every page.

    MkDocs keeps its output between builds and renders again only the product, QR and producer
    pages whose Markdown changed, and every other page (`_incremental_mkdocs`); each build still
    gets a fresh release folder.

    A `preview` build (`serve`) goes through the same steps into `project.preview` instead of
    `public/`, with three differences: drafts and candidates are shown (marked as such), the
    release checks of links and photos are skipped, and permalinks.txt is read but never
    extended, so trying out a product id while editing does not make it permanent.
    """
    started = time.perf_counter()
    fingerprint = inputs_fingerprint(project, today or today_from_env())
    if not force and not preview:
        kept = _unchanged(project, fingerprint)
        if kept is not None:
            kept.seconds = time.perf_counter() - started
            return kept
    result = BuildResult()
    timings = result.timings

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = now - since
        return now

    settings = read_settings(project.root)
    cat, diag = load(project, today, preview=preview)
    t = lap("load", started)

    programme = load_programme(project.root, cat, diag)
    diag.raise_if_errors()
    targets_file = project.root / figures.TARGETS_FILE
    targets = figures.load_targets(targets_file) if targets_file.is_file() else None
    news_jobs = news_photo_jobs(project, diag)
    images = make_images(
        project,
        settings,
        cat,
        diag,
        [*photo_jobs(cat), *programme.photo_jobs(), *news_jobs.values()],
        workers=workers,
    )
    photos, shares = images.photos, images.shares
    news_photos = {
        name: photos[job.source] for name, job in news_jobs.items() if job.source in photos
    }
    result.renditions_made, result.renditions_cached = images.made, images.cached
    t = lap("images", t)

    qr_cache = qr.QrCache(project.cache_dir / "qr")
    codes = qr.catalogue_codes(cat, settings.site_url, settings.qr_error, qr_cache)
    search_indexes: list[search.SearchIndex] = []
    stale_pages = False
    inputs = PageInputs(cat, photos, programme, codes, shares, settings)
    for lang in LANGS:
        pages = TreeWriter(
            project.docs_dir(lang), project.build_dir / f"page-inputs-{lang}.json", reuse=not force
        )
        _, blocks, index = render_language(
            cat,
            photos,
            lang,
            illustrative=settings.illustrative,
            codes=codes,
            site_url=settings.site_url,
            shares=shares,
            news_photos=news_photos,
            programme=programme,
            targets=targets,
            pages=pages,
            inputs=inputs,
        )
        search_indexes.append(index)
        result.pages_kept += pages.kept
        pages.update(content_pages(project, lang, blocks, diag))
        # With errors MkDocs does not run and no page is removed (the written ones are current).
        diag.raise_if_errors()
        _written, removed = pages.finish()
        result.pages += len(pages)
        stale_pages = stale_pages or removed > 0
        config = mkdocs_config(project, settings, lang)
        write_tree_file(
            project.build_dir / f"mkdocs-{lang}.yml",
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
        )
    t = lap("render", t)

    # What only rendering needed goes before MkDocs starts, and each input of the publishing
    # step once its last step has run (`del` below): the generator's memory while the two
    # MkDocs processes run, and at the link check, is the build's peak (2.2 GB at 20,000
    # products before these were freed; docs/benchmarks.md).
    del inputs, pages, blocks, index
    originals: dict[int, set[str]] = {}
    """Sizes and digests of the source photos: the release check refuses any published copy."""
    for image in [] if preview else photos.values():
        originals.setdefault(image.source.stat().st_size, set()).add(image.digest)
    _return_free_memory()
    release = _incremental_mkdocs(
        project,
        result,
        cat.today,
        stale_pages=stale_pages or force,
        kept=project.preview_dir if preview else project.build_dir / "mkdocs",
        releases=project.preview_dir if preview else project.build_dir,
    )
    t = lap("mkdocs", t)

    publishing = progress.Bar("publish", None)
    try:
        link_renditions(release, cat, photos)
        share.write_share_images(release, shares)
        link_news_photos(release, news_photos)
        fix_alternates(release, settings.site_url)
        qr.write_codes(release, [c for product in codes.values() for c in product], qr_cache)
        former = qr.former_codes(cat, settings.site_url, settings.qr_error, qr_cache)
        qr.write_codes(release, former, qr_cache)
        # PDF spec sheets: before the checks, which follow the product pages' links to them.
        pdfs = make_spec_sheets(
            release, project, settings, cat, photos, codes, qr_cache, workers=workers
        )
        del photos, codes, images
        timings["pdf"] = pdfs.seconds
        keep_former_spec_sheets(release, cat)
        for sheet in pdfs.too_long:
            diag.warning(
                f"products/{sheet.sheet.product_id}/product.yaml",
                0,
                0,
                "",
                msg(
                    "bảng thông số PDF ({lang}) dài {n} trang, quá {most} trang: hãy rút gọn",
                    "the PDF spec sheet ({lang}) runs to {n} pages, over {most}: shorten it",
                    lang=sheet.sheet.lang,
                    n=sheet.pages,
                    most=specsheet.MAX_PAGES,
                ),
            )
        redirects = permalinks.plan_redirects(cat)
        permalinks.write_stubs(release, redirects, settings.site_url)
        permalinks.write_host_rules(release, redirects, settings.site_url)
        search.write_search_index(release, search_indexes)
        del search_indexes
        # Beside MkDocs' kept output, whose files most of the release's pages are.
        facts = PageFacts((project.preview_dir if preview else project.build_dir) / FACTS_FILE)
        sitemaps.write_sitemaps(release, cat, settings.site_url, facts)
        feeds.write_feeds(
            release,
            cat,
            site_url=settings.site_url,
            shares=shares,
            site_names=settings.site_names,
            illustrative=settings.illustrative,
        )
        news.write_news_feeds(
            release,
            project.root,
            site_url=settings.site_url,
            photos=news_photos,
            site_names=settings.site_names,
        )
        exports.write_exports(
            release,
            cat,
            site_url=settings.site_url,
            today=cat.today,
            illustrative=settings.illustrative,
        )
        patch_material_bundle(release)
        headers.write_security_headers(
            release, embed_hosts=settings.embed_hosts, site_url=settings.site_url, facts=facts
        )
        facts.save()
        del facts, shares, news_photos
        if not preview:
            report = checks.CheckReport()
            checks.check_product_pages(release, (p.id for p in cat.published), report)
            checks.check_links(release, report, project.build_dir / LINKS_FILE)
            # audit.json held results by path until 29 November 2026: superseded, removed.
            (project.cache_dir / "audit.json").unlink(missing_ok=True)
            checks.check_images(release, originals, project.cache_dir / "image-audit.json", report)
            if not report.ok:
                raise BuildFailed("\n".join(report.problems))
        lock = permalinks.read_lock(project.root / permalinks.LOCKFILE)
        paths = permalinks.published_paths(release)
        _check_lock(lock, paths)
    except BaseException:
        publish.discard(release)
        raise
    finally:
        publishing.close()
    t = lap("checks", t)

    result.release = release
    result.products = len(cat.published)
    result.warnings = diag.warnings
    result.preview = preview
    if preview:
        publish.switch(project.preview, release)
        publish.prune_releases(project.preview_dir, project.preview, keep=2)
        result.seconds = time.perf_counter() - started
        return result
    publish.switch(project.public, release)
    publish.prune_releases(project.build_dir, project.public)
    result.new_permalinks = permalinks.append_lock(
        project.root / permalinks.LOCKFILE, lock, paths, cat.today
    )
    lap("publish", t)
    result.seconds = time.perf_counter() - started
    # Taken again: the build itself appended to permalinks.txt, one of its inputs.
    _remember(project, inputs_fingerprint(project, cat.today), result)
    return result


LAYOUT_FILE = "layout.json"
FACTS_FILE = "page-facts.json"
"""What the sitemaps and host headers read from each page file (generator/pagefacts.py)."""
LINKS_FILE = "link-targets.txt"
"""The files each page of the last checked release links to (`checks.LinkMemo`)."""
SKIPPABLE_PAGE = re.compile(r"(san-pham/[^/]+/(qr/)?|nha-san-xuat/[^/]+/)index\.md")
"""The pages a preview renders again only when their own text changed: product pages, their QR
print pages and producer pages, the pages that grow with the catalogue. All three are outside
the nav, outside the news and excluded from the site search (a test keeps this true)."""


def _mark_for_dirty_build(docs: Path, site: Path) -> int:
    """Make MkDocs' dirty build render every page but the unchanged SKIPPABLE_PAGEs; returns how
    many pages it will render.

    A dirty build does not even read the pages it skips, so the navigation of the pages it
    renders would show "None" for every skipped page in the nav, the news archive would lose the
    excerpts of skipped posts and the site search index would lose skipped pages. The skippable
    pages are none of these, so only they are skipped when unchanged: every other page is marked
    as changed (its modification time set to now).
    """
    now = time.time()
    rendered = 0
    for path in docs.rglob("*.md"):
        rel = path.relative_to(docs).as_posix()
        if SKIPPABLE_PAGE.fullmatch(rel):
            html_file = site / rel.removesuffix(".md").removesuffix("index") / "index.html"
            try:
                if path.stat().st_mtime <= html_file.stat().st_mtime:
                    continue
            except OSError:
                pass
        else:
            os.utime(path, (now, now))
        rendered += 1
    return rendered


def _return_free_memory() -> None:
    """Give the memory freed by rendering back to the system before the MkDocs processes start,
    the build's peak (the generator and two MkDocs processes at once). glibc keeps freed blocks
    for reuse: 30 MB of the generator's 331 MB at 5,000 products. Elsewhere, nothing to do."""
    gc.collect()
    # The process's own symbols: libc is loaded already (find_library would run ldconfig).
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _incremental_mkdocs(
    project: Project,
    result: BuildResult,
    today: dt.date,
    *,
    stale_pages: bool,
    kept: Path,
    releases: Path,
) -> Path:
    """Run MkDocs into `kept`/site-<lang>, kept between builds, and return a new release folder
    under `releases` holding hard links to that output.

    MkDocs' dirty mode renders only the pages whose Markdown is newer than their HTML; our
    TreeWriter leaves unchanged Markdown untouched, so changing one product re-renders its page
    and the listings, home and producer pages whose text changed. What dirty mode cannot see
    forces a full render: a change to the navigation, templates or content pages (every page
    carries the nav and the theme), and a removed page (its HTML would stay behind). A release
    build and the preview keep separate outputs (`build/mkdocs/`, `build/preview/`): the preview
    shows drafts.
    """
    sites = {lang: kept / f"site-{lang}" for lang in LANGS}
    record = kept / LAYOUT_FILE
    layout = inputs_fingerprint(project, today, LAYOUT_INPUTS)
    try:
        same_layout = json.loads(record.read_text(encoding="utf-8")).get("layout") == layout
    except (OSError, ValueError):
        same_layout = False
    result.full = stale_pages or not same_layout or not all(s.is_dir() for s in sites.values())
    record.unlink(missing_ok=True)  # a failed MkDocs run leaves the next preview a full one
    if result.full:
        for site in sites.values():
            shutil.rmtree(site, ignore_errors=True)
        result.pages_rendered = result.pages
    else:
        result.pages_rendered = sum(
            _mark_for_dirty_build(project.docs_dir(lang), sites[lang]) for lang in LANGS
        )
    with progress.step("mkdocs"):
        run_mkdocs(project, LANGS, site_dirs=sites, dirty=not result.full)
    write_tree_file(record, json.dumps({"layout": layout}))
    release = publish.new_release_dir(releases)
    release.rmdir()
    # Hard links: no copy of the site per keystroke. The steps after MkDocs create files, and
    # the two that change MkDocs' output (fix_alternates, patch_material_bundle) replace files
    # instead of writing through the link.
    shutil.copytree(sites["vi"], release, copy_function=os.link)
    shutil.copytree(sites["en"], release / "en", copy_function=os.link)
    return release


MATERIAL_ALTERNATE_CALL = "ui({document$:ct});"
"""Material 9.8.2's bundle starts its "stay on page" language feature with this call."""


def patch_material_bundle(release: Path) -> None:
    """Turn off Material's language "stay on page" feature in the published bundle.

    The feature fetches `sitemap.xml` next to every `<link rel=alternate>` of a page. Material
    expects those links to point at language roots; ours are per-page hreflang alternates (as
    search engines want), so each page view asked for `<page>/sitemap.xml`: three 404s, console
    errors, and a CSP violation when served from another origin. Our language links already
    open the same page, so nothing is lost. The call is removed by exact match; a Material
    update that changes it fails the build here instead of silently shipping the 404s.
    """
    for bundle in sorted(release.glob("**/assets/javascripts/bundle.*.min.js")):
        text = bundle.read_text(encoding="utf-8")
        if text.count(MATERIAL_ALTERNATE_CALL) != 1:
            raise BuildFailed(
                f"{bundle.relative_to(release)}: không tìm thấy đúng một lệnh "
                f"{MATERIAL_ALTERNATE_CALL!r} của Material; hãy xem lại generator/build.py "
                "(patch_material_bundle) khi nâng cấp mkdocs-material / Material's bundle no "
                f"longer contains {MATERIAL_ALTERNATE_CALL!r} exactly once: review "
                "patch_material_bundle when upgrading mkdocs-material"
            )
        bundle.unlink()  # MkDocs may have hard-linked or copied it: never write through
        bundle.write_text(text.replace(MATERIAL_ALTERNATE_CALL, "", 1), encoding="utf-8")


def _check_lock(lock: permalinks.Lock, paths: set[str]) -> None:
    if lock.problems:
        raise BuildFailed("\n".join(lock.problems))
    missing = permalinks.missing_paths(lock, paths)
    if not missing:
        return
    listed = "\n".join(f"  {path}  ({lock.entries[path]})" for path in missing)
    raise BuildFailed(
        f"{permalinks.LOCKFILE}: bản dựng này không còn tạo ra {len(missing)} đường dẫn đã từng "
        "được xuất bản; mã QR in trên bao bì có thể dẫn tới chúng:\n"
        f"{listed}\n"
        "Đừng xóa sản phẩm: hãy giữ thư mục và đặt status: withdrawn (trang vẫn còn và nói rõ sản "
        "phẩm đã ngừng); khi đổi mã sản phẩm, ghi mã cũ vào former_ids.\n"
        f"{permalinks.LOCKFILE}: this build no longer produces {len(missing)} previously published "
        "path(s) that QR codes on packaging may lead to. Do not delete products: keep the folder "
        "and set status: withdrawn; when renaming a product, list the old id in former_ids."
    )


def write_tree_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.write_text(text, encoding="utf-8")
