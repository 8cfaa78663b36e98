"""Permanent paths, redirects, host rules and the permalink lockfile."""

from __future__ import annotations

import os
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.build import BuildFailed, BuildResult, Project, build
from generator.catalogue import load_catalogue
from generator.permalinks import LOCKFILE, gtin14, read_lock

from .conftest import TODAY

Site = tuple[Project, BuildResult]


def target_of(stub: Path) -> Path:
    """Where a redirect page leads: its meta refresh, resolved on disk."""
    html = stub.read_text(encoding="utf-8")
    match = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
    assert match, stub
    return (stub.parent / match.group(1)).resolve()


def test_every_short_and_gtin_path_leads_to_its_product(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    cat, _ = load_catalogue(project.root, TODAY)
    checked = 0
    for product in cat.published:
        page = site / "san-pham" / product.id
        sources = [site / "p" / product.id]
        sources += [site / "01" / gtin14(v.gtin) for v in product.variants if v.gtin]
        for source in sources:
            stub = source / "index.html"
            assert target_of(stub) == page, stub
            html = stub.read_text(encoding="utf-8")
            assert '<meta name="robots" content="noindex">' in html
            assert (
                f'<link rel="canonical" href="https://ocop.krongno.example/san-pham/{product.id}/">'
            ) in html
            en = re.search(r'<link rel="alternate" hreflang="en" href="([^"]+)">', html)
            assert en and (source / en.group(1)).resolve() == site / "en" / "san-pham" / product.id
            assert 'hreflang="en" lang="en">English</a>' in html  # the visible switch
            checked += 1
    assert checked > len(cat.published)


def test_lockfile_lists_every_published_path(sample_site: Site) -> None:
    project, _ = sample_site
    lock = read_lock(project.root / LOCKFILE)
    cat, _ = load_catalogue(project.root, TODAY)
    assert not lock.problems
    for product in cat.published:
        for path in (
            f"/san-pham/{product.id}/",
            f"/en/san-pham/{product.id}/",
            f"/p/{product.id}/",
            f"/san-pham/{product.id}/qr/",
            f"/qr/{product.id}.svg",
            f"/qr/{product.id}.png",
        ):
            assert path in lock.entries, path
    assert "/nha-san-xuat/" in lock.entries and "/danh-muc/" in lock.entries


def _remove_product(project: Project) -> tuple[str, Path]:
    """Delete a product's folder, and its mentions in the fairs and outlets files (otherwise
    those refuse the build first, with their own message)."""
    pid = "tieu-do-quang-phu"
    folder = project.root / "products" / pid
    shutil.rmtree(folder)
    for name in ("hoi-cho.yaml", "diem-ban.yaml"):
        data = project.root / "data" / name
        text = data.read_text(encoding="utf-8")
        text = re.sub(rf"(?m)^\s*- {pid}\n", "", text)
        text = re.sub(
            rf"(, )?\b{pid}\b(, )?", lambda m: ", " if m.group(1) and m.group(2) else "", text
        )
        data.write_text(text, encoding="utf-8")
    return pid, folder


def test_deleting_a_product_is_refused_and_public_stays(project: Project) -> None:
    build(project, today=TODAY)
    before = os.readlink(project.public)
    lock_before = (project.root / LOCKFILE).read_text(encoding="utf-8")
    folder = project.root / "products" / "tieu-do-quang-phu"
    gtins = re.findall(r"(?m)^\s*gtin: \"?(\d+)", (folder / "product.yaml").read_text("utf-8"))
    pid, _ = _remove_product(project)
    with pytest.raises(BuildFailed) as failure:
        build(project, today=TODAY)
    message = str(failure.value)
    lock = read_lock(project.root / LOCKFILE)
    first = lock.entries[f"/san-pham/{pid}/"]
    # Every path of the product: pages, QR files, spec sheets, data, its GS1 Digital Links.
    lost = [p for p in lock.entries if pid in p or any(g.zfill(14) in p for g in gtins)]
    assert gtins and len(lost) > 4
    assert message.startswith(
        f"{LOCKFILE}: bản dựng này không còn tạo ra {len(lost)} đường dẫn đã từng được xuất bản; mã QR in "
        "trên bao bì có thể dẫn tới chúng:\n"
        f"  /01/09520260000141/  ({first})\n"
    )
    assert f"  /p/{pid}/  ({first})\n" in message
    assert "hãy giữ thư mục và đặt status: withdrawn" in message
    assert "when renaming a product, list the old id in former_ids" in message
    assert os.readlink(project.public) == before
    assert (project.root / LOCKFILE).read_text(encoding="utf-8") == lock_before


def test_withdrawn_product_keeps_its_pages(project: Project) -> None:
    yaml_file = project.root / "products" / "tieu-do-quang-phu" / "product.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(
        re.sub(r"(?m)^status: .*\n", "", text) + "status: withdrawn\n", encoding="utf-8"
    )
    build(project, today=TODAY)
    page = (project.public / "san-pham" / "tieu-do-quang-phu" / "index.html").read_text()
    assert "không còn được công nhận là sản phẩm OCOP" in page
    assert "Các sản phẩm khác của" in page
    assert (project.public / "p" / "tieu-do-quang-phu" / "index.html").is_file()


def test_renamed_product_keeps_old_paths_as_redirects(project: Project) -> None:
    old = project.root / "products" / "tieu-do-quang-phu"
    new = project.root / "products" / "tieu-do-chin-quang-phu"
    old.rename(new)
    text = (new / "product.yaml").read_text(encoding="utf-8")
    text = text.replace("id: tieu-do-quang-phu", "id: tieu-do-chin-quang-phu", 1)
    (new / "product.yaml").write_text(text + "former_ids: [tieu-do-quang-phu]\n", "utf-8")
    result = build(project, today=TODAY)
    site = project.public.resolve()
    for source in ("p/tieu-do-quang-phu", "san-pham/tieu-do-quang-phu", "p/tieu-do-chin-quang-phu"):
        assert target_of(site / source / "index.html") == site / "san-pham/tieu-do-chin-quang-phu"
    assert target_of(site / "en/san-pham/tieu-do-quang-phu/index.html") == (
        site / "en/san-pham/tieu-do-chin-quang-phu"
    )
    assert "/san-pham/tieu-do-chin-quang-phu/" in result.new_permalinks


def test_new_paths_are_appended_with_the_build_date(project: Project) -> None:
    lock_file = project.root / LOCKFILE
    before = lock_file.read_text(encoding="utf-8")
    source = project.root / "products" / "bo-sap-dak-sor"
    copy = project.root / "products" / "bo-sap-dak-sor-2"
    shutil.copytree(source, copy)
    text = (copy / "product.yaml").read_text(encoding="utf-8")
    (copy / "product.yaml").write_text(
        text.replace("id: bo-sap-dak-sor", "id: bo-sap-dak-sor-2"), encoding="utf-8"
    )
    result = build(project, today=TODAY)
    after = lock_file.read_text(encoding="utf-8")
    assert after.startswith(before)
    added = after[len(before) :].splitlines()
    assert added == [f"{TODAY.isoformat()} {p}" for p in sorted(result.new_permalinks)]
    assert f"{TODAY.isoformat()} /p/bo-sap-dak-sor-2/" in added


def test_former_id_of_a_live_product_is_refused(project: Project) -> None:
    yaml_file = project.root / "products" / "tieu-do-quang-phu" / "product.yaml"
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8") + "former_ids: [bo-sap-dak-sor]\n", encoding="utf-8"
    )
    with pytest.raises(Exception) as failure:
        build(project, today=TODAY)
    assert (
        'former_ids[0]: mã cũ "bo-sap-dak-sor" đang là mã của sản phẩm bo-sap-dak-sor; một '
        "đường dẫn chỉ dẫn tới một sản phẩm"
    ) in str(failure.value)


# --- host rules ---------------------------------------------------------------------------------


def test_netlify_and_apache_rules_cover_every_redirect(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    stubs = sorted(
        p.parent.relative_to(site).as_posix()
        for p in site.glob("*/*/index.html")
        if p.parts[-3] in ("p", "01")
    )
    netlify = (site / "_redirects").read_text(encoding="utf-8").splitlines()
    rules = [line.split() for line in netlify if line and not line.startswith("#")]
    assert all(len(r) in (3, 4) and r[2] == "301" for r in rules)
    for stub in stubs:
        target = "/" + target_of(site / stub / "index.html").relative_to(site).as_posix() + "/"
        assert [f"/{stub}/", target, "301"] in rules
        assert [f"/{stub}", f"/en{target}", "301", "Language=en"] in rules
    htaccess = (site / ".htaccess").read_text(encoding="utf-8")
    assert htaccess.count("[R=301,L]") == 2 * len(stubs)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _location(port: int, path: str, language: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": language}
    )
    try:
        with opener.open(request) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_nginx_map_answers_301_in_the_visitors_language(sample_site: Site, nginx: int) -> None:
    project, _ = sample_site
    cat, _ = load_catalogue(project.root, TODAY)
    product = next(p for p in cat.published if any(v.gtin for v in p.variants))
    gtin = next(gtin14(v.gtin) for v in product.variants if v.gtin)
    for path in (f"/p/{product.id}", f"/p/{product.id}/", f"/01/{gtin}"):
        status, location = _location(nginx, path, "vi-VN,vi;q=0.9,en;q=0.5")
        assert (status, location.split(":" + str(nginx))[-1]) == (301, f"/san-pham/{product.id}/")
        status, location = _location(nginx, path, "en-GB,en;q=0.9")
        assert (status, location.split(":" + str(nginx))[-1]) == (
            301,
            f"/en/san-pham/{product.id}/",
        )
    assert _location(nginx, f"/san-pham/{product.id}/", "vi")[0] == 200
