"""The generated parts of the editors' guide (content/<lang>/huong-dan-bien-tap/).

The guide is hand-written prose for the officials who keep the catalogue, except where the code is
the truth and prose would drift from it:

- the field reference of `product.yaml` and `producers/<id>.yaml` (`input_fields`): walked from
  the `spec()` metadata of the models in generator/schema.py, the declarations that also validate
  the files, write the scaffold (`make new`) and the editors' JSON Schemas. Path, required flag,
  how the value is written (`scaffold.value_hint`, the hint the scaffold's comments give), the
  allowed values of a choice, the default and the description, in the page's language;
- a finished example of each file and the common mistakes (`error_examples`): each mistake is
  one line of the example changed, and the messages shown are those of the real loader
  (yamlload), the real schema conversion and the real cross-file checks of catalogue.py, run on
  the text in memory at build time. A test also writes them into a project and compares with
  `load_catalogue`, so they cannot go stale;
- the one-line summaries `make check` and `make site` print (`cli.summary`).

Rendered by `Renderer.editor_guide_blocks` (generator/render.py) with the templates
`editor-*.md.j2`; pages include them with `--8<-- "editor-….md"`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .catalogue import Catalogue, check_products
from .errors import ContentError, Diagnostics, Lang
from .fields import INVALID, Choice, Context, I18n, ListOf, Model, Str, Text, gtin_check_digit, run
from .scaffold import value_hint
from .schema import PRODUCER, PRODUCT, Producer, Product
from .yamlload import Document, load_yaml_bytes

GUIDE_DIR = "huong-dan-bien-tap/"
"""Where the guide's pages live, in both languages (content/<lang>/huong-dan-bien-tap/)."""

LABELS: dict[Lang, dict[str, str]] = {
    "vi": {
        "field": "Trường",
        "required": "Bắt buộc",
        "form": "Cách viết",
        "meaning": "Ý nghĩa",
        "yes": "có",
        "no": "không",
        "default": "mặc định",
        "fields_product": "Các trường của tệp sản phẩm",
        "fields_producer": "Các trường của tệp chủ thể",
        "example_product": "Tệp sản phẩm",
        "example_producer": "Tệp chủ thể",
        "written": "Trong tệp (số ở đầu là số thứ tự dòng, không có trong tệp):",
        "message": "Thông báo của make check:",
        "fix": "Cách sửa:",
        "fix_add": "Cách sửa (thêm lại dòng đã thiếu):",
        "summary_check": "make check, khi dữ liệu đúng:",
        "summary_site": "make site, khi bản dựng thành công:",
        "summary_failed": "make check hoặc make site, khi còn lỗi (sau danh sách lỗi):",
    },
    "en": {
        "field": "Field",
        "required": "Required",
        "form": "How to write it",
        "meaning": "Meaning",
        "yes": "yes",
        "no": "no",
        "default": "default",
        "fields_product": "Fields of the product file",
        "fields_producer": "Fields of the producer file",
        "example_product": "Product file",
        "example_producer": "Producer file",
        "written": "In the file (the number in front is the line number, not part of the file):",
        "message": "What make check says:",
        "fix": "How to fix it:",
        "fix_add": "How to fix it (add the missing line back):",
        "summary_check": "make check, when the data is right:",
        "summary_site": "make site, when the build succeeds:",
        "summary_failed": "make check or make site, when errors remain (after the list of errors):",
    },
}

# --- the field reference --------------------------------------------------------------------------

_FORMS: dict[Lang, dict[str, str]] = {
    "vi": {
        "str": "chữ, một dòng",
        "text": "chữ hai thứ tiếng",
        "rich": "văn bản hai thứ tiếng, nhiều dòng, viết được Markdown",
        "choice": "một trong",
        "date": "ngày",
        "url": "địa chỉ web",
        "email": "địa chỉ email",
        "phone": "số điện thoại",
        "gtin": "mã GTIN gồm 8, 12, 13 hoặc 14 chữ số",
        "model": "nhóm trường (các dòng bên dưới)",
        "model_list": "danh sách; mỗi mục gồm các trường bên dưới",
        "list": "danh sách; mỗi mục là {item}",
        "max_len": "tối đa {n} ký tự",
    },
    "en": {
        "str": "text, one line",
        "text": "bilingual text",
        "rich": "bilingual text, several lines, Markdown allowed",
        "choice": "one of",
        "date": "date",
        "url": "web address",
        "email": "email address",
        "phone": "phone number",
        "gtin": "GTIN of 8, 12, 13 or 14 digits",
        "model": "group of fields (the lines below)",
        "model_list": "list; each item has the fields below",
        "list": "list; each item is {item}",
        "max_len": "at most {n} characters",
    },
}


@dataclass(frozen=True)
class InputField:
    """One field of a content file, as the guide's reference table shows it."""

    path: str
    """Dotted, with `[]` after a list: `variants[].gtin`."""
    required: bool
    """Required in the file, or in each item of the list (group) it belongs to."""
    form: str
    """How the value is written, in the page's language."""
    values: tuple[str, ...]
    """The allowed values of a choice."""
    default: str | None
    description: str


def value_form(conv: Any, lang: Lang) -> str:
    """How a value of this converter is written, in words, for the reference table."""
    forms = _FORMS[lang]
    parts: list[str] = []
    if isinstance(conv, ListOf):
        if isinstance(conv.item, Model):
            return forms["model_list"]
        return forms["list"].format(item=value_form(conv.item, lang))
    if isinstance(conv, Model):
        return forms["model"]
    if isinstance(conv, Text):
        parts.append(forms["rich" if conv.multiline else "text"])
    elif isinstance(conv, Str):
        pattern = conv.pattern_vi if lang == "vi" else conv.pattern_en
        parts.append(pattern or forms["str"])
    elif isinstance(conv, Choice):
        return forms["choice"]
    else:
        kind = type(conv).__name__.lower()
        if kind in forms:
            parts.append(forms[kind])
    hint = value_hint(conv)
    if hint is not None:
        parts.append(hint[0] if lang == "vi" else hint[1])
    max_len = getattr(conv, "max_len", None)
    if max_len:
        parts.append(forms["max_len"].format(n=max_len))
    return "; ".join(parts)


def _default(f: dataclasses.Field[Any]) -> str | None:
    default = f.default
    if default is dataclasses.MISSING or default is None:
        return None
    return str(default).lower() if isinstance(default, bool) else str(default)


def input_fields(cls: type[Any], lang: Lang) -> list[InputField]:
    """Every field of a schema model and of the models inside it, depth first, in the order
    of the declarations (the order `make new` writes them)."""
    out: list[InputField] = []

    def walk(model: type[Any], prefix: str) -> None:
        for f in dataclasses.fields(model):
            meta = f.metadata
            if "conv" not in meta:
                continue
            conv = meta["conv"]
            item = conv.item if isinstance(conv, ListOf) else conv
            path = prefix + f.name
            out.append(
                InputField(
                    path,
                    bool(meta["required"]),
                    value_form(conv, lang),
                    item.values if isinstance(item, Choice) else (),
                    _default(f),
                    str(meta[lang]),
                )
            )
            if isinstance(item, Model):
                walk(item.cls, path + ("[]." if isinstance(conv, ListOf) else "."))

    walk(cls, "")
    return out


FILES: dict[str, type[Any]] = {"product": Product, "producer": Producer}
"""The files the reference describes: block name part → model."""

# --- the example files and the common mistakes ---------------------------------------------------

EXAMPLE_PRODUCT_ID = "ca-phe-bot-vi-du"
EXAMPLE_PRODUCER_ID = "htx-ca-phe-vi-du"
EXAMPLE_PRODUCT_PATH = f"products/{EXAMPLE_PRODUCT_ID}/product.yaml"
EXAMPLE_PRODUCER_PATH = f"producers/{EXAMPLE_PRODUCER_ID}.yaml"
EXAMPLE_PATHS = {"product": EXAMPLE_PRODUCT_PATH, "producer": EXAMPLE_PRODUCER_PATH}
EXAMPLE_COMMUNE = "nam-nung"
"""The example's commune, when the project's data/communes.yaml has it (else its first one)."""
_GTIN_DATA = "952000000001"
"""GS1 keeps the prefix 952 for examples: no real product carries this number."""
EXAMPLE_GTIN = _GTIN_DATA + str(gtin_check_digit(_GTIN_DATA))
WRONG_GTIN = _GTIN_DATA + str((gtin_check_digit(_GTIN_DATA) + 1) % 10)

_PRODUCT_TEXT = f"""\
# Ví dụ (hư cấu) / example (fictional)
id: {EXAMPLE_PRODUCT_ID}
status: active
name:
  vi: Cà phê bột Ví Dụ
  en: Ví Dụ ground coffee
producer: {EXAMPLE_PRODUCER_ID}
ocop_category: I.6
summary: Cà phê robusta rang mộc, xay sẵn, túi 500 g.
place:
  commune_old: {{commune}}
certifications:
  - stars: 4
    decision: 123/QĐ-UBND
    date: 2024-05-16
    issuer: UBND tỉnh Đắk Nông
    level: province
variants:
  - name: Túi 500 g
    gtin: "{EXAMPLE_GTIN}"
    net_content: 500
    unit: g
provenance:
  updated: 2026-10-15
  evidence: decision
"""
_PRODUCER_TEXT = f"""\
# Ví dụ (hư cấu) / example (fictional)
id: {EXAMPLE_PRODUCER_ID}
name: HTX Cà phê Ví Dụ
type: cooperative
commune_old: {{commune}}
phone: 0912 345 678
"""


@dataclass(frozen=True)
class Mistake:
    """One line of the example product file, mistyped (or left out)."""

    title: I18n
    line: str
    """A line of the example product file, exactly."""
    wrong: str | None
    """What is written instead; None: the line is missing."""
    right: str | None = None
    """The corrected line, when it is not `line` itself."""


MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        I18n("Dấu hai chấm trong một đoạn chữ", "A colon inside a text"),
        "summary: Cà phê robusta rang mộc, xay sẵn, túi 500 g.",
        "summary: Cà phê robusta: rang mộc, xay sẵn, túi 500 g.",
        'summary: "Cà phê robusta: rang mộc, xay sẵn, túi 500 g."',
    ),
    Mistake(
        I18n("Ngày viết theo kiểu ngày/tháng/năm", "A date written as day/month/year"),
        "    date: 2024-05-16",
        "    date: 16/5/2024",
    ),
    Mistake(
        I18n("Giá trị không có trong danh sách cho phép", "A value that is not among the choices"),
        "    level: province",
        "    level: tỉnh",
    ),
    Mistake(
        I18n("Mã GTIN gõ sai một chữ số", "A GTIN with one digit mistyped"),
        f'    gtin: "{EXAMPLE_GTIN}"',
        f'    gtin: "{WRONG_GTIN}"',
    ),
    Mistake(
        I18n("Thiếu một trường bắt buộc", "A required field left out"),
        "    decision: 123/QĐ-UBND",
        None,
    ),
    Mistake(
        I18n(
            "Tên trường gõ sai: một cảnh báo và một lỗi",
            "A misspelt field name: a warning and an error",
        ),
        "summary: Cà phê robusta rang mộc, xay sẵn, túi 500 g.",
        "sumary: Cà phê robusta rang mộc, xay sẵn, túi 500 g.",
    ),
    Mistake(
        I18n(
            "Mã chủ thể không khớp tên tệp chủ thể", "A producer id that matches no producer file"
        ),
        f"producer: {EXAMPLE_PRODUCER_ID}",
        f"producer: {EXAMPLE_PRODUCER_ID.replace('ca-phe', 'caphe')}",
    ),
)


def example_commune(cat: Catalogue) -> str:
    """A commune of this project's data/communes.yaml, so that the example is valid here."""
    old = cat.region.old
    return EXAMPLE_COMMUNE if EXAMPLE_COMMUNE in old or not old else next(iter(old))


def example_files(cat: Catalogue) -> dict[str, str]:
    """The finished example of each file (a key of FILES → its text), for this project's
    communes; EXAMPLE_PATHS says where each would be."""
    commune = example_commune(cat)
    return {
        "product": _PRODUCT_TEXT.replace("{commune}", commune),
        "producer": _PRODUCER_TEXT.replace("{commune}", commune),
    }


def _load(
    model: Model[Any], text: str, display: str, diag: Diagnostics
) -> tuple[Any, Document | None]:
    """One file as `make check` reads it: the strict loader, then the schema."""
    doc, problems = load_yaml_bytes(text.encode("utf-8"), display)
    diag.extend(problems)
    if doc is None:
        return INVALID, None
    return run(model, doc.data, (), Context(doc, diag)), doc


def check_example(cat: Catalogue, product_text: str) -> list[ContentError]:
    """The problems `make check` reports for the example producer and this product text, in
    the order it prints them: the loader, the schema, then the checks across files (the
    producer reference, product set, communes, certificates, GTINs) against this project's
    taxonomy and communes."""
    diag = Diagnostics()
    files = example_files(cat)
    producer, _ = _load(PRODUCER, files["producer"], EXAMPLE_PRODUCER_PATH, diag)
    product, doc = _load(PRODUCT, product_text, EXAMPLE_PRODUCT_PATH, diag)
    if product is not INVALID and producer is not INVALID and doc is not None:
        # The checks load_catalogue runs across files, on a catalogue of this product alone.
        alone = Catalogue(
            root=cat.root,
            today=cat.today,
            taxonomy=cat.taxonomy,
            region=cat.region,
            products=[product],
            producers={producer.id: producer},
        )
        check_products(alone, {product.id: doc}, set(), diag)
    return sorted(diag.problems)


@dataclass(frozen=True)
class Example:
    """A mistake as the guide shows it."""

    title: str
    excerpt: list[tuple[int, str]]
    """(line number, text) around the mistake in the mistyped file."""
    missing: bool
    """The mistake is a line left out."""
    fix: str
    """The line as it should be."""
    fix_at: int
    """Its line number in the corrected file."""
    messages: list[str]


def _replace(text: str, line: str, new: str | None) -> tuple[str, int]:
    """`text` with its line `line` replaced (or removed); the 0-based index of that line."""
    lines = text.split("\n")
    at = lines.index(line)
    lines[at : at + 1] = [] if new is None else [new]
    return "\n".join(lines), at


def mistyped_text(cat: Catalogue, mistake: Mistake) -> tuple[str, int]:
    """The example product file with the mistake in it, and the 0-based index of its line."""
    return _replace(example_files(cat)["product"], mistake.line, mistake.wrong)


def fixed_text(cat: Catalogue, mistake: Mistake) -> str:
    """The example product file with the mistake's line corrected as the guide says."""
    return _replace(example_files(cat)["product"], mistake.line, mistake.right or mistake.line)[0]


def error_examples(cat: Catalogue, lang: Lang) -> list[Example]:
    out = []
    for mistake in MISTAKES:
        text, at = mistyped_text(cat, mistake)
        lines = text.split("\n")
        # The line before, the changed one (or the one now in its place) and the one after.
        shown = range(max(at - 1, 0), min(at + 2, len(lines)))
        out.append(
            Example(
                mistake.title.get(lang),
                [(n + 1, lines[n]) for n in shown if lines[n]],
                mistake.wrong is None,
                mistake.right or mistake.line,
                at + 1,
                [p.format(lang) for p in check_example(cat, text)],
            )
        )
    return out


# --- the summary lines ----------------------------------------------------------------------------


def summaries(cat: Catalogue, renditions: int, lang: Lang) -> list[tuple[str, str]]:
    """(label key, line) of the summaries the commands print, for this catalogue's size."""
    # Imported here, not at the top: cli imports the build and the renderer, which imports this
    # module.
    from .build import BuildResult
    from .cli import summary

    labels = ("summary_check", "summary_site", "summary_failed")
    result = BuildResult(products=len(cat.published), renditions_cached=renditions)
    lines = (
        summary(lang, products=len(cat.products), errors=0, warnings=0, seconds=0.8),
        summary(
            lang,
            products=len(cat.published),
            errors=0,
            warnings=0,
            seconds=12.4,
            result=result,
        ),
        summary(lang, products=0, errors=2, warnings=1, seconds=0.9),
    )
    return list(zip(labels, lines, strict=True))
