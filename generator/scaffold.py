"""`python -m generator new`: start a product file for an official who is not a programmer.

Copying an existing `product.yaml` and editing it (the README's old advice) carried another
product's decision numbers and GTINs into the new file, and left the editor guessing which fields
exist. The scaffold instead writes every field of the schema, in the schema's order, each under its
description from `generator/schema.py` (Vietnamese / English): the required ones filled so that the
file validates at once, the optional ones commented out with an empty value. Empty, not a
placeholder such as "…": a text converter would accept "…" and publish it, while an empty value is
either ignored (optional field) or reported (a required one, or a text without its `vi`). The product starts as `status: draft`, so nothing
is published until the official sets `status: active` after the OCOP decision.

Values are checked before anything is written (commune against data/communes.yaml, product set
against the OCOP taxonomy, producer against producers/), and the rendered text is read back with
the strict loader and converted with the schema: what is written is what `make check` accepts.
Existing files are never overwritten.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from .catalogue import PRODUCT_FILE, Region, Taxonomy, load_region, load_taxonomy
from .editor_schemas import modeline
from .errors import Diagnostics, Message, msg
from .fields import (
    ID_PATTERN,
    Bool,
    Choice,
    Context,
    Date,
    Decimal,
    Gtin,
    Int,
    ListOf,
    Model,
    Phone,
    Text,
    Url,
    run,
)
from .permalinks import LOCKFILE
from .schema import PRODUCER, PRODUCER_TYPES, PRODUCT, Producer, Product
from .text import fold, nfc, slugify
from .yamlload import load_yaml_bytes, load_yaml_file

# The same exit statuses as generator.cli (importing cli here would be circular).
EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


MAX_BASE_ID = 60
"""Ids may have 80 characters; a derived one is cut shorter so "-2", "-3"… still fit."""

PRODUCER_TYPE_NAMES = {
    "cooperative": "hợp tác xã",
    "enterprise": "doanh nghiệp",
    "household": "hộ kinh doanh",
    "cooperative_group": "tổ hợp tác",
    "other": "khác",
}


class ScaffoldError(Exception):
    """A value the scaffold cannot use; `status` is the command's exit status."""

    def __init__(self, message: Message, status: int = EXIT_USAGE) -> None:
        super().__init__(message.en)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return f"{self.message.vi} / {self.message.en}"


@dataclass(frozen=True)
class Request:
    """What the official asked for; None means "not given" (asked for, or an error)."""

    name: str | None = None
    en_name: str | None = None
    producer: str | None = None
    producer_name: str | None = None
    producer_type: str | None = None
    category: str | None = None
    commune: str | None = None
    id: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class Prompter:
    """Questions on a terminal; injectable so tests can answer them."""

    ask: Callable[[str], str]
    out: TextIO

    def text(self, vi: str, en: str) -> str:
        while True:
            answer = nfc(self.ask(f"{vi} ({en}): ").strip())
            if answer:
                return answer
            print("Cần nhập một giá trị (a value is needed)", file=self.out)

    def choose(self, vi: str, en: str, options: list[tuple[str, str]]) -> str:
        """A numbered list; the answer is a number, or the value itself (a code or an id)."""
        print(f"{vi} ({en}):", file=self.out)
        for number, (_, label) in enumerate(options, 1):
            print(f"  {number:>2}. {label}", file=self.out)
        values = [value for value, _ in options]
        while True:
            answer = nfc(self.ask("Chọn số (choose a number): ").strip())
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return values[int(answer) - 1]
            if answer and answer in values:
                return answer
            print("Không có lựa chọn này, hãy nhập lại (no such choice, try again)", file=self.out)


@dataclass(frozen=True)
class Scaffold:
    """The files to write (project-relative path → text) and what to tell the official."""

    product_id: str
    product_path: str
    producer_id: str
    producer_path: str | None
    """Set when a new producer file is written."""
    files: dict[str, str]
    producer_matched: bool = False


# --- reading the project ----------------------------------------------------------------------


def _producer_names(root: Path) -> dict[str, str]:
    """Producer id → Vietnamese name, read leniently: a broken file still names its producer."""
    out: dict[str, str] = {}
    folder = root / "producers"
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or path.name.startswith("."):
            continue
        doc, _ = load_yaml_file(path, path.name)
        name = doc.data.get("name") if doc is not None and isinstance(doc.data, dict) else None
        if isinstance(name, dict):
            name = name.get("vi")
        out[nfc(path.stem)] = nfc(name) if isinstance(name, str) else nfc(path.stem)
    return out


def used_product_ids(root: Path) -> set[str]:
    """Ids a new product must not take although no folder has them.

    A former id keeps redirecting old QR codes to the renamed product, and an id in the
    permalink lockfile was published once (its product may be gone, its QR codes are not).
    """
    used: set[str] = set()
    products = root / "products"
    if products.is_dir():
        for folder in products.iterdir():
            doc, _ = load_yaml_file(folder / PRODUCT_FILE, "")
            if doc is None or not isinstance(doc.data, dict):
                continue
            former = doc.data.get("former_ids")
            if isinstance(former, list):
                used.update(nfc(i) for i in former if isinstance(i, str))
    lockfile = root / LOCKFILE
    if lockfile.is_file():
        for line in lockfile.read_text(encoding="utf-8").splitlines():
            found = re.fullmatch(r"\S+\s+/p/([^/\s]+)/", line.strip())
            if found:
                used.add(found.group(1))
    return used


def base_id(name: str) -> str:
    """The id a name gives: "Đậu đen Đắk Sôr" → "dau-den-dak-sor" (đ folds to d)."""
    slug = slugify(name)
    if len(slug) > MAX_BASE_ID:
        slug = slug[:MAX_BASE_ID].rsplit("-", 1)[0] or slug[:MAX_BASE_ID]
    return slug


def unique_id(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or `base-2`, `base-3`… the first one not taken."""
    candidate, number = base, 2
    while taken(candidate):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _producer_file(root: Path, producer_id: str) -> Path | None:
    for suffix in (".yaml", ".yml"):
        path = root / "producers" / f"{producer_id}{suffix}"
        if path.exists() or path.is_symlink():
            return path
    return None


# --- checking and completing the request ------------------------------------------------------


def _missing(option: str, vi: str, en: str) -> ScaffoldError:
    return ScaffoldError(
        msg(
            "thiếu {option} ({vi}); chạy lệnh trong cửa sổ dòng lệnh để được hỏi từng mục",
            "{option} is missing ({en}); run the command in a terminal to be asked for each value",
            option=option,
            vi=vi,
            en=en,
        )
    )


def _category(taxonomy: Taxonomy, value: str) -> str:
    code = nfc(value.strip())
    for known in taxonomy.sets:
        # "i.6" typed for "I.6" is the same choice; only the case differs.
        if known.casefold() == code.casefold():
            return known
    raise ScaffoldError(
        msg(
            'không có bộ sản phẩm OCOP "{code}" trong phân loại {v}; các mã hợp lệ: {codes}',
            'no OCOP product set "{code}" in the {v} classification; valid codes: {codes}',
            code=code,
            v=taxonomy.version,
            codes=", ".join(taxonomy.sets),
        )
    )


def _commune(region: Region, value: str) -> str:
    typed = nfc(value.strip())
    if typed in region.old:
        return typed
    # Officials type the name they know ("Nâm N'Đir") as often as the id.
    for commune in region.old.values():
        if slugify(typed) in (commune.id, slugify(commune.name)):
            return commune.id
    raise ScaffoldError(
        msg(
            'không có xã "{id}" trong data/communes.yaml; các mã hợp lệ: {ids}',
            'no commune "{id}" in data/communes.yaml; valid ids: {ids}',
            id=typed,
            ids=", ".join(sorted(region.old)),
        )
    )


def _producer_type(value: str) -> str:
    typed = value.strip()
    if typed in PRODUCER_TYPES:
        return typed
    raise ScaffoldError(
        msg(
            'không có loại chủ thể "{type}"; các loại hợp lệ: {types}',
            'no producer type "{type}"; valid types: {types}',
            type=typed,
            types=", ".join(PRODUCER_TYPES),
        )
    )


@dataclass(frozen=True)
class _Answers:
    name: str
    en_name: str | None
    producer_id: str | None
    producer_name: str | None
    producer_type: str | None
    category: str
    commune: str
    producer_matched: bool = False
    """The new producer's name is that of an existing one, which is used instead."""


def complete(
    root: Path, request: Request, taxonomy: Taxonomy, region: Region, prompter: Prompter | None
) -> _Answers:
    """Every value checked, the missing ones asked for (or an error when nobody can answer)."""
    producers = _producer_names(root)
    name = nfc(request.name.strip()) if request.name else None
    if not name:
        if prompter is None:
            raise _missing("--name", "tên sản phẩm", "product name")
        name = prompter.text("Tên sản phẩm", "product name")

    if request.producer and request.producer_name:
        raise ScaffoldError(
            msg(
                "chỉ dùng một trong hai: --producer (chủ thể đã có) hoặc --producer-name (chủ thể mới)",
                "use only one of --producer (an existing producer) and --producer-name "
                "(a new producer)",
            )
        )
    producer_id = nfc(request.producer.strip()) if request.producer else None
    producer_name = nfc(request.producer_name.strip()) if request.producer_name else None
    if producer_id is not None and _producer_file(root, producer_id) is None:
        raise ScaffoldError(
            msg(
                'không có chủ thể "{id}" (tệp producers/{id}.yaml); chủ thể mới thì dùng '
                '--producer-name "Tên chủ thể"',
                'no producer "{id}" (file producers/{id}.yaml); for a new producer use '
                '--producer-name "Producer name"',
                id=producer_id,
            )
        )
    if producer_id is None and not producer_name:
        if prompter is None:
            raise _missing(
                "--producer",
                "mã chủ thể đã có, hoặc --producer-name cho chủ thể mới",
                "an existing producer id, or --producer-name for a new one",
            )
        options = [("", "Chủ thể mới, chưa có trong danh sách (a new producer)")]
        options += [(pid, f"{pid} — {label}") for pid, label in producers.items()]
        producer_id = prompter.choose("Chủ thể sản xuất", "producer", options) or None
        if producer_id is None:
            producer_name = prompter.text("Tên chủ thể mới", "name of the new producer")

    producer_type, matched = None, False
    if producer_id is None:
        assert producer_name is not None
        # A producer typed by name that already has a file is that producer: a second file
        # for the same cooperative would split its products across two pages.
        same = [pid for pid, label in producers.items() if fold(label) == fold(producer_name)]
        if same:
            producer_id, producer_name, matched = same[0], None, True
        elif request.producer_type:
            producer_type = _producer_type(request.producer_type)
        elif prompter is None:
            raise _missing(
                "--producer-type",
                "loại chủ thể mới: " + ", ".join(PRODUCER_TYPES),
                "type of the new producer: " + ", ".join(PRODUCER_TYPES),
            )
        else:
            producer_type = prompter.choose(
                "Loại chủ thể",
                "type of producer",
                [(t, f"{t} — {PRODUCER_TYPE_NAMES[t]}") for t in PRODUCER_TYPES],
            )

    if request.category:
        category = _category(taxonomy, request.category)
    elif prompter is None:
        raise _missing("--category", "mã bộ sản phẩm OCOP, ví dụ I.6", "OCOP product set, e.g. I.6")
    else:
        category = prompter.choose(
            "Bộ sản phẩm OCOP",
            "OCOP product set",
            [
                (s.code, f"{s.code} — {s.name.vi} ({s.name.en})")
                for g in taxonomy.groups
                for s in g.sets
            ],
        )

    if request.commune:
        commune = _commune(region, request.commune)
    elif prompter is None:
        raise _missing(
            "--commune", "mã xã trước 1/7/2025, ví dụ nam-nung", "commune before 1 July 2025"
        )
    else:
        commune = prompter.choose(
            "Xã trước 1/7/2025",
            "commune before 1 July 2025",
            [(c.id, f"{c.id} — {c.name}") for c in region.old.values()],
        )
    en_name = nfc(request.en_name.strip()) if request.en_name else None
    return _Answers(
        name, en_name or None, producer_id, producer_name, producer_type, category, commune, matched
    )


# --- writing YAML with its documentation ------------------------------------------------------


def scalar(text: str, *, typed: bool = False) -> str:
    """A YAML scalar that reads back as exactly `text`.

    Plain when YAML syntax allows it; for text fields also only when no YAML tool would take it
    for a number, date or boolean (our loader would not, but editors' plugins do). `typed` fields
    (dates, numbers) are converted by the schema, so `2026-11-28` stays plain there.
    """
    if text and "\n" not in text and text == text.strip():
        line = f"k: {text}"
        try:
            syntactic = yaml.load(line, Loader=yaml.BaseLoader) == {"k": text}
            resolved = typed or yaml.safe_load(line) == {"k": text}
        except yaml.YAMLError:
            syntactic = resolved = False
        if syntactic and resolved:
            return text
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def _fields(cls: type[Any]) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if "conv" in f.metadata]


def value_hint(conv: Any) -> tuple[str, str] | None:
    """The form a value takes, where the description does not say it (Vietnamese, English).

    Also the "how to write it" column of the editors' guide (generator/editor_guide.py)."""
    if isinstance(conv, Date):
        return "dạng NĂM-THÁNG-NGÀY, ví dụ 2024-03-15", "as YEAR-MONTH-DAY, e.g. 2024-03-15"
    if isinstance(conv, Int):
        if conv.maximum is None:
            return "số nguyên, ví dụ 125000", "a whole number, e.g. 125000"
        return f"số từ {conv.minimum} đến {conv.maximum}", f"from {conv.minimum} to {conv.maximum}"
    if isinstance(conv, Decimal):
        return "một số, viết 0,5 hay 0.5 đều được", "a number, 0.5 or 0,5"
    if isinstance(conv, Url):
        return "bắt đầu bằng https://", "starting with https://"
    if isinstance(conv, Phone):
        return "ví dụ 0912 345 678", "e.g. 0912 345 678"
    if isinstance(conv, Gtin):
        return "chỉ ghi mã đã được cấp, không tự đặt", "only a number issued to you, never invented"
    if isinstance(conv, Bool):
        return "true (có) hoặc false (không)", "true or false"
    return None


def _comment(f: dataclasses.Field[Any]) -> str:
    meta = f.metadata
    vi, en = str(meta["vi"]), str(meta["en"])
    hint = value_hint(meta["conv"])
    if hint:
        vi, en = f"{vi}; {hint[0]}", f"{en}; {hint[1]}"
    if meta["required"]:
        vi, en = f"{vi} (bắt buộc)", f"{en} (required)"
    elif f.default is not dataclasses.MISSING and f.default is not None:
        shown = str(f.default).lower() if isinstance(f.default, bool) else str(f.default)
        vi, en = f"{vi} (mặc định: {shown})", f"{en} (default: {shown})"
    return f"# {vi} / {en}"


def _indent(lines: list[str], by: int) -> list[str]:
    return [" " * by + line if line else line for line in lines]


def _commented(lines: list[str]) -> list[str]:
    """One more level of comment: uncommenting the block (removing "# ") gives it back."""
    return ["# " + line for line in lines]


def _as_item(lines: list[str]) -> list[str]:
    """A mapping's lines (indented by 4) as one list item: its first key starts with "- "."""
    for i, line in enumerate(lines):
        if line.startswith("    ") and not line.lstrip().startswith("#"):
            # The first field's description goes above the "- ", where the eye reads it.
            above = [text[2:] if text.startswith("    ") else text for text in lines[:i]]
            return [*above, "  - " + line[4:], *lines[i + 1 :]]
    # Every field commented out: a bare "-" keeps the item valid YAML.
    return ["  -", *lines]


def _example(f: dataclasses.Field[Any]) -> list[str]:
    """The shape of a field's value, left empty: `key:`, or `key:` with `vi:` and `en:`…"""
    conv, key = f.metadata["conv"], f.name
    if isinstance(conv, Model):
        return [f"{key}:", *_indent(model_lines(conv.cls, {}), 2)]
    if isinstance(conv, ListOf):
        if isinstance(conv.item, Model):
            return [f"{key}:", *_as_item(_indent(model_lines(conv.item.cls, {}), 4))]
        return [f"{key}:", "  -"]
    if isinstance(conv, Text):
        # Block form, as the sample files write it; "|" keeps the lines of Markdown text.
        marker = " |" if conv.multiline else ""
        return [f"{key}:", f"  vi:{marker}", f"  en:{marker}"]
    if isinstance(conv, Choice | Bool) and f.default not in (dataclasses.MISSING, None):
        default = f.default
        return [f"{key}: {str(default).lower() if isinstance(default, bool) else default}"]
    return [f"{key}:"]


def text_lines(key: str, text: str) -> list[str]:
    """`key: text`, or a literal block (`|`, as the sample files write Markdown) for several lines."""
    if "\n" not in text:
        return [f"{key}: {scalar(text)}"]
    return [f"{key}: |", *(f"  {line}" if line.strip() else "" for line in text.split("\n"))]


def _filled(f: dataclasses.Field[Any], value: Any) -> list[str]:
    """A field with its value. Values are as typed in a file: text (dates, numbers and booleans
    included), (vi, en) for a bilingual text, a mapping for a model, a list for a list."""
    conv, key = f.metadata["conv"], f.name
    if isinstance(conv, Model):
        return [f"{key}:", *_indent(model_lines(conv.cls, value), 2)]
    if isinstance(conv, ListOf):
        if isinstance(conv.item, Model):
            items = [_as_item(_indent(model_lines(conv.item.cls, item), 4)) for item in value]
            return [f"{key}:", *(line for item in items for line in item)]
        return [f"{key}:", *(f"  - {scalar(item)}" for item in value)]
    if isinstance(conv, Text):
        vi, en = value
        # The English line is shown commented when there is none: it says where it would go.
        return [
            f"{key}:",
            *_indent(text_lines("vi", vi), 2),
            *(_indent(text_lines("en", en), 2) if en else ["  # en:"]),
        ]
    return [f"{key}: {scalar(value, typed=isinstance(conv, Date | Int | Decimal | Bool))}"]


def model_lines(cls: type[Any], values: Mapping[str, Any], *, gap: bool = False) -> list[str]:
    """Every field of `cls` in the schema's order, each under its description.

    Given values are written; a required field without one is written empty (inside an
    example, it is uncommented together with the example); an optional one stays a comment.
    """
    lines: list[str] = []
    for f in _fields(cls):
        if gap:
            lines.append("")
        lines.append(_comment(f))
        if f.name in values:
            lines += _filled(f, values[f.name])
        elif f.metadata["required"]:
            lines += _example(f)
        else:
            lines += _commented(_example(f))
    return lines


def render(cls: type[Any], values: Mapping[str, Any], header: list[str], data_file: str) -> str:
    """The whole file: the editor's schema line, the header comments, then every field."""
    lines = [modeline(data_file), *header, *model_lines(cls, values, gap=True)]
    return "\n".join(lines) + "\n"


# --- the command ------------------------------------------------------------------------------


def _validate(model: Model[Any], text: str, display: str) -> None:
    """Read the text back as `make check` will; a value the schema refuses stops everything."""
    doc, problems = load_yaml_bytes(text.encode("utf-8"), display)
    diag = Diagnostics()
    diag.extend(problems)
    if doc is not None:
        run(model, doc.data, (), Context(doc, diag))
    if diag.errors:
        raise ScaffoldError(
            msg(
                "giá trị không dùng được: {vi}",
                "a value cannot be used: {en}",
                vi="; ".join(p.format("vi") for p in diag.errors),
                en="; ".join(p.format("en") for p in diag.errors),
            )
        )


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _already(display: str) -> ScaffoldError:
    return ScaffoldError(
        msg(
            "đã có tệp {path}; lệnh không ghi đè tệp có sẵn — chọn mã khác bằng --id",
            "the file {path} already exists and is not overwritten — choose another id with --id",
            path=display,
        ),
        EXIT_CONTENT,
    )


def _product_id(root: Path, request: Request, name: str) -> str:
    used = used_product_ids(root)
    if request.id is None:
        return unique_id(base_id(name), lambda i: _exists(root / "products" / i) or i in used)
    chosen = nfc(request.id.strip())
    if len(chosen) > 80 or not re.fullmatch(ID_PATTERN, chosen):
        raise ScaffoldError(
            msg(
                'mã "{id}" không dùng được: chỉ gồm chữ thường không dấu, số và dấu gạch ngang, '
                "tối đa 80 ký tự (ví dụ {example})",
                'the id "{id}" cannot be used: lower-case ASCII letters, digits and hyphens, '
                "at most 80 characters (e.g. {example})",
                id=chosen,
                example=base_id(name),
            )
        )
    # A folder without product.yaml is fine: officials often copy the photos in first.
    if _exists(root / "products" / chosen / PRODUCT_FILE):
        raise _already(f"products/{chosen}/{PRODUCT_FILE}")
    if chosen in used:
        raise ScaffoldError(
            msg(
                'mã "{id}" đã từng được dùng (mã cũ của một sản phẩm, hoặc đường dẫn /p/{id}/ '
                "trong permalinks.txt): mã QR cũ vẫn dẫn tới đó — chọn mã khác",
                'the id "{id}" has been used before (a former id of a product, or the path '
                "/p/{id}/ in permalinks.txt): old QR codes still lead there — choose another",
                id=chosen,
            ),
            EXIT_CONTENT,
        )
    return chosen


def plan(
    root: Path, request: Request, today: dt.date, prompter: Prompter | None = None
) -> Scaffold:
    """Check and complete the request, then render the files (nothing is written here)."""
    taxonomy = load_taxonomy()
    diag = Diagnostics()
    region = load_region(root, diag)
    if region is None or diag.errors:
        raise ScaffoldError(
            msg(
                "không đọc được data/communes.yaml: {vi}",
                "cannot read data/communes.yaml: {en}",
                vi="; ".join(p.format("vi") for p in diag.errors),
                en="; ".join(p.format("en") for p in diag.errors),
            ),
            EXIT_CONTENT,
        )
    answers = complete(root, request, taxonomy, region, prompter)
    product_id = _product_id(root, request, answers.name)
    files: dict[str, str] = {}
    created = today.isoformat()

    producer_id, producer_path = answers.producer_id, None
    if producer_id is None:
        assert answers.producer_name is not None and answers.producer_type is not None
        producer_id = unique_id(
            base_id(answers.producer_name), lambda i: _producer_file(root, i) is not None
        )
        producer_path = f"producers/{producer_id}.yaml"
        producer_text = render(
            Producer,
            {
                "id": producer_id,
                "name": (answers.producer_name, None),
                "type": answers.producer_type,
                "commune_old": answers.commune,
            },
            [
                f"# Tạo bằng lệnh `python -m generator new` ngày {created}. Muốn điền một trường, "
                'xóa "# " ở đầu dòng của trường đó.',
                f"# Created with `python -m generator new` on {created}. To fill in a field, "
                'remove the "# " at the start of its line.',
            ],
            producer_path,
        )
        _validate(PRODUCER, producer_text, producer_path)
        files[producer_path] = producer_text

    category = taxonomy.sets[answers.category]
    group = taxonomy.group_of(category.code)
    product_path = f"products/{product_id}/{PRODUCT_FILE}"
    product_text = render(
        Product,
        {
            "id": product_id,
            "name": (answers.name, answers.en_name),
            "producer": producer_id,
            "ocop_category": category.code,
            # The name stands in for the summary so the file is valid from the start; the next
            # steps ask for a real one (a card without a summary would show nothing).
            "summary": (answers.name, answers.en_name),
            "place": {"commune_old": answers.commune},
            "provenance": {"updated": created, "evidence": "unconfirmed"},
            "status": "draft",
        },
        [
            f"# Tạo bằng lệnh `python -m generator new` ngày {created}; nhóm {group.code} "
            f"{group.name.vi}, bộ {category.code} {category.name.vi}.",
            f"# Created with `python -m generator new` on {created}; group {group.code} "
            f"{group.name.en}, product set {category.code} {category.name.en}.",
            '# Muốn điền một trường, xóa "# " ở đầu dòng của trường đó (với một khối, xóa ở mọi '
            "dòng của khối) rồi viết giá trị sau dấu hai chấm.",
            '# To fill in a field, remove the "# " at the start of its line (for a block, of '
            "each of its lines), then write the value after the colon.",
        ],
        product_path,
    )
    _validate(PRODUCT, product_text, product_path)
    files[product_path] = product_text
    return Scaffold(
        product_id, product_path, producer_id, producer_path, files, answers.producer_matched
    )


def write(root: Path, scaffold: Scaffold) -> None:
    """Create the files; an existing one is never replaced, even one that appeared meanwhile."""
    for rel in scaffold.files:
        if _exists(root / rel):
            raise _already(rel)
    written: list[Path] = []
    try:
        for rel, text in scaffold.files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            # "x": the check above and the write are not atomic; exclusive creation is.
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            written.append(path)
    except FileExistsError as exc:
        # Half a scaffold (a producer without its product) would only confuse: undo it.
        for path in written:
            path.unlink()
        raise _already(Path(str(exc.filename)).relative_to(root).as_posix()) from None


def next_steps(scaffold: Scaffold) -> Iterator[str]:
    folder = scaffold.product_path.rsplit("/", 1)[0] + "/"
    yield f"Đã tạo / created: {scaffold.product_path}"
    if scaffold.producer_path:
        yield f"Đã tạo / created: {scaffold.producer_path}"
    if scaffold.producer_matched:
        yield (
            f"Đã có chủ thể cùng tên, dùng producers/{scaffold.producer_id}.yaml / a producer of "
            f"that name exists: producers/{scaffold.producer_id}.yaml is used"
        )
    yield ""
    yield "Việc tiếp theo:"
    yield f"  1. Chép ảnh sản phẩm vào thư mục {folder} và khai báo chúng ở mục photos."
    yield (
        "  2. Viết lại phần tóm tắt (summary), rồi điền các trường đang là ghi chú: xóa dấu "
        '"# " ở đầu dòng rồi viết thông tin sau dấu hai chấm.'
    )
    if scaffold.producer_path:
        yield f"     Điền cả thông tin chủ thể trong {scaffold.producer_path}."
    yield (
        "  3. Khi có quyết định công nhận OCOP: thêm mục certifications, đặt provenance.evidence: "
        "decision và đổi status: draft thành status: active."
    )
    yield "  4. Chạy make check và sửa theo thông báo lỗi."
    yield ""
    yield "Next steps:"
    yield f"  1. Copy the product photos into {folder} and list them under photos."
    yield (
        '  2. Rewrite the summary, then fill in the commented fields: remove the "# " at the '
        "start of the line, then write the information after the colon."
    )
    if scaffold.producer_path:
        yield f"     Fill in the producer's details in {scaffold.producer_path} as well."
    yield (
        "  3. After the OCOP recognition decision: add certifications, set provenance.evidence: "
        "decision and change status: draft to status: active."
    )
    yield "  4. Run make check and fix what it reports."


def run_new(
    root: Path,
    request: Request,
    *,
    today: dt.date,
    prompter: Prompter | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """The whole command; returns its exit status. `prompter` None: nobody to ask."""
    # Looked up per call, not as defaults: tests (and callers) replace sys.stdout.
    out, err = out or sys.stdout, err or sys.stderr
    try:
        scaffold = plan(root, request, today, prompter)
        if request.dry_run:
            for rel, text in scaffold.files.items():
                print(f"--- {rel} (chưa ghi, --dry-run / not written, --dry-run)", file=out)
                print(text, file=out)
            return EXIT_OK
        write(root, scaffold)
    except ScaffoldError as problem:
        print(problem, file=err)
        return problem.status
    except (EOFError, KeyboardInterrupt):
        print("\nĐã dừng, chưa ghi tệp nào / stopped, no file written", file=err)
        return EXIT_USAGE
    for line in next_steps(scaffold):
        print(line, file=out)
    return EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `new` subcommand's options (the CLI module stays a thin list of commands)."""
    parser.add_argument("--name", help='product name in Vietnamese, e.g. "Cà phê bột Nâm Nung"')
    parser.add_argument("--en-name", help="product name in English (optional)")
    parser.add_argument("--producer", help="id of an existing producer (producers/<id>.yaml)")
    parser.add_argument("--producer-name", help='name of a new producer, e.g. "HTX …"')
    parser.add_argument(
        "--producer-type", help="type of the new producer: " + ", ".join(PRODUCER_TYPES)
    )
    parser.add_argument("--category", help="OCOP product set code, e.g. I.6")
    parser.add_argument(
        "--commune", help="commune before 1 July 2025 (data/communes.yaml), e.g. nam-nung"
    )
    parser.add_argument("--id", help="product id (default: from the name, made unique)")
    parser.add_argument("--dry-run", action="store_true", help="print the files, write nothing")


def new_command(root: Path, args: argparse.Namespace) -> int:
    """`python -m generator new`: asks for missing values only when a person is at the terminal."""
    request = Request(
        name=args.name,
        en_name=args.en_name,
        producer=args.producer,
        producer_name=args.producer_name,
        producer_type=args.producer_type,
        category=args.category,
        commune=args.commune,
        id=args.id,
        dry_run=args.dry_run,
    )
    prompter = Prompter(input, sys.stdout) if sys.stdin.isatty() else None
    return run_new(root, request, today=args.today or dt.date.today(), prompter=prompter)
