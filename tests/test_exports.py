"""The open data exports (generator/exports.py): JSON + JSON Schema, CSV and XLSX of the catalogue.

Exports are built from the shipped sample catalogue and from a few edge-case products
(tests/fixtures/exports/) and checked against what the YAML files say, not against the exporter's
own tables.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from generator import exports
from generator.catalogue import Catalogue, load_catalogue
from generator.errors import LANGS, Lang
from generator.i18n import LABELS
from generator.schema import Product, Variant
from tests.conftest import ROOT, TODAY

SITE_URL = "https://ocop.example.vn/"
FIXTURES = Path(__file__).parent / "fixtures" / "exports"

STATUS_LABEL = {
    "active": "status_valid",
    "expired": "expired_badge",
    "withdrawn": "withdrawn_badge",
    "unconfirmed": "unconfirmed_badge",
}
"""The site's label of each status: what a buyer reads in the spreadsheet."""


@dataclass
class Exported:
    cat: Catalogue
    release: Path
    written: list[str]

    def read(self, path: str) -> bytes:
        return (self.release / path).read_bytes()

    def load_json(self, path: str) -> Any:
        return json.loads(self.read(path))

    def csv_rows(self, lang: Lang) -> list[list[str]]:
        text = self.read(exports.table_path(lang, "csv")).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text, newline="")))

    def sheet(self, lang: Lang) -> Any:
        book = openpyxl.load_workbook(io.BytesIO(self.read(exports.table_path(lang, "xlsx"))))
        return book.worksheets[0]

    def records(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.load_json(exports.CATALOGUE_JSON)["products"]}


def export(cat: Catalogue, release: Path, *, illustrative: bool = True) -> Exported:
    written = exports.write_exports(
        release, cat, site_url=SITE_URL, today=TODAY, illustrative=illustrative
    )
    return Exported(cat, release, written)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    cat, _ = load_catalogue(ROOT, today=TODAY)
    return export(cat, tmp_path_factory.mktemp("exports") / "release")


def edge_project(root: Path) -> Path:
    """A project of the edge-case products only (no photos: exports never read them)."""
    (root / "data").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "communes.yaml", root / "data")
    shutil.copytree(FIXTURES / "producers", root / "producers")
    for source in sorted((FIXTURES / "products").glob("*.yaml")):
        folder = root / "products" / source.stem
        folder.mkdir(parents=True)
        shutil.copy(source, folder / "product.yaml")
    return root


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    root = edge_project(tmp_path_factory.mktemp("edge") / "project")
    cat, _ = load_catalogue(root, today=TODAY)
    return export(cat, root / "release")


@pytest.fixture(params=["sample", "edge"])
def exported(request: pytest.FixtureRequest) -> Exported:
    result: Exported = request.getfixturevalue(request.param)
    return result


# --- what the YAML says, stated independently of the exporter -----------------------------------


def expected_state(product: Product, today: dt.date) -> str:
    current = product.current
    if product.status == "withdrawn":
        return "withdrawn"
    if product.status == "expired" or (current is not None and current.expires < today):
        return "expired"
    if current is None or product.provenance.evidence == "unconfirmed":
        return "unconfirmed"
    return "active"


def expected_stars(product: Product) -> int | None:
    current = product.current
    if current is None or product.provenance.evidence == "unconfirmed":
        return None
    return current.stars


def column(path: str) -> int:
    return [c.path for c in exports.COLUMNS].index(path)


def rows_by_product(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    grouped: dict[str, list[list[str]]] = {}
    for row in rows:
        grouped.setdefault(row[column("id")], []).append(row)
    return grouped


def json_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every key path of a JSON value, a {vi, en} text counting as one value."""
    if isinstance(value, Mapping) and set(value) != {"vi", "en"}:
        for key, inner in value.items():
            yield prefix + key
            yield from json_paths(inner, prefix + key + ".")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                yield from json_paths(item, prefix[:-1] + "[].")


# --- files and URLs -----------------------------------------------------------------------------


def test_written_paths(exported: Exported) -> None:
    published = exported.cat.published
    product_files = {
        exports.product_json_path(pid) for p in published for pid in (p.id, *p.former_ids)
    }
    tables = {exports.table_path(lang, ext) for lang in LANGS for ext in ("csv", "xlsx")}
    schemas = {exports.CATALOGUE_SCHEMA, exports.PRODUCT_SCHEMA}
    expected = sorted({exports.CATALOGUE_JSON} | schemas | tables | product_files)
    assert exported.written == expected
    assert all((exported.release / path).is_file() for path in expected)
    assert exports.CATALOGUE_JSON == "du-lieu/danh-muc-ocop.json"
    assert exports.product_json_path("gao-buon-choah") == "du-lieu/san-pham/gao-buon-choah.json"
    assert exports.table_path("en", "xlsx") == "du-lieu/danh-muc-ocop-en.xlsx"


def test_drafts_are_not_exported(edge: Exported) -> None:
    draft = next(p for p in edge.cat.products if p.status == "draft")
    assert draft not in edge.cat.published
    assert draft.id not in edge.records()
    assert not (edge.release / exports.product_json_path(draft.id)).exists()
    for lang in LANGS:
        assert draft.id not in rows_by_product(edge.csv_rows(lang)[1:])


def test_sample_covers_every_status(sample: Exported, edge: Exported) -> None:
    """The status checks below are not vacuous: the data has each status to check."""
    states = {expected_state(p, TODAY) for e in (sample, edge) for p in e.cat.published}
    assert states == set(STATUS_LABEL)


# --- CSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_csv_is_utf8_with_bom(sample: Exported, lang: Lang) -> None:
    data = sample.read(exports.table_path(lang, "csv"))
    assert data.startswith(codecs.BOM_UTF8)
    assert not data[len(codecs.BOM_UTF8) :].startswith(codecs.BOM_UTF8)
    data.decode("utf-8")  # strict: raises on anything that is not UTF-8


@pytest.mark.parametrize("lang", LANGS)
def test_csv_agrees_with_the_yaml(exported: Exported, lang: Lang) -> None:
    header, *rows = exported.csv_rows(lang)
    assert header == exports.table_headers(lang)
    assert all(len(row) == len(header) for row in rows)
    grouped = rows_by_product(rows)
    cat = exported.cat
    assert list(grouped) == [p.id for p in cat.published]
    t = LABELS[lang]
    for product in cat.published:
        product_rows = grouped[product.id]
        assert len(product_rows) == max(1, len(product.variants))
        producer = cat.producers[product.producer]
        current = product.current
        stars = expected_stars(product)
        for row in product_rows:
            assert row[column("name")] == product.name.get(lang)
            assert row[column("status")] == t[STATUS_LABEL[expected_state(product, TODAY)]]
            assert row[column("stars")] == ("" if stars is None else str(stars))
            assert row[column("certificate.valid_until")] == (
                current.expires.isoformat() if current else ""
            )
            assert row[column("category.code")] == product.ocop_category
            assert row[column("producer.zalo")] == (producer.zalo or "")
            assert row[column("updated")] == product.provenance.updated.isoformat()
            assert row[column("urls.page")] == (
                f"{SITE_URL}{'en/' if lang == 'en' else ''}san-pham/{product.id}/"
            )
        for row, variant in zip(product_rows, product.variants, strict=False):
            assert_variant_row(row, variant, lang)
        if not product.variants:
            variant_columns = [i for i, c in enumerate(exports.COLUMNS) if c.keys[0] == "variant"]
            assert all(product_rows[0][i] == "" for i in variant_columns)


def assert_variant_row(row: list[str], variant: Variant, lang: Lang) -> None:
    assert row[column("variant.name")] == variant.name.get(lang)
    # Formula-like text gets an apostrophe (checked exactly in test_csv_neutralises_formulas).
    assert row[column("variant.sku")] in (variant.sku or "", f"'{variant.sku}")
    # GTINs stay text: every digit, leading zeros included, no exponent.
    assert row[column("variant.gtin")] == (variant.gtin or "")
    for path, value in (
        ("variant.net_content", variant.net_content),
        ("variant.case_weight_kg", variant.case_weight_kg),
    ):
        cell = row[column(path)]
        if value is None:
            assert cell == ""
        else:
            assert float(cell) == value
            assert "e" not in cell.lower()
    for path, whole in (
        ("variant.case_pack", variant.case_pack),
        ("variant.price_retail", variant.price_retail),
        ("variant.price_wholesale", variant.price_wholesale),
    ):
        assert row[column(path)] == ("" if whole is None else str(whole))
    until = variant.price_valid_until
    assert row[column("variant.price_valid_until")] == (until.isoformat() if until else "")


def test_csv_neutralises_formulas(edge: Exported) -> None:
    product = edge.cat.products[[p.id for p in edge.cat.products].index("o-bang-tinh")]
    producer = edge.cat.producers[product.producer]
    assert product.brand and product.self_declaration and product.variants[0].sku
    for lang in LANGS:
        row = rows_by_product(edge.csv_rows(lang)[1:])[product.id][0]
        assert row[column("brand")] == "'" + product.brand
        assert row[column("self_declaration")] == "'" + product.self_declaration
        assert row[column("summary")] == "'" + product.summary.get(lang)
        assert row[column("variant.sku")] == "'" + product.variants[0].sku
        # A phone number starts with "+" too, and stays as typed.
        assert row[column("producer.phone")] == producer.phone


def test_csv_lists_other_certifications_and_outlets(edge: Exported) -> None:
    rows = edge.csv_rows("en")[1:]
    row = rows_by_product(rows)["o-bang-tinh"][0]
    assert row[column("other_certifications")] == (
        "VietGAP · VG-0001 · Trung tâm Chứng nhận (minh họa) · Valid until 2027-06-30; HACCP"
    )
    assert row[column("where_to_buy")] == (
        "Siêu thị Ô Bảng Tính (Supermarket) · Thôn 1, xã Nam Đà · 0912 000 111; "
        "Gian hàng trực tuyến (Online) · https://shop.example.vn/o-bang-tinh"
    )


# --- XLSX ---------------------------------------------------------------------------------------


def same_cell(text: str, value: Any) -> bool:
    """A CSV cell and the XLSX cell of the same place hold the same datum."""
    if value is None:
        return text == ""
    if isinstance(value, dt.datetime):
        return text == value.date().isoformat()
    if isinstance(value, int | float):
        return float(text) == value
    return text in (value, "'" + value)  # the CSV alone guards formula-like text


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_has_the_csv_rows(exported: Exported, lang: Lang) -> None:
    ws = exported.sheet(lang)
    csv_rows = exported.csv_rows(lang)
    xlsx_rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert xlsx_rows[0] == csv_rows[0]
    assert len(xlsx_rows) == len(csv_rows)
    for csv_row, xlsx_row in zip(csv_rows[1:], xlsx_rows[1:], strict=True):
        mismatched = [
            (exports.COLUMNS[i].path, text, value)
            for i, (text, value) in enumerate(zip(csv_row, xlsx_row, strict=True))
            if not same_cell(text, value)
        ]
        assert mismatched == []


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_layout_and_types(exported: Exported, lang: Lang) -> None:
    ws = exported.sheet(lang)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    assert all(cell.font.b for cell in ws[1])
    widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)]
    assert all(exports.MIN_WIDTH <= w <= exports.MAX_WIDTH for w in widths)
    kinds = {c.path: c.kind for c in exports.COLUMNS}
    seen: set[str] = set()
    for row in ws.iter_rows(min_row=2):
        for col, cell in zip(exports.COLUMNS, row, strict=True):
            if cell.value is None:
                continue
            seen.add(kinds[col.path])
            if col.kind == "gtin":
                assert isinstance(cell.value, str)
                assert cell.number_format == "@"
            elif col.kind == "money":
                assert type(cell.value) is int
                assert cell.number_format == exports.MONEY_FORMAT[lang]
            elif col.kind == "date":
                assert isinstance(cell.value, dt.datetime)
                assert cell.is_date and cell.number_format == "yyyy-mm-dd"
            elif col.path == "variant.net_content":
                assert isinstance(cell.value, int | float)
            else:
                assert cell.data_type in ("s", "n")
    assert {"gtin", "money", "date"} <= seen


def test_xlsx_keeps_formula_text_as_text(edge: Exported) -> None:
    ws = edge.sheet("vi")
    product = next(p for p in edge.cat.published if p.id == "o-bang-tinh")
    row = next(r for r in ws.iter_rows(min_row=2) if r[column("id")].value == product.id)
    brand = row[column("brand")]
    assert brand.value == product.brand and brand.data_type == "s"
    gtins = [r[column("variant.gtin")].value for r in ws.iter_rows(min_row=2)]
    assert [v.gtin for v in product.variants if v.gtin] == [g for g in gtins if g]
    assert "036000291452" in gtins  # GTIN-12: the leading zero survives


def test_xlsx_properties_and_about_sheet(sample: Exported) -> None:
    data = sample.read(exports.table_path("en", "xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    midnight = dt.datetime.combine(TODAY, dt.time())
    assert book.properties.created == midnight
    assert book.properties.modified == midnight
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["Status as of"] == midnight
    assert about["Products"] == len(sample.cat.published)
    assert about["JSON data"] == SITE_URL + exports.CATALOGUE_JSON
    assert about["Note"] == exports.ILLUSTRATIVE_NOTE.en


# --- JSON and JSON Schema -------------------------------------------------------------------------


def schema(exported: Exported, path: str) -> dict[str, Any]:
    loaded: dict[str, Any] = exported.load_json(path)
    return loaded


def test_schemas_are_valid_draft_2020_12(sample: Exported) -> None:
    for path in (exports.CATALOGUE_SCHEMA, exports.PRODUCT_SCHEMA):
        loaded = schema(sample, path)
        assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert loaded["$id"] == SITE_URL + path
        Draft202012Validator.check_schema(loaded)
    assert exports.json_schemas(SITE_URL) == {
        path: schema(sample, path) for path in (exports.CATALOGUE_SCHEMA, exports.PRODUCT_SCHEMA)
    }


def test_json_validates_against_the_schema(exported: Exported) -> None:
    checker = Draft202012Validator.FORMAT_CHECKER
    catalogue = exported.load_json(exports.CATALOGUE_JSON)
    validator = Draft202012Validator(
        schema(exported, exports.CATALOGUE_SCHEMA), format_checker=checker
    )
    assert [e.message for e in validator.iter_errors(catalogue)] == []
    product_validator = Draft202012Validator(
        schema(exported, exports.PRODUCT_SCHEMA), format_checker=checker
    )
    for path in exported.written:
        if path.startswith(exports.PRODUCT_DIR + "/"):
            errors = [e.message for e in product_validator.iter_errors(exported.load_json(path))]
            assert errors == [], path


def test_schema_rejects_what_the_record_never_holds(sample: Exported) -> None:
    """The schema is strict enough to catch a drifting exporter."""
    validator = Draft202012Validator(schema(sample, exports.PRODUCT_SCHEMA))
    document = sample.load_json(exports.product_json_path("gao-buon-choah"))
    extra = json.loads(json.dumps(document))
    extra["product"]["price"] = 1
    missing = json.loads(json.dumps(document))
    del missing["product"]["variants"][0]["gtin"]
    untyped = json.loads(json.dumps(document))
    untyped["product"]["variants"][0]["price_retail"] = "70000"
    messages = [
        [e.message for e in validator.iter_errors(bad)] for bad in (extra, missing, untyped)
    ]
    assert messages == [
        ["Additional properties are not allowed ('price' was unexpected)"],
        ["'gtin' is a required property"],
        ["'70000' is not of type 'integer', 'null'"],
    ]


def test_catalogue_json_agrees_with_the_yaml(exported: Exported) -> None:
    catalogue = exported.load_json(exports.CATALOGUE_JSON)
    cat = exported.cat
    assert catalogue["$schema"] == SITE_URL + exports.CATALOGUE_SCHEMA
    assert catalogue["generated"] == TODAY.isoformat()
    assert catalogue["count"] == len(cat.published) == len(catalogue["products"])
    assert catalogue["taxonomy"] == cat.taxonomy.version
    assert catalogue["area"] == {"vi": cat.region.area.vi, "en": cat.region.area.en}
    records = exported.records()
    assert list(records) == [p.id for p in cat.published]
    for product in cat.published:
        assert_record(records[product.id], product, cat)


def text(value: Any) -> dict[str, str | None] | None:
    return None if value is None else {"vi": value.vi, "en": value.en}


def assert_record(record: dict[str, Any], product: Product, cat: Catalogue) -> None:
    producer = cat.producers[product.producer]
    current = product.current
    assert record["status"] == expected_state(product, TODAY)
    assert record["stars"] == expected_stars(product)
    assert record["name"] == text(product.name)
    assert record["brand"] == product.brand
    assert record["urls"]["permanent"] == f"{SITE_URL}p/{product.id}/"
    assert record["urls"]["page"] == {
        "vi": f"{SITE_URL}san-pham/{product.id}/",
        "en": f"{SITE_URL}en/san-pham/{product.id}/",
    }
    assert record["urls"]["data"] == SITE_URL + exports.product_json_path(product.id)
    assert record["category"]["code"] == product.ocop_category
    assert record["group"]["code"] == cat.taxonomy.sets[product.ocop_category].group_code
    if current is None:
        assert record["certificate"] is None
    else:
        assert record["certificate"]["decision"] == current.decision
        assert record["certificate"]["date"] == current.date.isoformat()
        assert record["certificate"]["issuer"] == text(current.issuer)
        assert record["certificate"]["valid_until"] == current.expires.isoformat()
    assert record["producer"]["name"] == text(producer.name)
    assert [record["producer"][k] for k in ("phone", "zalo", "email", "website")] == [
        producer.phone,
        producer.zalo,
        producer.email,
        producer.website,
    ]
    assert record["place"]["commune_old"]["id"] == product.place.commune_old
    assert record["place"]["commune_new"]["id"] == cat.commune_new(product).id
    assert record["place"]["latitude"] == product.place.latitude
    assert len(record["variants"]) == len(product.variants)
    for exported_variant, variant in zip(record["variants"], product.variants, strict=True):
        assert exported_variant["gtin"] == variant.gtin
        assert exported_variant["net_content"] == variant.net_content
        assert exported_variant["price_retail"] == variant.price_retail
        assert exported_variant["price_wholesale"] == variant.price_wholesale
        assert exported_variant["digital_link"] == (
            f"{SITE_URL}01/{variant.gtin.zfill(14)}/" if variant.gtin else None
        )
    food = product.food
    assert record["food"] == (
        None
        if food is None
        else {f.name: text(getattr(food, f.name)) for f in dataclasses.fields(food)}
    )
    assert [c["name"] for c in record["other_certifications"]] == [
        c.name for c in product.other_certifications
    ]
    assert record["self_declaration"] == product.self_declaration
    trade = product.trade
    assert record["trade"] == (
        None
        if trade is None
        else {f.name: text(getattr(trade, f.name)) for f in dataclasses.fields(trade)}
    )
    assert [o["kind"] for o in record["where_to_buy"]] == [o.kind for o in product.where_to_buy]
    assert record["former_ids"] == product.former_ids
    assert record["updated"] == product.provenance.updated.isoformat()


def test_untranslated_text_is_null_in_json_and_vietnamese_in_the_english_table(
    edge: Exported,
) -> None:
    product = next(p for p in edge.cat.published if p.name.en is None)
    assert edge.records()[product.id]["name"] == {"vi": product.name.vi, "en": None}
    row = rows_by_product(edge.csv_rows("en")[1:])[product.id][0]
    assert row[column("name")] == product.name.vi


def test_product_files_hold_the_catalogue_record(exported: Exported) -> None:
    records = exported.records()
    catalogue = exported.load_json(exports.CATALOGUE_JSON)
    for product in exported.cat.published:
        document = exported.load_json(exports.product_json_path(product.id))
        assert document == {
            "$schema": SITE_URL + exports.PRODUCT_SCHEMA,
            "licence": catalogue["licence"],
            "illustrative": True,
            "note": catalogue["note"],
            "product": records[product.id],
        }
        for former in product.former_ids:
            assert exported.read(exports.product_json_path(former)) == exported.read(
                exports.product_json_path(product.id)
            )


def test_illustrative_flag_and_note(sample: Exported, tmp_path: Path) -> None:
    catalogue = sample.load_json(exports.CATALOGUE_JSON)
    assert catalogue["illustrative"] is True
    assert catalogue["note"] == {
        "vi": exports.ILLUSTRATIVE_NOTE.vi,
        "en": exports.ILLUSTRATIVE_NOTE.en,
    }
    assert "hư cấu" in catalogue["note"]["vi"] and "fictional" in catalogue["note"]["en"]
    real = export(sample.cat, tmp_path, illustrative=False)
    catalogue = real.load_json(exports.CATALOGUE_JSON)
    assert (catalogue["illustrative"], catalogue["note"]) == (False, None)
    first = sample.cat.published[0].id
    assert real.load_json(exports.product_json_path(first))["illustrative"] is False
    about = dict(
        openpyxl.load_workbook(real.release / exports.table_path("vi", "xlsx"))
        .worksheets[1]
        .iter_rows(values_only=True)
    )
    assert "Ghi chú" not in about


# --- reruns ---------------------------------------------------------------------------------------


def test_exports_are_deterministic(sample: Exported, tmp_path: Path) -> None:
    again = export(sample.cat, tmp_path / "again")
    assert again.written == sample.written
    different = [p for p in sample.written if sample.read(p) != again.read(p)]
    assert different == []


def test_rewriting_leaves_unchanged_files_alone(sample: Exported, tmp_path: Path) -> None:
    release = tmp_path / "release"
    first = export(sample.cat, release)
    stamps = {p: (release / p).stat().st_mtime_ns for p in first.written}
    export(sample.cat, release)
    assert {p: (release / p).stat().st_mtime_ns for p in first.written} == stamps
    assert not list(release.rglob(".*.tmp"))


# --- the field reference ------------------------------------------------------------------------


def test_field_reference_covers_every_key_of_a_record(sample: Exported, edge: Exported) -> None:
    paths = {
        path
        for e in (sample, edge)
        for record in e.records().values()
        for path in json_paths(record)
    }
    for lang in LANGS:
        reference = exports.field_reference(lang)
        documented = [path for path, _, _ in reference]
        assert len(documented) == len(set(documented))
        # Bilingual objects count as one value on both sides (their vi and en are documented).
        assert {p for p in documented if not p.endswith((".vi", ".en"))} == paths
        assert all(kind and description for _, kind, description in reference)


def test_field_reference_reuses_the_schema_descriptions() -> None:
    gtin = next(f for f in dataclasses.fields(Variant) if f.name == "gtin")
    reference = {lang: {p: (k, d) for p, k, d in exports.field_reference(lang)} for lang in LANGS}
    assert reference["vi"]["variants[].gtin"] == ("chuỗi hoặc null", gtin.metadata["vi"])
    assert reference["en"]["variants[].gtin"] == ("string or null", gtin.metadata["en"])
    assert reference["en"]["variants"][0] == "list of object"
    assert reference["en"]["status"][0] == "one of: active, expired, withdrawn, unconfirmed"
    catalogue = [p for p, _, _ in exports.field_reference("en", "catalogue")]
    assert "products[].variants[].gtin" in catalogue
    product_file = [p for p, _, _ in exports.field_reference("en", "product_file")]
    assert "product.certificate.valid_until" in product_file
