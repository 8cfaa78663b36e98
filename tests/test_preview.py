"""The live preview: incremental builds into build/preview/, drafts shown, errors laid over pages."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from generator.build import (
    LAYOUT_FILE,
    SKIPPABLE_PAGE,
    LenientLoader,
    Project,
    build,
    load,
)
from generator.errors import LANGS
from generator.i18n import LABELS
from generator.serve import KEPT, NOTHING_YET, OVERLAY_TITLE, PreviewServer, rebuild

from .conftest import ROOT, TODAY

PRODUCT = "gao-buon-choah"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _docs(project: Project) -> dict[str, bytes]:
    return {
        f"{lang}/{rel}": data
        for lang in LANGS
        for rel, data in _tree(project.docs_dir(lang)).items()
        if rel.endswith(".md")
    }


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_preview_renders_changed_product_pages_only_and_equals_a_full_build(
    project: Project,
) -> None:
    lock = (project.root / "permalinks.txt").read_bytes()
    first = build(project, today=TODAY, preview=True)
    assert first.preview and first.full and first.pages_rendered == first.pages
    assert project.preview.is_symlink() and (project.preview / "index.html").is_file()
    assert not project.public.exists()  # the published site is never touched
    before = _docs(project)

    product_file = project.root / "products" / PRODUCT / "product.yaml"
    _edit(product_file, "Gạo trắng hạt dài", "Gạo trắng hạt dài, hạt đều")
    second = build(project, today=TODAY, preview=True)
    after = _docs(project)
    skippable = [rel for rel in after if SKIPPABLE_PAGE.fullmatch(rel.partition("/")[2])]
    changed = [rel for rel in skippable if before.get(rel) != after[rel]]
    assert f"vi/san-pham/{PRODUCT}/index.md" in changed
    assert not second.full
    assert second.pages_rendered == len(after) - len(skippable) + len(changed)
    assert second.pages_rendered < second.pages
    # What makes skipping them safe: outside the site search, the nav and the news.
    for rel in skippable:
        assert "\nsearch:\n  exclude: true\n" in after[rel].decode().split("\n---\n")[0]
    nav = yaml.load((project.root / "mkdocs.yml").read_text(encoding="utf-8"), LenientLoader)["nav"]
    assert not [page for page in nav if SKIPPABLE_PAGE.fullmatch(page)]
    incremental = _tree(project.preview.resolve())
    assert "Gạo trắng hạt dài, hạt đều" in (
        project.preview / "san-pham" / PRODUCT / "index.html"
    ).read_text(encoding="utf-8")

    # The same inputs rendered from scratch give the same site, byte for byte.
    (project.preview_dir / LAYOUT_FILE).unlink()
    third = build(project, today=TODAY, preview=True)
    assert third.full
    assert _tree(project.preview.resolve()) == incremental
    # Nothing after MkDocs wrote through the hard links into MkDocs' kept output.
    record = (project.preview_dir / LAYOUT_FILE).stat().st_mtime_ns
    for lang in LANGS:
        site = project.preview_dir / f"site-{lang}"
        assert [p for p in site.rglob("*") if p.is_file() and p.stat().st_mtime_ns > record] == []
    assert (project.root / "permalinks.txt").read_bytes() == lock


def test_a_change_to_a_content_page_renders_every_page(project: Project) -> None:
    build(project, today=TODAY, preview=True)
    _edit(project.root / "content" / "vi" / "krong-no.md", "Krông Nô", "Krông Nô (xem trước)")
    result = build(project, today=TODAY, preview=True)
    assert result.full and result.pages_rendered == result.pages


def test_the_preview_shows_drafts_marked_as_drafts(project: Project) -> None:
    source = project.root / "products" / PRODUCT
    draft = project.root / "products" / "gao-thu-nghiem"
    shutil.copytree(source, draft)
    text = (draft / "product.yaml").read_text(encoding="utf-8")
    text = text.replace(f"id: {PRODUCT}", "id: gao-thu-nghiem").replace(
        "status: active", "status: draft"
    )
    text = re.sub(r' *gtin: "\d+"\n', "", text)  # GTINs belong to one product
    (draft / "product.yaml").write_text(text, encoding="utf-8")

    cat, _ = load(project, TODAY)
    assert "gao-thu-nghiem" not in {p.id for p in cat.published}  # never in a release
    build(project, today=TODAY, preview=True)
    for lang in LANGS:
        prefix = "" if lang == "vi" else f"{lang}/"
        page = project.preview / prefix / "san-pham" / "gao-thu-nghiem" / "index.html"
        html = page.read_text(encoding="utf-8")
        assert LABELS[lang]["draft_badge"] in html
        assert LABELS[lang]["draft_note"] in html


def _server(root: Path) -> PreviewServer:
    return PreviewServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root), lang="vi")


def test_errors_are_laid_over_every_page_escaped(tmp_path: Path) -> None:
    server = _server(tmp_path)
    page = b"<html><body><p>trang</p></body></html>"
    assert b"ocop-preview-errors" not in server._inject_js_into_html(page, 1)
    server.problems = ['products/x/product.yaml:3:7: name: "<script>alert(1)</script>"']
    shown = server._inject_js_into_html(page, 1).decode()
    assert shown.startswith("<html><body><p>trang</p>")
    assert shown.endswith("</details></body></html>")
    assert "livereload(" in shown  # the page still reloads itself after the next save
    assert (
        "<pre>products/x/product.yaml:3:7: name: &quot;&lt;script&gt;alert(1)&lt;/script&gt;"
        "&quot;</pre>"
    ) in shown
    assert "<script>alert" not in shown
    assert f"<summary>{OVERLAY_TITLE['vi']} (1)</summary>" in shown
    assert f"<p>{KEPT['vi']}</p>" in shown
    assert server.error_handler(404) is None  # a preview exists: a plain 404


def test_before_any_good_build_every_address_shows_the_errors(tmp_path: Path) -> None:
    server = _server(tmp_path / "not-built-yet")
    server.problems = ["mkdocs.yml:1:1: lỗi"]
    page = server.error_handler(404)
    assert page is not None
    assert page.startswith(b'<!doctype html><html lang="vi">')
    assert "<pre>mkdocs.yml:1:1: lỗi</pre>" in page.decode()
    assert f"<p>{NOTHING_YET['vi']}</p>" in page.decode()


def test_a_content_error_is_returned_for_the_overlay(project: Project) -> None:
    product_file = project.root / "products" / PRODUCT / "product.yaml"
    _edit(product_file, "ocop_category: I.2a", "ocop_category: 9.9")
    line = product_file.read_text(encoding="utf-8").splitlines().index("ocop_category: 9.9") + 1
    result, problems = rebuild(project, "vi")
    assert result is None
    assert problems == [
        f"products/{PRODUCT}/product.yaml:{line}:16: ocop_category: không có bộ sản phẩm "
        '"9.9" trong phân loại 148/2023; ví dụ: I.6 (cà phê), I.2a (gạo), IV.2 (dệt may)'
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError):
        return ""


def _until(url: str, wanted: bool, needle: str, deadline: float) -> str:
    while time.monotonic() < deadline:
        page = _get(url)
        if page and (needle in page) == wanted:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{url}: {needle!r} {'never appeared' if wanted else 'stayed'}")


def test_serve_survives_an_error_and_recovers(project: Project) -> None:
    # The session's caches: no photo or PDF is made again for this server.
    shutil.copytree(project.cache_dir, project.build_dir / "cache", copy_function=os.link)
    port = _free_port()
    epoch = dt.datetime.combine(TODAY, dt.time(), dt.UTC).timestamp()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": str(int(epoch))}
    command = [sys.executable, "-m", "generator", "serve", "--root", str(project.root)]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/san-pham/{PRODUCT}/"
    try:
        deadline = time.monotonic() + 120
        page = _until(url, True, "livereload(", deadline)
        assert "ocop-preview-errors" not in page
        product_file = project.root / "products" / PRODUCT / "product.yaml"
        _edit(product_file, "ocop_category: I.2a", "ocop_category: 9.9")
        page = _until(url, True, "ocop-preview-errors", deadline)
        assert "không có bộ sản phẩm &quot;9.9&quot;" in page
        _edit(product_file, "ocop_category: 9.9", "ocop_category: I.2a")
        _until(url, False, "ocop-preview-errors", deadline)
        assert server.poll() is None  # still serving
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert f"Xem trước tại http://127.0.0.1:{port}/" in log
    assert KEPT["vi"] in log
    assert not project.public.exists()
