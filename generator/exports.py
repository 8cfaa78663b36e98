"""Open data: the whole catalogue as JSON, CSV and XLSX, for buyers and for sites that pull data.

Every published product is exported, expired and withdrawn ones included, with its status as the
product page shows it (`Renderer.state`). Files are written under the release folder at paths that
never change (other sites and buyers' spreadsheets link to them), below `<site_url>`:

| path | content |
|---|---|
| `du-lieu/danh-muc-ocop.json` | the whole catalogue: metadata, then `products`, one record each |
| `du-lieu/san-pham/<id>.json` | one product: the same record under `product`, with the licence |
| `du-lieu/schema/danh-muc-ocop.schema.json` | JSON Schema (draft 2020-12) of the catalogue file |
| `du-lieu/schema/san-pham.schema.json` | JSON Schema of a product file |
| `du-lieu/danh-muc-ocop-vi.csv`, `-en.csv` | one row per pack size, headers in that language |
| `du-lieu/danh-muc-ocop-vi.xlsx`, `-en.xlsx` | the same rows as the CSV, for Excel |

A renamed product's file is also written under each of its `former_ids`, as its pages are.

One description of the record's fields (`PRODUCT_FIELDS`, descriptions taken from
`generator/schema.py` wherever the field comes from there) generates the JSON Schemas, the field
reference of the "Open data" page (`field_reference`) and most of the record itself (`_dump`), so
the three cannot drift apart. Texts are `{"vi": …, "en": …}` with `en` null when untranslated;
dates are ISO 8601; prices are whole đồng (VND).

The CSV is UTF-8 with a byte order mark: without it Excel reads Vietnamese as Windows-1252. Excel
still turns a 13-digit GTIN of a CSV into 9.52026E+12; the XLSX stores GTINs as text, so buyers
should open that one. Both are deterministic: the same catalogue and day give the same bytes.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import decimal
import filecmp
import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.datetime import to_excel  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from .catalogue import Catalogue
from .errors import LANGS, Lang
from .fields import (
    Bool,
    Choice,
    Date,
    Decimal,
    Email,
    Gtin,
    I18n,
    Int,
    ListOf,
    Model,
    Phone,
    Str,
    Text,
    Url,
)
from .i18n import LABELS, STATE_LABELS
from .permalinks import gtin14
from .render import Renderer, page_dir
from .schema import (
    LEVELS,
    PRODUCER_TYPES,
    Certification,
    Place,
    Producer,
    Product,
    Provenance,
    Source,
    Variant,
)

DATA_DIR = "du-lieu"
CATALOGUE_JSON = f"{DATA_DIR}/danh-muc-ocop.json"
PRODUCT_DIR = f"{DATA_DIR}/san-pham"
CATALOGUE_SCHEMA = f"{DATA_DIR}/schema/danh-muc-ocop.schema.json"
PRODUCT_SCHEMA = f"{DATA_DIR}/schema/san-pham.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def product_json_path(product_id: str) -> str:
    return f"{PRODUCT_DIR}/{product_id}.json"


def table_path(lang: Lang, ext: Literal["csv", "xlsx"]) -> str:
    return f"{DATA_DIR}/danh-muc-ocop-{lang}.{ext}"


@dataclass(frozen=True)
class Licence:
    name: str
    url: str


DATA_LICENCE = Licence("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
"""Open data needs a stated licence to be reusable; attribution-only is the usual choice for
public-sector data. The catalogue's owner may pass another one to `write_exports`."""

STATES = ("active", "expired", "withdrawn", "unconfirmed")
"""The values of `Catalogue.state`, the status a product page shows, in a release (the live
preview's exports may also say draft or candidate)."""

ILLUSTRATIVE_NOTE = I18n(
    "Dữ liệu minh họa: các chủ thể, số quyết định, mã GTIN và giá trong tệp này là hư cấu, "
    "không phải thông tin chính thức.",
    "Illustrative data: the producers, decision numbers, GTINs and prices in this file are "
    "fictional, not official information.",
)

# --- one description of the record's fields -----------------------------------------------------

Kind = Literal[
    "string", "text", "integer", "number", "date", "uri", "email", "boolean", "enum", "object"
]


@dataclass(frozen=True)
class Field:
    """One key of an exported JSON object, with its type and bilingual description."""

    key: str
    kind: Kind
    vi: str
    en: str
    nullable: bool = False
    array: bool = False
    """A list of `kind` items (never null: an empty list when there is nothing)."""
    members: tuple[Field, ...] = ()
    """The keys of an object (of each item when `array`)."""
    values: tuple[str, ...] = ()
    """The allowed values of an enum."""
    pattern: str | None = None
    ref: str | None = None
    """Name of a shared definition (`$defs`) this field's value (or item) is."""


def _kind_of(conv: Any) -> tuple[Kind, dict[str, Any]]:
    """The exported type of a schema.py converter: the value once converted, not as typed."""
    if isinstance(conv, Text):
        return "text", {}
    if isinstance(conv, Choice):
        return "enum", {"values": conv.values}
    if isinstance(conv, Str | Gtin):
        return "string", {"pattern": conv.schema().get("pattern")}
    if isinstance(conv, Phone):
        return "string", {}
    if isinstance(conv, Int):
        return "integer", {}
    if isinstance(conv, Decimal):
        return "number", {}
    if isinstance(conv, Date):
        return "date", {}
    if isinstance(conv, Url):
        return "uri", {}
    if isinstance(conv, Email):
        return "email", {}
    if isinstance(conv, Bool):
        return "boolean", {}
    if isinstance(conv, Model):
        return "object", {"members": _members(conv.cls)}
    if isinstance(conv, ListOf):
        kind, extra = _kind_of(conv.item)
        return kind, {**extra, "array": True}
    raise TypeError(f"no exported type for the converter {conv!r}")


def _spec_field(cls: type[Any], name: str, **override: Any) -> Field:
    """A field described where it is declared (schema.py), optionally adjusted."""
    declared = next(f for f in dataclasses.fields(cls) if f.name == name)
    meta = declared.metadata
    kind, extra = _kind_of(meta["conv"])
    # Null exactly when the model leaves it None: fields with a default value always have one.
    nullable = declared.default is None
    args: dict[str, Any] = {"vi": meta["vi"], "en": meta["en"], "nullable": nullable, **extra}
    args.update(override)
    return Field(args.pop("key", name), args.pop("kind", kind), **args)


def _described(cls: type[Any], name: str) -> tuple[str, str]:
    meta = next(f.metadata for f in dataclasses.fields(cls) if f.name == name)
    return meta["vi"], meta["en"]


def _members(cls: type[Any], *, skip: Iterable[str] = ()) -> tuple[Field, ...]:
    """Every declared field of a schema.py model, in declaration order."""
    skipped = set(skip)
    return tuple(
        _spec_field(cls, f.name)
        for f in dataclasses.fields(cls)
        if "conv" in f.metadata and f.name not in skipped
    )


def _insert_after(fields: tuple[Field, ...], key: str, new: Field) -> tuple[Field, ...]:
    at = next(i for i, f in enumerate(fields) if f.key == key) + 1
    return (*fields[:at], new, *fields[at:])


def _replace(fields: tuple[Field, ...], new: Field) -> tuple[Field, ...]:
    return tuple(new if f.key == new.key else f for f in fields)


def _page_urls(vi: str, en: str) -> Field:
    return Field(
        "page",
        "object",
        vi,
        en,
        members=(
            Field("vi", "uri", "trang tiếng Việt", "Vietnamese page"),
            Field("en", "uri", "trang tiếng Anh", "English page"),
        ),
    )


def _commune(key: str, vi: str, en: str) -> Field:
    return Field(
        key,
        "object",
        vi,
        en,
        members=(
            Field("id", "string", "mã xã (data/communes.yaml)", "commune id (data/communes.yaml)"),
            Field("name", "string", "tên xã", "commune name"),
        ),
    )


def _code_and_name(key: str, vi: str, en: str) -> Field:
    return Field(
        key,
        "object",
        vi,
        en,
        members=(
            Field("code", "string", "mã trong phân loại OCOP", "code in the OCOP classification"),
            Field("name", "text", "tên", "name"),
        ),
    )


CERTIFICATE_FIELDS = _replace(
    _members(Certification, skip=("stars",)),
    # Always known: the signing date + 36 months when the file gives no date.
    _spec_field(Certification, "valid_until", nullable=False),
)
PRODUCER_FIELDS = (
    # The producer's "about" is long Markdown repeated on each of its products: it stays on the
    # producer page.
    *_members(Producer, skip=("about", "commune_old")),
    _page_urls("trang của chủ thể", "producer page"),
)
PLACE_FIELDS = (
    _commune("commune_new", "xã từ 1/7/2025", "commune since 1 July 2025"),
    _commune("commune_old", "xã, thị trấn trước 1/7/2025", "commune or town before 1 July 2025"),
    *_members(Place, skip=("commune_old", "commune_new")),
)
SOURCE_FIELDS = _members(Source)
VARIANT_FIELDS = _insert_after(
    _members(Variant),
    "gtin",
    Field(
        "digital_link",
        "uri",
        "đường dẫn GS1 Digital Link của mã GTIN (/01/<GTIN-14>/), dẫn tới trang sản phẩm",
        "GS1 Digital Link of the GTIN (/01/<GTIN-14>/), leading to the product page",
        nullable=True,
    ),
)

PRODUCT_FIELDS: tuple[Field, ...] = (
    _spec_field(Product, "id"),
    Field(
        "status",
        "enum",
        "trạng thái như trang sản phẩm hiện: active (còn hiệu lực), expired (hết hạn), "
        "withdrawn (đã thu hồi), unconfirmed (chưa xác minh)",
        "status as the product page shows it: active, expired, withdrawn or unconfirmed "
        "(not yet checked against a decision or official news)",
        values=STATES,
    ),
    Field(
        "stars",
        "integer",
        "hạng sao OCOP (3–5); null khi chưa có quyết định hoặc tin chính thức làm căn cứ",
        "OCOP stars (3–5); null when no decision or official news backs them",
        nullable=True,
    ),
    _spec_field(Provenance, "evidence"),
    _spec_field(Product, "name"),
    _spec_field(Product, "summary"),
    _spec_field(Product, "brand"),
    Field(
        "urls",
        "object",
        "các đường dẫn của sản phẩm",
        "the product's addresses",
        members=(
            Field(
                "permanent",
                "uri",
                "đường dẫn cố định /p/<mã>/ (in trong mã QR), không bao giờ đổi",
                "permanent short address /p/<id>/ (printed in QR codes), never changes",
            ),
            _page_urls("trang sản phẩm theo ngôn ngữ", "product page in each language"),
            Field("data", "uri", "tệp JSON của sản phẩm", "the product's JSON file"),
        ),
    ),
    _code_and_name("group", "nhóm sản phẩm OCOP", "OCOP product group"),
    _code_and_name("category", *_described(Product, "ocop_category")),
    Field(
        "certificate",
        "object",
        "giấy chứng nhận OCOP mới nhất; null khi chưa có",
        "the latest OCOP certificate; null when there is none",
        nullable=True,
        members=CERTIFICATE_FIELDS,
    ),
    Field("producer", "object", "chủ thể sản xuất", "producer", members=PRODUCER_FIELDS),
    _spec_field(Product, "place", members=PLACE_FIELDS),
    _spec_field(Product, "variants", members=VARIANT_FIELDS),
    _spec_field(Product, "food"),
    _spec_field(Product, "other_certifications"),
    _spec_field(Product, "self_declaration"),
    _spec_field(Product, "trade"),
    _spec_field(Product, "where_to_buy"),
    _spec_field(Product, "description"),
    _spec_field(Product, "story"),
    _spec_field(Product, "usage"),
    _spec_field(Product, "tags"),
    _spec_field(Product, "former_ids"),
    _spec_field(Provenance, "updated"),
    _spec_field(Provenance, "sources", members=SOURCE_FIELDS),
)
"""A product record, in the order of its keys."""

_LICENCE = Field(
    "licence",
    "object",
    "giấy phép sử dụng dữ liệu",
    "licence of the data",
    members=(
        Field("name", "string", "tên giấy phép", "licence name"),
        Field("url", "uri", "văn bản giấy phép", "licence text"),
    ),
)
_ILLUSTRATIVE = Field(
    "illustrative",
    "boolean",
    "true khi dữ liệu là minh họa (hư cấu)",
    "true when the data is illustrative (fictional)",
)
_NOTE = Field(
    "note",
    "text",
    "ghi chú về dữ liệu, ví dụ dữ liệu minh họa; null khi không có",
    "a note about the data, e.g. that it is illustrative; null when there is none",
    nullable=True,
)


_SCHEMA = Field("$schema", "uri", "JSON Schema của tệp này", "the JSON Schema of this file")

CATALOGUE_FIELDS: tuple[Field, ...] = (
    _SCHEMA,
    Field("title", "text", "tên danh mục", "catalogue title"),
    Field("area", "text", "địa bàn của danh mục", "area the catalogue covers"),
    Field("source", "uri", "trang web của danh mục", "the catalogue website"),
    Field(
        "generated",
        "date",
        "ngày tạo dữ liệu; trạng thái hết hạn được tính đến ngày này",
        "date the data was generated; expiry is as of this day",
    ),
    _LICENCE,
    _ILLUSTRATIVE,
    _NOTE,
    Field(
        "taxonomy",
        "string",
        "phiên bản phân loại OCOP của mã nhóm và bộ sản phẩm",
        "version of the OCOP classification the group and category codes belong to",
    ),
    Field("count", "integer", "số sản phẩm", "number of products"),
    Field(
        "products",
        "object",
        "mọi sản phẩm đã xuất bản, kể cả hết hạn và đã thu hồi, theo mã",
        "every published product, expired and withdrawn ones included, by id",
        array=True,
        ref="product",
        members=PRODUCT_FIELDS,
    ),
)
PRODUCT_FILE_FIELDS: tuple[Field, ...] = (
    _SCHEMA,
    _LICENCE,
    _ILLUSTRATIVE,
    _NOTE,
    Field(
        "product",
        "object",
        "sản phẩm, cùng bản ghi như trong danh mục",
        "the product, the same record as in the catalogue",
        ref="product",
        members=PRODUCT_FIELDS,
    ),
)

# --- JSON Schema ----------------------------------------------------------------------------------

_SCALARS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    # The pattern too: validators check "format" only on request.
    "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "uri": {"type": "string", "format": "uri"},
    "email": {"type": "string", "format": "email"},
    "boolean": {"type": "boolean"},
}
_TEXT_DEF: dict[str, Any] = {
    "type": "object",
    "description": "văn bản hai thứ tiếng: vi luôn có, en là null khi chưa dịch",
    "x-description-en": "bilingual text: vi always, en null when not translated",
    "properties": {"vi": {"type": "string"}, "en": {"type": ["string", "null"]}},
    "required": ["vi", "en"],
    "additionalProperties": False,
}


def _object_schema(members: Sequence[Field]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.key: _field_schema(f) for f in members},
        "required": [f.key for f in members],
        "additionalProperties": False,
    }


def _value_schema(field: Field) -> dict[str, Any]:
    if field.ref:
        return {"$ref": f"#/$defs/{field.ref}"}
    if field.kind == "object":
        return _object_schema(field.members)
    if field.kind == "text":
        return {"$ref": "#/$defs/text"}
    if field.kind == "enum":
        return {"type": "string", "enum": list(field.values)}
    out = dict(_SCALARS[field.kind])
    if field.pattern:
        out["pattern"] = field.pattern
    return out


def _field_schema(field: Field) -> dict[str, Any]:
    out = _value_schema(field)
    if field.array:
        out = {"type": "array", "items": out}
    elif field.nullable:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"].append(None)
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return {"description": field.vi, "x-description-en": field.en, **out}


def _document_schema(
    site_url: str, path: str, fields: Sequence[Field], title: I18n
) -> dict[str, Any]:
    # Self-contained (the product record is repeated in $defs): a consumer validates a file
    # with one download and no reference resolution.
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": site_url + path,
        "title": title.vi,
        "x-title-en": title.en,
        **_object_schema(fields),
        "$defs": {
            "text": _TEXT_DEF,
            "product": {
                "description": "một sản phẩm OCOP",
                "x-description-en": "one OCOP product",
                **_object_schema(PRODUCT_FIELDS),
            },
        },
    }


def json_schemas(site_url: str) -> dict[str, dict[str, Any]]:
    """The JSON Schemas of the data files, by path in the release; `$id` is their public URL."""
    site_url = _with_slash(site_url)
    return {
        CATALOGUE_SCHEMA: _document_schema(
            site_url,
            CATALOGUE_SCHEMA,
            CATALOGUE_FIELDS,
            I18n(LABELS["vi"]["catalogue"], LABELS["en"]["catalogue"]),
        ),
        PRODUCT_SCHEMA: _document_schema(
            site_url, PRODUCT_SCHEMA, PRODUCT_FILE_FIELDS, I18n("Sản phẩm OCOP", "OCOP product")
        ),
    }


# --- field reference (the "Open data" page) -------------------------------------------------------

_TYPE_NAMES: dict[Lang, dict[str, str]] = {
    "vi": {
        "string": "chuỗi",
        "text": "văn bản {vi, en}",
        "integer": "số nguyên",
        "number": "số",
        "date": "ngày YYYY-MM-DD",
        "uri": "URL",
        "email": "email",
        "boolean": "true/false",
        "enum": "một trong: {values}",
        "object": "đối tượng",
        "array": "danh sách {item}",
        "nullable": "{type} hoặc null",
    },
    "en": {
        "string": "string",
        "text": "text {vi, en}",
        "integer": "integer",
        "number": "number",
        "date": "date YYYY-MM-DD",
        "uri": "URL",
        "email": "email",
        "boolean": "true/false",
        "enum": "one of: {values}",
        "object": "object",
        "array": "list of {item}",
        "nullable": "{type} or null",
    },
}


def _type_name(field: Field, lang: Lang) -> str:
    names = _TYPE_NAMES[lang]
    name = names[field.kind].replace("{values}", ", ".join(field.values))
    if field.array:
        return names["array"].replace("{item}", name)
    return names["nullable"].replace("{type}", name) if field.nullable else name


def field_reference(
    lang: Lang, document: Literal["product", "catalogue", "product_file"] = "product"
) -> list[tuple[str, str, str]]:
    """(path, type, description) for every key of a document, depth first.

    Paths are dotted, with `[]` after a list: `variants[].gtin`. `product` describes one product
    record; `catalogue` and `product_file` the files around it (`products[].id`, `product.id`).
    """
    roots = {
        "product": PRODUCT_FIELDS,
        "catalogue": CATALOGUE_FIELDS,
        "product_file": PRODUCT_FILE_FIELDS,
    }[document]
    out: list[tuple[str, str, str]] = []

    def walk(fields: Sequence[Field], prefix: str) -> None:
        for f in fields:
            path = prefix + f.key
            out.append((path, _type_name(f, lang), f.vi if lang == "vi" else f.en))
            walk(f.members, path + ("[]." if f.array else "."))

    walk(roots, "")
    return out


# --- records --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A converted schema value as JSON data."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, I18n):
        return {"vi": value.vi, "en": value.en}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _dump(obj: Any, fields: Sequence[Field], **computed: Any) -> dict[str, Any]:
    """An object's record, key by key in `fields` order: a computed value where one is given,
    otherwise the attribute of the same name (nested models recursively)."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.key in computed:
            out[f.key] = computed[f.key]
            continue
        value = getattr(obj, f.key)
        if f.kind != "object" or value is None:
            out[f.key] = _plain(value)
        elif f.array:
            out[f.key] = [_dump(v, f.members) for v in value]
        else:
            out[f.key] = _dump(value, f.members)
    return out


def _with_slash(site_url: str) -> str:
    return site_url if site_url.endswith("/") else site_url + "/"


def product_record(
    product: Product, cat: Catalogue, *, site_url: str, renderer: Renderer | None = None
) -> dict[str, Any]:
    """The exported record of one published product (the shape of `PRODUCT_FIELDS`).

    `renderer` gives the status and stars exactly as the product page shows them; pass one when
    exporting many products (a Renderer sets up a template environment).
    """
    site_url = _with_slash(site_url)
    r = renderer or Renderer(cat, {}, "vi", illustrative=False)
    taxonomy = cat.taxonomy
    category = taxonomy.sets[product.ocop_category]
    group = taxonomy.group_of(product.ocop_category)
    producer = cat.producers[product.producer]
    commune_old = cat.region.old[product.place.commune_old]
    commune_new = cat.commune_new(product)
    current = product.current
    page = page_dir("product", product.id)
    producer_page = page_dir("producer", producer.id)
    return _dump(
        product,
        PRODUCT_FIELDS,
        status=r.state(product),
        stars=r.stars(product),
        evidence=product.provenance.evidence,
        urls={
            "permanent": f"{site_url}p/{product.id}/",
            "page": {"vi": site_url + page, "en": f"{site_url}en/{page}"},
            "data": site_url + product_json_path(product.id),
        },
        group={"code": group.code, "name": _plain(group.name)},
        category={"code": category.code, "name": _plain(category.name)},
        certificate=None
        if current is None
        else _dump(current, CERTIFICATE_FIELDS, valid_until=current.expires.isoformat()),
        producer=_dump(
            producer,
            PRODUCER_FIELDS,
            page={"vi": site_url + producer_page, "en": f"{site_url}en/{producer_page}"},
        ),
        place=_dump(
            product.place,
            PLACE_FIELDS,
            commune_new={"id": commune_new.id, "name": commune_new.name},
            commune_old={"id": commune_old.id, "name": commune_old.name},
        ),
        variants=[
            _dump(
                v,
                VARIANT_FIELDS,
                digital_link=f"{site_url}01/{gtin14(v.gtin)}/" if v.gtin else None,
            )
            for v in product.variants
        ],
        updated=product.provenance.updated.isoformat(),
        sources=[_dump(s, SOURCE_FIELDS) for s in product.provenance.sources],
    )


def product_records(cat: Catalogue, *, site_url: str) -> list[dict[str, Any]]:
    """Every published product's record, by id."""
    r = Renderer(cat, {}, "vi", illustrative=False)
    return [product_record(p, cat, site_url=site_url, renderer=r) for p in cat.published]


# --- tables (CSV and XLSX) ------------------------------------------------------------------------

ColumnKind = Literal["plain", "text", "date", "money", "gtin", "label", "certifications", "outlets"]
Scalar = str | int | float | dt.date
CellValue = Scalar | None


@dataclass(frozen=True)
class Column:
    """A table column: where its value is in a product record (`variant.…` for the pack size
    of the row), its header in each language, and how the value is shown."""

    path: str
    vi: str
    en: str
    kind: ColumnKind = "plain"
    labels: Mapping[str, str] | None = None
    """For `label` columns: value → key in i18n.LABELS."""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))


COLUMNS: tuple[Column, ...] = (
    Column("id", "Mã sản phẩm", "Product id"),
    Column("name", "Tên sản phẩm", "Product name", "text"),
    Column("brand", "Nhãn hiệu", "Brand"),
    Column("status", "Trạng thái OCOP", "OCOP status", "label", STATE_LABELS),
    Column("stars", "Hạng sao OCOP", "OCOP stars"),
    Column("certificate.decision", "Số quyết định công nhận", "Recognition decision"),
    Column("certificate.date", "Ngày ký quyết định", "Decision date", "date"),
    Column("certificate.issuer", "Cơ quan công nhận", "Certified by", "text"),
    Column(
        "certificate.level",
        "Cấp công nhận",
        "Certification level",
        "label",
        {level: f"level_{level}" for level in LEVELS},
    ),
    Column("certificate.valid_until", "Chứng nhận hiệu lực đến", "Certificate valid until", "date"),
    Column("group.name", "Nhóm sản phẩm", "Product group", "text"),
    Column("category.code", "Mã bộ sản phẩm", "Product set code"),
    Column("category.name", "Bộ sản phẩm", "Product set", "text"),
    Column("summary", "Tóm tắt", "Summary", "text"),
    Column("variant.sku", "Mã hàng (SKU)", "SKU"),
    Column("variant.name", "Quy cách", "Pack size", "text"),
    Column("variant.gtin", "Mã GTIN", "GTIN", "gtin"),
    Column("variant.net_content", "Khối lượng/thể tích tịnh", "Net content"),
    Column("variant.unit", "Đơn vị", "Unit"),
    Column("variant.packaging", "Bao bì", "Packaging", "text"),
    Column("variant.case_pack", "Số đơn vị/thùng", "Units per case"),
    Column("variant.case_dimensions", "Kích thước thùng", "Case dimensions"),
    Column("variant.case_weight_kg", "Khối lượng cả thùng (kg)", "Gross case weight (kg)"),
    Column(
        "variant.price_retail",
        "Giá bán lẻ tham khảo (đồng)",
        "Reference retail price (VND)",
        "money",
    ),
    Column(
        "variant.price_wholesale",
        "Giá bán sỉ tham khảo (đồng)",
        "Reference wholesale price (VND)",
        "money",
    ),
    Column("variant.price_valid_until", "Giá có hiệu lực đến", "Prices valid until", "date"),
    Column("variant.digital_link", "Đường dẫn GS1 Digital Link", "GS1 Digital Link"),
    Column("food.ingredients", "Thành phần", "Ingredients", "text"),
    Column("food.allergens", "Chất gây dị ứng", "Allergens", "text"),
    Column("food.may_contain", "Có thể chứa", "May contain", "text"),
    Column("food.shelf_life", "Hạn sử dụng", "Shelf life", "text"),
    Column("food.after_opening", "Sau khi mở bao bì", "After opening", "text"),
    Column("food.storage", "Bảo quản", "Storage", "text"),
    Column("food.origin", "Xuất xứ", "Origin", "text"),
    Column("self_declaration", "Số tự công bố", "Self-declaration number"),
    Column("other_certifications", "Chứng nhận khác", "Other certifications", "certifications"),
    Column("trade.min_order", "Đơn hàng tối thiểu", "Minimum order", "text"),
    Column("trade.lead_time", "Thời gian giao hàng", "Lead time", "text"),
    Column("trade.monthly_capacity", "Năng lực cung ứng/tháng", "Monthly capacity", "text"),
    Column("trade.seasonality", "Mùa vụ", "Seasonality", "text"),
    Column("trade.delivery_area", "Khu vực giao hàng", "Delivery area", "text"),
    Column(
        "trade.collective_mark",
        "Nhãn hiệu tập thể / chỉ dẫn địa lý",
        "Collective mark / geographical indication",
        "text",
    ),
    Column("place.commune_new.name", "Xã (từ 1/7/2025)", "Commune (since 1 July 2025)"),
    Column(
        "place.commune_old.name",
        "Xã, thị trấn cũ (trước 1/7/2025)",
        "Former commune or town (before 1 July 2025)",
    ),
    Column("place.raw_material_area", "Vùng nguyên liệu", "Raw material area", "text"),
    Column("producer.name", "Chủ thể sản xuất", "Producer", "text"),
    Column(
        "producer.type",
        "Loại hình chủ thể",
        "Producer type",
        "label",
        {kind: f"producer_type_{kind}" for kind in PRODUCER_TYPES},
    ),
    Column("producer.representative", "Người đại diện", "Representative"),
    Column("producer.registration_number", "Mã số thuế / ĐKKD", "Tax / registration number"),
    Column("producer.phone", "Điện thoại", "Phone"),
    Column("producer.zalo", "Zalo", "Zalo"),
    Column("producer.email", "Email", "Email"),
    Column("producer.website", "Trang web", "Website"),
    Column("producer.address_new", "Địa chỉ hiện nay", "Current address", "text"),
    Column(
        "producer.address_old", "Địa chỉ (trước 1/7/2025)", "Address (before 1 July 2025)", "text"
    ),
    Column("where_to_buy", "Nơi bán", "Where to buy", "outlets"),
    Column("urls.page", "Trang sản phẩm", "Product page", "text"),
    Column("urls.permanent", "Đường dẫn cố định (mã QR)", "Permanent link (QR code)"),
    Column("updated", "Ngày cập nhật", "Updated", "date"),
)
"""The columns of the CSV and XLSX files, in order: a buyer's spec sheet, one row per pack size."""


def table_headers(lang: Lang) -> list[str]:
    return [c.vi if lang == "vi" else c.en for c in COLUMNS]


def _text(value: Mapping[str, str | None], lang: Lang) -> str:
    """A bilingual value in `lang`, falling back to Vietnamese as the pages do."""
    return value.get(lang) or value["vi"] or ""


def _certifications(items: Sequence[Mapping[str, Any]], lang: Lang) -> str:
    until = LABELS[lang]["valid_until"]
    parts = []
    for c in items:
        details = [c["name"], c["number"], c["issuer"] and _text(c["issuer"], lang)]
        if c["valid_until"]:
            details.append(f"{until} {c['valid_until']}")
        parts.append(" · ".join(d for d in details if d))
    return "; ".join(parts)


def _outlets(items: Sequence[Mapping[str, Any]], lang: Lang) -> str:
    t = LABELS[lang]
    parts = []
    for o in items:
        details = [
            f"{_text(o['name'], lang)} ({t['outlet_' + o['kind']]})",
            o["address"] and _text(o["address"], lang),
            o["phone"],
            o["url"],
        ]
        parts.append(" · ".join(d for d in details if d))
    return "; ".join(parts)


def _cell(column: Column, value: Any, lang: Lang) -> CellValue:
    if value is None:
        return None
    kind = column.kind
    if kind == "text":
        return _text(value, lang)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "label":
        assert column.labels is not None
        return LABELS[lang][column.labels[value]]
    if kind == "certifications":
        return _certifications(value, lang) or None
    if kind == "outlets":
        return _outlets(value, lang) or None
    return cast(CellValue, value)


def _lookup(record: Mapping[str, Any] | None, keys: Sequence[str]) -> Any:
    value: Any = record
    for key in keys:
        if value is None:
            return None
        value = value[key]
    return value


def table_rows(records: Iterable[Mapping[str, Any]], lang: Lang) -> Iterator[list[CellValue]]:
    """One row per pack size (one row for a product without any), typed values."""
    plan = [
        (c, c.keys[0] == "variant", c.keys[1:] if c.keys[0] == "variant" else c.keys)
        for c in COLUMNS
    ]
    for record in records:
        variants: list[Mapping[str, Any] | None] = list(record["variants"]) or [None]
        for variant in variants:
            yield [
                _cell(c, _lookup(variant if in_variant else record, keys), lang)
                for c, in_variant, keys in plan
            ]


# --- CSV --------------------------------------------------------------------------------------------

_SAFE_SIGNED = re.compile(r"[+-][\d\s.,()+-]*")


def _csv_text(value: str) -> str:
    """Text that a spreadsheet opening the CSV would take for a formula gets a leading
    apostrophe (OWASP "CSV injection"); phone numbers such as "+84 912 345 678" stay as they are."""
    if value[:1] in ("=", "@", "\t", "\r") or (
        value[:1] in ("+", "-") and not _SAFE_SIGNED.fullmatch(value)
    ):
        return "'" + value
    return value


def plain_number(value: float) -> str:
    """A number as typed in the YAML: "20.6", "2", never "2e+01"."""
    if value.is_integer():
        return str(int(value))
    return format(decimal.Decimal(repr(value)), "f")


def csv_value(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _csv_text(value)
    if isinstance(value, bool):
        raise TypeError("no boolean columns")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return plain_number(value)
    return value.isoformat()


def csv_chunks(rows: Iterable[Sequence[CellValue]], lang: Lang) -> Iterator[bytes]:
    """The CSV table of one language, UTF-8 with a byte order mark, a thousand rows a chunk."""
    yield codecs.BOM_UTF8
    buffer = io.StringIO(newline="")
    # RFC 4180 line ends (the csv module's default): what Excel writes and expects.
    writer = csv.writer(buffer)
    writer.writerow(table_headers(lang))
    for i, row in enumerate(rows, start=1):
        writer.writerow([csv_value(v) for v in row])
        if i % 1000 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# --- XLSX -------------------------------------------------------------------------------------------

MONEY_FORMAT: dict[Lang, str] = {"vi": '#,##0" ₫"', "en": '"VND "#,##0'}
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MIN_WIDTH, MAX_WIDTH = 8, 60
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SHEET_DATA_END = "</sheetData>"
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


def _width(value: CellValue) -> int:
    """Characters a value shows in its cell (about a column width unit each)."""
    if isinstance(value, str):
        return len(value) if "\n" not in value else max(map(len, value.split("\n")))
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, int):
        return len(f"{value:,}") + 4  # thousands separators and the currency
    return len(plain_number(value))


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[CellValue]]) -> list[int]:
    widths = [len(h) + 3 for h in headers]  # room for the filter button
    for row in rows:
        for i, value in enumerate(row):
            w = _width(value)
            if w > widths[i]:
                widths[i] = w
    return [min(max(w + 1, MIN_WIDTH), MAX_WIDTH) for w in widths]


def _about_rows(
    cat: Catalogue,
    lang: Lang,
    *,
    site_url: str,
    today: dt.date,
    illustrative: bool,
    licence: Licence,
) -> list[tuple[str, CellValue]]:
    vi = lang == "vi"
    title = f"{LABELS[lang]['catalogue']} – {cat.region.area.get(lang)}"
    rows: list[tuple[str, CellValue]] = [
        ("Danh mục" if vi else "Catalogue", title),
        ("Trang web" if vi else "Website", site_url),
        ("Dữ liệu JSON" if vi else "JSON data", site_url + CATALOGUE_JSON),
        ("Giấy phép" if vi else "Licence", f"{licence.name} {licence.url}"),
        ("Trạng thái tính đến ngày" if vi else "Status as of", today),
        ("Số sản phẩm" if vi else "Products", len(cat.published)),
    ]
    if illustrative:
        rows.append(("Ghi chú" if vi else "Note", ILLUSTRATIVE_NOTE.get(lang)))
    return rows


def _style_id(ws: Any, number_format: str) -> int:
    """The cell format index (`s`) of a number format, registered in the workbook's styles."""
    probe = WriteOnlyCell(ws)  # not placed in the sheet: it only registers the style
    probe.number_format = number_format
    return int(probe.style_id)


def _cell_xml(ref: str, value: Scalar, style: int | None) -> str:
    """One `<c>` element, as openpyxl writes it (strings inline)."""
    s = "" if style is None else f' s="{style}"'
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{xml_escape(value)}</t></is></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{s} t="n"><v>{to_excel(value)}</v></c>'
    number = str(value) if isinstance(value, int) else plain_number(value)
    return f'<c r="{ref}"{s} t="n"><v>{number}</v></c>'


def _rows_xml(
    rows: Iterable[Sequence[CellValue]], styles: Sequence[int | None], first: int
) -> Iterator[str]:
    letters = [get_column_letter(i) for i in range(1, len(styles) + 1)]
    for r, row in enumerate(rows, start=first):
        cells = "".join(
            _cell_xml(f"{letter}{r}", value, style)
            for letter, value, style in zip(letters, row, styles, strict=True)
            if value is not None
        )
        yield f'<row r="{r}">{cells}</row>'


def xlsx_bytes(
    rows: Sequence[Sequence[CellValue]],
    lang: Lang,
    *,
    about: Sequence[tuple[str, CellValue]] = (),
    created: dt.datetime,
) -> bytes:
    """The catalogue sheet (then an "About" sheet) as XLSX bytes, the same on every run.

    openpyxl makes the package (styles, frozen header, auto-filter, widths, properties) with the
    header row only; the data rows are then written straight into the sheet's XML, in the form
    openpyxl itself writes (inline strings). Without lxml, openpyxl serialises a cell in ~35 µs:
    measured with 2,000 products (3,300 rows, 170,000 cells), write-only mode took 7.9 s, this
    0.6 s, so 20,000 products take seconds instead of two minutes per language.
    """
    headers = table_headers(lang)

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh mục OCOP" if lang == "vi" else "OCOP catalogue"
    ws.append(headers)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, width in enumerate(column_widths(headers, rows), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    last = f"{get_column_letter(len(headers))}{len(rows) + 1}"
    ws.auto_filter.ref = f"A1:{last}"

    by_kind: dict[str, int] = {
        "money": _style_id(ws, MONEY_FORMAT[lang]),
        # Text, so Excel never shows 9.52026E+12 or drops a GTIN-12's leading zero.
        "gtin": _style_id(ws, TEXT_FORMAT),
        "date": _style_id(ws, DATE_FORMAT),
    }
    styles = [by_kind.get(c.kind) for c in COLUMNS]

    if about:
        info = wb.create_sheet("Giới thiệu" if lang == "vi" else "About")
        info.column_dimensions["A"].width = 26
        info.column_dimensions["B"].width = 100
        for label, value in about:
            info.append([label, value])
            info.cell(info.max_row, 1).font = bold

    props = wb.properties
    props.creator = props.lastModifiedBy = "generator.exports"
    props.title = LABELS[lang]["catalogue"]
    props.language = "vi-VN" if lang == "vi" else "en"
    # Fixed times (openpyxl would stamp "now"), so unchanged data gives unchanged bytes.
    props.created = props.modified = created
    package = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED)).save()
    return _finish_package(
        package.getvalue(),
        sheet=ws.path.lstrip("/"),
        dimension=f'<dimension ref="A1:{last}"/>',
        rows=_rows_xml(rows, styles, first=2),
    )


def _finish_package(data: bytes, *, sheet: str, dimension: str, rows: Iterable[str]) -> bytes:
    """The package openpyxl wrote, with the data rows added to `sheet` and every member dated
    1980-01-01 (zipfile stamps the current time: the bytes would change on every run)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            content = source.read(info)
            if info.filename != sheet:
                target.writestr(member, content)
                continue
            xml = content.decode("utf-8")
            if xml.count(_SHEET_DATA_END) != 1 or not _DIMENSION.search(xml):
                raise RuntimeError(f"unexpected worksheet XML from openpyxl in {sheet}")
            head, tail = xml.split(_SHEET_DATA_END)
            with target.open(member, "w", force_zip64=True) as stream:
                stream.write(_DIMENSION.sub(dimension, head, count=1).encode("utf-8"))
                batch: list[str] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 1000:
                        stream.write("".join(batch).encode("utf-8"))
                        batch.clear()
                stream.write("".join(batch).encode("utf-8"))
                stream.write((_SHEET_DATA_END + tail).encode("utf-8"))
    return out.getvalue()


# --- writing ----------------------------------------------------------------------------------------

Content = bytes | Iterable[bytes]
"""A file's bytes, or its chunks in order (the big files are streamed)."""


def _json_bytes(data: Any, *, indent: bool = False) -> bytes:
    # Compact unless asked: with `indent`, json.dumps falls back from its C encoder to Python,
    # 5× slower (5 s of a 17 s export of 5,000 products went to indenting the product files).
    text = json.dumps(data, ensure_ascii=False, indent=2) if indent else _compact(data)
    return (text + "\n").encode("utf-8")


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _catalogue_chunks(head: Mapping[str, Any], records: Iterable[Any]) -> Iterator[bytes]:
    """`{**head, "products": records}` as compact JSON, one product at a time: the whole
    document is 6.5 KB per product of the sample (130 MB at 20,000), too big to build as one
    string (Vietnamese text takes two bytes per character in a Python string)."""
    opening = _compact(dict(head))
    yield (opening[:-1] + ',"products":[').encode("utf-8")
    for i, record in enumerate(records):
        yield (("," if i else "") + _compact(record)).encode("utf-8")
    yield b"]}\n"


def _write(path: Path, content: Content) -> None:
    """Write atomically; leave a file whose bytes are unchanged alone (cheap rebuilds, quiet
    live reload)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        try:
            if path.read_bytes() == content:
                return
        except OSError:
            pass
        content = (content,)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as out:
        for chunk in content:
            out.write(chunk)
    if path.is_file() and filecmp.cmp(tmp, path, shallow=False):
        tmp.unlink()
    else:
        os.replace(tmp, path)


def export_files(
    cat: Catalogue,
    *,
    site_url: str,
    today: dt.date,
    illustrative: bool,
    licence: Licence = DATA_LICENCE,
) -> Iterator[tuple[str, Content]]:
    """Every export file as (path relative to the release folder, content), one at a time: at
    20,000 products they add up to 430 MB, which need not sit in memory at once."""
    site_url = _with_slash(site_url)
    schemas = json_schemas(site_url)
    records = product_records(cat, site_url=site_url)
    note = _plain(ILLUSTRATIVE_NOTE) if illustrative else None
    licence_data = {"name": licence.name, "url": licence.url}
    for path, schema in schemas.items():
        yield path, _json_bytes(schema, indent=True)  # small, and read by people
    head = {
        "$schema": schemas[CATALOGUE_SCHEMA]["$id"],
        "title": {"vi": LABELS["vi"]["catalogue"], "en": LABELS["en"]["catalogue"]},
        "area": _plain(cat.region.area),
        "source": site_url,
        "generated": today.isoformat(),
        "licence": licence_data,
        "illustrative": illustrative,
        "note": note,
        "taxonomy": cat.taxonomy.version,
        "count": len(records),
    }
    yield CATALOGUE_JSON, _catalogue_chunks(head, records)
    for product, record in zip(cat.published, records, strict=True):
        # No date in here: a product's file changes only when the product does.
        envelope = {
            "$schema": schemas[PRODUCT_SCHEMA]["$id"],
            "licence": licence_data,
            "illustrative": illustrative,
            "note": note,
            "product": record,
        }
        data = _json_bytes(envelope)
        # Former ids too: a link to a renamed product's data keeps working, as its pages do.
        for product_id in (product.id, *product.former_ids):
            yield product_json_path(product_id), data
    created = dt.datetime.combine(today, dt.time())
    for lang in LANGS:
        rows = list(table_rows(records, lang))
        yield table_path(lang, "csv"), csv_chunks(rows, lang)
        about = _about_rows(
            cat, lang, site_url=site_url, today=today, illustrative=illustrative, licence=licence
        )
        yield table_path(lang, "xlsx"), xlsx_bytes(rows, lang, about=about, created=created)


def write_exports(
    release: Path,
    cat: Catalogue,
    *,
    site_url: str,
    today: dt.date,
    illustrative: bool,
    licence: Licence = DATA_LICENCE,
) -> list[str]:
    """Write every export file under `release`; returns their paths relative to it, sorted."""
    written: list[str] = []
    for path, content in export_files(
        cat, site_url=site_url, today=today, illustrative=illustrative, licence=licence
    ):
        _write(release / path, content)
        written.append(path)
    return sorted(written)
