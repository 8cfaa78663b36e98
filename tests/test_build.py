"""The whole pipeline on the shipped sample catalogue, and what a failed build must not do."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from generator import checks, images
from generator.build import BuildFailed, BuildResult, Project, build
from generator.catalogue import load_catalogue
from generator.checks import IMAGE_BUDGET, CheckReport, check_images
from generator.cli import main
from generator.errors import ContentErrors

from .conftest import ROOT, TODAY, copy_project

Site = tuple[Project, BuildResult]


def page(site: Path, lang: str, path: str) -> str:
    prefix = "" if lang == "vi" else f"{lang}/"
    return (site / prefix / path / "index.html").read_text(encoding="utf-8")


def all_html(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_public_points_at_the_checked_release(sample_site: Site) -> None:
    project, result = sample_site
    assert project.public.is_symlink()
    assert project.public.resolve() == result.release
    assert (project.public / "index.html").is_file()
    assert (project.public / "en" / "index.html").is_file()


def test_every_published_product_has_a_page_in_both_languages(sample_site: Site) -> None:
    project, result = sample_site
    cat, _ = load_catalogue(project.root, TODAY)
    assert result.products == len(cat.published) >= 16
    for product in cat.published:
        vi = page(project.public, "vi", f"san-pham/{product.id}")
        en = page(project.public, "en", f"san-pham/{product.id}")
        assert '<html lang="vi"' in vi and '<html lang="en"' in en
        assert product.name.vi in vi


def test_hreflang_alternates_are_absolute_and_per_page(sample_site: Site) -> None:
    project, _ = sample_site
    cat, _ = load_catalogue(project.root, TODAY)
    pid = cat.published[0].id
    html = page(project.public, "en", f"san-pham/{pid}")
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    base = "https://ocop.krongno.example/"
    assert links == {
        "vi": f"{base}san-pham/{pid}/",
        "en": f"{base}en/san-pham/{pid}/",
        "x-default": f"{base}san-pham/{pid}/",
    }


def test_language_switch_opens_the_same_page(sample_site: Site) -> None:
    project, _ = sample_site
    cat, _ = load_catalogue(project.root, TODAY)
    pid = cat.published[0].id
    for lang, other, expected in (
        ("vi", "en", f"en/san-pham/{pid}"),
        ("en", "vi", f"san-pham/{pid}"),
    ):
        html = page(project.public, lang, f"san-pham/{pid}")
        href = re.search(rf'<a href="([^"]+)" hreflang="{other}"', html)
        assert href is not None
        here = project.public / ("" if lang == "vi" else "en") / "san-pham" / pid
        target = (here / href.group(1)).resolve()
        assert target == (project.public / expected).resolve()
        assert (target / "index.html").is_file()


def test_expired_certificate_is_shown_as_expired(sample_site: Site) -> None:
    project, _ = sample_site
    cat, _ = load_catalogue(project.root, TODAY)
    expired = [p for p in cat.published if cat.is_expired(p)]
    assert expired, "the sample catalogue needs an expired certificate"
    for product in expired:
        assert product.current is not None
        date = product.current.expires
        vi = page(project.public, "vi", f"san-pham/{product.id}")
        en = page(project.public, "en", f"san-pham/{product.id}")
        assert f"đã hết hiệu lực ngày {date.day:02d}/{date.month:02d}/{date.year}" in vi
        assert "ocop-badge--expired" in vi
        assert "certificate expired on" in en


def test_missing_english_falls_back_to_vietnamese_with_a_note(sample_site: Site) -> None:
    project, _ = sample_site
    cat, _ = load_catalogue(project.root, TODAY)
    untranslated = [p for p in cat.published if not p.name.en and not p.summary.en]
    assert untranslated, "the sample catalogue needs a product without English text"
    html = page(project.public, "en", f"san-pham/{untranslated[0].id}")
    assert "has not been translated into English yet" in html
    assert f'<span lang="vi">{untranslated[0].summary.vi}</span>' in html


def test_products_stay_out_of_nav_and_material_search(sample_site: Site) -> None:
    project, _ = sample_site
    home = (project.public / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "san-pham/" not in nav
    for lang in ("", "en/"):
        index = json.loads((project.public / lang / "search" / "search_index.json").read_text())
        locations = [doc["location"] for doc in index["docs"]]
        assert locations and not [x for x in locations if x.startswith("san-pham/")]


def test_every_image_has_dimensions_and_only_the_main_photo_loads_eagerly(
    sample_site: Site,
) -> None:
    project, _ = sample_site
    for path in all_html(project.public):
        html = path.read_text(encoding="utf-8")
        for img in re.findall(r"<img [^>]*>", html):
            if "/anh/" not in img and "anh/" not in img:
                continue
            assert re.search(r'width="\d+" height="\d+"', img), (path, img)
        if "/san-pham/" in str(path):
            eager = [i for i in re.findall(r"<img [^>]*anh/[^>]*>", html) if "lazy" not in i]
            assert len(eager) <= 1


def test_no_request_leaves_the_site(sample_site: Site) -> None:
    project, _ = sample_site
    for path in all_html(project.public):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:link|script|img|source)\b[^>]*>", html):
            if 'rel="alternate"' in tag or 'rel="canonical"' in tag:
                continue
            assert not re.search(r'(?:src|href|srcset)="(?:https?:)?//', tag), (path, tag)


def test_material_bundle_waits_for_the_first_interaction(sample_site: Site) -> None:
    """No page runs Material's bundle at load: it is an inert data block that the loader starts
    (theme_overrides/main.html), and `no-js` is dropped in <head> so the search button shows."""
    project, _ = sample_site
    site = project.public.resolve()
    bundles = list((site / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert len(bundles) == 1
    themed = 0
    for path in all_html(site):
        html = path.read_text(encoding="utf-8")
        if bundles[0].name not in html:
            continue  # redirect stubs of /p/ and /01/ carry no theme
        themed += 1
        assert not re.search(r"<script[^>]*\ssrc=\"[^\"]*bundle\.", html), path
        deferred = re.findall(
            r'<script type="text/x-ocop-deferred" data-src="([^"]+)"></script>', html
        )
        assert len(deferred) == 1 and deferred[0].endswith(bundles[0].name), path
        assert "querySelectorAll('script[type=\"text/x-ocop-deferred\"]')" in html, path
        head = html[: html.index("</head>")]
        assert '<script>document.documentElement.classList.remove("no-js")</script>' in head, path
    assert themed > 100


def test_illustrative_banner_on_every_page(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    for path in all_html(site):
        if path.relative_to(site).parts[0] in ("p", "01"):
            continue  # redirect pages: they show nothing but links
        html = path.read_text(encoding="utf-8")
        if path.relative_to(site).parts[:2] in (("nhung", "index.html"), ("en", "nhung")):
            # The widget has no site banner (it sits in another site's page): its own note.
            assert 'class="ocop-embed__note"' in html, path
            continue
        assert 'class="ocop-illustrative"' in html, path


def test_originals_are_never_published(sample_site: Site) -> None:
    project, _ = sample_site
    originals = {
        p.read_bytes()
        for p in (project.root / "products").rglob("*")
        if p.is_file() and p.suffix.lower() in (".jpg", ".png")
    }
    for path in project.public.rglob("*"):
        if path.is_file() and path.suffix.lower() in (".jpg", ".png", ".webp"):
            assert path.read_bytes() not in originals


def _snapshot(public: Path) -> dict[str, bytes]:
    root = public.resolve()
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_invalid_content_leaves_public_untouched(project: Project) -> None:
    build(project, today=TODAY)
    before_target = os.readlink(project.public)
    before = _snapshot(project.public)
    product = next((project.root / "products").glob("*/product.yaml"))
    product.write_text(product.read_text(encoding="utf-8") + "name: again\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as failure:
        build(project, today=TODAY)
    assert any("bị lặp lại" in e.format("vi") for e in failure.value.errors)
    assert os.readlink(project.public) == before_target
    assert _snapshot(project.public) == before


def test_failed_release_check_leaves_public_untouched(project: Project) -> None:
    build(project, today=TODAY)
    before_target = os.readlink(project.public)
    releases = sorted((project.build_dir / "releases").iterdir())
    page_md = project.root / "content" / "vi" / "krong-no.md"
    page_md.write_text(
        page_md.read_text(encoding="utf-8") + "\n[x](khong-co.md)\n", encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as failure:
        build(project, today=TODAY)
    assert "khong-co.md" in str(failure.value)
    assert os.readlink(project.public) == before_target
    assert sorted((project.build_dir / "releases").iterdir()) == releases


def test_illustrative_banner_switches_off(project: Project) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("illustrative: true", "illustrative: false"),
        encoding="utf-8",
    )
    build(project, today=TODAY)
    assert 'class="ocop-illustrative"' not in (project.public / "index.html").read_text()


def test_cli_check_reports_errors_in_english_with_exit_status_1(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    producer = next((project.root / "producers").glob("*.yaml"))
    text = producer.read_text(encoding="utf-8")
    producer.write_text(re.sub(r"(?m)^type: .*$", "type: coop", text), encoding="utf-8")
    line = next(
        i for i, row in enumerate(producer.read_text().splitlines(), 1) if row.startswith("type:")
    )
    status = main(["check", "--lang", "en", "--root", str(project.root)])
    err = capsys.readouterr().err
    assert status == 1
    assert (
        f"producers/{producer.name}:{line}:7: type: expected one of: cooperative, enterprise, "
        'household, cooperative_group, other, got "coop"'
    ) in err
    assert "1 errors" in err


def test_cli_build_prints_a_one_line_summary(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["build", "--root", str(project.root), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out.strip().splitlines()
    cat, _ = load_catalogue(project.root, TODAY)
    assert status == 0
    assert re.fullmatch(
        rf"{len(cat.published)} sản phẩm · 2 ngôn ngữ · \d+ ảnh \(\d+ có sẵn "
        r"trong bộ nhớ đệm\) · 0 lỗi · \d+ cảnh báo · \d+,\d giây",
        out[-1],
    )


def test_symlinked_product_folder_is_refused(project: Project, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(next(p for p in (project.root / "products").iterdir() if p.is_dir()), outside)
    (project.root / "products" / "lien-ket").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ContentErrors) as failure:
        build(project, today=TODAY)
    assert [e.format("vi") for e in failure.value.errors] == [
        "products/lien-ket: thư mục sản phẩm là một liên kết tượng trưng (symlink); hãy chép thư "
        "mục thật vào products/"
    ]


def test_no_change_rebuild_keeps_the_live_release(project: Project) -> None:
    first = build(project, today=TODAY)
    again = build(project, today=TODAY)
    assert again.unchanged and again.release == first.release
    assert project.public.resolve() == first.release
    assert (again.products, again.pages) == (first.products, first.pages)
    forced = build(project, today=TODAY, force=True)
    assert not forced.unchanged and forced.release != first.release
    # Any edit, or another build date (certificates expire), builds again.
    assert not build(project, today=TODAY + dt.timedelta(days=1)).unchanged
    product = next((project.root / "products").glob("*/product.yaml"))
    product.write_text(product.read_text(encoding="utf-8") + "# sửa\n", encoding="utf-8")
    assert not build(project, today=TODAY + dt.timedelta(days=1)).unchanged


def test_no_change_rebuild_after_new_permalinks(project: Project) -> None:
    (project.root / "permalinks.txt").unlink()  # a first build: every path is new
    first = build(project, today=TODAY)
    assert first.new_permalinks
    assert build(project, today=TODAY).unchanged


def test_image_budget_is_a_release_gate(tmp_path: Path) -> None:
    heavy = tmp_path / "anh" / "x" / "big-1200.0123456789.webp"
    heavy.parent.mkdir(parents=True)
    Image.effect_noise((1200, 900), 120).convert("RGB").save(heavy, "WEBP", quality=100)
    report = CheckReport()
    check_images(tmp_path, {}, tmp_path / "audit.json", report)
    size = heavy.stat().st_size
    assert size > IMAGE_BUDGET
    assert report.problems == [
        f"anh/x/big-1200.0123456789.webp: {size // 1024} KB, vượt ngân sách 400 KB cho một ảnh"
        " / over the 400 KB budget for one image"
    ]


def test_link_check_finds_broken_links_at_every_depth(tmp_path: Path) -> None:
    """Links that leave all of a page's folders are resolved once per depth; the others per
    page: the same relative name breaks on one product page and not on another."""
    pages = {
        "index.html": '<a href="san-pham/a/"><a href="missing/"><link href="/assets/x.css">'
        '<a href="https://example.org/"><a href="#top"><a href="mailto:a@b.vn">',
        "san-pham/a/index.html": '<link href="../../assets/x.css"><a href="../b/">'
        '<a href="thong-so-a.pdf"><img srcset="../../anh/p.webp 360w, ../../anh/q.webp 720w">',
        "san-pham/b/index.html": '<link href="../../assets/x.css"><a href="thong-so-a.pdf">'
        '<a href="../../../up/"><img src="../../anh/p.webp?v=1">',
        "en/404.html": '<a href="/nope/">',
    }
    for name, html in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(html, encoding="utf-8")
    for name in ("assets/x.css", "san-pham/a/thong-so-a.pdf", "anh/p.webp"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    report = CheckReport()
    checks.check_links(tmp_path, report)
    assert report.pages == 4
    assert report.links == 13
    assert sorted(report.problems) == [
        "index.html: liên kết hỏng / broken link: missing/",
        "san-pham/a/index.html: liên kết hỏng / broken link: ../../anh/q.webp",
        "san-pham/b/index.html: liên kết hỏng / broken link: ../../../up/",
        "san-pham/b/index.html: liên kết hỏng / broken link: thong-so-a.pdf",
    ]


def test_link_check_reads_again_only_pages_changed_or_whose_targets_have_gone(
    tmp_path: Path,
) -> None:
    """With the memo of the last check, a page that is the same file and whose targets all
    still exist is not read; each check reports exactly what a check without a memo reports."""
    site, memo = tmp_path / "site", tmp_path / "link-targets.txt"
    pages = {
        "index.html": '<a href="san-pham/a/"><link href="/assets/x.css"><a href="lien-he/">',
        "lien-he/index.html": '<link href="../assets/x.css"><a href="../">',
        "san-pham/a/index.html": '<link href="../../assets/x.css"><a href="../b/">'
        '<img srcset="../../anh/p.webp 360w, ../../anh/q.webp 720w">',
        "san-pham/b/index.html": '<link href="../../assets/x.css"><a href="thong-so-b.pdf">',
        "404.html": '<a href="/nope/">',
    }
    for name, html in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(html, encoding="utf-8")
    for name in ("assets/x.css", "san-pham/b/thong-so-b.pdf", "anh/p.webp", "anh/q.webp"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(b"x")

    def check() -> CheckReport:
        fresh, remembered = CheckReport(), CheckReport()
        checks.check_links(site, fresh)
        checks.check_links(site, remembered, memo)
        assert (remembered.pages, remembered.links, remembered.problems) == (
            fresh.pages,
            fresh.links,
            fresh.problems,
        )
        return remembered

    first = check()
    assert (first.pages, first.read, first.links, first.problems) == (5, 5, 12, [])
    assert check().read == 0
    (site / "anh/q.webp").unlink()  # a photo's rendition replaced: only its page is read
    gone = check()
    assert (gone.read, gone.problems) == (
        1,
        ["san-pham/a/index.html: liên kết hỏng / broken link: ../../anh/q.webp"],
    )
    (site / "lien-he/index.html").write_text('<a href="../mat/">', encoding="utf-8")
    changed = check()
    assert changed.read == 2  # the changed page, and the broken one, never remembered
    assert changed.problems == [
        "lien-he/index.html: liên kết hỏng / broken link: ../mat/",
        "san-pham/a/index.html: liên kết hỏng / broken link: ../../anh/q.webp",
    ]
    (site / "anh/q.webp").write_bytes(b"x")
    (site / "mat").mkdir()
    (site / "mat/index.html").write_text("", encoding="utf-8")
    mended = check()
    assert (mended.pages, mended.read, mended.problems) == (6, 3, [])
    # A damaged memo: a target number outside the table, or a table cut short.
    key = checks.file_key(os.lstat(site / "index.html"))
    memo.write_text(f"ocop link targets 1\n0\nindex.html\t{key}\t3\t7\n", encoding="utf-8")
    assert check().read == 6
    memo.write_text("ocop link targets 1\n5\nindex.html\n", encoding="utf-8")
    assert check().read == 6
    # Paths no page links to any more leave the table once they are half of it.
    for name in pages:
        (site / name).write_text("", encoding="utf-8")
    (site / "index.html").write_text('<a href="lien-he/">', encoding="utf-8")
    assert check().problems == []
    assert memo.read_text(encoding="utf-8").splitlines()[1:3] == ["1", "lien-he/index.html"]
    assert check().read == 0


def test_image_audits_are_kept_per_file_for_catalogues_sharing_a_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two catalogues built in turn with one cache folder (the benchmark's sizes) audit each
    cache file once, whichever releases link it; a file written again is audited again, and
    a symlink to a clean file is audited (and refused) on its own."""
    audited: list[str] = []
    real_audit = images.audit_published_image

    def audit(path: Path) -> list[str]:
        audited.append(path.name)
        return real_audit(path)

    monkeypatch.setattr(checks, "audit_published_image", audit)
    renditions = tmp_path / "cache" / "images"
    renditions.mkdir(parents=True)
    for i in range(3):
        Image.new("RGB", (8, 8), (i * 80, 0, 0)).save(renditions / f"r{i}.webp", "WEBP")
    sites = [tmp_path / "small", tmp_path / "large"]
    for k, site in enumerate(sites):
        for i in range(k + 2):  # the small site links r0 and r1, the large one r0 to r2
            photo = site / "anh" / f"p{i}" / "anh-chinh-360.0123456789.webp"
            photo.parent.mkdir(parents=True)
            os.link(renditions / f"r{i}.webp", photo)
    cache = tmp_path / "image-audit.json"
    for site in [*sites, *sites]:
        report = CheckReport()
        check_images(site, {}, cache, report)
        assert report.images == len(list(site.rglob("*.webp")))
        assert not report.problems
    assert len(audited) == 3
    again = sites[0] / "anh" / "p0" / "anh-chinh-360.0123456789.webp"
    again.unlink()
    shutil.copyfile(renditions / "r0.webp", again)
    os.utime(again, ns=(1, 1))
    check_images(sites[0], {}, cache, CheckReport())
    assert len(audited) == 4
    link = sites[0] / "anh" / "p9" / "anh-chinh-360.0123456789.webp"
    link.parent.mkdir()
    link.symlink_to(renditions / "r1.webp")
    report = CheckReport()
    check_images(sites[0], {}, cache, report)
    assert len(audited) == 5
    assert report.problems == [
        "anh/p9/anh-chinh-360.0123456789.webp: is a symbolic link (published files must be real "
        "files)"
    ]


def test_a_release_renders_only_changed_product_pages_and_equals_a_forced_build(
    project: Project,
) -> None:
    build(project, today=TODAY)
    product = project.root / "products" / "gao-buon-choah" / "product.yaml"
    text = product.read_text(encoding="utf-8")
    product.write_text(text.replace("Gạo trắng hạt dài", "Gạo trắng hạt dài, đều", 1), "utf-8")
    incremental = build(project, today=TODAY)
    assert not incremental.full and incremental.pages_rendered < incremental.pages

    def tree(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    first = tree(project.public.resolve())
    forced = build(project, today=TODAY, force=True)
    assert forced.full and forced.pages_rendered == forced.pages
    assert tree(project.public.resolve()) == first


def test_cli_build_passes_the_worker_count_and_refuses_zero(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.cli

    seen: list[int | None] = []

    def recording_build(*args: object, workers: int | None = None, **kwargs: object) -> object:
        seen.append(workers)
        return build(*args, workers=workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.cli, "build", recording_build)
    root = ["--root", str(project.root), "--today", TODAY.isoformat()]
    assert main(["build", *root, "--workers", "1"]) == 0
    assert main(["build", *root, "--force"]) == 0
    assert seen == [1, None]
    with pytest.raises(SystemExit) as refused:
        main(["build", *root, "--workers", "0"])
    assert refused.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "python -m generator build: error: argument --workers: cần một số nguyên dương / "
        "a positive whole number: '0'"
    )


def test_tree_writer_writes_each_page_at_once_and_removes_the_rest(tmp_path: Path) -> None:
    from generator.build import TreeWriter

    target = tmp_path / "docs"
    (target / "old" / "gone").mkdir(parents=True)
    (target / "old" / "gone" / "index.md").write_text("cũ", encoding="utf-8")
    (target / "same.md").write_text("giữ nguyên", encoding="utf-8")
    os.utime(target / "same.md", ns=(1_000_000_000, 1_000_000_000))

    writer = TreeWriter(target)
    writer["san-pham/a/index.md"] = "# Cà phê"
    # On disk as soon as it is set: the writer keeps paths, not the pages' text.
    assert (target / "san-pham/a/index.md").read_text(encoding="utf-8") == "# Cà phê"
    writer["same.md"] = "giữ nguyên"
    assert (target / "same.md").stat().st_mtime_ns == 1_000_000_000  # unchanged: not rewritten
    assert writer["same.md"] == "giữ nguyên" and sorted(writer) == [
        "same.md",
        "san-pham/a/index.md",
    ]

    assert writer.finish() == (1, 1)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        "same.md",
        "san-pham",
        "san-pham/a",
        "san-pham/a/index.md",
    ]


def test_a_matrix_of_cache_jobs_leaves_the_build_nothing_to_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator import specsheet
    from generator.build import warm_caches

    jobs = [Project.at(copy_project(tmp_path / f"job-{k}")) for k in (1, 2)]
    parts = [warm_caches(job, part=(k, 2), today=TODAY) for k, job in enumerate(jobs, 1)]
    cat, _ = load_catalogue(ROOT, TODAY)
    assert sum(p.products for p in parts) == len(cat.published)
    assert all(p.renditions_made > 0 and p.sheets_made == 2 * p.products for p in parts)

    # The final job restores the union of the jobs' caches (file names never collide).
    final = Project.at(copy_project(tmp_path / "final"))
    for job in jobs:
        shutil.copytree(job.cache_dir, final.cache_dir, dirs_exist_ok=True)

    def no_sheets(tasks: list[object], workers: int | None) -> list[object]:
        assert not tasks, "a PDF sheet was rendered again"
        return []

    monkeypatch.setattr(specsheet, "_run", no_sheets)
    assert main(["cache", "--root", str(final.root), "--part", "1/1", "--today", str(TODAY)]) == 0
    assert capsys.readouterr().out.startswith(
        f"phần 1/1: {len(cat.published)} sản phẩm · 0 ảnh mới · "
    )
    result = build(final, today=TODAY)
    assert result.renditions_made == 0 and result.renditions_cached > 0


def test_cli_cache_refuses_a_part_outside_its_count(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["cache", "--root", str(project.root), "--part", "3/2"])
    assert refused.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "python -m generator cache: error: argument --part: cần dạng K/N với 1 ≤ K ≤ N, ví dụ "
        "2/4 / expected K/N with 1 ≤ K ≤ N, for example 2/4: '3/2'"
    )


def test_old_releases_are_moved_aside_at_once_and_deleted_in_the_background(
    tmp_path: Path,
) -> None:
    from generator import publish

    releases = tmp_path / "build" / "releases"
    names = [f"2026112{i}T080000.000000Z" for i in range(5)]
    for name in names:
        (releases / name / "anh").mkdir(parents=True)
        (releases / name / "anh" / "gao.webp").write_bytes(b"RIFF")
    cut_short = releases / f"{publish.TRASH}20261101T080000.000000Z"  # a deletion cut short
    (cut_short / "anh").mkdir(parents=True)
    public = tmp_path / "public"
    public.symlink_to(releases / names[1])  # rolled back to an old release: it stays

    doomed = publish.prune_releases(tmp_path / "build", public, keep=2)
    # At once: only the kept releases go by a release's name.
    assert [p.name for p in doomed] == [
        cut_short.name,
        f"{publish.TRASH}{names[0]}",
        f"{publish.TRASH}{names[2]}",
    ]
    kept = [names[1], names[3], names[4]]
    assert (
        sorted(p.name for p in releases.iterdir() if p.name not in {d.name for d in doomed}) == kept
    )
    publish.wait_for_deletions()
    assert sorted(p.name for p in releases.iterdir()) == kept
    assert (public / "anh" / "gao.webp").read_bytes() == b"RIFF"
