"""What a supermarket buyer gets: the "For buyers" section of a product page, the PDF spec sheet
of each product and language (generator/specsheet.py), and the printed product page."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator import specsheet
from generator.build import BuildResult, Project, photo_jobs, read_settings
from generator.catalogue import Catalogue, load_catalogue
from generator.errors import LANGS, Lang
from generator.fields import I18n
from generator.i18n import LABELS, format_date, format_money, format_number
from generator.images import Photo, process_photos
from generator.qr import Code, QrCache, catalogue_codes
from generator.render import Renderer
from generator.schema import Product
from generator.yamlload import load_yaml_file

from .conftest import ROOT, TODAY

Site = tuple[Project, BuildResult]
SAMPLE = "gao-buon-choah"
"""Three pack sizes with GTINs, food facts, trade terms, a self-declaration."""
CERTIFIED = "tieu-den-quang-phu"
"""Has another certification (VietGAP) besides OCOP."""
UNTRANSLATED = "tieu-do-quang-phu"
"""Vietnamese only: the English sheet falls back with a note."""
SITE_URL = read_settings(ROOT).site_url
A4_PT = (595.28, 841.89)
PRINT_CSS = ROOT / "theme_overrides" / "assets" / "stylesheets" / "ocop-print.css"


# --- shared fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    catalogue, _ = load_catalogue(ROOT, TODAY)
    return catalogue


@pytest.fixture(scope="module")
def photos(cat: Catalogue, image_cache: Path) -> dict[Path, Photo]:
    wanted = {SAMPLE, CERTIFIED, UNTRANSLATED}
    jobs = [j for j in photo_jobs(cat) if j.display_path.split("/")[1] in wanted]
    found, problems, _ = process_photos(jobs, image_cache)
    assert not [p for p in problems if p.severity.name == "ERROR"]
    return found


@pytest.fixture(scope="module")
def codes(cat: Catalogue) -> dict[str, list[Code]]:
    return catalogue_codes(cat, SITE_URL)


def product_md(
    cat: Catalogue,
    photos: dict[Path, Photo],
    codes: dict[str, list[Code]],
    pid: str,
    lang: Lang,
) -> str:
    product = next(p for p in cat.published if p.id == pid)
    return Renderer(cat, photos, lang, illustrative=True, codes=codes).product_page(product)


def buyers_section(markdown: str, lang: Lang) -> str:
    heading = f"## {LABELS[lang]['buyers']} {{ #nha-phan-phoi }}\n"
    start = markdown.index(heading)
    end = markdown.find("\n## ", start + len(heading))
    return markdown[start : end if end != -1 else None]


# --- the buyers' section ----------------------------------------------------------------------------


def _text(value: Any, lang: Lang) -> str:
    """A bilingual YAML value as the page shows it (English falls back to Vietnamese)."""
    if isinstance(value, str):
        return value
    return str(value.get(lang) or value["vi"])


def _digits(phone: str) -> str:
    return phone.replace(" ", "").replace(".", "")


# Every key a YAML record may hold, and how the buyers' section shows it. A key missing here
# fails the test below: a new field must be placed on the page (or excluded here on purpose).
_VARIANT: dict[str, Callable[[str, Lang], str]] = {
    "name": lambda v, lang: v,
    "sku": lambda v, lang: v,
    "gtin": lambda v, lang: v,
    "net_content": lambda v, lang: format_number(float(v), lang),
    "unit": lambda v, lang: LABELS[lang][f"unit_{v}"],
    "packaging": lambda v, lang: v,
    "case_pack": lambda v, lang: LABELS[lang]["case_pack_value"].format(n=int(v)),
    "case_dimensions": lambda v, lang: v,
    "case_weight_kg": lambda v, lang: LABELS[lang]["case_weight_value"].format(
        kg=format_number(float(v), lang)
    ),
    "price_retail": lambda v, lang: format_money(int(v), lang),
    "price_wholesale": lambda v, lang: format_money(int(v), lang),
    "price_valid_until": lambda v, lang: format_date(dt.date.fromisoformat(v), lang),
}
_CERTIFICATION = {
    "name": _VARIANT["name"],
    "number": _VARIANT["sku"],
    "issuer": _VARIANT["name"],
    "valid_until": _VARIANT["price_valid_until"],
}
_PRODUCER = ("representative", "registration_number", "phone", "zalo", "email", "website")
_PRODUCER_TEXT = ("name", "address_old", "address_new")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pid", [SAMPLE, CERTIFIED])
def test_buyers_section_shows_every_field_of_the_product(
    cat: Catalogue,
    photos: dict[Path, Photo],
    codes: dict[str, list[Code]],
    pid: str,
    lang: Lang,
) -> None:
    raw = load_yaml_file(ROOT / "products" / pid / "product.yaml", pid)[0]
    assert raw is not None
    data = raw.data
    producer_doc = load_yaml_file(ROOT / "producers" / f"{data['producer']}.yaml", "producer")[0]
    assert producer_doc is not None
    producer = producer_doc.data
    section = buyers_section(product_md(cat, photos, codes, pid, lang), lang)
    text = html.unescape(section)

    expected: list[str] = []
    for variant in data["variants"]:
        for key, value in variant.items():
            assert key in _VARIANT, f"variants[].{key} is not on the page"
            expected.append(_VARIANT[key](_text(value, lang), lang))
    for block in ("food", "trade"):
        expected += [_text(value, lang) for value in data.get(block, {}).values()]
    for cert in data.get("other_certifications", []):
        for key, value in cert.items():
            assert key in _CERTIFICATION, f"other_certifications[].{key} is not on the page"
            expected.append(_CERTIFICATION[key](_text(value, lang), lang))
    expected.append(data["self_declaration"])
    if "raw_material_area" in data["place"]:
        expected.append(_text(data["place"]["raw_material_area"], lang))
    expected += [producer[key] for key in _PRODUCER if key in producer]
    expected += [_text(producer[key], lang) for key in _PRODUCER_TEXT if key in producer]

    # Spaces inside a pack's case facts are non-breaking (one fact, one line).
    text = text.replace("\u00a0", " ")
    missing = [value for value in expected if value.replace("\u00a0", " ") not in text]
    assert not missing, f"{pid} ({lang}): not in the buyers' section: {missing}"
    # Contact as links a phone and a mail client open.
    assert f'href="tel:{_digits(producer["phone"])}"' in section
    assert f'href="https://zalo.me/{_digits(producer["zalo"])}"' in section
    assert f'href="mailto:{producer["email"]}"' in section


def test_buyers_section_links_the_downloads_for_the_page_depth(
    cat: Catalogue, photos: dict[Path, Photo], codes: dict[str, list[Code]]
) -> None:
    vi = buyers_section(product_md(cat, photos, codes, SAMPLE, "vi"), "vi")
    en = buyers_section(product_md(cat, photos, codes, SAMPLE, "en"), "en")
    pdf_vi, pdf_en = f"thong-so-{SAMPLE}.pdf", f"spec-sheet-{SAMPLE}.pdf"
    assert f'href="{pdf_vi}"' in vi
    assert f'href="../../en/san-pham/{SAMPLE}/{pdf_en}"' in vi
    assert f'href="../../du-lieu/san-pham/{SAMPLE}.json"' in vi
    assert f'href="{pdf_en}"' in en
    assert f'href="../../../san-pham/{SAMPLE}/{pdf_vi}"' in en
    assert f'href="../../../du-lieu/san-pham/{SAMPLE}.json"' in en
    assert specsheet.pdf_path(SAMPLE, "vi") == f"san-pham/{SAMPLE}/{pdf_vi}"
    assert specsheet.pdf_path(SAMPLE, "en") == f"en/san-pham/{SAMPLE}/{pdf_en}"


_BLANK_ROW = re.compile(r'<tr><th scope="row">[^<]*</th><td>\s*</td></tr>')
_EMPTY_HEADING = re.compile(r"^###? [^\n]*\n\n(?=###? |\Z)", re.MULTILINE)


@pytest.mark.parametrize("lang", LANGS)
def test_no_product_shows_blank_rows_or_empty_headings(
    cat: Catalogue, photos: dict[Path, Photo], codes: dict[str, list[Code]], lang: Lang
) -> None:
    renderer = Renderer(cat, photos, lang, illustrative=True, codes=codes)
    for product in cat.published:
        section = buyers_section(renderer.product_page(product), lang)
        assert not _BLANK_ROW.search(section), product.id
        assert not _EMPTY_HEADING.search(section + "\n## "), product.id


def test_empty_fields_are_omitted(
    cat: Catalogue, photos: dict[Path, Photo], codes: dict[str, list[Code]]
) -> None:
    product = next(p for p in cat.published if p.id == SAMPLE)
    bare_variants = [
        replace(
            v,
            sku=None,
            gtin=None,
            case_pack=None,
            case_dimensions=None,
            case_weight_kg=None,
            price_retail=None,
            price_wholesale=None,
            price_valid_until=None,
        )
        for v in product.variants
    ]
    bare = replace(
        product,
        variants=bare_variants,
        food=None,
        trade=None,
        other_certifications=[],
        self_declaration=None,
        place=replace(product.place, raw_material_area=None),
    )
    maker = cat.producers[product.producer]
    quiet = replace(maker, phone=None, zalo=None, email=None, website=None, representative=None)
    bare_cat = replace(cat, producers={**cat.producers, maker.id: quiet})
    t = LABELS["vi"]
    md = Renderer(bare_cat, photos, "vi", illustrative=True, codes=codes).product_page(bare)
    section = buyers_section(md, "vi")
    for label in ("specs", "certifications", "trade_terms"):
        assert f"### {t[label]}" not in section, label
    for label in ("gtin", "case_pack", "price_retail", "price_wholesale", "price_valid_until"):
        assert f">{t[label]}<" not in section, label
    for label in ("phone", "zalo", "email", "website", "representative", "sku"):
        assert f">{t[label]}" not in section, label
    assert "ocop-note" not in section  # no price, no validity note
    assert f"### {t['variants']}" in section and f">{t['packaging']}<" in section
    assert f"### {t['contact']}" in section
    assert not _BLANK_ROW.search(section)


def test_prices_with_different_validity_get_a_column(
    cat: Catalogue, photos: dict[Path, Photo], codes: dict[str, list[Code]]
) -> None:
    product = next(p for p in cat.published if p.id == SAMPLE)
    first, *rest = product.variants
    later = replace(first, price_valid_until=dt.date(2028, 1, 31))
    md = Renderer(cat, photos, "vi", illustrative=True, codes=codes).product_page(
        replace(product, variants=[later, *rest])
    )
    section = buyers_section(md, "vi")
    assert f">{LABELS['vi']['price_valid_until']}<" in section
    assert "31/01/2028" in section and "ocop-note" not in section


# --- PDF spec sheets ----------------------------------------------------------------------------------


def _pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes plus every Flate stream inflated: WeasyPrint packs the catalogue, info
    and page dictionaries into compressed object streams."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            chunks.append(zlib.decompressobj().decompress(data[match.end() : end]))
        except zlib.error:
            continue  # an image stream (DCT) or not Flate at all
    return b"\n".join(chunks)


def _pdf_string(token: bytes) -> str:
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode("ascii"))
        return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
    return token[1:-1].decode("latin-1")


def pdf_facts(path: Path) -> dict[str, Any]:
    objects = _pdf_objects(path.read_bytes())
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", objects)

    def strings(key: bytes) -> list[str]:
        pattern = rb"/" + key + rb"\s*(<[0-9a-fA-F]*>|\((?:[^()\\]|\\.)*\))"
        return [_pdf_string(s) for s in re.findall(pattern, objects)]

    return {
        "pages": len(re.findall(rb"/Type\s*/Page\b", objects)),
        "sizes": {(float(w), float(h)) for w, h in boxes},
        "lang": strings(b"Lang"),
        "titles": strings(b"Title"),
        "authors": strings(b"Author"),
    }


def pdf_text(path: Path, html_text: str) -> str:
    """The PDF's text by poppler's pdftotext when installed; otherwise the text WeasyPrint laid
    out for the same HTML (its own Document API: pages and text boxes)."""
    tool = shutil.which("pdftotext")
    if tool:
        out = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True)
        assert out.returncode == 0, out.stderr
        return out.stdout.decode("utf-8")
    return weasyprint_text(html_text=html_text)


def weasyprint_text(*, html_text: str | None = None, filename: Path | None = None) -> str:
    import weasyprint  # type: ignore[import-untyped]
    from weasyprint.formatting_structure import boxes  # type: ignore[import-untyped]

    if filename is not None:
        source = weasyprint.HTML(filename=filename, media_type="print")
    else:
        source = weasyprint.HTML(string=html_text, base_url=str(ROOT), media_type="print")
    document = source.render()

    def walk(box: Any) -> Iterator[Any]:
        # By children, not Box.descendants(): that skips absolutely positioned boxes.
        yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)

    parts = [
        box.text
        for page in document.pages
        for box in walk(page._page_box)
        if isinstance(box, boxes.TextBox)
    ]
    return " ".join(parts)


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def sheet_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("specsheets")
    return base / "pdf", base / "qr"


@pytest.fixture(scope="module")
def sheets(
    cat: Catalogue,
    photos: dict[Path, Photo],
    codes: dict[str, list[Code]],
    sheet_dirs: tuple[Path, Path],
) -> dict[tuple[str, Lang], specsheet.SpecSheet]:
    """The sheets (HTML and key) of three products in both languages."""
    products = [p for p in cat.published if p.id in {SAMPLE, CERTIFIED, UNTRANSLATED}]
    made = specsheet.spec_sheets(
        cat,
        photos,
        codes,
        site_url=SITE_URL,
        illustrative=True,
        qr_cache=QrCache(sheet_dirs[1]),
        products=products,
    )
    return {(s.product_id, s.lang): s for s in made}


@pytest.fixture(scope="module")
def rendered(
    sheets: dict[tuple[str, Lang], specsheet.SpecSheet], sheet_dirs: tuple[Path, Path]
) -> list[specsheet.RenderedSheet]:
    """Those sheets rendered once in a pool of two workers."""
    return specsheet.render_spec_sheets(sheets.values(), sheet_dirs[0], today=TODAY, workers=2)


def test_sheets_render_in_both_languages_as_one_or_two_a4_pages(
    cat: Catalogue, rendered: Sequence[specsheet.RenderedSheet]
) -> None:
    assert {(r.sheet.product_id, r.sheet.lang) for r in rendered} == {
        (pid, lang) for pid in (SAMPLE, CERTIFIED, UNTRANSLATED) for lang in LANGS
    }
    for result in rendered:
        facts = pdf_facts(result.file)
        assert 1 <= facts["pages"] <= specsheet.MAX_PAGES, result.sheet.path
        assert facts["pages"] == result.pages
        assert facts["sizes"] and all(
            abs(w - A4_PT[0]) < 0.5 and abs(h - A4_PT[1]) < 0.5 for w, h in facts["sizes"]
        ), facts["sizes"]
        product = next(p for p in cat.published if p.id == result.sheet.product_id)
        producer = cat.producers[product.producer]
        lang = result.sheet.lang
        assert facts["lang"] == [lang]
        assert any(t.startswith(product.name.get(lang)) for t in facts["titles"]), facts["titles"]
        assert facts["authors"] == [producer.name.get(lang)]


def test_sheet_text_keeps_the_vietnamese_name_and_the_permanent_url(
    cat: Catalogue,
    sheets: dict[tuple[str, Lang], specsheet.SpecSheet],
    rendered: Sequence[specsheet.RenderedSheet],
) -> None:
    for result in rendered:
        product = next(p for p in cat.published if p.id == result.sheet.product_id)
        html_text = sheets[result.sheet.product_id, result.sheet.lang].dated_html(TODAY)
        text = _flat(pdf_text(result.file, html_text))
        assert _flat(product.name.get(result.sheet.lang)) in text, result.sheet.path
        assert f"/p/{product.id}" in text.replace(" ", "")
        for variant in product.variants:
            assert variant.gtin is None or variant.gtin in text
        assert _flat(LABELS[result.sheet.lang]["illustrative"]) in text
        assert format_date(TODAY, result.sheet.lang) in text  # the generation date


def test_untranslated_sheet_says_so(sheets: dict[tuple[str, Lang], specsheet.SpecSheet]) -> None:
    sheet = sheets[UNTRANSLATED, "en"]
    assert LABELS["en"]["no_translation"] in sheet.html
    assert '<span lang="vi">' in sheet.html


def test_sheets_carry_no_photo_metadata_and_use_published_renditions(
    cat: Catalogue,
    sheets: dict[tuple[str, Lang], specsheet.SpecSheet],
    rendered: Sequence[specsheet.RenderedSheet],
) -> None:
    for result in rendered:
        data = result.file.read_bytes()
        for marker in (b"Exif\x00", b"GPS", b"<x:xmpmeta", b"http://ns.adobe.com/exif"):
            assert marker not in data, (result.sheet.path, marker)
        product = next(p for p in cat.published if p.id == result.sheet.product_id)
        sheet_html = sheets[product.id, result.sheet.lang].html
        for photo in product.photos:
            original = cat.photo_files[(product.id, photo.file)]
            assert original.resolve().as_uri() not in sheet_html
        assert "file://" in sheet_html  # the rendition from the image cache


def test_rendered_sheets_do_not_keep_their_html(
    sheets: dict[tuple[str, Lang], specsheet.SpecSheet],
    rendered: Sequence[specsheet.RenderedSheet],
) -> None:
    """About 24 KB a sheet, needed only for the key and for rendering: 960 MB at 20,000
    products if kept."""
    assert [(r.sheet.product_id, r.sheet.lang, r.sheet.key) for r in rendered] == [
        (s.product_id, s.lang, s.key) for s in sheets.values()
    ]
    assert all(s.html for s in sheets.values())
    assert all(r.sheet.html == "" for r in rendered)


def test_second_run_renders_nothing(
    rendered: Sequence[specsheet.RenderedSheet],
    sheet_dirs: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_rendering(tasks: list[Any], workers: int | None) -> list[Any]:
        assert not tasks, "a sheet with unchanged inputs was rendered again"
        return []

    monkeypatch.setattr(specsheet, "_run", no_rendering)
    before = {r.file: r.file.stat().st_mtime_ns for r in rendered}
    again = specsheet.render_spec_sheets(
        [r.sheet for r in rendered], sheet_dirs[0], today=TODAY + dt.timedelta(days=1)
    )
    assert all(r.cached for r in again)
    assert [r.file for r in again] == [r.file for r in rendered]
    assert {r.file: r.file.stat().st_mtime_ns for r in again} == before


def test_sheets_made_before_a_build_stops_are_kept(
    sheets: dict[tuple[str, Lang], specsheet.SpecSheet],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    three = list(sheets.values())[:3]

    def stopped_after_one(tasks: list[Any], workers: int | None) -> list[Any]:
        specsheet._render_task(tasks[0])  # as a worker would, then the build is killed
        raise KeyboardInterrupt

    monkeypatch.setattr(specsheet, "_run", stopped_after_one)
    with pytest.raises(KeyboardInterrupt):
        specsheet.render_spec_sheets(three, tmp_path, today=TODAY)

    asked: list[Path] = []

    def record_tasks(tasks: list[Any], workers: int | None) -> list[Any]:
        asked.extend(task.target for task in tasks)
        return [specsheet._render_task(task) for task in tasks]

    monkeypatch.setattr(specsheet, "_run", record_tasks)
    again = specsheet.render_spec_sheets(three, tmp_path, today=TODAY)
    assert asked == [tmp_path / f"{s.key}.pdf" for s in three[1:]]
    assert [r.cached for r in again] == [True, False, False]
    assert again[0].pages == pdf_facts(again[0].file)["pages"]


def test_keys_do_not_depend_on_where_the_cache_lives(
    cat: Catalogue,
    photos: dict[Path, Photo],
    codes: dict[str, list[Code]],
    image_cache: Path,
    tmp_path: Path,
) -> None:
    moved = tmp_path / "elsewhere" / "cache"
    shutil.copytree(image_cache, moved)
    jobs = [j for j in photo_jobs(cat) if j.source in photos]
    moved_photos, _, stats = process_photos(jobs, moved)
    assert stats.made == 0

    def sheets(found: dict[Path, Photo]) -> list[specsheet.SpecSheet]:
        products = [p for p in cat.published if p.id in {SAMPLE, CERTIFIED}]
        return list(
            specsheet.spec_sheets(
                cat, found, codes, site_url=SITE_URL, illustrative=True, products=products
            )
        )

    here, there = sheets(photos), sheets(moved_photos)
    assert [s.html for s in here] != [s.html for s in there]  # the photo is read from the copy
    assert [s.key for s in here] == [s.key for s in there]


def test_sheets_seen_before_are_not_rendered_to_html_again(
    cat: Catalogue,
    photos: dict[Path, Photo],
    codes: dict[str, list[Code]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The inputs index gives the key of a cached sheet without its HTML; a changed product or
    a changed generator misses it, and the HTML (with the same key if it is the same) is
    rendered again."""
    product = next(p for p in cat.published if p.id == SAMPLE)

    def sheets(of: Product) -> list[specsheet.SpecSheet]:
        return list(
            specsheet.spec_sheets(
                cat,
                photos,
                codes,
                site_url=SITE_URL,
                illustrative=True,
                products=[of],
                cache_dir=tmp_path,
            )
        )

    first = sheets(product)
    assert all(s.html for s in first)
    assert not specsheet.render_spec_sheets(first[:1], tmp_path, today=TODAY, workers=1)[0].cached
    again = sheets(product)
    assert [(s.key, s.html) for s in again] == [(first[0].key, ""), (first[1].key, first[1].html)]
    specsheet.render_spec_sheets(again, tmp_path, today=TODAY, workers=1)
    assert [(s.key, s.html) for s in sheets(product)] == [(s.key, "") for s in first]

    changed = sheets(replace(product, summary=I18n("Tóm tắt khác", "Another summary")))
    assert all(s.html for s in changed)
    assert not {s.key for s in changed} & {s.key for s in first}

    monkeypatch.setattr(specsheet, "files_digest", lambda: "another generator")
    redone = sheets(product)
    assert [(s.key, bool(s.html)) for s in redone] == [(s.key, True) for s in first]


def test_a_changed_input_gets_a_new_key(
    cat: Catalogue,
    photos: dict[Path, Photo],
    codes: dict[str, list[Code]],
    rendered: Sequence[specsheet.RenderedSheet],
) -> None:
    product = next(p for p in cat.published if p.id == SAMPLE)
    keys = {r.sheet.key for r in rendered}
    same = specsheet.spec_sheets(
        cat, photos, codes, site_url=SITE_URL, illustrative=True, products=[product]
    )
    assert {s.key for s in same} <= keys
    real = list(
        specsheet.spec_sheets(
            cat, photos, codes, site_url=SITE_URL, illustrative=False, products=[product]
        )
    )
    assert not {s.key for s in real} & keys
    assert LABELS["vi"]["illustrative"] not in real[0].html


def test_write_spec_sheets_publishes_at_stable_urls(
    cat: Catalogue,
    photos: dict[Path, Photo],
    codes: dict[str, list[Code]],
    rendered: Sequence[specsheet.RenderedSheet],
    sheet_dirs: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    product = next(p for p in cat.published if p.id == SAMPLE)
    stats = specsheet.write_spec_sheets(
        tmp_path,
        cat,
        photos,
        codes,
        site_url=SITE_URL,
        illustrative=True,
        cache_dir=sheet_dirs[0],
        qr_cache=QrCache(sheet_dirs[1]),
        products=[product],
    )
    assert (stats.made, stats.cached) == (0, 2)
    assert not stats.too_long
    for lang in LANGS:
        published = tmp_path / specsheet.pdf_path(SAMPLE, lang)
        cached = next(
            r.file for r in rendered if (r.sheet.product_id, r.sheet.lang) == (SAMPLE, lang)
        )
        assert published.read_bytes()[:5] == b"%PDF-"
        assert os.path.samefile(published, cached)  # hard-linked, not copied


def test_a_long_sheet_is_set_compact_to_stay_within_two_pages(
    cat: Catalogue, photos: dict[Path, Photo], codes: dict[str, list[Code]], tmp_path: Path
) -> None:
    product = next(p for p in cat.published if p.id == SAMPLE)
    many = [replace(product.variants[i % 3], gtin=None, sku=f"SKU-{i}") for i in range(14)]
    sheets = specsheet.spec_sheets(
        cat,
        photos,
        codes,
        site_url=SITE_URL,
        illustrative=True,
        products=[replace(product, variants=many)],
    )
    vi = [s for s in sheets if s.lang == "vi"]
    (result,) = specsheet.render_spec_sheets(vi, tmp_path, today=TODAY, workers=1)
    assert result.compact
    assert result.pages == pdf_facts(result.file)["pages"] <= specsheet.MAX_PAGES


def test_a_missing_file_fails_the_sheet_instead_of_falling_back(
    sheets: dict[tuple[str, Lang], specsheet.SpecSheet], tmp_path: Path
) -> None:
    """A lost font would silently become a system font without Vietnamese marks."""
    good = sheets[SAMPLE, "vi"]
    broken = replace(
        good,
        html=good.html.replace(specsheet.FONT_FILES["bold"].resolve().as_uri(), "file:///nope.ttf"),
        key="0" * 64,
    )
    with pytest.raises(specsheet.SpecSheetFailed, match=r"không tạo được .* / could not render"):
        specsheet.render_spec_sheets([broken], tmp_path, today=TODAY, workers=1)
    assert not list(tmp_path.glob("*.pdf"))


# --- the printed product page ---------------------------------------------------------------------------


def test_print_rules_apply_to_print_only() -> None:
    import tinycss2  # type: ignore[import-untyped]

    rules = tinycss2.parse_stylesheet(
        PRINT_CSS.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )
    assert rules
    for rule in rules:
        assert rule.type == "at-rule" and rule.lower_at_keyword == "media", rule
        assert tinycss2.serialize(rule.prelude).strip() == "print"


def _interface_texts(page_html: str) -> list[str]:
    """Navigation, header and skip-link texts of a built page that its content does not also
    contain (those must not be printed)."""
    nav_start = page_html.index('<nav class="md-nav md-nav--primary"')
    nav = page_html[nav_start : page_html.index("</nav>", nav_start)]
    labels = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', nav)
    skip = re.search(r'class="md-skip">\s*([^<]+?)\s*</a>', page_html)
    labels += [skip.group(1)] if skip else []
    article_start = page_html.index('<article class="md-content__inner')
    article = page_html[article_start : page_html.index("</article>", article_start)]
    content = _flat(html.unescape(re.sub(r"<[^>]+>", " ", article)))
    return [label for label in map(html.unescape, labels) if _flat(label) not in content]


def _print_checks(text: str, page_html: str, product_name: str, pid: str) -> None:
    flat = _flat(text)
    hidden = _interface_texts(page_html)
    assert len(hidden) >= 3, hidden  # the test must have something to look for
    assert not [label for label in hidden if _flat(label) in flat]
    assert _flat(product_name) in flat
    assert f"/p/{pid}" in flat.replace(" ", "")  # the print-only QR block is printed
    assert _flat(LABELS["vi"]["print_qr"]) in flat
    assert _flat(LABELS["vi"]["buyers"]) in flat
    assert _flat(LABELS["vi"]["story"]) not in flat  # consumer-only sections stay off paper


def test_product_page_loads_the_print_stylesheet_after_ocop_css(sample_site: Site) -> None:
    project, _ = sample_site
    page = (project.public / "san-pham" / SAMPLE / "index.html").read_text(encoding="utf-8")
    sheets = re.findall(r'<link rel="stylesheet" href="[^"]*/(ocop[^"/]*\.css)"', page)
    assert sheets == ["ocop.css", "ocop-print.css"]
    assert re.search(r'<div class="ocop-print-qr" hidden>\s*<img src="../../qr/', page)
    assert (project.public / "assets" / "stylesheets" / "ocop-print.css").is_file()


def test_printed_product_page_has_no_interface_weasyprint(sample_site: Site) -> None:
    """WeasyPrint lays the built page out for print media with the site's own stylesheets."""
    project, _ = sample_site
    page = project.public.resolve() / "san-pham" / SAMPLE / "index.html"
    text = weasyprint_text(filename=page)
    cat, _ = load_catalogue(project.root, TODAY)
    name = next(p for p in cat.published if p.id == SAMPLE).name.vi
    _print_checks(text, page.read_text(encoding="utf-8"), name, SAMPLE)


def test_printed_product_page_in_chromium_is_a_clean_a4_sheet(
    sample_site: Site, tmp_path: Path
) -> None:
    """The browser snapshot: Debian's Chromium prints the built page to PDF, as a buyer would."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Debian's chromium is not installed")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is needed to read the browser's PDF")
    project, _ = sample_site
    page = project.public.resolve() / "san-pham" / SAMPLE / "index.html"
    out = tmp_path / "printed.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert out.is_file() and out.stat().st_size > 0
    facts = pdf_facts(out)
    assert 1 <= facts["pages"] <= 2
    assert all(abs(w - A4_PT[0]) < 1 and abs(h - A4_PT[1]) < 1 for w, h in facts["sizes"])
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    cat, _ = load_catalogue(project.root, TODAY)
    name = next(p for p in cat.published if p.id == SAMPLE).name.vi
    _print_checks(text, page.read_text(encoding="utf-8"), name, SAMPLE)
