"""Reading an editing spreadsheet: sheets, headers, and every cell converted by the schema.

`python -m generator import` (generator/spreadsheet_import.py) reads the file here: an XLSX
workbook (openpyxl, the values Excel last computed) or a CSV file (UTF-8, "," or ";"), finds
each table by its headers (generator/spreadsheet.py), and turns each cell into the text a YAML
file would hold, then into its typed value with the schema's converter. What Excel does to
cells is undone where it can be: a GTIN or phone number typed as a number gets its text back
(and its leading zero), a real date is a date, "15/03/2024" is 2024-03-15; where it cannot (a
tax number turned into a date), the cell is an error that says how to fix it.

Problems are located as an official sees them: file, sheet, row, column letter and header.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from .errors import Diagnostics, Lang, Message, msg
from .exports import plain_number
from .fields import Context, Invalid, _shown
from .spreadsheet import DELETE_MARKS, LIST_SEPARATOR, TABLES, Column, Table
from .text import fold, nfc
from .yamledit import Typed, Value
from .yamlload import Document

MAX_FILE_BYTES = 50 * 1024 * 1024


# --- problems -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """A place in the spreadsheet: file, sheet (none for CSV), row, column letter and header."""

    file: str
    sheet: str | None = None
    row: int = 0
    letter: str = ""
    header: tuple[str, str] | None = None

    def near(self, here: Where, lang: Lang) -> str:
        """This place as seen from `here`: "dòng 5" on the same sheet."""
        vi = lang == "vi"
        row = f"{'dòng' if vi else 'row'} {self.row}"
        if self.sheet == here.sheet:
            return row
        return f'{"trang" if vi else "sheet"} "{self.sheet}", {row}'

    def text(self, lang: Lang) -> str:
        vi = lang == "vi"
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f'{"trang" if vi else "sheet"} "{self.sheet}"')
        if self.row:
            parts.append(f"{'dòng' if vi else 'row'} {self.row}")
        if self.letter:
            header = f" ({self.header[0 if vi else 1]})" if self.header else ""
            parts.append(f"{'cột' if vi else 'column'} {self.letter}{header}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    where: Where
    message: Message
    warning: bool = False

    def format(self, lang: Lang) -> str:
        kind = ("cảnh báo: " if lang == "vi" else "warning: ") if self.warning else ""
        return f"{self.where.text(lang)}: {kind}{self.message.text(lang)}"


class Problems(list[Problem]):
    def error(self, where: Where, message: Message) -> None:
        self.append(Problem(where, message))

    def warn(self, where: Where, message: Message) -> None:
        self.append(Problem(where, message, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if not p.warning]


class Unreadable(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


# --- reading the file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExcelError:
    """A cell showing an Excel error such as #N/A or #VALUE!."""

    code: str


@dataclass
class RawSheet:
    name: str | None
    rows: list[tuple[int, list[Any]]]
    """(row number, cell values) of every row that has a value."""


def read_xlsx(path: Path) -> list[RawSheet]:
    try:
        # data_only: a formula's last computed value, as Excel shows it.
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # a damaged package fails in many ways (zip, XML, openpyxl)
        raise Unreadable(
            msg(
                "không đọc được tệp Excel ({reason}); hãy lưu lại bằng Excel dưới dạng .xlsx",
                "cannot read the Excel file ({reason}); save it again from Excel as .xlsx",
                reason=exc,
            )
        ) from None
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            values = [ExcelError(str(c.value)) if c.data_type == "e" else c.value for c in row]
            if any(v is not None and v != "" for v in values):
                rows.append((row[0].row, values))
        sheets.append(RawSheet(ws.title, rows))
    return sheets


def read_csv(path: Path) -> list[RawSheet]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(
            msg(
                "tệp CSV không phải UTF-8; trong Excel hãy chọn Lưu thành → CSV UTF-8",
                "the CSV file is not UTF-8; in Excel choose Save As → CSV UTF-8",
            )
        ) from None
    first = text.split("\n", 1)[0]
    # Excel with Vietnamese regional settings separates with ";" (the decimal mark is ",").
    delimiter = max((",", ";", "\t"), key=first.count)
    rows = []
    for number, values in enumerate(
        csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1
    ):
        if any(v.strip() for v in values):
            rows.append((number, list(values)))
    return [RawSheet(None, rows)]


def read_sheets(path: Path) -> list[RawSheet]:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        raise Unreadable(
            msg(
                "chỉ đọc được tệp .xlsx hoặc .csv (tệp .xls, .ods: hãy lưu lại thành .xlsx)",
                "only .xlsx and .csv files can be read (.xls, .ods: save as .xlsx first)",
            )
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Unreadable(
            msg("không mở được tệp: {r}", "cannot open the file: {r}", r=exc.strerror or exc)
        ) from None
    if size > MAX_FILE_BYTES:
        raise Unreadable(msg("tệp quá lớn", "the file is too large"))
    return read_csv(path) if suffix == ".csv" else read_xlsx(path)


# --- columns of a sheet ---------------------------------------------------------------------------


def _norm_header(value: Any) -> str:
    return " ".join(nfc(str(value)).split()).casefold() if value is not None else ""


@dataclass
class Layout:
    table: Table
    sheet: RawSheet
    columns: dict[int, Column]
    """Cell index → column."""
    data: list[tuple[int, list[Any]]]

    def where(self, file: str, row: int, index: int | None = None) -> Where:
        if index is None:
            return Where(file, self.sheet.name, row)
        column = self.columns.get(index)
        header = (column.vi, column.en) if column else None
        return Where(file, self.sheet.name, row, get_column_letter(index + 1), header)


def _detect(sheet: RawSheet) -> Table | None:
    if not sheet.rows:
        return None
    headers = {_norm_header(v) for v in sheet.rows[0][1]}
    if sheet.name is not None:
        for table in TABLES:
            if _norm_header(sheet.name) in (
                _norm_header(table.sheet_vi),
                _norm_header(table.sheet_en),
            ):
                return table

    def score(table: Table) -> int:
        return sum(
            _norm_header(c.vi) in headers or _norm_header(c.en) in headers for c in table.columns
        )

    best = max(TABLES, key=score)
    return best if score(best) >= 2 else None


def layout(sheet: RawSheet, file: str, problems: Problems) -> Layout | None:
    table = _detect(sheet)
    if table is None:
        return None
    number, headers = sheet.rows[0]
    by_header = {}
    for column in table.columns:
        by_header[_norm_header(column.vi)] = column
        by_header.setdefault(_norm_header(column.en), column)
    columns: dict[int, Column] = {}
    seen: dict[Column, int] = {}
    out = Layout(table, sheet, columns, [])
    for index, value in enumerate(headers):
        if value is None or str(value).strip() == "":
            continue
        found = by_header.get(_norm_header(value))
        where = Where(file, sheet.name, number, get_column_letter(index + 1))
        if found is None:
            problems.warn(
                where,
                msg(
                    'cột "{h}" không có trong mẫu nên bị bỏ qua',
                    'the column "{h}" is not in the template and is ignored',
                    h=nfc(str(value)),
                ),
            )
            continue
        column = found
        if column in seen:
            problems.error(
                where,
                msg(
                    'cột "{h}" đã có ở cột {first}',
                    'the column "{h}" is already column {first}',
                    h=column.vi,
                    first=get_column_letter(seen[column] + 1),
                ),
            )
            continue
        seen[column] = index
        columns[index] = column
    key = table.columns[0]
    if key not in seen:
        problems.error(
            Where(file, sheet.name, number),
            msg(
                'thiếu cột "{h}": không biết mỗi dòng thuộc về đâu',
                'the column "{h}" is missing: rows cannot be told apart',
                h=key.vi,
            ),
        )
        return None
    rows = sheet.rows[1:]
    # The second header row (English) of an exported workbook.
    if rows and all(
        _norm_header(v) == _norm_header(columns[i].en)
        for i, v in enumerate(rows[0][1])
        if i in columns and v not in (None, "")
    ):
        rows = rows[1:]
    out.data = [
        (n, values)
        for n, values in rows
        if any(i in columns and values[i] not in (None, "") for i in range(len(values)))
    ]
    return out


# --- cells ----------------------------------------------------------------------------------------


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


DELETE: Any = _Marker("DELETE")
UNKNOWN: Any = _Marker("UNKNOWN")
"""A file value the converter refuses: any cell value differs from it."""

_CTX = Context(Document("", None), Diagnostics())
"""The scalar converters never report through the context; they raise Invalid."""

_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_FORMULA_GUARD = re.compile(r"'(?=[=+\-@\t\r])")


def _digits(value: int, column: Column) -> str:
    """A number typed into a GTIN, phone or tax number cell, as the text it was meant to be."""
    text = str(value)
    if column.kind == "gtin" and len(text) in (7, 11):
        return "0" + text  # Excel dropped the leading zero of a GTIN-8 or GTIN-12
    if column.kind == "phone":
        return "+" + text if text.startswith("84") and len(text) >= 11 else "0" + text
    if column.path[-1] == "registration_number" and len(text) in (9, 12):
        return "0" + text  # tax codes have 10 or 13 digits
    return text


def cell_text(value: Any, column: Column, csv_file: bool) -> Any:
    """The cell as the text a YAML file would hold; None (empty) or DELETE. Raises Invalid."""
    if value is None:
        return None
    if isinstance(value, ExcelError):
        raise Invalid(
            msg("ô có lỗi Excel {code}", "the cell shows the Excel error {code}", code=value.code)
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and column.kind not in ("date",):
        if isinstance(value, float) and not value.is_integer():
            if column.kind in ("gtin", "phone"):
                raise Invalid(
                    msg(
                        "Excel đã đổi ô này thành số {n}; hãy định dạng cột là Văn bản (Text) và gõ lại",
                        "Excel turned this cell into the number {n}; format the column as Text and type it again",
                        n=value,
                    )
                )
            return plain_number(value)
        return _digits(int(value), column)
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if column.kind == "date":
            return day.isoformat()
        raise Invalid(
            msg(
                "Excel đã đổi ô này thành ngày {d}; hãy định dạng cột là Văn bản (Text) và gõ lại",
                "Excel turned this cell into the date {d}; format the column as Text and type it again",
                d=day.isoformat(),
            )
        )
    if not isinstance(value, str):
        raise Invalid(msg("ô không đọc được", "the cell cannot be read"))
    text = nfc(value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if csv_file:
        text = _FORMULA_GUARD.sub("", text, count=1) if text.startswith("'") else text
    if not text:
        return None
    if text in DELETE_MARKS:
        return DELETE
    return text


def convert(column: Column, text: str) -> Any:
    """The typed value of a cell's text, by the schema's converter. Raises Invalid."""
    if column.kind == "delete":
        if fold(text) in ("x", "xoa", "delete", "co", "yes", "true"):
            return True
        raise Invalid(msg('ghi "x" để xóa mục này', 'write "x" to remove this item'))
    if column.kind == "list":
        items = [t.strip() for t in re.split(rf"[{LIST_SEPARATOR}\n]", text) if t.strip()]
        return [column.conv(item, (), _CTX) for item in items]
    if column.kind == "date" and (found := _DMY.fullmatch(text)):
        day, month, year = found.groups()
        try:
            return column.conv(f"{year}-{int(month):02d}-{int(day):02d}", (), _CTX)
        except Invalid:
            raise Invalid(  # noqa: B904 - the ISO form would puzzle whoever typed 31/02/2024
                msg(
                    "ngày {found} không có trên lịch",
                    "{found} is not a calendar date",
                    found=_shown(text),
                )
            )
    return column.conv(text, (), _CTX)


def current(data: Any, column: Column) -> Any:
    """The typed value a file holds for a column (its default when absent; None: no value)."""
    raw = data
    for key in column.path:
        raw = raw.get(key) if isinstance(raw, dict) else None
    if column.lang is not None:
        raw = (
            raw.get(column.lang) if isinstance(raw, dict) else raw if column.lang == "vi" else None
        )
    if raw is None or raw == "" or raw == []:
        return column.default
    try:
        if column.kind == "list":
            if not isinstance(raw, list):
                return UNKNOWN
            return [column.conv(item, (), _CTX) for item in raw]
        return column.conv(raw, (), _CTX)
    except Invalid:
        return UNKNOWN


def present(data: Any, column: Column) -> bool:
    raw = data
    for key in column.path:
        raw = raw.get(key) if isinstance(raw, dict) else None
    if column.lang == "en":
        raw = raw.get("en") if isinstance(raw, dict) else None
    return raw not in (None, "", [])


def yaml_value(column: Column, value: Any) -> Value:
    """A typed cell value as the text a YAML file holds (for yamledit and the scaffold)."""
    if column.kind == "list":
        return [str(v) for v in value]
    if isinstance(value, bool):
        return Typed("true" if value else "false")
    if isinstance(value, dt.date):
        return Typed(value.isoformat())
    if isinstance(value, int):
        return Typed(str(value))
    if isinstance(value, float):
        return Typed(plain_number(value))
    return str(value)


def shown(value: Any, lang: Lang) -> str:
    if value is None or value is DELETE:
        return "(trống)" if lang == "vi" else "(empty)"
    if value is UNKNOWN:
        return "(không hợp lệ)" if lang == "vi" else "(invalid)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return plain_number(value)
    if isinstance(value, list):
        return _shown(f"{LIST_SEPARATOR} ".join(value))
    return _shown(value)


@dataclass
class Row:
    layout: Layout
    number: int
    values: dict[Column, Any]
    """Typed values (or DELETE) of the cells that hold something and converted."""
    indexes: dict[Column, int]
    bad: bool = False

    def where(self, file: str, column: Column | None = None) -> Where:
        index = self.indexes.get(column) if column is not None else None
        if column is not None and index is None:
            return Where(file, self.layout.sheet.name, self.number)
        return self.layout.where(file, self.number, index)

    def get(self, key: str) -> Any:
        value = next((v for c, v in self.values.items() if c.key == key), None)
        return None if value is DELETE else value


def parse_rows(lay: Layout, file: str, csv_file: bool, problems: Problems) -> list[Row]:
    rows = []
    for number, cells in lay.data:
        row = Row(lay, number, {}, {})
        for index, column in lay.columns.items():
            row.indexes[column] = index
            raw = cells[index] if index < len(cells) else None
            try:
                text = cell_text(raw, column, csv_file)
                if text is None:
                    continue
                if text is DELETE:
                    if column.kind in ("ref", "delete") or column is lay.table.columns[0]:
                        raise Invalid(msg("mã không thể xóa", "an id cannot be removed"))
                    row.values[column] = DELETE
                    continue
                row.values[column] = convert(column, text)
            except Invalid as problem:
                problems.error(lay.where(file, number, index), problem.message)
                row.bad = True
        rows.append(row)
    return rows
