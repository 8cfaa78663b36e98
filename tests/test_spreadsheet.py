"""`python -m generator export | import`: the editing spreadsheet and its way back into YAML."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from generator import cli
from generator.build import Project
from generator.catalogue import load_catalogue
from generator.schema import Product
from generator.spreadsheet import FIRST_DATA_ROW, PRODUCTS, TABLES
from tests.conftest import TODAY, copy_project

Cells = Mapping[str, Any]


def run(project: Project, *args: str) -> int:
    return cli.main([*args, "--root", str(project.root), "--today", TODAY.isoformat()])


def export(project: Project, name: str = "bang.xlsx") -> Path:
    out = project.root / name
    assert run(project, "export", "--out", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def sample_workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The sample catalogue's workbook, exported once: every test's project is the sample."""
    root = copy_project(tmp_path_factory.mktemp("sample"))
    return export(Project.at(root)).read_bytes()


@pytest.fixture
def exported(here: Project, sample_workbook: bytes) -> Path:
    path = here.root / "bang.xlsx"
    path.write_bytes(sample_workbook)
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("products", "producers")
        for p in sorted((root / folder).rglob("*.yaml"))
    }


def headers(ws: Any) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1]}


def row_of(ws: Any, key: str, nth: int = 0) -> int:
    """The row of the nth record whose first cell is `key`."""
    rows = [r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, 1).value == key]
    return int(rows[nth])


@contextmanager
def editing(path: Path) -> Iterator[Any]:
    """The workbook, saved back when the block ends (one load and one save per test)."""
    wb = load_workbook(path)
    yield wb
    wb.save(path)


def put(ws: Any, row: int | None, cells: Cells) -> None:
    """Cells by header on a row (None: a new row at the end)."""
    row = int(ws.max_row) + 1 if row is None else row
    columns = headers(ws)
    for header, value in cells.items():
        ws.cell(row, columns[header], value)


def workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """A small workbook typed from scratch: one header row, then the rows."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def here(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Run from the project folder, so that messages name the file as typed: bang.xlsx."""
    monkeypatch.chdir(project.root)
    return project


# --- export -----------------------------------------------------------------------------------


def test_export_writes_every_table_with_lists_and_text_cells(project: Project) -> None:
    path = export(project)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Hướng dẫn",
        "Sản phẩm",
        "Quy cách",
        "Chứng nhận OCOP",
        "Chủ thể",
        "Danh sách",
    ]
    assert wb["Danh sách"].sheet_state == "hidden"
    cat, _ = load_catalogue(project.root, TODAY)
    products = wb["Sản phẩm"]
    assert products.freeze_panes == "B3"
    assert [c.value for c in products[1]][:4] == [
        "Mã sản phẩm",
        "Tên sản phẩm (vi)",
        "Tên sản phẩm (en)",
        "Trạng thái",
    ]
    assert [c.value for c in products[2]][:3] == [
        "Product id",
        "Product name (vi)",
        "Product name (en)",
    ]
    assert products.max_row == 2 + len(cat.products)
    variants = wb["Quy cách"]
    assert variants.max_row == 2 + sum(len(p.variants) for p in cat.products)
    gtin = variants.cell(row_of(variants, "gao-buon-choah"), headers(variants)["Mã GTIN"])
    assert (gtin.value, gtin.number_format) == ("9520260000011", "@")
    certificates = wb["Chứng nhận OCOP"]
    assert certificates.max_row == 2 + sum(len(p.certifications) for p in cat.products)
    assert wb["Chủ thể"].max_row == 2 + len(cat.producers)
    stars = certificates.cell(1, headers(certificates)["Số sao"]).column_letter
    rules = {str(r.sqref): r.formula1 for r in certificates.data_validations.dataValidation}
    # As Excel writes it: a formula in the file has no leading "=".
    assert rules[f"{stars}3:{stars}5000"].startswith("'Danh sách'!$")


def test_export_csv_is_the_products_table_with_a_byte_order_mark(project: Project) -> None:
    path = export(project, "bang.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == [c.vi for c in PRODUCTS.columns]
    assert len(rows) == 1 + len(load_catalogue(project.root, TODAY)[0].products)


# --- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bang.xlsx", "bang.csv"])
def test_export_then_import_changes_nothing(
    project: Project, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project.root)
    path = export(project, name)
    capsys.readouterr()
    assert run(project, "import", str(path)) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 tệp tạo mới · 0 tệp cập nhật · ")
    assert snapshot(project.root) == before


# --- updates ----------------------------------------------------------------------------------


def test_one_cell_changes_one_line_and_keeps_comments_and_order(
    here: Project, exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with editing(exported) as wb:
        variants = wb["Quy cách"]
        put(variants, row_of(variants, "gao-buon-choah", 1), {"Giá bán lẻ (đồng)": 170000})
    yaml_path = here.root / "products/gao-buon-choah/product.yaml"
    before = yaml_path.read_text(encoding="utf-8").splitlines()
    assert run(here, "import", "bang.xlsx") == 0
    after = yaml_path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("    price_retail: 165000", "    price_retail: 170000")]
    assert after[0].startswith("# yaml-language-server: $schema=")
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "products/gao-buon-choah/product.yaml: cập nhật",
        "  variants[1].price_retail: 165000 → 170000",
    ]
    assert out[2].startswith("0 tệp tạo mới · 1 tệp cập nhật · ")


def product(root: Path, product_id: str) -> Product:
    return next(p for p in load_catalogue(root, TODAY)[0].products if p.id == product_id)


def test_empty_cell_keeps_the_value_and_a_dash_removes_it(here: Project, exported: Path) -> None:
    with editing(exported) as wb:
        products = wb["Sản phẩm"]
        cells = {"Nhãn hiệu": None, "Số tự công bố": "-", "Tên sản phẩm (en)": "-"}
        put(products, row_of(products, "gao-buon-choah"), cells)
    assert run(here, "import", "bang.xlsx") == 0
    rice = product(here.root, "gao-buon-choah")
    assert rice.brand == "Buôn Choáh Xanh"
    assert rice.self_declaration is None
    assert (rice.name.vi, rice.name.en) == ("Gạo Buôn Choáh", None)


def test_dry_run_lists_the_change_and_writes_nothing(
    here: Project, exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with editing(exported) as wb:
        producers = wb["Chủ thể"]
        put(producers, row_of(producers, "htx-buon-choah-xanh"), {"Người đại diện": "Y Phương"})
    before = snapshot(here.root)
    assert run(here, "import", "bang.xlsx", "--dry-run", "--lang", "en") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "producers/htx-buon-choah-xanh.yaml: updated"
    assert out[1].startswith('  representative: "') and out[1].endswith('" → "Y Phương"')
    assert out[2].startswith("0 created · 1 updated · ")
    assert out[2].endswith(" (dry run: nothing written)")
    assert snapshot(here.root) == before


def test_gtin_typed_as_a_number_survives(here: Project, exported: Path) -> None:
    with editing(exported) as wb:
        variants = wb["Quy cách"]
        # As Excel keeps them once the text format is lost: an integer, and a float.
        put(variants, row_of(variants, "gao-buon-choah", 0), {"Mã GTIN": 9520260000011})
        cells = {"Mã GTIN": 9520260000028.0, "Tên quy cách (en)": "Bag, 5 kg"}
        put(variants, row_of(variants, "gao-buon-choah", 1), cells)
    yaml_path = here.root / "products/gao-buon-choah/product.yaml"
    before = yaml_path.read_text(encoding="utf-8")
    assert run(here, "import", "bang.xlsx") == 0
    after = yaml_path.read_text(encoding="utf-8")
    assert 'gtin: "9520260000011"' in after and 'gtin: "9520260000028"' in after
    assert after == before.replace("en: 5 kg bag", "en: Bag, 5 kg")


def test_pack_sizes_and_certificates_are_matched_added_and_removed(
    here: Project, exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with editing(exported) as wb:
        variants, certificates = wb["Quy cách"], wb["Chứng nhận OCOP"]
        put(variants, row_of(variants, "gao-buon-choah", 2), {"Xóa (x)": "x"})
        new = {"Mã sản phẩm": "gao-buon-choah", "Tên quy cách (vi)": "Túi 1 kg"}
        put(variants, None, {**new, "Khối lượng tịnh": 1, "Đơn vị": "kg"})
        cells = {"Điểm": 65, "Ngày ký": "21/11/2020"}
        put(certificates, row_of(certificates, "gao-buon-choah", 0), cells)
    assert run(here, "import", "bang.xlsx") == 0
    assert capsys.readouterr().out.splitlines()[:5] == [
        "products/gao-buon-choah/product.yaml: cập nhật",
        '  variants[2]: xóa quy cách "Bao 10 kg"',
        '  variants[3]: thêm quy cách "Túi 1 kg"',
        "  certifications[0].date: 2020-11-20 → 2020-11-21",
        "  certifications[0].score: 63 → 65",
    ]
    rice = product(here.root, "gao-buon-choah")
    assert [v.name.vi for v in rice.variants] == ["Túi 2 kg", "Túi 5 kg", "Túi 1 kg"]
    assert (rice.variants[2].net_content, rice.variants[2].unit) == (1.0, "kg")
    assert [(c.decision, c.date, c.score) for c in rice.certifications] == [
        ("1552/QĐ-UBND", dt.date(2020, 11, 21), 65),
        ("812/QĐ-UBND", dt.date(2024, 5, 16), 76),
    ]


# --- new files --------------------------------------------------------------------------------


def test_new_product_and_producer_come_from_the_scaffold_template(here: Project) -> None:
    path = workbook(
        here.root / "moi.xlsx",
        {
            "Chủ thể": [
                [
                    "Mã chủ thể",
                    "Tên chủ thể (vi)",
                    "Loại hình",
                    "Xã cũ (trước 1/7/2025)",
                    "Điện thoại",
                ],
                ["htx-dau-den-dak-sor", "HTX Đậu đen Đắk Sôr", "cooperative", "dak-sor", 912345678],
            ],
            "Sản phẩm": [
                [
                    "Mã sản phẩm",
                    "Tên sản phẩm (vi)",
                    "Tên sản phẩm (en)",
                    "Mã chủ thể",
                    "Bộ sản phẩm OCOP",
                    "Xã cũ (trước 1/7/2025)",
                    "Từ khóa",
                    "Mô tả (vi)",
                ],
                [
                    "dau-den-dak-sor",
                    "Đậu đen Đắk Sôr",
                    "Đắk Sôr black beans",
                    "htx-dau-den-dak-sor",
                    "I.2b",
                    "dak-sor",
                    "đậu; Đắk Sôr",
                    "Hạt nhỏ.\n\nNấu chè ngon.",
                ],
            ],
            "Quy cách": [
                [
                    "Mã sản phẩm",
                    "Tên quy cách (vi)",
                    "Mã GTIN",
                    "Khối lượng tịnh",
                    "Đơn vị",
                    "Giá có hiệu lực đến",
                ],
                ["dau-den-dak-sor", "Túi 500 g", "09520260000998", 500, "g", "31/12/2027"],
            ],
            "Chứng nhận OCOP": [
                [
                    "Mã sản phẩm",
                    "Số sao",
                    "Số quyết định",
                    "Ngày ký",
                    "Cơ quan ban hành (vi)",
                    "Cấp công nhận",
                ],
                [
                    "dau-den-dak-sor",
                    3,
                    "77/QĐ-UBND",
                    dt.datetime(2025, 3, 4),
                    "UBND huyện Krông Nô",
                    "district",
                ],
            ],
        },
    )
    assert run(here, "import", path.name) == 0
    cat, _ = load_catalogue(here.root, TODAY)
    product = next(p for p in cat.products if p.id == "dau-den-dak-sor")
    assert product.status == "draft"
    assert (product.name.vi, product.name.en) == ("Đậu đen Đắk Sôr", "Đắk Sôr black beans")
    assert product.summary == product.name
    assert product.provenance.updated == TODAY
    assert product.tags == ["đậu", "Đắk Sôr"]
    assert product.description is not None and product.description.vi == "Hạt nhỏ.\n\nNấu chè ngon."
    assert [(v.gtin, v.net_content, v.price_valid_until) for v in product.variants] == [
        ("09520260000998", 500.0, dt.date(2027, 12, 31))
    ]
    assert [(c.stars, c.decision, c.date, c.level) for c in product.certifications] == [
        (3, "77/QĐ-UBND", dt.date(2025, 3, 4), "district")
    ]
    producer = cat.producers["htx-dau-den-dak-sor"]
    assert (producer.type, producer.phone) == ("cooperative", "0912345678")
    text = (here.root / "products/dau-den-dak-sor/product.yaml").read_text(encoding="utf-8")
    # The scaffold's documentation of every field, as `make new` writes it.
    assert "# nhãn hiệu / brand\n# brand:\n" in text
    assert text.startswith("# yaml-language-server: $schema=../../schemas/san-pham.schema.json\n")


def test_a_scaffolded_field_gets_its_value_where_it_is_commented_out(
    here: Project,
) -> None:
    args = ["--name", "Cà phê bột Nâm Nung", "--producer", "htx-ca-phe-nam-nung-do"]
    assert run(here, "new", *args, "--category", "I.6", "--commune", "nam-nung") == 0
    yaml_path = here.root / "products/ca-phe-bot-nam-nung/product.yaml"
    before = yaml_path.read_text(encoding="utf-8")
    path = workbook(
        here.root / "bang.xlsx",
        {
            "Sản phẩm": [
                ["Mã sản phẩm", "Nhãn hiệu", "Vĩ độ"],
                ["ca-phe-bot-nam-nung", "Nâm Nung Đỏ", 12.4],
            ]
        },
    )
    assert run(here, "import", path.name) == 0
    after = yaml_path.read_text(encoding="utf-8")
    assert after == before.replace("\n# brand:\n", "\nbrand: Nâm Nung Đỏ\n").replace(
        "\n  # latitude:\n", "\n  latitude: 12.4\n"
    )


# --- errors -----------------------------------------------------------------------------------


def test_bad_cells_are_reported_by_sheet_row_and_column(
    here: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workbook(
        here.root / "bang.xlsx",
        {
            "Sản phẩm": [
                ["Mã sản phẩm", "Trạng thái", "Ngày cập nhật", "Mã chủ thể"],
                ["gao-buon-choah", "activ", "31/02/2026", None],
                ["ca-phe-robusta-nam-nung", None, None, "htx-khong-co"],
                ["gao-buon-choah", "active", None, None],
            ],
            "Chứng nhận OCOP": [
                ["Mã sản phẩm", "Số sao", "Số quyết định"],
                ["gao-buon-choah", 6, "812/QĐ-UBND"],
            ],
            "Quy cách": [
                ["Mã sản phẩm", "Mã GTIN", "Mã hàng (SKU)"],
                ["gao-buon-choah", "9520260000012", dt.datetime(2027, 1, 2)],
                ["khong-co", None, "X-1"],
            ],
        },
    )
    before = snapshot(here.root)
    capsys.readouterr()
    assert run(here, "import", path.name) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        'bang.xlsx, trang "Sản phẩm", dòng 2, cột B (Trạng thái): cần một trong: active, '
        'expired, withdrawn, candidate, draft, nhưng gặp "activ" — có phải "active"?',
        'bang.xlsx, trang "Sản phẩm", dòng 2, cột C (Ngày cập nhật): ngày "31/02/2026" không có '
        "trên lịch",
        'bang.xlsx, trang "Sản phẩm", dòng 3, cột D (Mã chủ thể): "htx-khong-co" không có trong '
        "danh sách; các giá trị hợp lệ: co-so-ruou-can-tan-thanh, co-so-tho-cam-nam-ndir, "
        "cong-ty-du-lich-nui-lua-krong-no, cong-ty-mac-ca-dak-dro-sang, "
        "hkd-mat-ong-hoa-rung-dak-nang, hkd-vuon-lan-dak-mam, htx-buon-choah-xanh, "
        "htx-ca-phe-nam-nung-do, htx-duoc-lieu-nam-xuan, htx-ho-tieu-quang-phu, "
        "htx-trai-cay-duc-xuyen, to-hop-tac-bo-dak-sor",
        'bang.xlsx, trang "Sản phẩm", dòng 4, cột A (Mã sản phẩm): mã "gao-buon-choah" đã có ở '
        "dòng 2; mỗi mã chỉ một dòng",
        'bang.xlsx, trang "Chứng nhận OCOP", dòng 2, cột B (Số sao): cần một số từ 3 đến 5, '
        "nhưng gặp 6",
        'bang.xlsx, trang "Quy cách", dòng 2, cột B (Mã GTIN): mã GTIN 9520260000012 sai số kiểm '
        "tra: chữ số cuối phải là 1, nhưng là 2",
        'bang.xlsx, trang "Quy cách", dòng 2, cột C (Mã hàng (SKU)): Excel đã đổi ô này thành '
        "ngày 2027-01-02; hãy định dạng cột là Văn bản (Text) và gõ lại",
        'bang.xlsx, trang "Quy cách", dòng 3, cột A (Mã sản phẩm): không có sản phẩm "khong-co" '
        "(không có tệp products/khong-co/product.yaml, cũng không có ở trang Sản phẩm)",
        "0 tệp tạo mới · 0 tệp cập nhật · 0 tệp không đổi · 8 lỗi · " + err[-1].split(" · ")[-1],
    ]
    assert err[-1].endswith(" giây (chưa ghi tệp nào)")
    assert snapshot(here.root) == before


def test_english_messages(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(
        here.root / "bang.xlsx",
        {"Quy cách": [["Mã sản phẩm", "Mã GTIN"], ["gao-buon-choah", "123"]]},
    )
    assert run(here, "import", path.name, "--lang", "en") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        'bang.xlsx, sheet "Quy cách", row 2, column B (GTIN): expected a GTIN of 8, 12, 13 or 14 '
        'digits, got "123"'
    )


def test_a_decision_has_one_date(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    # 1021/QĐ-UBND recognised two products on 2024-04-25: one row cannot date it otherwise.
    path = workbook(
        here.root / "bang.xlsx",
        {
            "Chứng nhận OCOP": [
                ["Mã sản phẩm", "Số quyết định", "Ngày ký"],
                ["gui-may-tre-dan", "1021/QĐ-UBND", "2024-04-26"],
            ]
        },
    )
    assert run(here, "import", path.name) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        'bang.xlsx, trang "Chứng nhận OCOP", dòng 2, cột C (Ngày ký): quyết định 1021/QĐ-UBND '
        "(UBND huyện Krông Nô, năm 2024) đã có ngày ký 2024-04-25 ở "
        "products/khan-tho-cam-mnong/product.yaml; ở đây là 2024-04-26"
    )


def test_a_result_that_fails_the_check_is_not_written(
    here: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    # A 3-star certificate with 95 points: each cell is valid, the product is not.
    path = workbook(
        here.root / "bang.xlsx",
        {
            "Chứng nhận OCOP": [
                ["Mã sản phẩm", "Số quyết định", "Điểm"],
                ["bo-sap-dak-sor", "3412/QĐ-UBND", 95],
            ]
        },
    )
    before = snapshot(here.root)
    assert run(here, "import", path.name) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == ("Kết quả nhập sẽ không qua được kiểm tra (make check); chưa ghi tệp nào:")
    assert err[1].startswith("products/bo-sap-dak-sor/product.yaml:")
    assert err[1].endswith(
        "certifications[0].score: 95 điểm không khớp hạng 3 sao (cần 50–69 điểm)"
    )
    assert snapshot(here.root) == before


def test_csv_with_semicolons_updates_a_product(here: Project) -> None:
    # Excel with Vietnamese regional settings saves "CSV" with semicolons.
    (here.root / "bang.csv").write_text(
        "\ufeffMã sản phẩm;Nhãn hiệu;Ngày cập nhật\ngao-buon-choah;Gạo Xanh;15/03/2026\n",
        encoding="utf-8",
    )
    assert run(here, "import", "bang.csv") == 0
    rice = product(here.root, "gao-buon-choah")
    assert (rice.brand, rice.provenance.updated) == ("Gạo Xanh", dt.date(2026, 3, 15))


def test_every_table_has_distinct_headers() -> None:
    for table in TABLES:
        for lang in ("vi", "en"):
            names = [c.vi if lang == "vi" else c.en for c in table.columns]
            assert len(names) == len(set(names)), (table.name, lang)


def test_one_gtin_per_pack_size(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(
        here.root / "bang.xlsx",
        {
            "Quy cách": [
                ["Mã sản phẩm", "Tên quy cách (vi)", "Mã GTIN"],
                ["gao-buon-choah", "Túi 2 kg", "9520260000011"],
                ["gao-lut-buon-choah", "Túi 1 kg", 9520260000011],
            ]
        },
    )
    assert run(here, "import", path.name) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        'bang.xlsx, trang "Quy cách", dòng 3, cột C (Mã GTIN): mã GTIN 9520260000011 đã có ở '
        "dòng 2; mỗi quy cách cần một mã riêng"
    )
