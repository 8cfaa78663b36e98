"""Security headers for the host: a strict Content-Security-Policy computed from the built pages,
and the few paths that must answer differently (embeddable widgets, cross-origin data).

Material writes a few inline scripts into every page (its scope and hash helpers and the anchor
fix), and they differ with page depth; the redirect pages carry one more. Instead of allowing
'unsafe-inline', the build hashes every inline script of the release and lists the hashes: a
script injected through content would have no hash and not run. The set stays small and constant
(one variant per page depth and language), whatever the number of products.

Headers are described once, as data: an ordered list of `PathRule`s, where a later rule that
matches a path overrides (or removes) what an earlier one set, and `headers_for()` computes what
one path receives. Each host dialect then expresses the same list: an nginx include (`location`
blocks that repeat the full set, because nginx drops inherited `add_header`s in any block with its
own), `_headers` (Netlify, Cloudflare Pages; Cloudflare's `! Name` detaches an inherited header)
and `.htaccess` (Apache, mod_headers with `<If>`, the only per-path section .htaccess allows).
`frame-ancestors` works only as an HTTP header, never in a <meta> tag.

The same rules say how long each file may be cached (`cache_rules`): files whose names carry a
hash of their content (Material's bundles, the photo renditions and share images under /anh/,
the search index shards) for a year, `immutable`; the few stable-named images of the theme for
an hour; everything else (pages, feeds, data, QR codes, PDFs, our own scripts and stylesheets)
`no-cache`: stored, but asked again (a 304 when unchanged) before every use. The deploy targets
(generator/deploy.py) read the same rules for object storage.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .pagefacts import PageFacts

EMBED_PATHS: tuple[str, ...] = ("/nhung/", "/en/nhung/")
"""Widget pages other sites show in an iframe (folders, with everything under them)."""

DATA_TYPES: Mapping[str, str] = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
"""The data exports' types. nginx's stock mime.types has no csv (a download as
application/octet-stream) and no charset on json: read as Latin-1, every Vietnamese letter
garbles."""

FEED_TYPES: Mapping[str, str] = {
    "xml": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
"""The feeds' types (generator/feeds.py: RSS 2.0 as .xml, Atom, JSON Feed). Every host guesses
text/xml or application/xml for .xml and plain JSON for .json."""

CORS_PATHS: Mapping[str, Mapping[str, str]] = {
    "/du-lieu/": DATA_TYPES,
    "/tin/": FEED_TYPES,
    "/en/tin/": FEED_TYPES,
}
"""Data other sites' scripts fetch (the exports, the feeds), each with the content types of its
files by extension. A path ending in "/" is a folder and everything under it; any other path is
one file."""

FRAME_OPTIONS = "X-Frame-Options"
CSP = "Content-Security-Policy"
CONTENT_TYPE = "Content-Type"
CACHE_CONTROL = "Cache-Control"

IMMUTABLE = "public, max-age=31536000, immutable"
"""For files whose name changes with their content: a new release links new names, so a cached
copy is never wrong; `immutable` spares even the revalidation on reload."""
REVALIDATE = "no-cache"
"""Stored, but revalidated before every use (ETag or Last-Modified: a 304 of a few hundred bytes
when unchanged). Chosen over `max-age=0, must-revalidate`, which says the same to browsers: one
standard directive that every CDN reads as "ask the origin first"."""
BRIEF = "public, max-age=3600"
"""An hour without asking: stable names whose content rarely changes and where an hour-old copy
is harmless (the theme's logo and favicon, on every page)."""

CONTENT_KEYED: tuple[str, ...] = (
    *(
        f"{root}assets/{name}"
        for root in ("/", "/en/")
        for name in (
            "javascripts/bundle.*",
            "javascripts/workers/search.*",
            "stylesheets/main.*",
            "stylesheets/palette.*",
        )
    ),
    "/anh/",
    *(f"/search-index/{lang}/{kind}-*" for lang in ("vi", "en") for kind in ("w", "f", "d")),
)
"""Paths whose file names carry a hash of the content: Material's `bundle.<hash>.min.js`,
`workers/search.<hash>.min.js`, `main.<hash>.min.css`, `palette.<hash>.min.css` (and their .map)
in both language builds; everything under /anh/ (renditions `<stem>-<width>.<key>.webp|jpg`,
news photos, share images `<id>-<lang>.<key>.jpg`); the search index's word shards, facets and
dates (`w-|f-|d-<hash>.json`; its card files keep their names across text changes)."""
BRIEFLY_CACHED: tuple[str, ...] = ("/assets/images/", "/en/assets/images/")

CONTENT_KEY = re.compile(r"[.-][0-9a-f]{8,}(?:\.min)?\.[a-z0-9]+(?:\.map)?$")
"""A file name that carries a content hash (see CONTENT_KEYED)."""

SUCCESS_ONLY = frozenset({CACHE_CONTROL})
"""Headers sent with successful answers only (nginx without `always`, Apache's default table):
a 404 for a file name that looks hashed must not be cached for a year."""

_SEGMENT = r"(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+"  # no "." or ".." segment
_SAFE_PATH = re.compile(f"^/(?:{_SEGMENT}/)*(?:{_SEGMENT})?$")
_EXTENSION = re.compile(r"^[a-z0-9]+$")
_NAME_PART = re.compile(r"^[A-Za-z0-9._~-]*$")


def inline_script_hashes(pages: Iterable[Path], facts: PageFacts | None = None) -> list[str]:
    """CSP source expressions ('sha256-…') of every executable inline script, sorted. With
    `facts`, pages seen by an earlier build are not read again."""
    facts = facts or PageFacts()
    hashes: set[str] = set()
    for page in pages:
        hashes |= facts.of(page).scripts
    return sorted(hashes)


def content_security_policy(script_hashes: Iterable[str], frame_ancestors: str = "'self'") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(script_hashes),
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def security_headers(policy: str) -> dict[str, str]:
    return {
        CSP: policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        FRAME_OPTIONS: "SAMEORIGIN",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


# --- the sites allowed to embed the widgets (mkdocs.yml extra.embed_hosts) ---------------------


class EmbedHostsError(ValueError):
    """`extra.embed_hosts` is not a list of origins; the message is bilingual (vi / en)."""


_FORBIDDEN = re.compile(r"[\s'\";,]")
_HOST = re.compile(
    r"^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?::(?:\d{1,5}|\*))?$"
)


def embed_hosts_setting(
    value: object, where: str = "mkdocs.yml: extra.embed_hosts"
) -> tuple[str, ...]:
    """Check the sites allowed to show the widgets in an iframe; returns them normalised.

    Each entry is an origin, `https://host` or `https://*.host` (subdomains only; list the bare
    host too when it embeds), or the single entry "*" (any site, a conscious choice). They go
    verbatim into a CSP header, so anything that could end the directive or the header (spaces,
    quotes, ";" and ",") is refused, and so is a path, which frame-ancestors would ignore or
    misread. Nothing set means no other site.
    """
    if value is None:
        return ()
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list):
        raise EmbedHostsError(
            f"{where}: phải là một danh sách địa chỉ trang, ví dụ "
            f'["https://krongno.daknong.gov.vn"] / must be a list of site addresses, e.g. '
            f'["https://krongno.daknong.gov.vn"]: {value!r}'
        )
    hosts: list[str] = []
    for index, entry in enumerate(entries):
        host = _check_host(entry, f"{where}[{index}]")
        if host not in hosts:
            hosts.append(host)
    if "*" in hosts and len(hosts) > 1:
        raise EmbedHostsError(
            f"{where}: '*' (mọi trang) phải là mục duy nhất của danh sách / "
            f"'*' (any site) must be the only item of the list: {entries!r}"
        )
    return tuple(hosts)


def _check_host(entry: object, where: str) -> str:
    def fail(vi: str, en: str) -> EmbedHostsError:
        return EmbedHostsError(f"{where}: {vi} / {en}: {entry!r}")

    if not isinstance(entry, str) or not entry:
        raise fail("mục rỗng hoặc không phải chữ", "empty or not text")
    if entry == "*":
        return entry
    if _FORBIDDEN.search(entry):
        raise fail(
            "địa chỉ có dấu cách, dấu nháy, dấu chấm phẩy hoặc dấu phẩy; "
            "mỗi địa chỉ là một mục riêng của danh sách",
            "the address has a space, quote, semicolon or comma; "
            "write each address as its own list item",
        )
    scheme, sep, rest = entry.partition("://")
    if not sep or scheme.lower() not in ("https", "http"):
        raise fail(
            "địa chỉ phải bắt đầu bằng https:// (hoặc http://)",
            "the address must start with https:// (or http://)",
        )
    if rest.endswith("/") and rest.count("/") == 1:
        rest = rest[:-1]  # "https://host/" is a common way of writing the origin itself
    if any(mark in rest for mark in "/?#"):
        raise fail(
            "chỉ ghi giao thức và tên miền (https://ten-mien.vn), không ghi đường dẫn",
            "give only the scheme and host (https://host.example), no path",
        )
    rest = rest.lower()
    if not _HOST.match(rest):
        raise fail(
            "tên miền không hợp lệ; hãy viết https://ten-mien.vn hoặc https://*.ten-mien.vn",
            "not a valid host; write https://host.example or https://*.host.example",
        )
    return f"{scheme.lower()}://{rest}"


def frame_ancestors(embed_hosts: Sequence[str]) -> str:
    """The `frame-ancestors` sources of the embeddable paths.

    The site itself stays allowed (a page may preview its own widget); "*" alone means any site.
    """
    if tuple(embed_hosts) == ("*",):
        return "*"
    return " ".join(["'self'", *embed_hosts])


# --- rules per path -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PathRule:
    """Headers for the URL paths matching `pattern`, relative to the site root.

    `pattern` is a folder ("/" the whole site, "/nhung/" that folder and everything under it), a
    file-name pattern under a folder with one `*` ("/du-lieu/*.json": the .json files at any
    depth; "/assets/javascripts/bundle.*": the names starting so; `*` matches any characters,
    "/" included, as a `_headers` splat does), or one file ("/feed.xml"). In a list of rules a
    later match overrides an earlier one header by header and `remove` drops headers an earlier
    rule set (see `headers_for`).
    """

    pattern: str
    headers: Mapping[str, str] = field(hash=False)
    remove: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        before, star, suffix = self.pattern.partition("*")
        folder, _, prefix = before.rpartition("/")
        if star and not (
            _SAFE_PATH.match(folder + "/")
            and _NAME_PART.match(prefix)
            and _NAME_PART.match(suffix)
            and (prefix or suffix)
        ):
            raise ValueError(f"not a header path pattern: {self.pattern!r}")
        if not star and not _SAFE_PATH.match(self.pattern):
            raise ValueError(f"not a header path pattern: {self.pattern!r}")

    @property
    def folder(self) -> str:
        """The folder the rule applies in (for one file: the folder holding it)."""
        if self.pattern.endswith("/"):
            return self.pattern
        return self.pattern.partition("*")[0].rpartition("/")[0] + "/"

    @property
    def is_glob(self) -> bool:
        return "*" in self.pattern

    @property
    def prefix(self) -> str:
        """A file-name pattern's text before the `*` ("bundle." in "/assets/js/bundle.*")."""
        return self.pattern.partition("*")[0].rpartition("/")[2] if self.is_glob else ""

    @property
    def suffix(self) -> str:
        """A file-name pattern's text after the `*` (".json" in "/du-lieu/*.json")."""
        return self.pattern.partition("*")[2]

    @property
    def is_file(self) -> bool:
        return not self.is_glob and not self.pattern.endswith("/")

    def matches(self, path: str) -> bool:
        if self.is_file:
            return path == self.pattern
        if not path.startswith(self.folder):
            return False
        rest = path[len(self.folder) :]
        return (
            len(rest) >= len(self.prefix) + len(self.suffix)
            and rest.startswith(self.prefix)
            and rest.endswith(self.suffix)
        )


def headers_for(rules: Sequence[PathRule], path: str) -> dict[str, str]:
    """The headers a site-relative URL path receives: matching rules applied in order."""
    out: dict[str, str] = {}
    for rule in rules:
        if rule.matches(path):
            for name in rule.remove:
                out.pop(name, None)
            out.update(rule.headers)
    return out


def _checked(paths: Iterable[str]) -> list[str]:
    """The paths without duplicates; a folder inside another listed one is refused: on hosts
    that join repeated headers, both rules would send their headers twice there."""
    checked: list[str] = []
    for path in paths:
        if not _SAFE_PATH.match(path):
            raise ValueError(f"not a site path such as /nhung/ or /feed.xml: {path!r}")
        if path not in checked:
            checked.append(path)
    for path in checked:
        outer = [q for q in checked if q != path and q.endswith("/") and path.startswith(q)]
        if outer:
            raise ValueError(f"{path!r} is inside {outer[0]!r}: list only the outer folder")
    return checked


def path_rules(
    script_hashes: Iterable[str],
    *,
    embed_hosts: Sequence[str] = (),
    embed_paths: Sequence[str] = EMBED_PATHS,
    cors_paths: Mapping[str, Mapping[str, str]] = CORS_PATHS,
    content_keyed: Sequence[str] = CONTENT_KEYED,
    briefly_cached: Sequence[str] = BRIEFLY_CACHED,
) -> list[PathRule]:
    """Every path gets the strict set; embeddable paths a wider `frame-ancestors` and no
    X-Frame-Options; cross-origin paths `Access-Control-Allow-Origin: *` and exact content types;
    every path `Cache-Control: no-cache` but the content-keyed and briefly cached ones.

    With no embed host, the embeddable paths stay like the rest: `frame-ancestors 'self'` and
    `X-Frame-Options: SAMEORIGIN` say the same thing, and the old header still protects browsers
    that predate CSP 2 (dropping it would let any site frame the widgets there).
    """
    hashes = list(script_hashes)
    # Idempotent on checked hosts; keeps a caller's unchecked list out of the CSP header.
    embed_hosts = embed_hosts_setting(list(embed_hosts), "embed_hosts")
    site_wide = {**security_headers(content_security_policy(hashes)), CACHE_CONTROL: REVALIDATE}
    rules = [PathRule("/", site_wide)]
    if embed_hosts:
        policy = content_security_policy(hashes, frame_ancestors(embed_hosts))
        rules += [
            PathRule(path, {CSP: policy}, remove=(FRAME_OPTIONS,)) for path in _checked(embed_paths)
        ]
    cors = {"Access-Control-Allow-Origin": "*"}
    for path in _checked(cors_paths):
        types = cors_paths[path]
        for extension in types:
            if not _EXTENSION.match(extension):
                raise ValueError(f"not a file extension: {extension!r}")
        if path.endswith("/"):
            rules.append(PathRule(path, cors))
            rules += [
                PathRule(f"{path}*.{ext}", {CONTENT_TYPE: kind}) for ext, kind in types.items()
            ]
        else:
            name = path.rpartition("/")[2]
            kind = types.get(name.rpartition(".")[2]) if "." in name else None
            rules.append(PathRule(path, {**cors, CONTENT_TYPE: kind} if kind else cors))
    rules += [PathRule(path, {CACHE_CONTROL: BRIEF}) for path in briefly_cached]
    rules += [PathRule(path, {CACHE_CONTROL: IMMUTABLE}) for path in content_keyed]
    return rules


def cache_control(rules: Sequence[PathRule], path: str) -> str:
    """The Cache-Control a site-relative path receives (the site-wide rule always sets one)."""
    return headers_for(rules, path).get(CACHE_CONTROL, REVALIDATE)


FILE_TYPES: Mapping[str, str] = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "map": "application/json; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "avif": "image/avif",
    "gif": "image/gif",
    "ico": "image/x-icon",
    "pdf": "application/pdf",
    "xlsx": DATA_TYPES["xlsx"],
    "woff2": "font/woff2",
    "webmanifest": "application/manifest+json",
}
"""Content types by extension, for hosts that take them from the uploader (object storage);
the rules' own types (feeds, data) come first."""


def content_type(rules: Sequence[PathRule], path: str) -> str:
    """The Content-Type of a site-relative path: the rules' type, else by extension."""
    kind = headers_for(rules, path).get(CONTENT_TYPE)
    name = path.rpartition("/")[2]
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return kind or FILE_TYPES.get(extension, "application/octet-stream")


def unkeyed_immutable(rules: Sequence[PathRule], paths: Iterable[str]) -> list[str]:
    """The paths the rules cache for a year although their name carries no content hash: a
    stable-named file there would stay stale in browsers and CDNs for a year after it changes."""
    return [
        path
        for path in paths
        if cache_control(rules, path) == IMMUTABLE
        and not CONTENT_KEY.search(path.rpartition("/")[2])
    ]


def base_path(site_url: str) -> str:
    """The URL path the site lives at ("/" on its own host, "/ocop/" under a portal)."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


# --- the three dialects -------------------------------------------------------------------------


def _nginx_directives(headers: Mapping[str, str], indent: str) -> list[str]:
    lines = []
    for name, value in headers.items():
        if name == CONTENT_TYPE:
            # An empty `types` makes default_type the type of every file in the block; the
            # charset goes in the value, as nginx's `charset` adds one to text types only.
            lines += [f"{indent}types {{ }}", f'{indent}default_type "{value}";']
        else:
            always = "" if name in SUCCESS_ONLY else " always"
            lines.append(f'{indent}add_header {name} "{value}"{always};')
    return lines


def _without_type(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name != CONTENT_TYPE}


def _compatible(a: str, b: str, ends: bool) -> bool:
    """Whether some name may start (`ends` False) or end with both texts."""
    if ends:
        return a.endswith(b) or b.endswith(a)
    return a.startswith(b) or b.startswith(a)


def _nested_patterns(rules: Sequence[PathRule], folder: str) -> list[tuple[str, str]]:
    """The (prefix, suffix) file-name patterns, relative to `folder`, of the rules that may match
    a path under it: its own patterns and those of enclosing folders with no prefix, or a prefix
    the subfolder's name already starts with ("/du-lieu/*.json" in "/du-lieu/san-pham/")."""
    patterns: list[tuple[str, str]] = []
    for rule in rules:
        if not rule.is_glob or not folder.startswith(rule.folder):
            continue
        inner = folder[len(rule.folder) :]
        if inner and not inner.startswith(rule.prefix):
            continue
        pattern = ("" if inner else rule.prefix, rule.suffix)
        if pattern not in patterns:
            patterns.append(pattern)
    for index, (prefix, suffix) in enumerate(patterns):
        for other, other_suffix in patterns[:index]:
            if _compatible(prefix, other, False) and _compatible(suffix, other_suffix, True):
                # nginx answers a path from the first regex location that matches it: a path
                # both patterns match would get only one rule's headers.
                raise ValueError(
                    f"{folder}{prefix}*{suffix} and {folder}{other}*{other_suffix} may match the "
                    "same file: nginx would apply only one of them"
                )
    return patterns


def nginx_headers(rules: Sequence[PathRule], base: str = "/") -> str:
    """An include for `server {}` (or for the `location` serving the site).

    nginx uses the `add_header`s of the innermost block that has any, so each `location` carries
    the full set computed by `headers_for`. The locations are `^~` prefixes: a regex location of
    the server (say a cache rule for `\\.json$`) cannot take these paths and drop their headers.
    File-name patterns are regex locations nested in their folder's. Inside them nginx serves
    files as everywhere else (index.html for folders, 404.html through the server's error_page).
    Cache-Control goes without `always`: a 404 is never cached for a year.
    """
    lines = [
        "# Generated by the OCOP catalogue build; include inside server {}. See docs/deployment.md."
    ]
    lines += _nginx_directives(headers_for(rules, "/"), "")
    if any(r.is_glob and r.folder == "/" for r in rules):
        raise ValueError("a file-name pattern needs a folder other than the site root in nginx")
    folders = sorted({r.folder for r in rules if r.folder != "/" and not r.is_file})
    for folder in folders:
        lines += ["", f"location ^~ {base}{folder[1:]} {{"]
        outer = headers_for(rules, folder)
        lines += _nginx_directives(outer, "    ")
        for prefix, suffix in _nested_patterns(rules, folder):
            # "*" never occurs in a real path: the probe matches pattern rules, not single files.
            inner = headers_for(rules, f"{folder}{prefix}*{suffix}")
            if _without_type(inner) == _without_type(outer):
                # No add_header of its own: the nested block inherits the folder's.
                inner = {CONTENT_TYPE: inner[CONTENT_TYPE]} if CONTENT_TYPE in inner else {}
            if not inner:
                continue
            if prefix:
                regex = "^" + re.escape(f"{base}{folder[1:]}{prefix}")
                regex += f".*{re.escape(suffix)}$" if suffix else ""
            else:
                regex = f"{re.escape(suffix)}$"
            lines.append(f"    location ~ {regex} {{")
            lines += _nginx_directives(inner, "        ")
            lines.append("    }")
        lines.append("}")
    for rule in rules:
        if rule.is_file:
            lines += ["", f"location = {base}{rule.pattern[1:]} {{"]
            lines += _nginx_directives(headers_for(rules, rule.pattern), "    ")
            lines.append("}")
    return "\n".join(lines) + "\n"


def _may_share_a_path(a: PathRule, b: PathRule) -> bool:
    """False only when no path can match both rules (then `_headers` needs no detach)."""
    if a.is_file or b.is_file:
        return b.matches(a.pattern) if a.is_file else a.matches(b.pattern)
    outer, inner = (a, b) if len(a.folder) <= len(b.folder) else (b, a)
    if not inner.folder.startswith(outer.folder):
        return False
    below = inner.folder[len(outer.folder) :]
    if outer.is_glob and below and not below.startswith(outer.prefix):
        return False
    if outer.is_glob and inner.is_glob:
        if not _compatible(outer.suffix, inner.suffix, True):
            return False
        if not below and not _compatible(outer.prefix, inner.prefix, False):
            return False
    return True


def _netlify_pattern(rule: PathRule, base: str) -> str:
    pattern = base + rule.pattern[1:]
    return pattern + "*" if pattern.endswith("/") else pattern


def netlify_headers(rules: Sequence[PathRule], base: str = "/") -> str:
    """`_headers` for Netlify and Cloudflare Pages.

    Both apply every matching rule. Cloudflare applies them in file order and joins a header set
    twice with a comma (two CSPs would both be enforced, the stricter winning), so a rule that
    replaces or drops an inherited header first detaches it with `! Name`. Netlify serves the
    most specific rule's value of a header, and its parser skips the `!` lines (no colon): it
    cannot drop a header, so X-Frame-Options stays on the embeddable paths there (see
    docs/deployment.md).
    """
    lines = ["# Generated by the OCOP catalogue build. See docs/deployment.md."]
    for index, rule in enumerate(rules):
        earlier = [r for r in rules[:index] if _may_share_a_path(r, rule)]
        inherited = {name for r in earlier for name in r.headers}
        detach = [n for n in (*rule.remove, *rule.headers) if n in inherited]
        if index:
            lines.append("")
        lines.append(_netlify_pattern(rule, base))
        lines += [f"  ! {name}" for name in detach]
        lines += [f"  {name}: {value}" for name, value in rule.headers.items()]
    return "\n".join(lines) + "\n"


APACHE_MARKER = "# Security headers, generated by the OCOP catalogue build. See docs/deployment.md."


def _apache_regex(rule: PathRule, base: str) -> str:
    folder = re.escape(base + rule.folder[1:])
    if rule.is_file:
        return "^" + re.escape(base + rule.pattern[1:]) + "$"
    if rule.is_glob:
        regex = f"^{folder}{re.escape(rule.prefix)}"
        return regex + (f".*{re.escape(rule.suffix)}$" if rule.suffix else "")
    return "^" + folder


def apache_headers(rules: Sequence[PathRule], base: str = "/") -> str:
    """A block for `.htaccess`, which allows no <Location>: per-path rules are `<If>` sections,
    merged after the rest of the file in their order, so they override it as `headers_for` says.
    `always` because the default set is in that table, and error pages need the headers too;
    Cache-Control goes in the default table (successful answers only), like nginx's."""
    lines = [APACHE_MARKER]
    for rule in rules:
        # Unset before set, as in headers_for: a rule may drop a header and set it anew.
        inner = [f"Header always unset {name}" for name in rule.remove]
        inner += [
            f'Header {"" if name in SUCCESS_ONLY else "always "}set {name} "{value}"'
            for name, value in rule.headers.items()
            if name != CONTENT_TYPE
        ]
        block = (
            ["<IfModule mod_headers.c>", *[f"    {line}" for line in inner], "</IfModule>"]
            if inner
            else []
        )
        if CONTENT_TYPE in rule.headers:
            # mod_headers cannot change the type mod_mime chose; ForceType (core) can.
            block.append(f'ForceType "{rule.headers[CONTENT_TYPE]}"')
        if rule.pattern == "/":
            lines += block
        else:
            lines.append(f'<If "%{{REQUEST_URI}} =~ m#{_apache_regex(rule, base)}#">')
            lines += [f"    {line}" for line in block]
            lines.append("</If>")
    return "\n".join(lines) + "\n"


def write_security_headers(
    release: Path,
    *,
    embed_hosts: Sequence[str] = (),
    embed_paths: Sequence[str] = EMBED_PATHS,
    cors_paths: Mapping[str, Mapping[str, str]] = CORS_PATHS,
    site_url: str = "/",
    facts: PageFacts | None = None,
) -> str:
    """Hash the release's inline scripts and write the host files; returns the site-wide policy.

    `embed_hosts` comes from `embed_hosts_setting()`; `site_url` places the paths under the site's
    base path. The Apache block is appended to the `.htaccess` the redirect rules wrote (a block
    from an earlier call is replaced, not repeated).
    """
    pages = [
        Path(d) / f for d, _dirs, files in os.walk(release) for f in files if f.endswith(".html")
    ]
    rules = path_rules(
        inline_script_hashes(pages, facts),
        embed_hosts=embed_hosts,
        embed_paths=embed_paths,
        cors_paths=cors_paths,
    )
    base = base_path(site_url)
    folder = release / "_host"
    folder.mkdir(exist_ok=True)
    (folder / "nginx-headers.conf").write_text(nginx_headers(rules, base), encoding="utf-8")
    (release / "_headers").write_text(netlify_headers(rules, base), encoding="utf-8")
    htaccess = release / ".htaccess"
    existing = htaccess.read_text(encoding="utf-8") if htaccess.exists() else ""
    existing = existing.partition(APACHE_MARKER)[0]
    htaccess.write_text(existing + apache_headers(rules, base), encoding="utf-8")
    return rules[0].headers[CSP]
