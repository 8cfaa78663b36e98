"""`python -m generator import FILE.xlsx|FILE.csv [--dry-run]`: the spreadsheet back into YAML.

All or nothing: every cell is converted with the schema's own converter (generator/fields.py,
through the columns of generator/spreadsheet.py), conflicts between rows and with the files are
looked for, the new and changed files are made in memory and loaded with the catalogue loader
in a scratch copy of the project; only when all of that finds no error is any file written.

Rules (docs/spreadsheet.md):

- A sheet is recognised by its headers (Vietnamese or English), so sheets may be renamed or
  reordered and a CSV file may hold any one table. Unknown columns are reported and ignored;
  a missing column changes nothing in the files.
- An empty cell keeps the file's value; a cell holding only "-" removes it. A value equal to the
  file's (after conversion: 2 and 2.0, "có" and true) changes nothing, so exporting and importing
  an untouched workbook rewrites no file.
- Pack sizes are matched to a product's existing ones by GTIN, then SKU, then Vietnamese name;
  certificates by decision number and signing date, then decision number and year, then
  decision number. A row that matches none adds an item; "x" in the Delete column removes the
  matched item; an item without a row is left as it is.
- A new product or producer (an id without a file) is written by the scaffold's template
  (generator/scaffold.py), with every field documented; a new product is a draft unless its
  status cell says otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import scaffold
from .catalogue import PRODUCT_FILE, load_catalogue, load_region, load_taxonomy
from .errors import ContentErrors, Diagnostics, Lang, Message, msg
from .programme import load_programme
from .schema import Product
from .spreadsheet import (
    CERTIFICATIONS,
    PRODUCERS,
    PRODUCTS,
    TABLES,
    VARIANTS,
    Column,
    Table,
)
from .spreadsheet_read import (
    DELETE,
    UNKNOWN,
    Problem,
    Problems,
    Row,
    Unreadable,
    Where,
    current,
    layout,
    parse_rows,
    present,
    read_sheets,
    shown,
    yaml_value,
)
from .text import fold
from .yamledit import Edit, Pair, Typed, apply
from .yamlload import Document, KeyPath, format_key_path, load_yaml_file

EXIT_OK, EXIT_CONTENT = 0, 1

# --- the plan -------------------------------------------------------------------------------------


@dataclass
class Change:
    """One line of the change list."""

    path: KeyPath
    old: Any = None
    new: Any = None
    note: Message | None = None

    def text(self, lang: Lang) -> str:
        where = format_key_path(self.path)
        if self.note is not None:
            return f"{where}: {self.note.text(lang)}"
        return f"{where}: {shown(self.old, lang)} → {shown(self.new, lang)}"


@dataclass
class FilePlan:
    rel: str
    kind: str
    """product or producer."""
    doc: Document | None
    """The file as it is (None: a new file)."""
    text: str | None
    edits: list[Edit] = field(default_factory=list)
    removals: list[KeyPath] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    new_values: dict[str, Any] | None = None
    """For a new file: the scaffold's values (None for an existing file)."""
    result: str | None = None
    reformatted: bool = False

    @property
    def data(self) -> Any:
        return self.doc.data if self.doc is not None else {}


@dataclass
class Importer:
    root: Path
    file: str
    today: dt.date
    problems: Problems = field(default_factory=Problems)
    plans: dict[str, FilePlan] = field(default_factory=dict)
    seen_ids: dict[tuple[str, str], Where] = field(default_factory=dict)
    sheets: list[str | None] = field(default_factory=list)
    """The sheets in the workbook's order: problems are listed in it."""

    def order(self, problem: Problem) -> tuple[int, int, int, str]:
        where = problem.where
        sheet = self.sheets.index(where.sheet) if where.sheet in self.sheets else -1
        return sheet, where.row, len(where.letter), where.letter

    # -- files --

    def product_rel(self, pid: str) -> str:
        return f"products/{pid}/{PRODUCT_FILE}"

    def producer_rel(self, pid: str) -> str:
        for suffix in (".yaml", ".yml"):
            rel = f"producers/{pid}{suffix}"
            if (self.root / rel).exists():
                return rel
        return f"producers/{pid}.yaml"

    def plan_for(self, rel: str, kind: str, where: Where) -> FilePlan | None:
        if rel in self.plans:
            return self.plans[rel]
        path = self.root / rel
        if not path.exists() and not path.is_symlink():
            return None
        doc, errors = load_yaml_file(path, rel)
        if doc is None or not isinstance(doc.data, dict):
            first = errors[0].format("vi") if errors else rel
            first_en = errors[0].format("en") if errors else rel
            self.problems.error(
                where,
                msg(
                    "tệp {rel} hỏng, hãy sửa tay trước: {vi}",
                    "the file {rel} is broken, fix it by hand first: {en}",
                    rel=rel,
                    vi=first,
                    en=first_en,
                ),
            )
            return None
        text = path.read_text(encoding="utf-8")
        plan = FilePlan(rel, kind, doc, text)
        self.plans[rel] = plan
        return plan

    # -- cells against a file --

    def field_changes(
        self, plan: FilePlan, row: Row, data: Any, prefix: KeyPath, classes: tuple[type[Any], ...]
    ) -> None:
        """Edits for the cells of a row that differ from the file's mapping `data` at `prefix`."""
        for column, value in row.values.items():
            if column.kind in ("ref", "delete") or column is row.layout.table.columns[0]:
                continue
            path = (*prefix, *column.path, *((column.lang,) if column.lang else ()))
            edit_classes = (*classes, *column.classes)
            old = current(data, column)
            if value is DELETE:
                if not present(data, column) or not self._removable(row, column):
                    continue
                if column.lang == "vi":
                    path = path[:-1]  # the text goes, in both languages
                edit = Edit(path, remove=True, classes=edit_classes, text_lang=column.lang == "en")
                value = None
            elif (old == value and old is not UNKNOWN) or (
                column.lang == "en" and not self._has_vietnamese(row, column, data)
            ):
                continue  # the same value, or an error reported
            else:
                new = yaml_value(column, value)
                edit = Edit(path, new, classes=edit_classes, text_lang=column.lang is not None)
            plan.edits.append(edit)
            plan.changes.append(Change(path, old if present(data, column) else None, value))

    def _removable(self, row: Row, column: Column) -> bool:
        if column.required:
            problem = msg("trường bắt buộc, không thể xóa", "a required field cannot be removed")
        elif column.lang == "vi" and _sibling(row, column) not in (None, DELETE):
            problem = msg(
                "không thể xóa tiếng Việt khi còn tiếng Anh",
                "the Vietnamese cannot be removed while there is English",
            )
        else:
            return True
        self.problems.error(row.where(self.file, column), problem)
        return False

    def _has_vietnamese(self, row: Row, column: Column, data: Any) -> bool:
        """An English text needs the Vietnamese one, in the file or on the row."""
        vi = dataclasses.replace(column, lang="vi")
        if present(data, vi) or _sibling(row, column) not in (None, DELETE):
            return True
        self.problems.error(
            row.where(self.file, column),
            msg(
                "có tiếng Anh nhưng thiếu tiếng Việt (cột {h})",
                "English without Vietnamese (column {h_en})",
                h=vi.vi.replace("(en)", "(vi)"),
                h_en=vi.en.replace("(en)", "(vi)"),
            ),
        )
        return False


def _sibling(row: Row, column: Column) -> Any:
    """The row's cell for the other language of the same text (None: no cell)."""
    other = "en" if column.lang == "vi" else "vi"
    found = next((c for c in row.values if c.path == column.path and c.lang == other), None)
    return row.values[found] if found is not None else None


# --- tables ---------------------------------------------------------------------------------------


def _new_values(table: Table, row: Row) -> dict[str, Any]:
    """A new record's values from its row (yamledit values, nested like the file)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        value = row.values.get(column)
        if value is None or value is DELETE or column.kind in ("ref", "delete"):
            continue
        target = values
        for key in column.path[:-1]:
            target = target.setdefault(key, {})
        key = column.path[-1]
        if column.lang == "vi":
            target[key] = Pair(value, target[key].en if key in target else None)
        elif column.lang == "en":
            target[key] = Pair(target[key].vi if key in target else "", value)
        else:
            target[key] = yaml_value(column, value)
    return values


def _has(values: Mapping[str, Any], column: Column) -> bool:
    target: Any = values
    for key in column.path:
        target = target.get(key) if isinstance(target, dict) else None
    if isinstance(target, Pair):
        target = target.vi if column.lang != "en" else target.en
    return target not in (None, "")


def _require(
    imp: Importer, row: Row, table: Table, values: Mapping[str, Any], what: Message
) -> bool:
    """Reports the required fields a new record lacks; True when it has them all."""
    complete = True
    for column in table.columns:
        if column.required and column.kind != "ref" and not _has(values, column):
            complete = False
            imp.problems.error(
                row.where(imp.file, column if column in row.indexes else None),
                msg(
                    '{what} cần "{h}"',
                    '{what_en} needs "{h_en}"',
                    what=what.vi,
                    what_en=what.en,
                    h=column.vi,
                    h_en=column.en,
                ),
            )
    return complete


def _check_refs(imp: Importer, row: Row, refs: Mapping[str, Sequence[str] | set[str]]) -> None:
    """Values that must name something: producer, OCOP product set, communes."""
    for column, value in row.values.items():
        known = refs.get(column.key)
        if known is None or value is DELETE or value in known:
            continue
        imp.problems.error(
            row.where(imp.file, column),
            msg(
                '"{v}" không có trong danh sách; các giá trị hợp lệ: {values}',
                '"{v}" is not in the list; valid values: {values}',
                v=value,
                values=", ".join(sorted(known)[:20]) + (", …" if len(known) > 20 else ""),
            ),
        )


def _missing_key(imp: Importer, row: Row, column: Column) -> None:
    if not row.bad:  # a bad id cell is reported already
        imp.problems.error(
            row.where(imp.file, column),
            msg('thiếu "{h}"', 'the "{h_en}" is missing', h=column.vi, h_en=column.en),
        )


def _item_note(vi: str, en: str, label: Message, name: Any) -> Message:
    """A change-list line for a whole item: `xóa quy cách "Túi 2 kg"`."""
    return msg(vi, en, what=label.vi, what_en=label.en, name=shown(name, "vi"))


def _first_seen(
    imp: Importer, seen: dict[Any, Where], key: Any, where: Where, vi: str, en: str, **params: Any
) -> bool:
    """False, and a conflict (`vi`/`en` with {first}), when `key` was on an earlier row."""
    first = seen.setdefault(key, where)
    if first is where:
        return True
    near = {"first": first.near(where, "vi"), "first_en": first.near(where, "en")}
    imp.problems.error(where, msg(vi, en, **params, **near))
    return False


NEW_PRODUCT = msg("sản phẩm mới", "a new product")
NEW_PRODUCER = msg("chủ thể mới", "a new producer")


def import_records(
    imp: Importer, table: Table, rows: Sequence[Row], refs: Mapping[str, Any]
) -> None:
    """Products or producers: one row per file."""
    key_column = table.columns[0]
    is_product = table is PRODUCTS
    used = scaffold.used_product_ids(imp.root) if is_product else set()
    for row in rows:
        rid = row.values.get(key_column)
        if rid is None:
            _missing_key(imp, row, key_column)
            continue
        where = row.where(imp.file, key_column)
        if not _first_seen(
            imp,
            imp.seen_ids,
            (table.name, rid),
            where,
            'mã "{id}" đã có ở {first}; mỗi mã chỉ một dòng',
            'the id "{id}" is already on {first_en}; one row per id',
            id=rid,
        ):
            continue
        _check_refs(imp, row, refs)
        if row.bad:
            continue
        rel = imp.product_rel(rid) if is_product else imp.producer_rel(rid)
        if (imp.root / rel).exists() or (imp.root / rel).is_symlink():
            plan = imp.plan_for(rel, "product" if is_product else "producer", row.where(imp.file))
            if plan is not None:
                imp.field_changes(plan, row, plan.data, (), ())
            continue
        if is_product and rid in used:
            imp.problems.error(
                row.where(imp.file, key_column),
                msg(
                    'mã "{id}" đã từng được dùng (mã cũ của một sản phẩm, hoặc đường dẫn /p/{id}/ '
                    "trong permalinks.txt): mã QR cũ vẫn dẫn tới đó — chọn mã khác",
                    'the id "{id}" has been used before (a former id of a product, or the path '
                    "/p/{id}/ in permalinks.txt): old QR codes still lead there — choose another",
                    id=rid,
                ),
            )
            continue
        values = _new_values(table, row)
        if is_product:
            # As `python -m generator new`: unpublished until the official says otherwise.
            values.setdefault("status", "draft")
            if "name" in values:
                values.setdefault("summary", values["name"])
            provenance = values.setdefault("provenance", {})
            provenance.setdefault("updated", Typed(imp.today.isoformat()))
            provenance.setdefault("evidence", "unconfirmed")
        if _require(imp, row, table, values, NEW_PRODUCT if is_product else NEW_PRODUCER):
            kind = "product" if is_product else "producer"
            imp.plans[rel] = FilePlan(rel, kind, None, None, new_values=values)


def _gtin_key(get: Callable[[str], Any]) -> Any:
    gtin = get("gtin")
    return gtin.zfill(14) if gtin else None


def _text_key(name: str) -> Callable[[Callable[[str], Any]], Any]:
    def key(get: Callable[[str], Any]) -> Any:
        value = get(name)
        return fold(value).replace(" ", "") if value else None

    return key


def _decision_key(*extra: str) -> Callable[[Callable[[str], Any]], Any]:
    def key(get: Callable[[str], Any]) -> Any:
        decision, day = get("decision"), get("date")
        if not decision or (extra and day is None):
            return None
        number = fold(decision).replace(" ", "")
        return (number, day) if extra == ("date",) else (number, day.year) if extra else number

    return key


MATCH_KEYS: dict[str, list[Callable[[Callable[[str], Any]], Any]]] = {
    "variants": [_gtin_key, _text_key("sku"), _text_key("name.vi")],
    "certifications": [_decision_key("date"), _decision_key("year"), _decision_key()],
}
"""How a row finds its item among a product's existing ones, strictest key first."""

ITEM_NAMES = {
    "variants": (msg("quy cách", "pack size"), "name.vi"),
    "certifications": (msg("chứng nhận", "certificate"), "decision"),
}


def match(
    rows: Sequence[Callable[[str], Any]], items: Sequence[Callable[[str], Any]], keys: Sequence[Any]
) -> dict[int, int]:
    """Row index → item index, each item matched once, pass by pass from the strictest key."""
    matched: dict[int, int] = {}
    used: set[int] = set()
    for key in keys:
        for r, row in enumerate(rows):
            wanted = key(row)
            if r in matched or wanted is None:
                continue
            for i, item in enumerate(items):
                if i not in used and key(item) == wanted:
                    matched[r] = i
                    used.add(i)
                    break
    return matched


@dataclass
class FinalItem:
    """An item as the import leaves it, for the checks across products."""

    product: str
    get: Callable[[str], Any]
    row: Row | None
    """The row that sets it (None: the file's, untouched)."""


def import_items(imp: Importer, table: Table, rows: Sequence[Row]) -> list[FinalItem]:
    """Pack sizes or certificates: rows grouped by product, matched to the product's items."""
    list_key = table.name
    ref, delete = table.columns[0], table.columns[-1]
    label, name_key = ITEM_NAMES[list_key]
    groups: dict[str, list[Row]] = {}
    for row in rows:
        pid = row.values.get(ref)
        if pid is None:
            _missing_key(imp, row, ref)
        else:
            groups.setdefault(pid, []).append(row)
    final: list[FinalItem] = []
    for pid, group in groups.items():
        rel = imp.product_rel(pid)
        plan = imp.plans.get(rel) or imp.plan_for(rel, "product", group[0].where(imp.file))
        if plan is None:
            # A product row with an error is reported already; so is a broken file.
            if ("products", pid) not in imp.seen_ids and not (imp.root / rel).exists():
                for row in group:
                    imp.problems.error(
                        row.where(imp.file, ref),
                        msg(
                            'không có sản phẩm "{id}" (không có tệp {rel}, cũng không có ở trang'
                            " Sản phẩm)",
                            'no product "{id}" (no file {rel}, and not on the Products sheet)',
                            id=pid,
                            rel=rel,
                        ),
                    )
            continue
        existing = plan.data.get(list_key) if isinstance(plan.data, dict) else None
        existing = existing if isinstance(existing, list) else []
        getters = [_getter_of_item(table, item) for item in existing]
        good = [row for row in group if not row.bad]
        matched = match([row.get for row in good], getters, MATCH_KEYS[list_key])
        kept = set(range(len(existing)))
        added = 0
        for r, row in enumerate(good):
            index = matched.get(r)
            if index is not None and row.get("delete"):
                kept.discard(index)
                plan.removals.append((list_key, index))
                note = _item_note(
                    "xóa {what} {name}", "{what_en} {name} removed", label, getters[index](name_key)
                )
                plan.changes.append(Change((list_key, index), note=note))
                continue
            if index is not None:
                kept.discard(index)
                before = len(plan.changes)
                imp.field_changes(
                    plan, row, existing[index], (list_key, index), (Product, table.record)
                )
                item_get = _overlay(getters[index], row)
                final.append(FinalItem(pid, item_get, row if len(plan.changes) > before else None))
                continue
            if row.get("delete"):
                # Importing the same file twice must not fail: the item is gone already.
                imp.problems.warn(
                    row.where(imp.file, delete),
                    msg(
                        "sản phẩm {id} không có {what} này (có thể đã xóa rồi); bỏ qua",
                        "product {id} has no such {what_en} (removed already?); skipped",
                        what=label.vi,
                        what_en=label.en,
                        id=pid,
                    ),
                )
                continue
            values = _new_values(table, row)
            if not _require(
                imp,
                row,
                table,
                values,
                msg("{what} mới", "a new {what_en}", what=label.vi, what_en=label.en),
            ):
                continue
            final.append(FinalItem(pid, row.get, row))
            if plan.new_values is not None:
                plan.new_values.setdefault(list_key, []).append(values)
                continue
            plan.edits.append(Edit((list_key,), values, append=True, classes=(Product,)))
            note = _item_note(
                "thêm {what} {name}", "{what_en} {name} added", label, row.get(name_key)
            )
            plan.changes.append(Change((list_key, len(existing) + added), note=note))
            added += 1
        final += [FinalItem(pid, getters[i], None) for i in sorted(kept)]
    return final


def _getter_of_item(table: Table, item: Any) -> Callable[[str], Any]:
    columns = {c.key: c for c in table.columns}

    def get(key: str) -> Any:
        value = current(item, columns[key]) if key in columns else None
        return None if value is UNKNOWN else value

    return get


def _overlay(base: Callable[[str], Any], row: Row) -> Callable[[str], Any]:
    """An item's values once a row's cells are written over it."""

    def get(key: str) -> Any:
        column = next((c for c in row.values if c.key == key), None)
        if column is None:
            return base(key)
        value = row.values[column]
        return None if value is DELETE else value

    return get


def check_gtins(imp: Importer, rows: Sequence[Row]) -> None:
    seen: dict[str, Where] = {}
    gtin = VARIANTS.column("gtin")
    for row in rows:
        value = row.get("gtin")
        if not value or row.get("delete"):
            continue
        _first_seen(
            imp,
            seen,
            value.zfill(14),
            row.where(imp.file, gtin),
            "mã GTIN {g} đã có ở {first}; mỗi quy cách cần một mã riêng",
            "GTIN {g} is already on {first_en}; each pack size needs its own",
            g=value,
        )


def check_decisions(imp: Importer, items: Sequence[FinalItem], others: Iterable[FinalItem]) -> None:
    """One decision (number, issuing body, year) has one signing date and one level.

    Decision numbers start again every year and each body numbers its own, so only the three
    together name a decision; one decision usually recognises several products.
    """
    groups: dict[tuple[str, str, int], list[FinalItem]] = {}
    for item in (*items, *others):
        decision, day, issuer = item.get("decision"), item.get("date"), item.get("issuer.vi")
        if decision and day and issuer:
            identity = (fold(decision).replace(" ", ""), fold(issuer), day.year)
            groups.setdefault(identity, []).append(item)
    for group in groups.values():
        reference = next((i for i in group if i.row is None), group[0])
        for item in group:
            if item is reference or item.row is None:
                continue
            here = item.row.where(imp.file)
            origin = {
                lang: reference.row.where(imp.file).near(here, lang)
                if reference.row is not None
                else imp.product_rel(reference.product)
                for lang in ("vi", "en")
            }
            for key in ("date", "level"):
                if item.get(key) == reference.get(key):
                    continue
                column = CERTIFICATIONS.column(key)
                imp.problems.error(
                    item.row.where(imp.file, column),
                    msg(
                        "quyết định {d} ({issuer}, năm {year}) đã có {h} {v} ở {origin}; ở đây là {here}",
                        "decision {d} ({issuer}, {year}) already has the {h_en} {v} in {origin_en}; "
                        "here it is {here}",
                        d=item.get("decision"),
                        issuer=item.get("issuer.vi"),
                        year=item.get("date").year,
                        h=column.vi.lower(),
                        h_en=column.en.lower(),
                        v=shown(reference.get(key), "vi"),
                        here=shown(item.get(key), "vi"),
                        origin=origin["vi"],
                        origin_en=origin["en"],
                    ),
                )


# --- results --------------------------------------------------------------------------------------


def _scaffold_value(value: Any) -> Any:
    """yamledit values in the scaffold's form: (vi, en) pairs and plain text."""
    if isinstance(value, Pair):
        return (value.vi, value.en)
    if isinstance(value, Typed):
        return value.text
    if isinstance(value, dict):
        return {k: _scaffold_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scaffold_value(v) for v in value]
    return value


def render(plan: FilePlan, source: str, today: dt.date) -> None:
    if plan.new_values is not None:
        cls = Product if plan.kind == "product" else PRODUCERS.record
        header = [
            f"# Tạo từ bảng tính {source} ngày {today.isoformat()} (python -m generator import)."
            ' Muốn điền một trường, xóa "# " ở đầu dòng của trường đó.',
            f"# Created from the spreadsheet {source} on {today.isoformat()} (python -m generator"
            ' import). To fill in a field, remove the "# " at the start of its line.',
        ]
        plan.result = scaffold.render(cls, _scaffold_value(plan.new_values), header, plan.rel)
        plan.changes = []
    elif plan.edits or plan.removals:
        assert plan.text is not None
        plan.result, faithful = apply(plan.text, plan.edits, plan.removals)
        plan.reformatted = not faithful


def _mirror(source: Path, target: Path) -> None:
    """The folder's YAML files, and an empty file in place of every other file (photos are
    only looked up by name): a scratch project in which the catalogue loader runs as usual."""
    if not source.is_dir():
        return
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        out = target / here.relative_to(source)
        out.mkdir(parents=True, exist_ok=True)
        for name in dirs + files:
            path = here / name
            if path.is_symlink():
                os.symlink(os.readlink(path), out / name)
            elif name in files:
                if path.suffix in (".yaml", ".yml"):
                    shutil.copyfile(path, out / name)
                else:
                    (out / name).touch()


def check_result(root: Path, plans: Iterable[FilePlan], today: dt.date) -> Diagnostics:
    """`make check` on the project as the import would leave it, in a scratch copy."""
    with tempfile.TemporaryDirectory(prefix="ocop-import-") as scratch:
        stage = Path(scratch)
        for folder in ("data", "producers", "products"):
            _mirror(root / folder, stage / folder)
        for plan in plans:
            if plan.result is not None:
                path = stage / plan.rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(plan.result, encoding="utf-8")
        try:
            cat, diag = load_catalogue(stage, today)
            load_programme(stage, cat, diag)
        except ContentErrors as failure:
            diag = Diagnostics(list(failure.problems))
    return diag


def write(root: Path, plans: Iterable[FilePlan]) -> None:
    """Each file replaced in one step (a reader never sees half a file)."""
    for plan in plans:
        assert plan.result is not None
        path = root / plan.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(plan.result)
        if path.exists():
            shutil.copymode(path, temp)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)


def change_lines(plans: Sequence[FilePlan], lang: Lang) -> Iterator[str]:
    vi = lang == "vi"
    for plan in plans:
        if plan.new_values is not None:
            yield f"{plan.rel}: {'tạo mới' if vi else 'created'}"
            continue
        yield f"{plan.rel}: {'cập nhật' if vi else 'updated'}"
        for change in plan.changes:
            yield f"  {change.text(lang)}"
        if plan.reformatted:
            yield (
                "  (ruamel.yaml cũng viết lại cách trình bày của vài dòng khác trong tệp này)"
                if vi
                else "  (ruamel.yaml also rewrites the layout of a few other lines of this file)"
            )


def summary(
    lang: Lang,
    *,
    created: int,
    updated: int,
    unchanged: int,
    errors: int,
    seconds: float,
    outcome: str,
) -> str:
    """The one-line summary; `outcome` is written, dry-run or refused."""
    if lang == "vi":
        parts = [
            f"{created} tệp tạo mới",
            f"{updated} tệp cập nhật",
            f"{unchanged} tệp không đổi",
            f"{errors} lỗi",
            f"{seconds:.1f} giây".replace(".", ","),
        ]
        note = {"written": "", "dry-run": " (chạy thử: chưa ghi tệp nào)"}.get(
            outcome, " (chưa ghi tệp nào)"
        )
    else:
        parts = [
            f"{created} created",
            f"{updated} updated",
            f"{unchanged} unchanged",
            f"{errors} errors",
            f"{seconds:.1f} s",
        ]
        note = {"written": "", "dry-run": " (dry run: nothing written)"}.get(
            outcome, " (nothing written)"
        )
    return " · ".join(parts) + note


# --- the command ----------------------------------------------------------------------------------


def plan_import(root: Path, path: Path, display: str, today: dt.date) -> Importer:
    """Everything the file asks for, checked; nothing written."""
    imp = Importer(root, display, today)
    csv_file = path.suffix.lower() == ".csv"
    try:
        sheets = read_sheets(path)
    except Unreadable as failure:
        imp.problems.error(Where(display), failure.message)
        return imp
    imp.sheets = [sheet.name for sheet in sheets]
    rows: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    found: dict[str, str | None] = {}
    for sheet in sheets:
        lay = layout(sheet, display, imp.problems)
        if lay is None:
            continue
        name = lay.table.name
        if name in found:
            imp.problems.error(
                Where(display, sheet.name),
                msg(
                    'bảng {t} đã có ở trang "{first}"',
                    'the {t} table is already on the sheet "{first}"',
                    t=lay.table.sheet_vi,
                    first=found[name],
                ),
            )
            continue
        found[name] = sheet.name
        rows[name] = parse_rows(lay, display, csv_file, imp.problems)
    if not found and not imp.problems.errors:
        imp.problems.error(
            Where(display),
            msg(
                "không thấy bảng nào của mẫu (dòng đầu phải là tên cột, ví dụ Mã sản phẩm)",
                "no table of the template found (the first row must hold the headers, e.g. Mã sản phẩm)",
            ),
        )
    diag = Diagnostics()
    region = load_region(root, diag)
    taxonomy = load_taxonomy()
    producer_ids = {p.stem for p in (root / "producers").glob("*.y*ml")}
    producer_ids |= {str(r.get("id")) for r in rows["producers"] if r.get("id")}
    old = list(region.old) if region else []
    import_records(imp, PRODUCERS, rows["producers"], {"commune_old": old})
    product_refs = {
        "producer": producer_ids,
        "ocop_category": list(taxonomy.sets),
        "place.commune_old": old,
        "place.commune_new": list(region.new) if region else [],
    }
    import_records(imp, PRODUCTS, rows["products"], product_refs)
    import_items(imp, VARIANTS, rows["variants"])
    check_gtins(imp, rows["variants"])
    certificates = import_items(imp, CERTIFICATIONS, rows["certifications"])
    touched = {item.product for item in certificates}
    check_decisions(imp, certificates, _file_certificates(root, touched))
    return imp


def _file_certificates(root: Path, skip: set[str]) -> Iterator[FinalItem]:
    """Every certificate in the product files, but those of the products in `skip`."""
    folder = root / "products"
    if not folder.is_dir():
        return
    for product in sorted(folder.iterdir()):
        if product.name in skip:
            continue
        doc, _ = load_yaml_file(product / PRODUCT_FILE, "")
        items = doc.data.get("certifications") if doc and isinstance(doc.data, dict) else None
        for item in items if isinstance(items, list) else []:
            yield FinalItem(product.name, _getter_of_item(CERTIFICATIONS, item), None)


def run_import(
    root: Path,
    path: Path,
    *,
    lang: Lang = "vi",
    dry_run: bool = False,
    today: dt.date | None = None,
    out: Any = None,
    err: Any = None,
) -> int:
    """The whole command; returns its exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    started = time.perf_counter()
    today = today or dt.date.today()
    display = str(path)
    imp = plan_import(root, path, display, today)
    plans = sorted(imp.plans.values(), key=lambda p: (p.kind != "producer", p.rel))
    if not imp.problems.errors:
        for plan in plans:
            render(plan, path.name, today)
    changed = [p for p in plans if p.result is not None and p.result != p.text]
    check_problems: list[Any] = []
    if not imp.problems.errors and changed:
        diag = check_result(root, changed, today)
        check_problems = diag.errors
    for problem in sorted(imp.problems, key=imp.order):
        print(problem.format(lang), file=err)
    errors = len(imp.problems.errors) + len(check_problems)
    if check_problems:
        print(
            "Kết quả nhập sẽ không qua được kiểm tra (make check); chưa ghi tệp nào:"
            if lang == "vi"
            else "The imported files would not pass the check (make check); nothing written:",
            file=err,
        )
        for problem in check_problems:
            print(problem.format(lang), file=err)
    seconds = time.perf_counter() - started
    created = sum(p.new_values is not None for p in changed)
    counts = {
        "created": created,
        "updated": len(changed) - created,
        "unchanged": len(plans) - len(changed),
    }
    if errors:
        print(
            summary(
                lang, **{k: 0 for k in counts}, errors=errors, seconds=seconds, outcome="refused"
            ),
            file=err,
        )
        return EXIT_CONTENT
    for line in change_lines(changed, lang):
        print(line, file=out)
    if not dry_run:
        write(root, changed)
    print(
        summary(
            lang,
            **counts,
            errors=0,
            seconds=time.perf_counter() - started,
            outcome="dry-run" if dry_run else "written",
        ),
        file=out,
    )
    return EXIT_OK
