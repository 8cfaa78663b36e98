"""Product, QR and producer pages kept from the last build when their inputs are unchanged.

A kept page must be the page a forced build renders: every test here compares the docs trees of
an incremental build and of a forced one after a kind of change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from enum import Enum
from pathlib import Path

from PIL import Image

from generator.build import SKIPPABLE_PAGE, BuildResult, Project, TreeWriter, build, load
from generator.errors import LANGS
from generator.i18n import LABELS
from generator.render import page_dir

from .conftest import TODAY


def _grown(project: Project) -> dict[str, bytes]:
    """The Markdown of the product, QR and producer pages of both languages."""
    pages = {}
    for lang in LANGS:
        docs = project.docs_dir(lang)
        for path in sorted(docs.rglob("*.md")):
            rel = path.relative_to(docs).as_posix()
            if SKIPPABLE_PAGE.fullmatch(rel):
                pages[f"{lang}/{rel}"] = path.read_bytes()
    return pages


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _same_as_forced(project: Project, today: dt.date) -> BuildResult:
    """Build incrementally, then forced; both must leave the same pages. Returns the first."""
    incremental = build(project, today=today)
    kept = _grown(project), _listings(project)
    forced = build(project, today=today, force=True)
    assert forced.pages_kept == 0
    assert (_grown(project), _listings(project)) == kept
    return incremental


LISTING_KINDS = ("catalogue", "group", "stars", "commune", "commune_old")


def _listings(project: Project) -> dict[str, str]:
    """The listing pages a build may keep: all but the first catalogue page (whole-catalogue
    facets, always rendered), by their front matter's kind."""
    found = {}
    for lang in LANGS:
        docs = project.docs_dir(lang)
        for path in sorted(docs.rglob("*.md")):
            rel = path.relative_to(docs).as_posix()
            text = path.read_text(encoding="utf-8")
            kind = re.search(r'^ocop:\n  kind: "([a-z_]+)"$', text.split("\n---\n", 1)[0], re.M)
            if (
                kind
                and kind.group(1) in LISTING_KINDS
                and rel != page_dir("catalogue") + "index.md"
            ):
                found[f"{lang}/{rel}"] = text
    return found


def test_one_product_changed_renders_its_family_and_listings_only_as_a_forced_build(
    project: Project,
) -> None:
    first = build(project, today=TODAY)
    assert first.pages_kept == 0  # nothing was remembered yet
    grown, listings = len(_grown(project)), _listings(project)
    cat, _ = load(project, TODAY)
    product = next(p for p in cat.published if len(cat.products_of(p.producer)) > 1)
    family = cat.products_of(product.producer)
    link = f"san-pham/{product.id}/"
    showing = [rel for rel, text in listings.items() if link in text]
    assert showing and len(showing) < len(listings)

    path = project.root / "products" / product.id / "product.yaml"
    _edit(path, product.summary.vi, product.summary.vi + " Mới thu hoạch.")
    incremental = _same_as_forced(project, TODAY)
    # Per language: the pages of every product of the producer (they show each other's cards),
    # the product's QR page and the producer's page; and the listing pages with its card.
    again = len(LANGS) * (len(family) + 1 + 1)
    assert incremental.pages_kept == grown - again + len(listings) - len(showing)
    assert "Mới thu hoạch." in (
        project.docs_dir("vi") / "san-pham" / product.id / "index.md"
    ).read_text(encoding="utf-8")


def test_producer_outlet_and_photo_changes_equal_a_forced_build(project: Project) -> None:
    build(project, today=TODAY)
    cat, _ = load(project, TODAY)
    # A producer's name shows on its products' pages, the sibling cards, its own page and the
    # cards of its products in every listing. Alone in its build: no other change may render
    # the same pages again and hide a page kept by mistake.
    producer = cat.producers[cat.published[-1].producer]
    _edit(
        project.root / "producers" / f"{producer.id}.yaml",
        f"vi: {producer.name.vi}",
        f"vi: {producer.name.vi} (đổi tên)",
    )
    incremental = _same_as_forced(project, TODAY)
    assert 0 < incremental.pages_kept < len(_grown(project)) + len(_listings(project))
    assert sum(f"{producer.name.vi} (đổi tên)" in text for text in _listings(project).values())

    # A central outlet starts selling a product it did not list.
    outlets = project.root / "data" / "diem-ban.yaml"
    listed = outlets.read_text(encoding="utf-8")
    newcomer = next(p for p in cat.published if f"- {p.id}\n" not in listed)
    _edit(outlets, "    products:\n", f"    products:\n      - {newcomer.id}\n")
    # A photo is replaced by other bytes under the same name (new renditions, new names).
    pictured = next(p for p in cat.published if p.main_photo and p.id != newcomer.id)
    assert pictured.main_photo is not None
    photo = cat.photo_files[(pictured.id, pictured.main_photo.file)]
    with Image.open(photo) as image:
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photo, quality=85)

    incremental = _same_as_forced(project, TODAY)
    assert 0 < incremental.pages_kept < len(_grown(project)) + len(_listings(project))
    page = (project.docs_dir("vi") / "san-pham" / newcomer.id / "index.md").read_text("utf-8")
    assert "Điểm bán sản phẩm OCOP huyện Krông Nô (minh họa)" in page


def test_a_new_build_date_or_new_settings_render_every_page_again(project: Project) -> None:
    build(project, today=TODAY)
    cat, _ = load(project, TODAY)
    # The day after the first certificate still valid today expires: its state changes on
    # every page showing it, and the JSON-LD of every product page is dated.
    expiring = min(
        (p for p in cat.published if p.current and not cat.is_expired(p)),
        key=lambda p: p.current.expires if p.current else dt.date.max,
    )
    assert expiring.current is not None
    later = expiring.current.expires + dt.timedelta(days=1)
    page = project.docs_dir("en") / "san-pham" / expiring.id / "index.md"
    notice = f'<p class="admonition-title">{LABELS["en"]["expired_badge"]}</p>'
    assert notice not in page.read_text(encoding="utf-8")
    assert build(project, today=later).pages_kept == 0
    assert notice in page.read_text(encoding="utf-8")

    _edit(project.root / "mkdocs.yml", "https://ocop.krongno.example/", "https://ocop.example.vn/")
    assert build(project, today=later).pages_kept == 0


def test_tree_writer_keeps_only_untouched_pages_of_the_same_inputs(tmp_path: Path) -> None:
    docs, inputs = tmp_path / "docs", tmp_path / "page-inputs.json"
    writer = TreeWriter(docs, inputs)
    assert not writer.reuse("a/index.md", "d1")  # nothing remembered yet
    writer.put("a/index.md", "# A", "d1")
    writer.put("b/index.md", "# B", "d2")
    writer.put("c/index.md", "# C", "d3")
    writer.finish()
    remembered = json.loads(inputs.read_text(encoding="utf-8"))
    assert sorted(remembered) == ["a/index.md", "b/index.md", "c/index.md"]

    # Changed by hand since: same size, other modification time.
    stat = (docs / "b/index.md").stat()
    os.utime(docs / "b/index.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    again = TreeWriter(docs, inputs)
    assert again.reuse("a/index.md", "d1")
    assert not again.reuse("b/index.md", "d2")
    assert not again.reuse("c/index.md", "other inputs")
    again.put("b/index.md", "# B", "d2")
    assert again.kept == 1 and sorted(again) == ["a/index.md", "b/index.md"]
    again.finish()
    # c/ was neither kept nor written: removed, and forgotten.
    assert not (docs / "c").exists()
    assert sorted(json.loads(inputs.read_text(encoding="utf-8"))) == ["a/index.md", "b/index.md"]

    # A forced build keeps nothing, yet remembers what it wrote.
    forced = TreeWriter(docs, inputs, reuse=False)
    assert not forced.reuse("a/index.md", "d1")
    forced.put("a/index.md", "# A", "d1")
    forced.finish()
    assert TreeWriter(docs, inputs).reuse("a/index.md", "d1")

    # A damaged record is no record.
    inputs.write_text("{not json", encoding="utf-8")
    assert not TreeWriter(docs, inputs).reuse("a/index.md", "d1")


def _printable(value: object, seen: set[int]) -> None:
    """Every field of `value` is in its repr, all the way down, and none prints an address."""
    if isinstance(value, str | int | float | bool | dt.date | Path | Enum) or value is None:
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, dict):
        for key, item in value.items():
            _printable(key, seen)
            _printable(item, seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _printable(item, seen)
    else:
        assert dataclasses.is_dataclass(value), type(value)
        hidden = [f.name for f in dataclasses.fields(value) if not f.repr]
        assert hidden == [], (type(value), hidden)
        assert " at 0x" not in repr(value), type(value)
        for f in dataclasses.fields(value):
            _printable(getattr(value, f.name), seen)


def test_page_inputs_are_whole_objects_with_a_stable_repr(project: Project) -> None:
    """Digests are made of `repr`s: an object printed as `<… at 0x…>` would change every run
    and keep nothing; worse, a field left out of its repr would keep stale pages."""
    from generator.images import Photo, Rendition
    from generator.qr import Code
    from generator.share import ShareImage

    cat, _ = load(project, TODAY)
    seen: set[int] = set()
    for product in cat.products:
        _printable(product, seen)
    for producer in cat.producers.values():
        _printable(producer, seen)
    _printable(cat.taxonomy, seen)
    _printable(cat.region, seen)
    # Made by the build (renditions, QR codes, share images): their classes.
    for cls in (Photo, Rendition, Code, ShareImage):
        assert dataclasses.is_dataclass(cls), cls
        assert [f.name for f in dataclasses.fields(cls) if not f.repr] == [], cls
