"""URLs are a promise: short paths, GS1 Digital Link paths, redirects and the permalink lockfile.

A QR code printed on a package is scanned for years. Every product has `/p/<id>/`, every GTIN
`/01/<gtin14>/`; a renamed product keeps its old paths as redirects. The lockfile
(`permalinks.txt`, committed) lists every path ever published with the date it first appeared; a
build that would drop one fails before `public/` changes.

On a plain static host, redirects are small HTML pages (canonical, meta refresh, noindex, and a
one-line script that prefers English when the browser does). The build also writes host rules
with real 301s for nginx, Apache and Netlify/Cloudflare-style `_redirects`.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .catalogue import Catalogue

LOCKFILE = "permalinks.txt"
LOCK_HEADER = """\
# Đường dẫn cố định của trang: mọi đường dẫn từng được xuất bản, kèm ngày xuất bản đầu tiên.
# Tệp này chỉ được ghi thêm: bản dựng tự thêm đường dẫn mới; một đường dẫn đã có ở đây phải luôn tồn
# tại (là trang hoặc chuyển hướng), vì mã QR in trên bao bì có thể dẫn tới nó. Hãy đưa tệp vào git.
#
# Permalinks: every path this site has ever published, with the date it was first published.
# Append-only: builds add new paths; a path listed here must keep existing (as a page or a
# redirect), because a QR code printed on packaging may lead to it. Commit this file.
"""
_LOCK_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(/\S*)$")

STUB_SCRIPT = (
    "for(var l=navigator.languages||[navigator.language||''],i=0;i<l.length;i++){"
    "var c=(l[i]||'').slice(0,2).toLowerCase();if(c=='vi')break;if(c=='en'){"
    "location.replace(document.querySelector('link[hreflang=en]').href);break}}"
)
"""The same on every stub, so a Content-Security-Policy needs one hash for all of them."""


def gtin14(gtin: str) -> str:
    """GTIN-8/12/13 are left-padded with zeros to the 14 digits of a GS1 Digital Link."""
    return gtin.zfill(14)


@dataclass(frozen=True)
class Redirect:
    """A permanent path (no language prefix, ending in '/') and the page it leads to."""

    source: str
    target: str
    title: str
    bilingual: bool = True
    """True when the target exists in both languages (the visitor's language decides)."""


def plan_redirects(cat: Catalogue) -> list[Redirect]:
    out: list[Redirect] = []
    for product in cat.published:
        target = f"san-pham/{product.id}/"
        name = product.name.vi
        out.append(Redirect(f"p/{product.id}/", target, name))
        seen: set[str] = set()
        for variant in product.variants:
            if variant.gtin and gtin14(variant.gtin) not in seen:
                seen.add(gtin14(variant.gtin))
                out.append(Redirect(f"01/{gtin14(variant.gtin)}/", target, name))
        for old in product.former_ids:
            out.append(Redirect(f"p/{old}/", target, name))
            for page in ("", "qr/"):
                out.append(Redirect(f"san-pham/{old}/{page}", f"{target}{page}", name, False))
                out.append(Redirect(f"en/san-pham/{old}/{page}", f"en/{target}{page}", name, False))
    return sorted(out, key=lambda r: r.source)


def _relative(source: str, target: str) -> str:
    return posixpath.relpath("/" + target, "/" + source) + "/"


def stub_page(redirect: Redirect, site_url: str) -> str:
    """A redirect page for static hosts with no redirect rules."""
    vi = _relative(redirect.source, redirect.target)
    en = _relative(redirect.source, f"en/{redirect.target}") if redirect.bilingual else vi
    title = html.escape(redirect.title)
    canonical = html.escape(site_url + redirect.target)
    lines = [
        "<!doctype html>",
        '<html lang="vi">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{title}</title>",
        '<meta name="robots" content="noindex">',
        f'<link rel="canonical" href="{canonical}">',
    ]
    if redirect.bilingual:
        lines += [
            f'<link rel="alternate" hreflang="vi" href="{vi}">',
            f'<link rel="alternate" hreflang="en" href="{en}">',
            f"<script>{STUB_SCRIPT}</script>",
        ]
    lines += [
        f'<meta http-equiv="refresh" content="0; url={vi}">',
        "</head>",
        "<body>",
        f'<p><a href="{vi}">{title}</a></p>',
    ]
    if redirect.bilingual:
        lines.append(
            f'<p><a href="{vi}" hreflang="vi">Tiếng Việt</a> · '
            f'<a href="{en}" hreflang="en" lang="en">English</a></p>'
        )
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


def write_stubs(release: Path, redirects: Iterable[Redirect], site_url: str) -> int:
    count = 0
    for redirect in redirects:
        page = release / redirect.source / "index.html"
        if page.exists():
            continue  # a real page wins (e.g. a former id reused by a new product is an error)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(stub_page(redirect, site_url), encoding="utf-8")
        count += 1
    return count


# --- host rules with real 301s ----------------------------------------------------------------


def _base_path(site_url: str) -> str:
    path = re.sub(r"^[a-z]+://[^/]+", "", site_url, flags=re.I)
    return path if path.endswith("/") else path + "/"


def nginx_map(redirects: Iterable[Redirect], site_url: str) -> str:
    """An nginx include: `map` blocks to place in the `http {}` context; see docs/deployment.md."""
    base = _base_path(site_url)
    lines = [
        "# Generated by the OCOP catalogue build; include inside http {}. See docs/deployment.md.",
        "map $http_accept_language $ocop_lang_prefix {",
        '    default "";',
        '    "~*^en" "en/";',
        "}",
        "map $uri $ocop_redirect {",
        '    default "";',
    ]
    for r in redirects:
        lang = "${ocop_lang_prefix}" if r.bilingual else ""
        for source in (r.source, r.source.rstrip("/")):
            lines.append(f"    {base}{source} {base}{lang}{r.target};")
    lines += ["}", ""]
    return "\n".join(lines)


def apache_rules(redirects: Iterable[Redirect], site_url: str) -> str:
    base = _base_path(site_url)
    lines = [
        "# Generated by the OCOP catalogue build. See docs/deployment.md.",
        "RewriteEngine On",
    ]
    for r in redirects:
        pattern = "^" + re.escape(r.source.rstrip("/")) + "/?$"
        if r.bilingual:
            lines += [
                "RewriteCond %{HTTP:Accept-Language} ^en [NC]",
                f"RewriteRule {pattern} {base}en/{r.target} [R=301,L]",
            ]
        lines.append(f"RewriteRule {pattern} {base}{r.target} [R=301,L]")
    lines.append("")
    return "\n".join(lines)


def netlify_redirects(redirects: Iterable[Redirect], site_url: str) -> str:
    """`_redirects` for Netlify and Cloudflare Pages (Cloudflare ignores the Language condition)."""
    base = _base_path(site_url)
    lines = ["# Generated by the OCOP catalogue build. See docs/deployment.md."]
    for r in redirects:
        for source in (r.source, r.source.rstrip("/")):
            if r.bilingual:
                lines.append(f"{base}{source} {base}en/{r.target} 301 Language=en")
            lines.append(f"{base}{source} {base}{r.target} 301")
    lines.append("")
    return "\n".join(lines)


def write_host_rules(release: Path, redirects: list[Redirect], site_url: str) -> None:
    """`.htaccess` and `_redirects` work where they are (site root); nginx includes the map file
    from `_host/` (see docs/deployment.md)."""
    folder = release / "_host"
    folder.mkdir(exist_ok=True)
    (folder / "nginx-redirects.conf").write_text(nginx_map(redirects, site_url), encoding="utf-8")
    (release / ".htaccess").write_text(apache_rules(redirects, site_url), encoding="utf-8")
    (release / "_redirects").write_text(netlify_redirects(redirects, site_url), encoding="utf-8")


# --- the lockfile -----------------------------------------------------------------------------


@dataclass
class Lock:
    entries: dict[str, str]
    """Path → date first published (ISO)."""
    problems: list[str]


def read_lock(path: Path) -> Lock:
    entries: dict[str, str] = {}
    problems: list[str] = []
    if not path.exists():
        return Lock(entries, problems)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LOCK_LINE.match(line.strip())
        if not match:
            problems.append(
                f"{path.name}:{number}: dòng không đúng dạng 'NĂM-THÁNG-NGÀY /đường-dẫn/' / "
                f"line is not 'YEAR-MONTH-DAY /path/': {line.strip()}"
            )
            continue
        entries.setdefault(match.group(2), match.group(1))
    return Lock(entries, problems)


LOCKED_FILES = re.compile(
    r"^/(?:(?:en/)?qr/.+\.(?:svg|png)"
    r"|du-lieu/.+\.(?:json|csv|xlsx)"
    r"|(?:en/)?tin/[^/]+\.(?:xml|atom|json)"
    r"|nhung/embed\.js"
    r"|(?:en/)?san-pham/[^/]+/[^/]+\.pdf)$"
)
"""Besides pages, these files are promised too: printers link to the QR files, buyers and other
sites to the data exports, spec sheets and feeds, and host pages load the embed script."""


LISTING_PAGE = re.compile(r"/trang-\d+/$")
"""Page 2, 3… of a listing (render.PAGE_SEGMENT): not a permanent address. Nothing printed leads
there, and a listing that loses products (a product moved to another group) loses its last page."""


def published_paths(release: Path) -> set[str]:
    """Every page path (a folder with index.html) and every locked file type of a release, except
    the further pages of listings (LISTING_PAGE)."""
    paths: set[str] = set()
    for dirpath, _dirs, files in os.walk(release):
        rel = Path(dirpath).relative_to(release).as_posix()
        prefix = "/" if rel == "." else f"/{rel}/"
        if prefix.startswith(("/assets/", "/search/", "/_host/", "/anh/")):
            continue
        for name in files:
            if name == "index.html":
                if not LISTING_PAGE.search(prefix):
                    paths.add(prefix)
            elif LOCKED_FILES.match(prefix + name):
                paths.add(prefix + name)
    return paths


def missing_paths(lock: Lock, paths: set[str]) -> list[str]:
    return sorted(p for p in lock.entries if p not in paths)


def append_lock(path: Path, lock: Lock, paths: set[str], today: dt.date) -> list[str]:
    """Append the paths this build publishes for the first time; returns them."""
    new = sorted(p for p in paths if p not in lock.entries)
    if not new:
        return []
    text = path.read_text(encoding="utf-8") if path.exists() else LOCK_HEADER
    if not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{today.isoformat()} {p}\n" for p in new)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return new
