"""Per-path headers: embeddable widgets, cross-origin data, the same rules in every host dialect.

The rules are data (`path_rules`, `headers_for`); each dialect is checked against them, with the
host's own merge semantics emulated for `_headers` (Cloudflare Pages, Netlify) and `.htaccess`,
and with the real nginx (and Apache, when installed) serving a copy of the built sample release.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildResult, Project, read_settings
from generator.headers import (
    BRIEF,
    CORS_PATHS,
    DATA_TYPES,
    EMBED_PATHS,
    FEED_TYPES,
    IMMUTABLE,
    REVALIDATE,
    EmbedHostsError,
    PathRule,
    apache_headers,
    base_path,
    content_security_policy,
    embed_hosts_setting,
    frame_ancestors,
    headers_for,
    inline_script_hashes,
    netlify_headers,
    nginx_headers,
    path_rules,
    write_security_headers,
)
from tests.servers import free_port, get, nginx_serving, wait_for

Site = tuple[Project, BuildResult]

HOSTS = ("https://krongno.daknong.gov.vn", "https://*.daknong.gov.vn")
HASHES = ["'sha256-AAAA'", "'sha256-BBBB'"]
MANAGED = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
    "Access-Control-Allow-Origin",
    "Cache-Control",
)
"""Headers the rules decide; Content-Type is compared only where a rule sets it."""
ALWAYS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
)
PROBES = (
    "/",
    "/san-pham/gao-buon-choah/",
    "/en/san-pham/gao-buon-choah/",
    "/assets/javascripts/bundle.js",
    "/nhung/",
    "/nhung/san-pham/gao-buon-choah/",
    "/nhung/embed.js",
    "/nhungx/",
    "/en/nhung/",
    "/en/nhung/data.json",
    "/du-lieu/",
    "/du-lieu/danh-muc-ocop.json",
    "/du-lieu/san-pham/gao-buon-choah.json",
    "/du-lieu/danh-muc-ocop-vi.csv",
    "/du-lieu/danh-muc-ocop-vi.xlsx",
    "/du-lieu/danh-muc-ocop.xml",
    "/tin/",
    "/tin/san-pham-moi.xml",
    "/tin/san-pham-moi.atom",
    "/en/tin/san-pham-moi.json",
    "/sitemap.xml",
    "/assets/javascripts/bundle.a5f9d56c.min.js",
    "/assets/javascripts/bundle.a5f9d56c.min.js.map",
    "/en/assets/javascripts/workers/search.a7633da7.min.js",
    "/en/assets/stylesheets/main.57a0d79d.min.css",
    "/assets/stylesheets/ocop.css",
    "/assets/javascripts/ocop-search.js",
    "/assets/javascripts/lunr/min/lunr.vi.min.js",
    "/assets/images/ocop-star.svg",
    "/anh/gao-buon-choah/anh-chinh-360.e747c367cb.webp",
    "/anh/chia-se/gao-buon-choah-vi.3e35dadbd8.jpg",
    "/search-index/vi/w-8883083b5971.json",
    "/search-index/vi/c/71e51e004f55/0.json",
    "/search-index/en/sp/gao-buon-choah.json",
    "/qr/gao-buon-choah.svg",
    "/san-pham/gao-buon-choah/spec-sheet-gao-buon-choah.pdf",
)
EMBED_POLICY = content_security_policy(HASHES, "'self' " + " ".join(HOSTS))
SELF_POLICY = content_security_policy(HASHES)


# --- rules as data ------------------------------------------------------------------------------


def test_each_path_gets_its_rules() -> None:
    rules = path_rules(HASHES, embed_hosts=HOSTS)
    page = headers_for(rules, "/san-pham/gao-buon-choah/")
    assert page == {
        "Content-Security-Policy": SELF_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "SAMEORIGIN",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cache-Control": "no-cache",
    }
    widget = {k: v for k, v in page.items() if k != "X-Frame-Options"}
    widget["Content-Security-Policy"] = EMBED_POLICY
    for path in ("/nhung/", "/nhung/khong-co/", "/en/nhung/", "/en/nhung/x.json"):
        assert headers_for(rules, path) == widget, path
    assert EMBED_POLICY.endswith(
        "frame-ancestors 'self' https://krongno.daknong.gov.vn https://*.daknong.gov.vn"
    )
    # Everything but frame-ancestors is the same policy (the same inline-script hashes).
    assert EMBED_POLICY.rpartition(";")[0] == SELF_POLICY.rpartition(";")[0]
    assert headers_for(rules, "/nhungx/") == page
    assert headers_for(rules, "/du-lieu/") == {**page, "Access-Control-Allow-Origin": "*"}
    for path, kind in (
        ("/du-lieu/danh-muc-ocop.json", "application/json; charset=utf-8"),
        ("/du-lieu/san-pham/gao-buon-choah.json", "application/json; charset=utf-8"),
        ("/du-lieu/danh-muc-ocop-vi.csv", "text/csv; charset=utf-8"),
        (
            "/du-lieu/danh-muc-ocop-vi.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("/tin/san-pham-moi.xml", "application/rss+xml; charset=utf-8"),
        ("/en/tin/san-pham-moi.atom", "application/atom+xml; charset=utf-8"),
        ("/en/tin/san-pham-moi.json", "application/feed+json; charset=utf-8"),
    ):
        expected = {**page, "Access-Control-Allow-Origin": "*", "Content-Type": kind}
        assert headers_for(rules, path) == expected, path
    assert "Content-Type" not in headers_for(rules, "/sitemap.xml")
    assert "Content-Type" not in headers_for(rules, "/du-lieu/danh-muc-ocop.xml")
    assert "Access-Control-Allow-Origin" not in headers_for(rules, "/tim-kiem/")


def test_without_embed_hosts_the_widgets_refuse_framing_like_every_page() -> None:
    rules = path_rules(HASHES)
    assert headers_for(rules, "/nhung/") == headers_for(rules, "/san-pham/x/")
    assert headers_for(rules, "/nhung/")["X-Frame-Options"] == "SAMEORIGIN"
    assert [r.pattern for r in rules if r.pattern.startswith(("/nhung", "/en/nhung"))] == []


def test_star_lets_any_site_embed_the_widgets() -> None:
    assert frame_ancestors(("*",)) == "*"
    rules = path_rules(HASHES, embed_hosts=embed_hosts_setting(["*"]))
    policy = headers_for(rules, "/nhung/")["Content-Security-Policy"]
    assert policy.endswith("; frame-ancestors *")
    assert "X-Frame-Options" not in headers_for(rules, "/nhung/")


def test_embed_and_cors_paths_are_parameters() -> None:
    assert EMBED_PATHS == ("/nhung/", "/en/nhung/")
    assert CORS_PATHS == {"/du-lieu/": DATA_TYPES, "/tin/": FEED_TYPES, "/en/tin/": FEED_TYPES}
    rules = path_rules(
        HASHES,
        embed_hosts=HOSTS,
        embed_paths=("/widget/", "/widget/"),
        cors_paths={"/du-lieu/": DATA_TYPES, "/feed.xml": FEED_TYPES, "/api/v1": {}},
    )
    assert "X-Frame-Options" in headers_for(rules, "/nhung/")
    assert "X-Frame-Options" not in headers_for(rules, "/widget/a/")
    assert [r.pattern for r in rules if r.is_file] == ["/feed.xml", "/api/v1"]
    assert headers_for(rules, "/feed.xml")["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert headers_for(rules, "/api/v1")["Access-Control-Allow-Origin"] == "*"
    assert "Content-Type" not in headers_for(rules, "/api/v1")
    assert "Access-Control-Allow-Origin" not in headers_for(rules, "/feed.xml.bak")
    assert "Access-Control-Allow-Origin" not in headers_for(rules, "/tin/san-pham-moi.xml")
    for bad in ("nhung/", "/nh ung/", "/du-lieu/*", "/a/../b/", "/./"):
        with pytest.raises(ValueError, match="not a site path"):
            path_rules(HASHES, cors_paths={bad: {}})
    # A folder inside another: Cloudflare would send the content type twice there.
    with pytest.raises(ValueError, match="'/du-lieu/san-pham/' is inside '/du-lieu/'"):
        path_rules(HASHES, cors_paths={"/du-lieu/": DATA_TYPES, "/du-lieu/san-pham/": {}})
    with pytest.raises(ValueError, match="not a file extension"):
        path_rules(HASHES, cors_paths={"/du-lieu/": {".json": "application/json"}})
    for pattern in ("/du-lieu/*/x.json", "/du-lieu/*", "/a/**", "/a/b*c/d", "du-lieu/*.json"):
        with pytest.raises(ValueError, match="not a header path pattern"):
            PathRule(pattern, {})


# --- extra.embed_hosts ---------------------------------------------------------------------------


def test_embed_hosts_are_normalised_origins() -> None:
    assert embed_hosts_setting(None) == ()
    assert embed_hosts_setting([]) == ()
    assert embed_hosts_setting("*") == ("*",)
    assert embed_hosts_setting(
        [
            "HTTPS://KrongNo.DakNong.gov.vn/",
            "https://*.daknong.gov.vn",
            "https://krongno.daknong.gov.vn",
            "http://xa-nam-da.vn:8080",
        ]
    ) == ("https://krongno.daknong.gov.vn", "https://*.daknong.gov.vn", "http://xa-nam-da.vn:8080")


W = "mkdocs.yml: extra.embed_hosts"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"host": "https://a.vn"},
            f"{W}: phải là một danh sách địa chỉ trang, ví dụ "
            '["https://krongno.daknong.gov.vn"] / must be a list of site addresses, e.g. '
            "[\"https://krongno.daknong.gov.vn\"]: {'host': 'https://a.vn'}",
        ),
        (
            ["https://a.vn", ""],
            f"{W}[1]: mục rỗng hoặc không phải chữ / empty or not text: ''",
        ),
        ([42], f"{W}[0]: mục rỗng hoặc không phải chữ / empty or not text: 42"),
        (
            ["https://a.vn https://b.vn"],
            f"{W}[0]: địa chỉ có dấu cách, dấu nháy, dấu chấm phẩy hoặc dấu phẩy; mỗi địa chỉ là "
            "một mục riêng của danh sách / the address has a space, quote, semicolon or comma; "
            "write each address as its own list item: 'https://a.vn https://b.vn'",
        ),
        (
            ["'self'"],
            f"{W}[0]: địa chỉ có dấu cách, dấu nháy, dấu chấm phẩy hoặc dấu phẩy; mỗi địa chỉ là "
            "một mục riêng của danh sách / the address has a space, quote, semicolon or comma; "
            "write each address as its own list item: \"'self'\"",
        ),
        (
            ["https://a.vn; script-src *"],
            f"{W}[0]: địa chỉ có dấu cách, dấu nháy, dấu chấm phẩy hoặc dấu phẩy; mỗi địa chỉ là "
            "một mục riêng của danh sách / the address has a space, quote, semicolon or comma; "
            "write each address as its own list item: 'https://a.vn; script-src *'",
        ),
        (
            ["krongno.daknong.gov.vn"],
            f"{W}[0]: địa chỉ phải bắt đầu bằng https:// (hoặc http://) / the address must start "
            "with https:// (or http://): 'krongno.daknong.gov.vn'",
        ),
        (
            ["ftp://a.vn"],
            f"{W}[0]: địa chỉ phải bắt đầu bằng https:// (hoặc http://) / the address must start "
            "with https:// (or http://): 'ftp://a.vn'",
        ),
        (
            ["https://krongno.daknong.gov.vn/ocop/"],
            f"{W}[0]: chỉ ghi giao thức và tên miền (https://ten-mien.vn), không ghi đường dẫn / "
            "give only the scheme and host (https://host.example), no path: "
            "'https://krongno.daknong.gov.vn/ocop/'",
        ),
        (
            ["https://a.vn?x=1"],
            f"{W}[0]: chỉ ghi giao thức và tên miền (https://ten-mien.vn), không ghi đường dẫn / "
            "give only the scheme and host (https://host.example), no path: 'https://a.vn?x=1'",
        ),
        (
            ["https://*"],
            f"{W}[0]: tên miền không hợp lệ; hãy viết https://ten-mien.vn hoặc "
            "https://*.ten-mien.vn / not a valid host; write https://host.example or "
            "https://*.host.example: 'https://*'",
        ),
        (
            ["https://huyện.vn"],
            f"{W}[0]: tên miền không hợp lệ; hãy viết https://ten-mien.vn hoặc "
            "https://*.ten-mien.vn / not a valid host; write https://host.example or "
            "https://*.host.example: 'https://huyện.vn'",
        ),
        (
            ["*", "https://a.vn"],
            f"{W}: '*' (mọi trang) phải là mục duy nhất của danh sách / '*' (any site) must be "
            "the only item of the list: ['*', 'https://a.vn']",
        ),
    ],
)
def test_bad_embed_hosts_are_refused_in_both_languages(value: object, message: str) -> None:
    with pytest.raises(EmbedHostsError) as caught:
        embed_hosts_setting(value)
    assert str(caught.value) == message


# --- the dialects, read back with each host's semantics ------------------------------------------


def _parse_headers_file(text: str) -> list[tuple[str, list[str], list[tuple[str, str]]]]:
    """`_headers` as (pattern, detached names, set headers) blocks."""
    blocks: list[tuple[str, list[str], list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            blocks.append((line.strip(), [], []))
        elif line.strip().startswith("!"):
            blocks[-1][1].append(line.strip()[1:].strip())
        else:
            name, _, value = line.strip().partition(":")
            blocks[-1][2].append((name.strip(), value.strip()))
    return blocks


def _cloudflare(text: str, path: str) -> dict[str, str]:
    """workers-sdk pages-shared asset-server: rules in file order; `! Name` deletes, the first
    set of a name replaces, a later one appends (", ")."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for pattern, detach, values in _parse_headers_file(text):
        regex = "^" + "(?P<splat>.*)".join(re.escape(p) for p in pattern.split("*")) + "$"
        if not re.match(regex, path):
            continue
        for name in detach:
            out.pop(name, None)
        for name, value in values:
            out[name] = f"{out[name]}, {value}" if name in seen and name in out else value
            seen.add(name)
    return out


def _netlify(text: str, path: str) -> dict[str, str]:
    """netlify/build headers-parser: lines without a colon are skipped (so `!` lines are);
    `*` alone in a segment is `/?(.*)`; matching rules merge, a later one overriding."""
    out: dict[str, str] = {}
    for pattern, _detach, values in _parse_headers_file(text):
        parts = []
        for part in filter(None, pattern.split("/")):
            parts.append("?(.*)" if part == "*" else ".*".join(map(re.escape, part.split("*"))))
        if re.match("^/" + "/".join(parts) + "/?$", path, re.I):
            out.update(values)
    return out


def _apache(text: str, path: str) -> dict[str, str]:
    """The generated block: top-level headers, then every matching <If>, in order."""
    out: dict[str, str] = {}
    active = True
    for line in text.splitlines():
        stripped = line.strip()
        condition = re.match(r'<If "%\{REQUEST_URI\} =~ m#(.+)#">', stripped)
        if condition:
            active = re.search(condition.group(1), path) is not None
        elif stripped == "</If>":
            active = True
        elif active and (match := re.match(r'Header (?:always )?set (\S+) "(.*)"$', stripped)):
            out[match.group(1)] = match.group(2)
        elif active and (match := re.match(r"Header always unset (\S+)$", stripped)):
            out.pop(match.group(1), None)
        elif active and (match := re.match(r'ForceType "(.*)"$', stripped)):
            out["Content-Type"] = match.group(1)
    return out


@pytest.mark.parametrize("hosts", [HOSTS, ()])
def test_every_dialect_expresses_the_same_rules(hosts: tuple[str, ...]) -> None:
    rules = path_rules(HASHES, embed_hosts=hosts)
    keep_frame_options = [dataclasses.replace(r, remove=()) for r in rules]
    headers_file = netlify_headers(rules)
    htaccess = apache_headers(rules)
    for path in PROBES:
        expected = headers_for(rules, path)
        assert _cloudflare(headers_file, path) == expected, path
        assert _apache(htaccess, path) == expected, path
        # Netlify cannot drop a header a wider rule set: X-Frame-Options stays on the widgets.
        # Its `/nhung/*` also matches /nhungx/ (`^/nhung/?(.*)/?$`): no such path exists.
        if path != "/nhungx/":
            assert _netlify(headers_file, path) == headers_for(keep_frame_options, path), path
    # The verify tool and older deployments read the site-wide block: it comes first, complete.
    assert headers_file.splitlines()[1] == "/*"
    assert _parse_headers_file(headers_file)[0][2] == list(headers_for(rules, "/").items())
    # Cloudflare Pages limits: 100 rules, 2,000 characters a line.
    assert len(_parse_headers_file(headers_file)) <= 100
    assert max(map(len, headers_file.splitlines())) <= 2000


def test_the_site_base_path_prefixes_every_rule() -> None:
    rules = path_rules(HASHES, embed_hosts=HOSTS)
    base = base_path("https://daknong.gov.vn/ocop")
    assert base == "/ocop/" and base_path("https://ocop.krongno.example/") == "/"
    headers_file = netlify_headers(rules, base)
    nginx = nginx_headers(rules, base)
    htaccess = apache_headers(rules, base)
    assert [b[0] for b in _parse_headers_file(headers_file)][:3] == [
        "/ocop/*",
        "/ocop/nhung/*",
        "/ocop/en/nhung/*",
    ]
    assert "location ^~ /ocop/nhung/ {" in nginx and "location ^~ /ocop/du-lieu/ {" in nginx
    assert '<If "%{REQUEST_URI} =~ m#^/ocop/nhung/#">' in htaccess
    for path in PROBES:
        assert _cloudflare(headers_file, "/ocop" + path) == headers_for(rules, path), path
        assert _apache(htaccess, "/ocop" + path) == headers_for(rules, path), path


def test_nginx_locations_repeat_the_whole_set() -> None:
    rules = path_rules(
        HASHES, embed_hosts=HOSTS, cors_paths={**CORS_PATHS, "/feed.xml": FEED_TYPES}
    )
    conf = nginx_headers(rules)
    blocks = re.findall(r"^location (\S+) (\S+) \{\n(.*?)^\}", conf, re.M | re.S)
    assert [(kind, where) for kind, where, _ in blocks] == [
        ("^~", "/anh/"),
        ("^~", "/assets/images/"),
        ("^~", "/assets/javascripts/"),
        ("^~", "/assets/javascripts/workers/"),
        ("^~", "/assets/stylesheets/"),
        ("^~", "/du-lieu/"),
        ("^~", "/en/assets/images/"),
        ("^~", "/en/assets/javascripts/"),
        ("^~", "/en/assets/javascripts/workers/"),
        ("^~", "/en/assets/stylesheets/"),
        ("^~", "/en/nhung/"),
        ("^~", "/en/tin/"),
        ("^~", "/nhung/"),
        ("^~", "/search-index/en/"),
        ("^~", "/search-index/vi/"),
        ("^~", "/tin/"),
        ("=", "/feed.xml"),
    ]
    for _kind, where, body in blocks:
        outer = re.sub(r"^    location .*?^    \}\n", "", body, flags=re.M | re.S)
        sent = dict(re.findall(r'^    add_header (\S+) "(.*)"(?: always)?;$', outer, re.M))
        expected = headers_for(rules, where)
        assert sent == {k: v for k, v in expected.items() if k != "Content-Type"}, where
        # A nested block with headers of its own repeats the whole set too.
        for inner in re.findall(r"^    location ~ \S+ \{\n(.*?)^    \}", body, re.M | re.S):
            names = re.findall(r'^        add_header (\S+) ".*"(?: always)?;$', inner, re.M)
            assert not names or set(names) == set(sent), where
    assert 'add_header Cache-Control "no-cache";' in conf.splitlines()
    assert (
        "    location ~ ^/assets/javascripts/bundle\\. {\n        add_header Content-Security-Policy"
        in conf
    )
    assert (
        '    location ~ \\.csv$ {\n        types { }\n        default_type "text/csv; charset=utf-8";\n    }'
        in conf
    )


def test_writing_twice_replaces_the_apache_block(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<script>a()</script>", encoding="utf-8")
    (tmp_path / ".htaccess").write_text("RewriteEngine On\n", encoding="utf-8")
    write_security_headers(tmp_path)
    first = (tmp_path / ".htaccess").read_text(encoding="utf-8")
    policy = write_security_headers(tmp_path, embed_hosts=HOSTS)
    second = (tmp_path / ".htaccess").read_text(encoding="utf-8")
    assert second.startswith("RewriteEngine On\n") and second.count("RewriteEngine On") == 1
    assert second.count("<IfModule mod_headers.c>\n    Header always set") == 1
    assert "m#^/nhung/#" in second and "m#^/nhung/#" not in first
    assert policy == content_security_policy(inline_script_hashes([tmp_path / "index.html"]))


# --- real servers -------------------------------------------------------------------------------

WIDGET = '<!doctype html><html lang="vi"><title>Nhúng</title><script>var w=1</script></html>\n'


@pytest.fixture(scope="module")
def embed_release(sample_site: Site) -> Iterator[Path]:
    """A copy of the built sample release with widget pages and embed hosts set; world-readable,
    since the server workers of a root master run as nobody."""
    project, _ = sample_site
    folder = Path(tempfile.mkdtemp(prefix="ocop-embed-"))
    try:
        folder.chmod(0o755)
        site = folder / "site"
        shutil.copytree(project.public.resolve(), site)
        for widget in ("nhung", "en/nhung"):
            page = site / widget / "index.html"
            if not page.exists():  # until the build writes the widget pages
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(WIDGET, encoding="utf-8")
        write_security_headers(site, embed_hosts=HOSTS)
        yield site
    finally:
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def nginx_embed(embed_release: Path) -> Iterator[int]:
    """nginx as docs/deployment.md configures it (mime.types, 404 page, _host denied)."""
    with nginx_serving(embed_release, embed_release.parent) as port:
        yield port


APACHE = Path("/usr/sbin/apache2")
APACHE_MODULES = Path("/usr/lib/apache2/modules")


@pytest.fixture(scope="module")
def apache_embed(embed_release: Path) -> Iterator[int]:
    """Apache reading the release's .htaccess (AllowOverride FileInfo, as documented)."""
    if not APACHE.exists():
        pytest.skip("Apache is not installed (apt-get install apache2-bin)")
    work = embed_release.parent
    port = free_port()
    modules = ("mpm_event", "authz_core", "mime", "dir", "headers", "rewrite")
    loads = "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in modules)
    user = "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""
    conf = work / "httpd.conf"
    conf.write_text(f"""
ServerRoot {work}
ServerName localhost
PidFile {work}/httpd.pid
Listen 127.0.0.1:{port}
{loads}
TypesConfig /etc/mime.types
{user}
ErrorLog {work}/apache-error.log
DocumentRoot {embed_release}
DirectoryIndex index.html
ErrorDocument 404 /404.html
<Directory {embed_release}>
    Options FollowSymLinks
    AllowOverride FileInfo
    Require all granted
</Directory>
""")
    server = subprocess.Popen(
        [str(APACHE), "-f", str(conf), "-DFOREGROUND"], stderr=subprocess.DEVNULL
    )
    wait_for(port)
    yield port
    server.terminate()
    server.wait(timeout=10)


SERVED = (
    "/",
    "/san-pham/gao-buon-choah/",
    "/en/san-pham/gao-buon-choah/",
    "/nhung/",
    "/en/nhung/",
    "/du-lieu/",
    "/du-lieu/danh-muc-ocop.json",
    "/du-lieu/san-pham/gao-buon-choah.json",
    "/du-lieu/danh-muc-ocop-vi.csv",
    "/du-lieu/danh-muc-ocop-en.xlsx",
    "/sitemap.xml",
    "/tin/san-pham-moi.xml",
    "/tin/san-pham-moi.atom",
    "/en/tin/san-pham-moi.json",
)


def _check_server(port: int, release: Path) -> None:
    hashes = inline_script_hashes(release.rglob("*.html"))
    rules = path_rules(hashes, embed_hosts=HOSTS)
    for path in SERVED:
        if not (release / path[1:]).exists():
            continue  # the feeds, until the build writes them
        status, headers = get(port, path)
        assert status == 200, path
        expected = headers_for(rules, path)
        assert {n: headers[n] for n in MANAGED if n in headers} == {
            n: v for n, v in expected.items() if n in MANAGED
        }, path
        if "Content-Type" in expected:
            assert headers["Content-Type"] == expected["Content-Type"], path
    embed_policy = content_security_policy(hashes, "'self' " + " ".join(HOSTS))
    for path in ("/nhung/", "/en/nhung/"):
        _, headers = get(port, path)
        assert headers["Content-Security-Policy"] == embed_policy
        assert "X-Frame-Options" not in headers
        assert headers["Content-Type"].startswith("text/html")
    _, headers = get(port, "/san-pham/gao-buon-choah/")
    assert headers["Content-Security-Policy"] == content_security_policy(hashes)
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    _, headers = get(port, "/du-lieu/danh-muc-ocop.json")
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    # Redirects and error pages carry the security headers too (`always`).
    for path, status in (
        ("/p/gao-buon-choah/", 301),
        ("/nhung/khong-co/", 404),
        ("/khong-co/", 404),
    ):
        got, headers = get(port, path)
        assert got == status, path
        assert all(name in headers for name in ALWAYS), path


def _one(release: Path, pattern: str) -> str:
    """The site path of the first release file matching a glob (names carry build hashes)."""
    return "/" + sorted(release.glob(pattern))[0].relative_to(release).as_posix()


def _check_cache(port: int, release: Path) -> None:
    """Cache-Control as served: a year for names with a content hash, revalidation for the rest;
    kept on a 304, never on a 404."""
    cases = {
        _one(release, "assets/javascripts/bundle.*.min.js"): IMMUTABLE,
        _one(release, "en/assets/stylesheets/main.*.min.css"): IMMUTABLE,
        _one(release, "anh/gao-buon-choah/*.webp"): IMMUTABLE,
        _one(release, "anh/gao-buon-choah/*.jpg"): IMMUTABLE,
        _one(release, "anh/chia-se/*.jpg"): IMMUTABLE,
        _one(release, "search-index/vi/w-*.json"): IMMUTABLE,
        "/": REVALIDATE,
        "/san-pham/gao-buon-choah/": REVALIDATE,
        "/en/san-pham/gao-buon-choah/": REVALIDATE,
        "/tin/san-pham-moi.xml": REVALIDATE,
        "/du-lieu/danh-muc-ocop.json": REVALIDATE,
        _one(release, "san-pham/gao-buon-choah/*.pdf"): REVALIDATE,
        "/qr/gao-buon-choah.svg": REVALIDATE,
        "/assets/stylesheets/ocop.css": REVALIDATE,
        "/assets/javascripts/ocop-search.js": REVALIDATE,
        "/nhung/embed.js": REVALIDATE,
        _one(release, "search-index/vi/c/*/0.json"): REVALIDATE,
        "/assets/images/ocop-star.svg": BRIEF,
    }
    for path, expected in cases.items():
        status, headers = get(port, path)
        assert (status, headers["Cache-Control"]) == (200, expected), path
        validator = (
            {"If-None-Match": headers["ETag"]}
            if headers["ETag"]
            else {"If-Modified-Since": headers["Last-Modified"]}
        )
        status, headers = get(port, path, validator)
        assert (status, headers["Cache-Control"]) == (304, expected), path
    # The feeds and data keep their other headers beside Cache-Control.
    _, headers = get(port, "/tin/san-pham-moi.xml")
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    # A missing hashed name (a page of an older release asking for its bundle) is no year-long 404.
    status, headers = get(port, "/assets/javascripts/bundle.0123abcd.min.js")
    assert status == 404 and "immutable" not in (headers["Cache-Control"] or "")
    assert all(name in headers for name in ALWAYS)


def test_nginx_serves_each_path_its_headers(nginx_embed: int, embed_release: Path) -> None:
    _check_server(nginx_embed, embed_release)
    _check_cache(nginx_embed, embed_release)


def test_apache_serves_each_path_its_headers(apache_embed: int, embed_release: Path) -> None:
    _check_server(apache_embed, embed_release)
    _check_cache(apache_embed, embed_release)
    status, headers = get(apache_embed, "/p/gao-buon-choah/")
    assert (status, headers["Location"].rpartition(str(apache_embed))[2]) == (
        301,
        "/san-pham/gao-buon-choah/",
    )


def test_default_build_serves_data_cross_origin(sample_site: Site, nginx: int) -> None:
    """The build as wired today (no embed hosts), through the shared nginx fixture."""
    for path in ("/du-lieu/danh-muc-ocop.json", "/du-lieu/danh-muc-ocop-vi.csv"):
        _, headers = get(nginx, path)
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert headers["Content-Type"].endswith("; charset=utf-8")
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
    # The widget follows the sample's mkdocs.yml extra.embed_hosts.
    hosts = read_settings(sample_site[0].root).embed_hosts
    _, headers = get(nginx, "/nhung/")
    assert headers["Content-Security-Policy"].endswith(f"frame-ancestors {frame_ancestors(hosts)}")
    assert ("X-Frame-Options" in headers) == (not hosts)
