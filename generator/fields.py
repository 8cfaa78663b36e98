"""A small typed-schema toolkit: converters from loaded YAML values to typed Python values.

The YAML loader gives every scalar as a string (no implicit types), so conversion and its errors
live here, where the field is known: "expected a date like 2024-03-15, got "15/3/2024"" beats
PyYAML's guesswork. Models are dataclasses whose fields carry a converter and a bilingual
description in their metadata (MkDocs declares its config the same way); the description also feeds
the editors' field reference and the JSON Schema.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from .errors import Diagnostics, Message, msg
from .text import nfc
from .yamlload import Document, KeyPath, format_key_path

T = TypeVar("T")


class Invalid(Exception):
    """Raised by a converter: the value at `path` (or at `at`, a deeper path) is wrong."""

    def __init__(self, message: Message, at: KeyPath | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.at = at


class Reported(Exception):
    """Raised when the problems inside a value have already been recorded."""


class _Invalid:
    """Marker for a field whose conversion failed (its error is already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass
class Context:
    """Where conversion errors go: the document gives line marks, the diagnostics collect them."""

    doc: Document
    diag: Diagnostics

    def error(self, path: KeyPath, message: Message, *, at_key: bool = False) -> None:
        mark = self.doc.key_mark(path) if at_key else self.doc.mark(path)
        self.diag.error(self.doc.path, mark.line, mark.column, format_key_path(path), message)

    def warning(self, path: KeyPath, message: Message, *, at_key: bool = False) -> None:
        mark = self.doc.key_mark(path) if at_key else self.doc.mark(path)
        self.diag.warning(self.doc.path, mark.line, mark.column, format_key_path(path), message)


def _shown(value: Any) -> str:
    """How a found value is quoted in a message."""
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 60 else f'"{value[:57]}…"'
    if isinstance(value, Mapping):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    return str(value)


def _expected(vi: str, en: str, value: Any) -> Invalid:
    return Invalid(
        msg(
            "cần {vi}, nhưng gặp {found}",
            "expected {en}, got {found}",
            vi=vi,
            en=en,
            found=_shown(value),
        )
    )


def run(conv: Any, value: Any, path: KeyPath, ctx: Context) -> Any:
    """Convert one value; a failure is recorded and gives INVALID."""
    try:
        return conv(value, path, ctx)
    except Invalid as problem:
        ctx.error(problem.at or path, problem.message)
    except Reported:
        pass
    return INVALID


class Converter(Protocol[T]):  # type: ignore[misc]
    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> T: ...

    def schema(self) -> dict[str, Any]: ...


# --- scalar converters -------------------------------------------------------------------------


@dataclass(frozen=True)
class Str:
    """A single-line (or multi-line) plain string."""

    max_len: int | None = None
    pattern: str | None = None
    pattern_vi: str = ""
    pattern_en: str = ""
    multiline: bool = False

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> str:
        if not isinstance(value, str):
            raise _expected("một đoạn chữ", "text", value)
        text = nfc(value.strip())
        if not self.multiline and "\n" in text:
            raise Invalid(
                msg(
                    "cần một dòng chữ, nhưng gặp nhiều dòng",
                    "expected a single line, got several lines",
                )
            )
        if self.max_len is not None and len(text) > self.max_len:
            raise Invalid(
                msg(
                    "dài quá {max} ký tự (có {n} ký tự)",
                    "longer than {max} characters ({n} characters)",
                    max=self.max_len,
                    n=len(text),
                ),
            )
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise _expected(self.pattern_vi, self.pattern_en, text)
        return text

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if self.max_len:
            out["maxLength"] = self.max_len
        if self.pattern:
            out["pattern"] = f"^(?:{self.pattern})$"
        return out


ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
Id = Str(
    max_len=80,
    pattern=ID_PATTERN,
    pattern_vi="mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ gao-buon-choah)",
    pattern_en="an id of lower-case ASCII letters, digits and hyphens (e.g. gao-buon-choah)",
)


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> str:
        if isinstance(value, str) and value.strip() in self.values:
            return value.strip()
        listed = ", ".join(self.values)
        if isinstance(value, str):
            close = difflib.get_close_matches(value.strip(), self.values, n=1)
            if close:
                raise Invalid(
                    msg(
                        'cần một trong: {listed}, nhưng gặp {found} — có phải "{close}"?',
                        'expected one of: {listed}, got {found} — did you mean "{close}"?',
                        listed=listed,
                        found=_shown(value),
                        close=close[0],
                    ),
                )
        raise _expected(f"một trong: {listed}", f"one of: {listed}", value)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


@dataclass(frozen=True)
class Bool:
    TRUE: ClassVar[frozenset[str]] = frozenset({"true", "yes", "có", "co"})
    FALSE: ClassVar[frozenset[str]] = frozenset({"false", "no", "không", "khong"})

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> bool:
        if isinstance(value, str):
            word = nfc(value.strip()).casefold()
            if word in self.TRUE:
                return True
            if word in self.FALSE:
                return False
        raise _expected("true hoặc false", "true or false", value)

    def schema(self) -> dict[str, Any]:
        return {"type": ["boolean", "string"], "enum": [True, False, "true", "false"]}


@dataclass(frozen=True)
class Int:
    minimum: int | None = None
    maximum: int | None = None
    unit_vi: str = "một số nguyên"
    unit_en: str = "a whole number"

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> int:
        text = value.strip().replace(" ", "") if isinstance(value, str) else None
        if text is None or not re.fullmatch(r"\d+", text):
            raise _expected(self.unit_vi, self.unit_en, value)
        number = int(text)
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise Invalid(
                msg(
                    "cần một số từ {lo} đến {hi}, nhưng gặp {n}",
                    "expected a number from {lo} to {hi}, got {n}",
                    lo=self.minimum if self.minimum is not None else "0",
                    hi=self.maximum if self.maximum is not None else "∞",
                    n=number,
                ),
            )
        return number

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": ["integer", "string"]}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


Money = Int(
    minimum=0,
    unit_vi="một số nguyên đồng (ví dụ 125000)",
    unit_en="a whole number of đồng (e.g. 125000)",
)


@dataclass(frozen=True)
class Decimal:
    """A decimal such as a net content; Vietnamese editors type "0,5" as often as "0.5"."""

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> float:
        text = value.strip() if isinstance(value, str) else None
        if text is None or not re.fullmatch(r"\d+(?:[.,]\d+)?", text):
            raise _expected("một số (ví dụ 0,5 hoặc 500)", "a number (e.g. 0.5 or 500)", value)
        return float(text.replace(",", "."))

    def schema(self) -> dict[str, Any]:
        return {"type": ["number", "string"]}


@dataclass(frozen=True)
class Date:
    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> dt.date:
        text = value.strip() if isinstance(value, str) else None
        if text is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise Invalid(  # noqa: B904 - the ValueError adds nothing for an editor
                    msg(
                        "ngày {found} không có trên lịch",
                        "{found} is not a calendar date",
                        found=_shown(text),
                    ),
                )
        raise _expected(
            "một ngày dạng NĂM-THÁNG-NGÀY (ví dụ 2024-03-15)",
            "a date as YEAR-MONTH-DAY (e.g. 2024-03-15)",
            value,
        )

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


@dataclass(frozen=True)
class Url:
    """Only http(s): a `javascript:` or `data:` link never reaches a page."""

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> str:
        if isinstance(value, str) and _URL.fullmatch(value.strip()):
            return value.strip()
        raise _expected(
            "một địa chỉ web bắt đầu bằng https:// hoặc http://",
            "a web address starting with https:// or http://",
            value,
        )

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "pattern": "^https?://"}


@dataclass(frozen=True)
class Email:
    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> str:
        if isinstance(value, str) and re.fullmatch(
            r"[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}", value.strip()
        ):
            return value.strip()
        raise _expected("một địa chỉ email", "an email address", value)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "email"}


@dataclass(frozen=True)
class Phone:
    """Vietnamese phone numbers as typed: "0912 345 678", "+84 912 345 678", "0261.3xxx"."""

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> str:
        if isinstance(value, str):
            digits = re.sub(r"[\s.\-()]", "", value.strip())
            if re.fullmatch(r"(?:\+84|0)\d{8,10}", digits):
                return value.strip()
        raise _expected(
            "một số điện thoại (ví dụ 0912 345 678)", "a phone number (e.g. 0912 345 678)", value
        )

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^[+0-9 .()\-]+$"}


def gtin_check_digit(data_digits: str) -> int:
    """GS1 mod-10: weights 3,1,3,1… from the rightmost data digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(data_digits)))
    return (10 - total % 10) % 10


@dataclass(frozen=True)
class Gtin:
    """GTIN-8/12/13/14 with a valid check digit; stored as typed (spaces removed)."""

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> str:
        text = re.sub(r"\s", "", value) if isinstance(value, str) else None
        if text is None or not re.fullmatch(r"\d{8}|\d{12,14}", text):
            raise _expected(
                "một mã GTIN gồm 8, 12, 13 hoặc 14 chữ số",
                "a GTIN of 8, 12, 13 or 14 digits",
                value,
            )
        expected = gtin_check_digit(text[:-1])
        if int(text[-1]) != expected:
            raise Invalid(
                msg(
                    "mã GTIN {gtin} sai số kiểm tra: chữ số cuối phải là {want}, nhưng là {got}",
                    "GTIN {gtin} has a wrong check digit: the last digit should be {want}, not {got}",
                    gtin=text,
                    want=expected,
                    got=text[-1],
                ),
            )
        return text

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^(\d{8}|\d{12,14})$"}


# --- bilingual text ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class I18n:
    """A text in Vietnamese and, optionally, English."""

    vi: str
    en: str | None = None

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.vi

    def has(self, lang: str) -> bool:
        return lang == "vi" or bool(self.en)


@dataclass(frozen=True)
class Text:
    """Bilingual text: `name: Gạo` (Vietnamese only) or `name: {vi: Gạo, en: Rice}`."""

    max_len: int | None = None
    multiline: bool = False

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> I18n:
        inner = Str(max_len=self.max_len, multiline=self.multiline)
        if isinstance(value, str):
            return I18n(inner(value, path, ctx))
        if isinstance(value, Mapping):
            for key in value:
                if key not in ("vi", "en"):
                    ctx.warning(
                        (*path, key),
                        msg(
                            'khóa "{key}" không dùng ở đây: chỉ có vi (tiếng Việt) và en (tiếng Anh)',
                            'unknown key "{key}": only vi (Vietnamese) and en (English) are used',
                            key=key,
                        ),
                        at_key=True,
                    )
            if not value.get("vi"):
                raise Invalid(
                    msg("thiếu nội dung tiếng Việt (vi)", "the Vietnamese text (vi) is missing"),
                    at=(*path, "vi"),
                )
            vi = run(inner, value["vi"], (*path, "vi"), ctx)
            en = run(inner, value["en"], (*path, "en"), ctx) if value.get("en") else None
            if vi is INVALID or en is INVALID:
                raise Reported
            return I18n(vi, en)
        raise _expected("một đoạn chữ, hoặc vi: và en:", "text, or vi: and en:", value)

    def schema(self) -> dict[str, Any]:
        s = Str(max_len=self.max_len).schema()
        return {
            "oneOf": [
                s,
                {
                    "type": "object",
                    "properties": {"vi": s, "en": s},
                    "required": ["vi"],
                    "additionalProperties": False,
                },
            ]
        }


# --- containers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListOf(Generic[T]):
    item: Any
    min_items: int = 0

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> list[T]:
        if value is None:
            value = []
        if not isinstance(value, list):
            raise _expected(
                "một danh sách (mỗi mục bắt đầu bằng dấu -)",
                "a list (each item starting with -)",
                value,
            )
        if len(value) < self.min_items:
            raise Invalid(
                msg("cần ít nhất {n} mục", "expected at least {n} item(s)", n=self.min_items)
            )
        out = [run(self.item, v, (*path, i), ctx) for i, v in enumerate(value)]
        if any(v is INVALID for v in out):
            raise Reported
        return out

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        return out


def spec(
    conv: Any,
    vi: str,
    en: str,
    *,
    required: bool = False,
    default: Any = None,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """Declare a model field: its converter and its bilingual description."""
    meta = {"conv": conv, "vi": vi, "en": en, "required": required}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    if required:
        return dataclasses.field(metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class Model(Generic[T]):
    """Converts a mapping into the dataclass `cls`, field by field, collecting every problem."""

    cls: type[T]

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> T:
        if not isinstance(value, Mapping):
            raise _expected("một bảng khóa: giá trị", "a mapping of key: value", value)
        fields = {
            f.name: f
            for f in dataclasses.fields(self.cls)  # type: ignore[arg-type]
            if "conv" in f.metadata
        }
        _warn_unknown_keys(value.keys(), fields, path, ctx)
        kwargs: dict[str, Any] = {}
        failed = False
        for name, f in fields.items():
            raw = value.get(name)
            if raw is None or raw == "" or raw == []:
                if f.metadata["required"]:
                    ctx.error(
                        (*path, name) if name in value else path,
                        msg(
                            'thiếu trường bắt buộc "{name}" ({what})',
                            'the required field "{name}" is missing ({what_en})',
                            name=name,
                            what=f.metadata["vi"],
                            what_en=f.metadata["en"],
                        ),
                        at_key=name in value,
                    )
                    failed = True
                continue
            converted = run(f.metadata["conv"], raw, (*path, name), ctx)
            if converted is INVALID:
                failed = True
            else:
                kwargs[name] = converted
        if failed:
            raise Reported
        return self.cls(**kwargs)

    def schema(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        required = []
        for f in dataclasses.fields(self.cls):  # type: ignore[arg-type]
            if "conv" not in f.metadata:
                continue
            props[f.name] = {
                **f.metadata["conv"].schema(),
                "description": f.metadata["vi"],
                "x-description-en": f.metadata["en"],
            }
            if f.metadata["required"]:
                required.append(f.name)
        out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
        if required:
            out["required"] = required
        return out


def _warn_unknown_keys(
    keys: Iterable[str], fields: Mapping[str, Any], path: KeyPath, ctx: Context
) -> None:
    known = list(fields)
    for key in keys:
        if key in fields:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        if close:
            message = msg(
                'trường "{key}" không có trong mẫu — có phải "{close}"?',
                'unknown field "{key}" — did you mean "{close}"?',
                key=key,
                close=close[0],
            )
        else:
            message = msg(
                'trường "{key}" không có trong mẫu và sẽ bị bỏ qua',
                'unknown field "{key}" will be ignored',
                key=key,
            )
        ctx.warning((*path, key), message, at_key=True)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamped to the month's end (29 Feb 2024 + 36 months → 28 Feb 2027)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


__all__ = [
    "INVALID",
    "Bool",
    "Choice",
    "Context",
    "Date",
    "Decimal",
    "Email",
    "Gtin",
    "I18n",
    "Id",
    "Int",
    "Invalid",
    "ListOf",
    "Model",
    "Money",
    "Phone",
    "Reported",
    "Str",
    "Text",
    "Url",
    "add_months",
    "gtin_check_digit",
    "run",
    "spec",
]
