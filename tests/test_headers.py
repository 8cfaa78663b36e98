"""Security headers: a strict CSP whose hashes cover exactly the inline scripts of the release."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import material

from generator.build import MATERIAL_ALTERNATE_CALL, BuildResult, Project
from generator.headers import (
    CONTENT_KEY,
    CONTENT_KEYED,
    IMMUTABLE,
    PathRule,
    cache_control,
    content_security_policy,
    inline_script_hashes,
    path_rules,
    unkeyed_immutable,
)

Site = tuple[Project, BuildResult]


def policy_of(site: Path) -> str:
    text = (site / "_headers").read_text(encoding="utf-8")
    match = re.search(r"^  Content-Security-Policy: (.+)$", text, re.M)
    assert match
    return match.group(1)


def test_inline_scripts_are_hashed_and_nothing_else_is_allowed(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    pages = sorted(site.rglob("*.html"))
    policy = policy_of(site)
    hashes = inline_script_hashes(pages)
    assert policy == content_security_policy(hashes)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    # Material's inline scripts vary with page depth and language, plus one for redirect pages:
    # a handful of hashes, not one per page.
    assert 3 <= len(hashes) <= 12
    executable = 0
    for page in pages:
        for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", page.read_text(), re.S):
            if "src=" not in attrs and "application/json" not in attrs:
                executable += 1
    assert executable > len(hashes)


def test_three_host_dialects_send_the_same_headers(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    policy = policy_of(site)
    nginx_conf = (site / "_host" / "nginx-headers.conf").read_text(encoding="utf-8")
    htaccess = (site / ".htaccess").read_text(encoding="utf-8")
    for header, value in (
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "SAMEORIGIN"),
    ):
        assert f'add_header {header} "{value}" always;' in nginx_conf
        assert f'Header always set {header} "{value}"' in htaccess
        assert f"  {header}: {value}\n" in (site / "_headers").read_text(encoding="utf-8")
    assert htaccess.index("RewriteEngine On") < htaccess.index("<IfModule mod_headers.c>")


def test_nginx_sends_the_policy(sample_site: Site, nginx: int) -> None:
    project, _ = sample_site
    with urllib.request.urlopen(f"http://127.0.0.1:{nginx}/san-pham/gao-buon-choah/") as reply:
        assert reply.headers["Content-Security-Policy"] == policy_of(project.public.resolve())
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_material_stay_on_page_fetches_are_switched_off(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    original = next(Path(material.__file__).parent.glob("templates/assets/javascripts/bundle.*.js"))
    source = original.read_text(encoding="utf-8")
    assert source.count(MATERIAL_ALTERNATE_CALL) == 1
    for lang in ("", "en/"):
        published = site / lang / "assets" / "javascripts" / original.name
        assert published.read_text(encoding="utf-8") == source.replace(MATERIAL_ALTERNATE_CALL, "")


def test_year_long_caching_is_for_content_hashed_names_only(sample_site: Site) -> None:
    """Every file cached for a year has a hash of its content in its name, every such name is
    cached for a year, and every content-keyed pattern still finds files (a Material update that
    renamed its bundles would otherwise silently fall back to revalidation)."""
    project, _ = sample_site
    site = project.public.resolve()
    paths = ["/" + p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    rules = path_rules(())
    assert unkeyed_immutable(rules, paths) == []
    hashed = [p for p in paths if CONTENT_KEY.search(p.rpartition("/")[2])]
    assert [p for p in hashed if cache_control(rules, p) != IMMUTABLE] == []
    for pattern in CONTENT_KEYED:
        rule = PathRule(pattern, {})
        assert any(rule.matches(p) for p in hashed), pattern
    # The photos: every rendition, news photo and share image (build.link_renditions,
    # share.write_share_images) is under /anh/ with its content key.
    photos = [p for p in paths if p.startswith("/anh/")]
    assert len(photos) > 100 and {p.rpartition(".")[2] for p in photos} == {"webp", "jpg"}
    assert all(p in hashed for p in photos)
