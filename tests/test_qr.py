"""QR codes: every generated symbol decodes to exactly the permanent URL."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import resvg_py
import segno
import zxingcpp
from PIL import Image

from generator.build import BuildResult, Project, read_settings
from generator.catalogue import load_catalogue
from generator.cli import main
from generator.permalinks import gtin14
from generator.qr import Code, catalogue_codes, make

from .conftest import TODAY

Site = tuple[Project, BuildResult]


def decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def rasterise(svg: Path) -> bytes:
    # resvg's default dpi of 0 makes millimetre sizes collapse; its output is transparent.
    return bytes(resvg_py.svg_to_bytes(svg_path=str(svg), background="#ffffff", dpi=300.0))


def same_url(decoded: str, code: Code) -> bool:
    """Scheme and host may be upper case (alphanumeric mode); the path is exact."""
    scheme_host, _, path = decoded.partition("://")[2].partition("/")
    return decoded.split("://")[0].lower() + "://" + scheme_host.lower() + "/" + path == code.url


def site_codes(project: Project) -> list[Code]:
    cat, _ = load_catalogue(project.root, TODAY)
    settings = read_settings(project.root)
    return [c for codes in catalogue_codes(cat, settings.site_url).values() for c in codes]


@pytest.mark.parametrize(
    ("gtin", "padded"),
    [
        ("95200001", "00000095200001"),
        ("952000000017", "00952000000017"),
        ("9520260000011", "09520260000011"),
        ("09520260000011", "09520260000011"),
    ],
)
def test_gtin_is_padded_to_14_digits(gtin: str, padded: str) -> None:
    assert gtin14(gtin) == padded


def test_every_png_and_svg_decodes_to_its_permanent_url(sample_site: Site) -> None:
    project, _ = sample_site
    codes = site_codes(project)
    assert len(codes) > len(load_catalogue(project.root, TODAY)[0].published)
    for code in codes:
        png = (project.public / f"{code.file_stem}.png").read_bytes()
        svg = project.public / f"{code.file_stem}.svg"
        for decoded in (decode(png), decode(rasterise(svg))):
            assert len(decoded) == 1, code
            assert decoded[0] == code.text and same_url(decoded[0], code), (decoded, code)


def test_upper_case_host_only_where_it_makes_the_symbol_smaller(sample_site: Site) -> None:
    project, _ = sample_site
    for code in site_codes(project):
        plain = segno.make(code.url, error="m", micro=False, boost_error=False)
        upper = segno.make(code.text, error="m", micro=False, boost_error=False)
        assert code.version == int(upper.version) <= int(plain.version)
        if code.text != code.url:
            assert code.text.startswith("HTTPS://") and code.version < int(plain.version)


def test_codes_use_error_correction_m_and_a_quiet_zone_of_4(sample_site: Site) -> None:
    project, _ = sample_site
    for code in site_codes(project):
        assert code.error == "m"
        _, qr = make(code.url, "m")
        assert qr.designator == f"{code.version}-M"
        assert code.modules == qr.symbol_size(border=4)[0] == qr.symbol_size(border=0)[0] + 8
        assert code.min_print_mm >= 20


def test_qr_page_shows_code_url_size_and_downloads(sample_site: Site) -> None:
    project, _ = sample_site
    cat, _ = load_catalogue(project.root, TODAY)
    product = next(p for p in cat.published if len(p.variants) > 1 and p.variants[0].gtin)
    page = (project.public / "san-pham" / product.id / "qr" / "index.html").read_text()
    product_page = (project.public / "san-pham" / product.id / "index.html").read_text()
    assert '<a href="qr/">Mã QR và bao bì</a>' in product_page
    assert f"https://ocop.krongno.example/p/{product.id}" in page
    for variant in product.variants:
        assert variant.gtin is not None
        assert f"https://ocop.krongno.example/01/{gtin14(variant.gtin)}" in page
        assert f'href="../../../qr/01/{gtin14(variant.gtin)}.svg" download' in page
    assert re.search(r"tối thiểu 20 mm kể cả lề trắng \(mỗi ô vuông 0,\d+ mm\)", page)
    en = (project.public / "en" / "san-pham" / product.id / "qr" / "index.html").read_text()
    assert "at least 20 mm including the quiet zone" in en


def test_print_sheet_holds_every_code_of_a_producer(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat, _ = load_catalogue(project.root, TODAY)
    producer = max(cat.producers, key=lambda pid: len(cat.products_of(pid)))
    out = tmp_path / "sheets"
    status = main(
        [
            "qr",
            "--sheet",
            "--producer",
            producer,
            "--out",
            str(out),
            "--root",
            str(project.root),
            "--today",
            TODAY.isoformat(),
        ]
    )
    assert status == 0
    sheets = sorted(out.glob("qr-sheet-*.svg"))
    assert [str(p) for p in sheets] == capsys.readouterr().out.split()
    svg = sheets[0].read_text()
    assert 'width="210mm" height="297mm"' in svg
    expected = {
        c.text
        for p in cat.products_of(producer)
        for c in catalogue_codes(cat, read_settings(project.root).site_url)[p.id]
    }
    decoded = {text for sheet in sheets for text in decode(rasterise(sheet))}
    assert decoded == expected
    for product in cat.products_of(producer):
        assert product.name.vi.split()[0] in svg
