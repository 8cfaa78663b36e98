"""`python -m generator export | import`: the catalogue as an editing spreadsheet for officials.

The provincial OCOP council keeps its lists in Excel. `export` writes the current products,
producers, pack sizes and certificates into one workbook (or the products table alone as CSV);
`import` reads such a file back and creates or updates `products/<id>/product.yaml` and
`producers/<id>.yaml` (generator/spreadsheet_import.py).

This module describes the tables: one column per field of generator/schema.py (a bilingual text
takes two, "… (vi)" and "… (en)"), with the schema's own converter, so that a cell is checked
exactly as the same value in a YAML file is. Lists of objects other than pack sizes and
certificates (photos, where to buy, other certifications, sources) and former ids have no column:
they are edited in the YAML files only. See docs/spreadsheet.md.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import dataclasses
import datetime as dt
import io
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import (  # type: ignore[import-untyped]
    DataValidation,
)

from .catalogue import Catalogue, load_catalogue
from .errors import ContentErrors, Lang
from .exports import DATE_FORMAT, TEXT_FORMAT, CellValue, column_widths, csv_value
from .fields import Bool, Choice, Date, Decimal, Gtin, I18n, Int, ListOf, Model, Money, Phone, Str
from .fields import Text as TextConv
from .schema import Certification, Producer, Product, Variant

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
DEFAULT_OUT = "bang-san-pham.xlsx"
"""Under build/: `make export` leaves the workbook next to the other generated files."""

FIRST_DATA_ROW = 3
"""Row 1: Vietnamese headers; row 2: English headers; data from row 3."""
VALIDATED_ROWS = 5000
"""Drop-down lists and text formats reach this row, so that rows added by hand have them too."""

YES, NO = "có", "không"
DELETE_MARKS = frozenset({"-", "–", "—"})
"""A cell holding only a dash removes the value from the file (an empty cell leaves it)."""

# --- columns --------------------------------------------------------------------------------------

HEADERS: dict[tuple[str, str], tuple[str, str]] = {
    ("Product", "id"): ("Mã sản phẩm", "Product id"),
    ("Product", "name"): ("Tên sản phẩm", "Product name"),
    ("Product", "producer"): ("Mã chủ thể", "Producer id"),
    ("Product", "ocop_category"): ("Bộ sản phẩm OCOP", "OCOP product set"),
    ("Product", "summary"): ("Tóm tắt", "Summary"),
    ("Product", "status"): ("Trạng thái", "Status"),
    ("Product", "brand"): ("Nhãn hiệu", "Brand"),
    ("Product", "featured"): ("Hiện ở trang chủ", "On the home page"),
    ("Product", "description"): ("Mô tả", "Description"),
    ("Product", "story"): ("Câu chuyện sản phẩm", "Product story"),
    ("Product", "usage"): ("Hướng dẫn sử dụng", "How to use"),
    ("Product", "self_declaration"): ("Số tự công bố", "Self-declaration number"),
    ("Product", "tags"): ("Từ khóa", "Tags"),
    ("Place", "commune_old"): ("Xã cũ (trước 1/7/2025)", "Old commune (before 1 July 2025)"),
    ("Place", "commune_new"): ("Xã mới (từ 1/7/2025)", "New commune (from 1 July 2025)"),
    ("Place", "raw_material_area"): ("Vùng nguyên liệu", "Raw material area"),
    ("Place", "latitude"): ("Vĩ độ", "Latitude"),
    ("Place", "longitude"): ("Kinh độ", "Longitude"),
    ("Provenance", "updated"): ("Ngày cập nhật", "Last updated"),
    ("Provenance", "evidence"): ("Căn cứ", "Evidence"),
    ("Food", "ingredients"): ("Thành phần", "Ingredients"),
    ("Food", "allergens"): ("Chất gây dị ứng", "Allergens"),
    ("Food", "may_contain"): ("Có thể chứa", "May contain"),
    ("Food", "shelf_life"): ("Hạn sử dụng", "Shelf life"),
    ("Food", "after_opening"): ("Sau khi mở bao bì", "After opening"),
    ("Food", "storage"): ("Bảo quản", "Storage"),
    ("Food", "origin"): ("Xuất xứ", "Origin"),
    ("Trade", "min_order"): ("Đơn hàng tối thiểu", "Minimum order"),
    ("Trade", "lead_time"): ("Thời gian giao hàng", "Lead time"),
    ("Trade", "monthly_capacity"): ("Năng lực cung ứng mỗi tháng", "Monthly capacity"),
    ("Trade", "seasonality"): ("Mùa vụ", "Seasonality"),
    ("Trade", "delivery_area"): ("Khu vực giao hàng", "Delivery area"),
    ("Trade", "collective_mark"): ("Nhãn hiệu tập thể / CDĐL", "Collective mark / GI"),
    ("Variant", "name"): ("Tên quy cách", "Pack size name"),
    ("Variant", "sku"): ("Mã hàng (SKU)", "SKU"),
    ("Variant", "gtin"): ("Mã GTIN", "GTIN"),
    ("Variant", "net_content"): ("Khối lượng tịnh", "Net content"),
    ("Variant", "unit"): ("Đơn vị", "Unit"),
    ("Variant", "packaging"): ("Bao bì", "Packaging"),
    ("Variant", "case_pack"): ("Số đơn vị mỗi thùng", "Units per case"),
    ("Variant", "case_dimensions"): ("Kích thước thùng", "Case dimensions"),
    ("Variant", "case_weight_kg"): ("Khối lượng thùng (kg)", "Case weight (kg)"),
    ("Variant", "price_retail"): ("Giá bán lẻ (đồng)", "Retail price (VND)"),
    ("Variant", "price_wholesale"): ("Giá bán sỉ (đồng)", "Wholesale price (VND)"),
    ("Variant", "price_valid_until"): ("Giá có hiệu lực đến", "Prices valid until"),
    ("Certification", "stars"): ("Số sao", "Stars"),
    ("Certification", "decision"): ("Số quyết định", "Decision number"),
    ("Certification", "date"): ("Ngày ký", "Decision date"),
    ("Certification", "issuer"): ("Cơ quan ban hành", "Issued by"),
    ("Certification", "level"): ("Cấp công nhận", "Level"),
    ("Certification", "criteria"): ("Bộ tiêu chí", "Rating rules"),
    ("Certification", "valid_until"): ("Hiệu lực đến", "Valid until"),
    ("Certification", "score"): ("Điểm", "Score"),
    ("Certification", "document_url"): (
        "Văn bản quyết định (đường dẫn)",
        "Decision document (link)",
    ),
    ("Producer", "id"): ("Mã chủ thể", "Producer id"),
    ("Producer", "name"): ("Tên chủ thể", "Producer name"),
    ("Producer", "type"): ("Loại hình", "Type"),
    ("Producer", "commune_old"): ("Xã cũ (trước 1/7/2025)", "Old commune (before 1 July 2025)"),
    ("Producer", "address_old"): ("Địa chỉ cũ", "Old address"),
    ("Producer", "address_new"): ("Địa chỉ hiện nay", "Current address"),
    ("Producer", "representative"): ("Người đại diện", "Representative"),
    ("Producer", "registration_number"): ("Mã số thuế / ĐKKD", "Tax / registration number"),
    ("Producer", "phone"): ("Điện thoại", "Phone"),
    ("Producer", "zalo"): ("Zalo", "Zalo"),
    ("Producer", "email"): ("Email", "Email"),
    ("Producer", "website"): ("Trang web", "Website"),
    ("Producer", "established"): ("Ngày thành lập", "Established"),
    ("Producer", "about"): ("Giới thiệu", "About"),
}
"""Short headers; the schema's full description goes into the header cell's comment. A field
added to the schema without an entry here gets its description as its header."""

PRODUCT_REF = ("Mã sản phẩm", "Product id")
DELETE_HEADER = ("Xóa (x)", "Delete (x)")

SKIPPED = frozenset({"photos", "where_to_buy", "other_certifications", "former_ids", "sources"})
"""Fields edited in the YAML files only."""
ITEM_LISTS = frozenset({"variants", "certifications"})
"""Fields that have a sheet of their own, one row per item."""

LIST_SEPARATOR = ";"
"""Between the tags of the tags cell."""


@dataclass(frozen=True)
class Column:
    """One column of a table: a field (or one language of a bilingual field) of a record."""

    path: tuple[str, ...]
    """Keys from the record (product, pack size, certificate, producer) to the field."""
    lang: Lang | None
    """For a bilingual text: which language this column holds."""
    conv: Any
    """Converter of one cell: the schema's, or the text converter inside a bilingual one."""
    classes: tuple[type[Any], ...]
    """The model of each mapping along `path` (the record's first): gives the fields' order."""
    vi: str
    en: str
    describe_vi: str = ""
    describe_en: str = ""
    required: bool = False
    default: Any = None
    kind: str = "text"
    """text, multiline, choice, int, money, decimal, date, bool, gtin, phone, list, ref, delete."""
    choices: str | None = None
    """Name of the drop-down list (LISTS) of the cell."""

    @property
    def key(self) -> str:
        """The field as messages name it: `name.en`, `place.commune_old`."""
        return ".".join((*self.path, self.lang) if self.lang else self.path)


def _kind(conv: Any) -> str:
    if isinstance(conv, TextConv):
        return "multiline" if conv.multiline else "text"
    if isinstance(conv, Choice):
        return "choice"
    if conv is Money:
        return "money"
    for cls, kind in ((Int, "int"), (Decimal, "decimal"), (Date, "date"), (Bool, "bool")):
        if isinstance(conv, cls):
            return kind
    if isinstance(conv, Gtin):
        return "gtin"
    if isinstance(conv, Phone):
        return "phone"
    if isinstance(conv, ListOf):
        return "list"
    return "text"


CHOICES_BY_FIELD: dict[tuple[str, str], str] = {
    ("Product", "ocop_category"): "categories",
    ("Product", "producer"): "producers",
    ("Product", "featured"): "yes_no",
    ("Place", "commune_old"): "communes_old",
    ("Place", "commune_new"): "communes_new",
    ("Producer", "commune_old"): "communes_old",
    ("Certification", "stars"): "stars",
}


def _field_columns(
    cls: type[Any], prefix: tuple[str, ...] = (), classes: tuple[type[Any], ...] = ()
) -> list[Column]:
    """Every field of `cls` that has a cell, nested models flattened, in the schema's order."""
    classes = (*classes, cls)
    out: list[Column] = []
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if "conv" not in meta or f.name in SKIPPED or f.name in ITEM_LISTS:
            continue
        conv = meta["conv"]
        if isinstance(conv, Model):
            out += _field_columns(conv.cls, (*prefix, f.name), classes)
            continue
        vi, en = HEADERS.get((cls.__name__, f.name), (meta["vi"], meta["en"]))
        default = f.default if f.default is not dataclasses.MISSING else None
        kind = _kind(conv)
        choices = CHOICES_BY_FIELD.get((cls.__name__, f.name))
        if isinstance(conv, Choice):
            choices = f"{cls.__name__}.{f.name}"
        common: dict[str, Any] = {
            "path": (*prefix, f.name),
            "classes": classes,
            "describe_vi": meta["vi"],
            "describe_en": meta["en"],
            "required": meta["required"],
            "default": default,
            "kind": kind,
            "choices": choices,
        }
        if isinstance(conv, TextConv):
            part = Str(max_len=conv.max_len, multiline=conv.multiline)
            # Only the Vietnamese text can be required: English is always optional.
            for lang in ("vi", "en"):
                out.append(
                    Column(
                        **{**common, "required": common["required"] and lang == "vi"},
                        lang=lang,
                        conv=part,
                        vi=f"{vi} ({lang})",
                        en=f"{en} ({lang})",
                    )
                )
        else:
            item = conv.item if isinstance(conv, ListOf) else conv
            out.append(Column(**common, lang=None, conv=item, vi=vi, en=en))
    return out


@dataclass(frozen=True)
class Table:
    name: str
    """products, variants, certifications, producers."""
    sheet_vi: str
    sheet_en: str
    columns: tuple[Column, ...]
    record: type[Any]
    """The model of one row (Product, Variant, Certification, Producer)."""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


_ID = next(f.metadata["conv"] for f in dataclasses.fields(Product) if f.name == "id")


def _extra_column(
    key: str, header: tuple[str, str], describe: tuple[str, str], kind: str, conv: Any
) -> Column:
    """A column that is no field of the record: the product of a row, the delete mark."""
    return Column(
        path=(key,),
        lang=None,
        conv=conv,
        classes=(Product,),
        vi=header[0],
        en=header[1],
        describe_vi=describe[0],
        describe_en=describe[1],
        required=kind == "ref",
        kind=kind,
        choices="products" if kind == "ref" else "delete",
    )


PRODUCT_REF_COLUMN = _extra_column(
    "product",
    PRODUCT_REF,
    (
        "mã sản phẩm (trang Sản phẩm, tệp products/<mã>/product.yaml)",
        "product id (sheet Products, file products/<id>/product.yaml)",
    ),
    "ref",
    _ID,
)


def _delete_column(what_vi: str, what_en: str) -> Column:
    describe = (
        f"ghi x để xóa {what_vi} này khỏi sản phẩm; xóa dòng khỏi bảng không xóa gì",
        f"write x to remove this {what_en} from the product; deleting the row removes nothing",
    )
    return _extra_column("delete", DELETE_HEADER, describe, "delete", None)


def _product_columns() -> tuple[Column, ...]:
    columns = _field_columns(Product)
    # The status next to the name; long Markdown texts last, so that the rest of a row stays
    # readable on one screen.
    first = ("id", "name", "status")
    return tuple(
        sorted(
            columns,
            key=lambda c: (
                first.index(c.path[0]) if c.path[0] in first else len(first),
                c.kind == "multiline" and c.path[0] != "food",
            ),
        )
    )


PRODUCTS = Table("products", "Sản phẩm", "Products", _product_columns(), Product)
VARIANTS = Table(
    "variants",
    "Quy cách",
    "Pack sizes",
    (
        PRODUCT_REF_COLUMN,
        *_field_columns(Variant, classes=()),
        _delete_column("quy cách", "pack size"),
    ),
    Variant,
)
CERTIFICATIONS = Table(
    "certifications",
    "Chứng nhận OCOP",
    "OCOP certificates",
    (
        PRODUCT_REF_COLUMN,
        *_field_columns(Certification),
        _delete_column("lần công nhận", "certificate"),
    ),
    Certification,
)
PRODUCERS = Table("producers", "Chủ thể", "Producers", tuple(_field_columns(Producer)), Producer)
TABLES = (PRODUCTS, VARIANTS, CERTIFICATIONS, PRODUCERS)
INSTRUCTIONS_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh sách"

# --- cell values of the current catalogue -------------------------------------------------------


def cell_value(column: Column, record: Any) -> CellValue:
    """The value a record's field takes in its cell (None: an empty cell)."""
    value = record
    for key in column.path:
        value = getattr(value, key, None)
        if value is None:
            return None
    if isinstance(value, I18n):
        return value.vi if column.lang == "vi" else value.en
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(value) if value else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value  # type: ignore[no-any-return]


def table_rows(table: Table, cat: Catalogue) -> list[list[CellValue]]:
    if table is PRODUCTS:
        return [[cell_value(c, p) for c in table.columns] for p in cat.products]
    if table is PRODUCERS:
        return [
            [cell_value(c, cat.producers[pid]) for c in table.columns]
            for pid in sorted(cat.producers)
        ]
    rows = []
    for product in cat.products:
        items = product.variants if table is VARIANTS else product.certifications
        for item in items:
            rows.append(
                [
                    product.id
                    if c.kind == "ref"
                    else None
                    if c.kind == "delete"
                    else cell_value(c, item)
                    for c in table.columns
                ]
            )
    return rows


def choice_lists(cat: Catalogue) -> dict[str, list[CellValue]]:
    """The drop-down lists (the hidden list sheet), by name."""
    lists: dict[str, list[CellValue]] = {
        "categories": list(cat.taxonomy.sets),
        "communes_old": list(cat.region.old),
        "communes_new": list(cat.region.new),
        "stars": [3, 4, 5],
        "yes_no": [YES, NO],
        "delete": ["x"],
    }
    for table in TABLES:
        for column in table.columns:
            if column.choices and isinstance(column.conv, Choice):
                lists[column.choices] = list(column.conv.values)
    return lists


# --- the workbook -------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDEBDD")
NUMBER_FORMATS = {"date": DATE_FORMAT, "money": "#,##0", "int": "0", "decimal": "General"}
MULTILINE_WIDTH = 50


def instructions(cat: Catalogue, today: dt.date) -> list[str]:
    """The first sheet: how to edit and import the workbook (Vietnamese, then English)."""
    area = cat.region.area
    return [
        f"BẢNG NHẬP LIỆU SẢN PHẨM OCOP – {area.vi.upper()} (xuất ngày {today.isoformat()})",
        "",
        "Cách dùng",
        "1. Sửa các ô trong các trang Sản phẩm, Quy cách, Chứng nhận OCOP, Chủ thể rồi lưu tệp"
        " (giữ định dạng .xlsx).",
        "2. Chạy thử: make import FILE=<tệp> IMPORT_ARGS=--dry-run — xem danh sách thay đổi, chưa"
        " ghi gì.",
        "3. Nhập thật: make import FILE=<tệp>, rồi make check. Còn lỗi thì không tệp nào bị ghi.",
        "",
        "Quy tắc",
        "• Dòng 1 là tên cột tiếng Việt, dòng 2 tiếng Anh; không đổi tên cột. Có thể xóa cột không"
        " cần: dữ liệu của cột đó trong tệp được giữ nguyên.",
        "• Ô để trống: giữ nguyên giá trị đang có trong tệp. Muốn xóa một giá trị, ghi một dấu"
        " gạch ngang: -",
        "• Mã sản phẩm và mã chủ thể không bao giờ đổi (đường dẫn và mã QR dựa vào mã).",
        "• Sản phẩm mới: thêm một dòng với mã mới (chữ thường không dấu, nối bằng gạch ngang)."
        " Trạng thái để trống thì sản phẩm mới là draft (nháp, chưa xuất bản).",
        "• Quy cách và chứng nhận: mỗi dòng một mục, nhận ra theo mã GTIN, SKU hoặc tên (quy"
        " cách), theo số quyết định (chứng nhận). Dòng mới là mục mới. Xóa dòng khỏi bảng không"
        " xóa gì; muốn xóa một mục, ghi x ở cột Xóa (x).",
        "• Ngày ghi 2024-03-15 hoặc 15/03/2024. Mã GTIN, số điện thoại, mã số thuế là văn bản:"
        " đừng để Excel đổi thành số.",
        "• Nhiều từ khóa cách nhau bằng dấu chấm phẩy (;). Hiện ở trang chủ: có / không.",
        "• Ảnh, nơi bán, chứng nhận khác, nguồn thông tin và mã cũ chỉ sửa trong tệp YAML.",
        "",
        f"OCOP PRODUCT SPREADSHEET – {(area.en or area.vi).upper()} (exported {today.isoformat()})",
        "",
        "How to use",
        "1. Edit the cells of the sheets Products, Pack sizes, OCOP certificates and Producers,"
        " then save (keep the .xlsx format).",
        "2. Try it: make import FILE=<file> IMPORT_ARGS=--dry-run lists the changes, writes"
        " nothing.",
        "3. Import: make import FILE=<file>, then make check. With any error no file is written.",
        "",
        "Rules",
        "• Row 1 holds the Vietnamese headers, row 2 the English ones; do not rename them. Columns"
        " may be deleted: the files keep what those columns held.",
        "• An empty cell keeps the value the file has. To remove a value, write a single dash: -",
        "• Product and producer ids never change (addresses and QR codes rely on them).",
        "• New product: add a row with a new id (lower-case ASCII, hyphens). With an empty status"
        " it is created as a draft (not published).",
        "• Pack sizes and certificates: one row each, recognised by GTIN, SKU or name (pack"
        " sizes) and by decision number (certificates). A new row adds one. Deleting a row"
        " removes nothing: write x in the Delete (x) column to remove an item.",
        "• Dates as 2024-03-15 or 15/03/2024. GTINs, phone and tax numbers are text: do not let"
        " Excel turn them into numbers.",
        "• Several tags are separated by semicolons (;). On the home page: có (yes) / không (no).",
        "• Photos, where to buy, other certifications, sources and former ids are edited in the"
        " YAML files only.",
    ]


def list_formulas(lists: dict[str, list[CellValue]]) -> dict[str, str]:
    """Each drop-down list's range: a column of the hidden list sheet, or the id column of the
    products or producers sheet (ids typed there count too: a new producer can be chosen for a
    new product)."""
    formulas = {
        name: f"'{LISTS_SHEET}'!${get_column_letter(i)}$2:${get_column_letter(i)}${len(values) + 1}"
        for i, (name, values) in enumerate(lists.items(), start=1)
    }
    for table in (PRODUCTS, PRODUCERS):
        formulas[table.name] = f"'{table.sheet_vi}'!$A${FIRST_DATA_ROW}:$A${VALIDATED_ROWS}"
    return formulas


def _list_sheet(wb: Any, lists: dict[str, list[CellValue]]) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    for i, (name, values) in enumerate(lists.items(), start=1):
        ws.cell(1, i, name)
        for r, value in enumerate(values, start=2):
            ws.cell(r, i, value)


def _data_sheet(wb: Any, table: Table, rows: list[list[CellValue]], lists: dict[str, str]) -> None:
    ws = wb.create_sheet(table.sheet_vi)
    bold, note = Font(bold=True), Font(italic=True, color="666666")
    ws.append([c.vi for c in table.columns])
    ws.append([c.en for c in table.columns])
    for i, column in enumerate(table.columns, start=1):
        top, below = ws.cell(1, i), ws.cell(2, i)
        top.font, top.fill, below.font = bold, HEADER_FILL, note
        top.alignment = below.alignment = Alignment(vertical="top", wrap_text=True)
        if column.describe_vi:
            comment = Comment(f"{column.describe_vi}\n— {column.describe_en}", "generator")
            comment.width, comment.height = 320, 110
            top.comment = comment
    text_like = {"text", "multiline", "choice", "gtin", "phone", "list", "ref", "delete", "bool"}
    formats = [
        TEXT_FORMAT if c.kind in text_like else NUMBER_FORMATS.get(c.kind, "General")
        for c in table.columns
    ]
    wrap = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        ws.append(row)
        for i, value in enumerate(row):
            cell = ws.cell(ws.max_row, i + 1)
            cell.number_format = formats[i]
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if table.columns[i].kind == "multiline":
                cell.alignment = wrap
    widths = column_widths([c.vi for c in table.columns], rows)
    for i, column in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        dim = ws.column_dimensions[letter]
        dim.width = MULTILINE_WIDTH if column.kind == "multiline" else widths[i - 1]
        # Cells typed later take the column's format: a GTIN typed there stays text.
        dim.number_format = formats[i - 1]
        if column.choices and column.choices in lists:
            rule = DataValidation(
                type="list",
                formula1=lists[column.choices],
                allow_blank=True,
                showErrorMessage=True,
                # A warning, not a stop: "-" (remove the value) must stay possible.
                errorStyle="warning",
                error="Giá trị không có trong danh sách / not in the list",
            )
            rule.add(f"{letter}{FIRST_DATA_ROW}:{letter}{VALIDATED_ROWS}")
            ws.add_data_validation(rule)
    ws.freeze_panes = f"B{FIRST_DATA_ROW}"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(table.columns))}{max(ws.max_row, 2)}"


def workbook_bytes(cat: Catalogue, today: dt.date) -> bytes:
    """Instructions, the four tables, then the hidden sheet of drop-down values."""
    wb = Workbook()
    guide = wb.active
    guide.title = INSTRUCTIONS_SHEET
    guide.column_dimensions["A"].width = 120
    for line in instructions(cat, today):
        guide.append([line])
        cell = guide.cell(guide.max_row, 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line and line[0] not in "•0123456789":
            cell.font = Font(bold=True)
        # Spreadsheets do not grow a row for wrapped text they did not lay out themselves.
        guide.row_dimensions[guide.max_row].height = 15 * (len(line) // 110 + 1)
    lists = choice_lists(cat)
    formulas = list_formulas(lists)
    for table in TABLES:
        _data_sheet(wb, table, table_rows(table, cat), formulas)
    _list_sheet(wb, lists)
    props = wb.properties
    props.creator = props.lastModifiedBy = "generator.spreadsheet"
    props.title = "Bảng nhập liệu sản phẩm OCOP / OCOP product spreadsheet"
    props.language = "vi-VN"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_chunks(cat: Catalogue) -> Iterator[bytes]:
    """The products table as CSV: UTF-8 with a byte order mark (Excel then reads Vietnamese
    right), the Vietnamese headers on the first line, one product a line."""
    yield codecs.BOM_UTF8
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([c.vi for c in PRODUCTS.columns])
    for row in table_rows(PRODUCTS, cat):
        writer.writerow([csv_value(v) for v in row])
    yield buffer.getvalue().encode("utf-8")


# --- commands -------------------------------------------------------------------------------------


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"FILE.xlsx (every table) or FILE.csv (products only); default build/{DEFAULT_OUT}",
    )


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="FILE.xlsx or FILE.csv")
    parser.add_argument("--dry-run", action="store_true", help="list the changes, write nothing")


def _print_problems(problems: Sequence[Any], lang: Lang) -> None:
    for problem in problems:
        print(problem.format(lang), file=sys.stderr)


def export_command(root: Path, build_dir: Path, args: argparse.Namespace) -> int:
    """`python -m generator export`: the editing workbook (or CSV) of the current catalogue."""
    lang: Lang = args.lang
    out: Path = args.out or build_dir / DEFAULT_OUT
    if out.suffix.lower() not in (".xlsx", ".csv"):
        print(
            f"tệp phải có đuôi .xlsx hoặc .csv: {out} / the file must end in .xlsx or .csv",
            file=sys.stderr,
        )
        return EXIT_USAGE
    today = args.today or dt.date.today()
    try:
        cat, diag = load_catalogue(root, today)
    except ContentErrors as failure:
        _print_problems(failure.problems, lang)
        return EXIT_CONTENT
    _print_problems(diag.warnings, lang)
    data = b"".join(csv_chunks(cat)) if out.suffix.lower() == ".csv" else workbook_bytes(cat, today)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    counts = {t.name: len(table_rows(t, cat)) for t in TABLES}
    if lang == "vi":
        print(
            f"Đã ghi {out}: {counts['products']} sản phẩm, {counts['variants']} quy cách, "
            f"{counts['certifications']} chứng nhận, {counts['producers']} chủ thể"
            + (" (CSV: chỉ bảng sản phẩm)" if out.suffix.lower() == ".csv" else "")
        )
    else:
        print(
            f"Wrote {out}: {counts['products']} products, {counts['variants']} pack sizes, "
            f"{counts['certifications']} certificates, {counts['producers']} producers"
            + (" (CSV: the products table only)" if out.suffix.lower() == ".csv" else "")
        )
    return EXIT_OK


def import_command(root: Path, args: argparse.Namespace) -> int:
    """`python -m generator import FILE`: see generator/spreadsheet_import.py."""
    from .spreadsheet_import import run_import

    return run_import(root, args.file, lang=args.lang, dry_run=args.dry_run, today=args.today)
