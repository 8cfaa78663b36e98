"""The OCOP programme in figures: numbers computed from the catalogue at build time, drawn as
static, accessible SVG charts, each paired with an HTML table holding the same numbers.

Three stages, like the rest of the generator:

- `compute(cat, ...)` gathers the numbers into frozen values (`Figures`); nothing is formatted.
- `charts(figures, lang)` and `page_markdown(figures, lang)` turn them into SVG and HTML for a page;
  `report_rows(figures, lang)` and `action_rows(needs_action(cat), lang)` into rows for a CSV or
  Markdown report.
- `load_targets(path)` reads the district plan's yearly targets (`data/targets.yaml`) with the
  generator's strict YAML loader and typed converters, so a mistyped target gets a line number.

What is counted, and why:

- A product counts as *certified* when it is published and the site shows its stars
  (`Catalogue.shows_stars`: a decision document or official news backs the claim). A claim nobody
  has confirmed would inflate the programme's figures exactly where the product page declines to.
- History (products per year of first certification, cumulative) keeps withdrawn and expired
  products: they were rated in that year, and the district's cumulative totals count them too.
- Breakdowns (stars, group, commune, producer type) count products whose certificate is *in force*
  today (not withdrawn, not expired): "current stars" of an expired certificate mean nothing.
- Expiry reuses `Certification.expires` (decision date + 36 months, clamped at month ends, unless
  `valid_until`) and `fields.add_months` for the 6-month window, so the page and the product pages
  can never disagree about a date.

The SVGs are written for a strict Content-Security-Policy (`style-src 'self'`): presentation
attributes only, never a `style` attribute or element. Each draws its own white background, so the
colours keep their WCAG AA contrast whatever the page around them looks like.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from .catalogue import Catalogue
from .errors import ContentError, ContentErrors, Diagnostics, Lang, Message, msg
from .fields import (
    INVALID,
    Bool,
    Context,
    I18n,
    Int,
    Invalid,
    ListOf,
    Model,
    Text,
    _shown,
    add_months,
    run,
)
from .fields import spec as field_spec
from .i18n import LABELS as SITE_LABELS
from .i18n import format_count, format_date
from .schema import PRODUCER_TYPES, Product
from .text import escape_md
from .yamlload import Document, KeyPath, load_yaml_file

EXPIRY_WINDOW_MONTHS: Final = 6
"""Certificates expiring within this many months are shown as "expiring soon" on the page."""
ACTION_DAYS: Final = 90
"""`needs_action` flags certificates expiring within this many days: a re-rating takes months."""
STARS: Final = (3, 4, 5)
TARGETS_FILE: Final = Path("data") / "targets.yaml"
"""Where the targets live, relative to the project root."""

Status = Literal["met", "not_met", "pending", "no_target", "no_data"]
MEASURES: Final = (
    "products_rated",
    "products_cumulative",
    "new_cooperatives",
    "trade_fairs",
    "supermarket_products",
)
"""The measures a yearly target may set, in the order tables list them."""


# --- labels ------------------------------------------------------------------------------------

# Kept here while the page is new; the lead may move them into i18n.LABELS (same keys in both).
LABELS: Final[dict[Lang, dict[str, str]]] = {
    "vi": {
        "page_title": "Chương trình OCOP qua các con số",
        "page_intro": "Số liệu tính từ danh mục ngày {date}: {certified} đã được công nhận OCOP, "
        "trong đó {in_force} còn hiệu lực.",
        "years_title": "Sản phẩm được công nhận OCOP theo năm",
        "years_desc": "Số sản phẩm được công nhận OCOP lần đầu mỗi năm và số lũy kế, tính đến ngày "
        "{date}.",
        "years_row": "Năm {year}: {new} mới, lũy kế {cumulative}.",
        "year": "Năm",
        "new": "Sản phẩm mới",
        "cumulative": "Lũy kế",
        "recertified": "Công nhận lại",
        "stars_title": "Sản phẩm còn hiệu lực theo hạng sao",
        "stars_head": "Hạng sao",
        "stars": "{n} sao",
        "group_title": "Sản phẩm còn hiệu lực theo nhóm sản phẩm",
        "group_head": "Nhóm sản phẩm",
        "commune_new_title": "Sản phẩm còn hiệu lực theo xã (từ 1/7/2025)",
        "commune_old_title": "Sản phẩm còn hiệu lực theo xã, thị trấn cũ (trước 1/7/2025)",
        "commune_head": "Xã",
        "producer_title": "Sản phẩm còn hiệu lực theo loại hình chủ thể",
        "producer_head": "Loại hình chủ thể",
        "breakdown_desc": "{title}, ngày {date}: tổng {total}.",
        "expiry_title": "Hiệu lực giấy chứng nhận OCOP",
        "expiry_head": "Tình trạng",
        "expiry_valid": "Còn hiệu lực hơn 6 tháng",
        "expiry_soon": "Hết hạn trong 6 tháng tới (đến {date})",
        "expiry_expired": "Đã hết hạn",
        "expiring_title": "Giấy chứng nhận hết hạn trong 6 tháng tới",
        "expired_title": "Giấy chứng nhận đã hết hạn",
        "expires": "Hết hạn ngày",
        "fairs_title": "Hội chợ, triển lãm đã tham gia theo năm",
        "fairs_desc": "Số hội chợ, triển lãm có sản phẩm OCOP tham gia mỗi năm, tính đến ngày "
        "{date}.",
        "fairs_head": "Số hội chợ",
        "supermarket_title": "Sản phẩm có bán tại siêu thị",
        "supermarket_none": "Chưa có sản phẩm nào ghi nơi bán là siêu thị.",
        "supermarket_outlets": "Siêu thị",
        "targets_title": "Mục tiêu và kết quả thực hiện",
        "targets_intro": "Mục tiêu theo kế hoạch của huyện; các năm ghi “ví dụ” chỉ là số minh họa.",
        "target": "Mục tiêu",
        "actual": "Thực hiện",
        "result": "Đánh giá",
        "measure": "Chỉ tiêu",
        "example": "ví dụ",
        "products_rated": "Sản phẩm được công nhận trong năm",
        "products_cumulative": "Sản phẩm OCOP lũy kế",
        "new_cooperatives": "Hợp tác xã thành lập mới",
        "trade_fairs": "Hội chợ, triển lãm tham gia",
        "supermarket_products": "Sản phẩm vào siêu thị",
        "met": "Đạt",
        "not_met": "Chưa đạt",
        "pending": "Đang thực hiện",
        "no_target": "Không đặt mục tiêu",
        "no_data": "Chưa có số liệu",
        "product": "Sản phẩm",
        "products_head": "Số sản phẩm",
        "total": "Tổng",
        "data_table": "Bảng số liệu",
        "summary": "Tổng quan",
        "certified": "Sản phẩm từng được công nhận",
        "in_force": "Sản phẩm còn hiệu lực",
        "report_section": "Mục",
        "report_item": "Nội dung",
        "report_value": "Giá trị",
        "report_note": "Ghi chú",
        "action_product": "Sản phẩm",
        "action_kind": "Việc cần làm",
        "action_detail": "Chi tiết",
        "action_expired": "Đã hết hạn",
        "action_expiring": "Sắp hết hạn",
        "action_candidate": "Chờ đánh giá",
        "action_unconfirmed": "Chưa xác minh",
        "action_missing_english": "Thiếu tiếng Anh",
        "action_missing_photo": "Thiếu ảnh",
        "action_missing_buyer_fields": "Thiếu thông tin cho nhà phân phối",
    },
    "en": {
        "page_title": "The OCOP programme in figures",
        "page_intro": "Figures computed from the catalogue on {date}: {certified} have been "
        "OCOP-certified, {in_force} of them with a certificate in force.",
        "years_title": "OCOP-certified products by year",
        "years_desc": "Products certified OCOP for the first time each year, and the running "
        "total, as of {date}.",
        "years_row": "{year}: {new} new, {cumulative} in total.",
        "year": "Year",
        "new": "New products",
        "cumulative": "Cumulative",
        "recertified": "Re-certified",
        "stars_title": "Products with a valid certificate, by stars",
        "stars_head": "Stars",
        "stars": "{n} stars",
        "group_title": "Products with a valid certificate, by product group",
        "group_head": "Product group",
        "commune_new_title": "Products with a valid certificate, by commune (from 1 July 2025)",
        "commune_old_title": "Products with a valid certificate, by former commune "
        "(before 1 July 2025)",
        "commune_head": "Commune",
        "producer_title": "Products with a valid certificate, by type of producer",
        "producer_head": "Type of producer",
        "breakdown_desc": "{title}, as of {date}: {total} in all.",
        "expiry_title": "Validity of OCOP certificates",
        "expiry_head": "Status",
        "expiry_valid": "Valid for more than 6 months",
        "expiry_soon": "Expiring within 6 months (by {date})",
        "expiry_expired": "Expired",
        "expiring_title": "Certificates expiring within 6 months",
        "expired_title": "Expired certificates",
        "expires": "Expires on",
        "fairs_title": "Trade fairs attended, by year",
        "fairs_desc": "Trade fairs and exhibitions where OCOP products were shown each year, as of "
        "{date}.",
        "fairs_head": "Trade fairs",
        "supermarket_title": "Products sold in supermarkets",
        "supermarket_none": "No product lists a supermarket among its outlets yet.",
        "supermarket_outlets": "Supermarkets",
        "targets_title": "Targets and results",
        "targets_intro": "Targets of the district plan; years marked “example” are illustrative.",
        "target": "Target",
        "actual": "Actual",
        "result": "Result",
        "measure": "Measure",
        "example": "example",
        "products_rated": "Products rated in the year",
        "products_cumulative": "OCOP products, cumulative",
        "new_cooperatives": "New cooperatives",
        "trade_fairs": "Trade fairs attended",
        "supermarket_products": "Products in supermarkets",
        "met": "Met",
        "not_met": "Not met",
        "pending": "In progress",
        "no_target": "No target",
        "no_data": "No data",
        "product": "Product",
        "products_head": "Products",
        "total": "Total",
        "data_table": "Data table",
        "summary": "Overview",
        "certified": "Products ever certified",
        "in_force": "Products with a certificate in force",
        "report_section": "Section",
        "report_item": "Item",
        "report_value": "Value",
        "report_note": "Note",
        "action_product": "Product",
        "action_kind": "Action",
        "action_detail": "Detail",
        "action_expired": "Expired",
        "action_expiring": "Expiring",
        "action_candidate": "Awaiting rating",
        "action_unconfirmed": "Unconfirmed",
        "action_missing_english": "Missing English",
        "action_missing_photo": "Missing photo",
        "action_missing_buyer_fields": "Missing buyer information",
    },
}


def _count(n: int, lang: Lang, unit: str = "product") -> str:
    """A count of products (or fairs): Vietnamese has no plural, English needs the singular for 1."""
    number = format_count(n, lang)
    if lang == "vi":
        return f"{number} {'hội chợ' if unit == 'fair' else 'sản phẩm'}"
    return f"{number} {unit}" if n == 1 else f"{number} {unit}s"


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRange:
    """A target such as "4–5 products" (min 4, max 5) or "10 products" (min 10, no max).

    Reaching the minimum meets the target; the maximum is the plan's stretch goal, for display.
    """

    min: int = field_spec(Int(0, 100_000), "số tối thiểu", "minimum", required=True)
    max: int | None = field_spec(Int(0, 100_000), "số tối đa", "maximum")

    def text(self, lang: Lang) -> str:
        low = format_count(self.min, lang)
        return (
            low
            if self.max is None or self.max == self.min
            else f"{low}–{format_count(self.max, lang)}"
        )


_RANGE_TEXT = re.compile(r"\s*(\d+)\s*(?:[-–—]\s*(\d+)\s*)?")


def _quoted(value: Any) -> str:
    """How a found value is quoted in a message, as the schema's converters quote it."""
    return _shown(value)


@dataclass(frozen=True)
class _Range:
    """Converter for a target: `10`, `4-5` / `4–5` (as plans write it), or `{min: 4, max: 5}`."""

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> TargetRange:
        if isinstance(value, str) and (match := _RANGE_TEXT.fullmatch(value)):
            low, high = int(match[1]), int(match[2]) if match[2] else None
            at = path
        elif isinstance(value, Mapping):
            # Model reports its own problems (unknown keys, a missing min) with their lines.
            parsed = Model(TargetRange)(value, path, ctx)
            low, high = parsed.min, parsed.max
            at = (*path, "max")
        else:
            raise Invalid(
                msg(
                    "cần một số (ví dụ 10), một khoảng như 4-5, hoặc min: và max:, nhưng gặp "
                    "{found}",
                    "expected a number (e.g. 10), a range such as 4-5, or min: and max:, got "
                    "{found}",
                    found=_quoted(value),
                )
            )
        if high is not None and high < low:
            raise Invalid(
                msg(
                    "số tối đa {high} nhỏ hơn số tối thiểu {low}",
                    "the maximum {high} is smaller than the minimum {low}",
                    high=high,
                    low=low,
                ),
                at=at,
            )
        return TargetRange(low, high)

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [{"type": ["integer", "string"]}, Model(TargetRange).schema()]}


_RANGE: Final = _Range()


@dataclass(frozen=True)
class YearTargets:
    """The targets of one year; a measure left out has no target that year."""

    year: int = field_spec(Int(2018, 2100), "năm", "year", required=True)
    example: bool = field_spec(
        Bool(),
        "true: số minh họa, cần sửa theo kế hoạch thật",
        "true: illustrative numbers, to be replaced by the real plan",
        default=False,
    )
    source: I18n | None = field_spec(
        Text(max_len=300), "văn bản kế hoạch (số, ngày)", "plan document (number, date)"
    )
    products_rated: TargetRange | None = field_spec(
        _RANGE, "số sản phẩm được công nhận trong năm", "products rated in the year"
    )
    products_cumulative: TargetRange | None = field_spec(
        _RANGE, "số sản phẩm OCOP lũy kế đến cuối năm", "OCOP products, cumulative at year end"
    )
    new_cooperatives: TargetRange | None = field_spec(
        _RANGE, "số hợp tác xã thành lập mới", "new cooperatives"
    )
    trade_fairs: TargetRange | None = field_spec(
        _RANGE, "số hội chợ, triển lãm tham gia", "trade fairs attended"
    )
    supermarket_products: TargetRange | None = field_spec(
        _RANGE, "số sản phẩm đưa vào siêu thị", "products placed in supermarkets"
    )

    def get(self, measure: str) -> TargetRange | None:
        value: TargetRange | None = getattr(self, measure)
        return value


@dataclass(frozen=True)
class _TargetsFile:
    targets: list[YearTargets] = field_spec(
        ListOf(Model(YearTargets), min_items=1),
        "mục tiêu theo năm",
        "targets per year",
        required=True,
    )


@dataclass(frozen=True)
class Targets:
    years: dict[int, YearTargets]
    """Year → its targets, in year order."""
    path: str
    warnings: tuple[ContentError, ...] = ()
    """Unknown keys, reported like the schema reports them (the key is ignored)."""


def _bilingual(problem: ContentError) -> str:
    """`file:line:col: field: Vietnamese / English`, the way the generator's config errors read."""
    return f"{problem.format('vi')} / {problem.message.en}"


class TargetsError(ContentErrors):
    """`data/targets.yaml` cannot be used; `str()` gives every problem in both languages.

    A ContentErrors, so a command that already prints content errors in `--lang` handles it too.
    """

    def __init__(self, problems: Iterable[ContentError]) -> None:
        super().__init__(problems)
        self.args = ("\n".join(_bilingual(p) for p in self.problems),)


EMPTY_TARGETS: Final = (
    'tệp trống; cần khóa "targets:" với danh sách mục tiêu theo năm (xem ví dụ trong '
    "data/targets.yaml)",
    'the file is empty; expected a "targets:" key with a list of yearly targets (see the example '
    "in data/targets.yaml)",
)
DUPLICATE_YEAR: Final = (
    "năm {year} đã có mục tiêu ở dòng {line}; mỗi năm chỉ ghi một lần",
    "the year {year} already has targets at line {line}; write each year once",
)


def _check_duplicate_years(doc: Document, diag: Diagnostics) -> None:
    """Checked on the raw text, so a duplicate is reported together with every other problem."""
    entries = doc.data.get("targets") if isinstance(doc.data, Mapping) else None
    if not isinstance(entries, list):
        return
    first_line: dict[int, int] = {}
    for i, entry in enumerate(entries):
        raw = entry.get("year") if isinstance(entry, Mapping) else None
        if not isinstance(raw, str) or not raw.strip().isdigit():
            continue  # a bad year has its own error
        year = int(raw)
        mark = doc.mark(("targets", i, "year"))
        if year in first_line:
            diag.error(
                doc.path,
                mark.line,
                mark.column,
                f"targets[{i}].year",
                msg(*DUPLICATE_YEAR, year=year, line=first_line[year]),
            )
        else:
            first_line[year] = mark.line


def load_targets(path: Path, display_path: str | None = None) -> Targets:
    """Read a targets file; raise TargetsError (every problem, with lines) if it has errors."""
    shown = display_path or f"{path.parent.name}/{path.name}"
    doc, problems = load_yaml_file(path, shown)
    diag = Diagnostics(list(problems))
    years: dict[int, YearTargets] = {}
    if doc is not None and doc.data is None:
        diag.error(shown, 1, 1, "", msg(*EMPTY_TARGETS))
    elif doc is not None:
        parsed = run(Model(_TargetsFile), doc.data, (), Context(doc, diag))
        _check_duplicate_years(doc, diag)
        if parsed is not INVALID:
            years = {entry.year: entry for entry in parsed.targets}
    if diag.errors:
        raise TargetsError(diag.problems)
    return Targets(dict(sorted(years.items())), shown, tuple(diag.warnings))


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearCount:
    year: int
    new: int
    """Products certified for the first time that year."""
    recertified: int
    """Products certified again that year (a decision after their first one)."""
    cumulative: int
    """Products certified at least once by the end of that year."""


@dataclass(frozen=True)
class Share:
    key: str
    """Stable key: stars ("3"), group code, commune id or producer type."""
    label: I18n
    count: int


@dataclass(frozen=True)
class Breakdown:
    kind: str
    rows: tuple[Share, ...]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class CertificateDue:
    product_id: str
    name: I18n
    stars: int
    expires: dt.date


@dataclass(frozen=True)
class Expiry:
    window_end: dt.date
    """Today + 6 calendar months: a certificate expiring on this day is "expiring"."""
    valid: int
    """Certificates in force beyond the window."""
    expiring: tuple[CertificateDue, ...]
    expired: tuple[CertificateDue, ...]


@dataclass(frozen=True)
class Listing:
    product_id: str
    name: I18n
    outlets: tuple[I18n, ...]


@dataclass(frozen=True)
class YearValue:
    year: int
    count: int


@dataclass(frozen=True)
class TargetCheck:
    year: int
    measure: str
    target: TargetRange | None
    actual: int | None
    """None when the catalogue cannot know (e.g. fairs not given, supermarkets before this year)."""
    status: Status
    example: bool


@dataclass(frozen=True)
class Figures:
    today: dt.date
    certified: int
    """Published products ever certified with evidence (withdrawn and expired included)."""
    in_force: int
    """Of those, products whose certificate is in force today."""
    by_year: tuple[YearCount, ...]
    by_stars: Breakdown
    by_group: Breakdown
    by_commune_new: Breakdown
    by_commune_old: Breakdown
    by_producer_type: Breakdown
    expiry: Expiry
    supermarkets: tuple[Listing, ...]
    fairs: tuple[YearValue, ...] | None
    """Trade fairs per year, or None when no fair data was given."""
    targets: tuple[TargetCheck, ...]


FairsInput = Mapping[int, int] | Iterable[object]
"""Fairs per year as {year: count}, or one item per fair: a date, a tuple starting with a date, or
any object with a `date` attribute (the fairs data file is another engineer's, not settled yet)."""


def _fair_date(item: object) -> dt.date:
    if isinstance(item, dt.date):
        return item
    if isinstance(item, tuple) and item and isinstance(item[0], dt.date):
        return item[0]
    day = getattr(item, "date", None)
    if isinstance(day, dt.date):
        return day
    raise TypeError(f"a fair needs a date, got {item!r}")


def _fairs_by_year(fairs: FairsInput | None, today: dt.date) -> dict[int, int] | None:
    """Counts per year over the years the data covers.

    A mapping covers exactly its years. A list of fairs covers its first year to this year: a year
    in between with no fair really had none, but before the first recorded fair nothing is known.
    """
    if fairs is None:
        return None
    if isinstance(fairs, Mapping):
        return {int(year): int(n) for year, n in sorted(fairs.items())}
    counts = Counter(_fair_date(item).year for item in fairs)
    if not counts:
        return {}
    last = max(max(counts), today.year)
    return {year: counts.get(year, 0) for year in range(min(counts), last + 1)}


def _certified(cat: Catalogue) -> list[Product]:
    return [p for p in cat.published if cat.shows_stars(p)]


def _due(product: Product) -> CertificateDue:
    current = product.current
    assert current is not None  # certified products have one
    return CertificateDue(product.id, product.name, current.stars, current.expires)


def _by_year(products: Sequence[Product], today: dt.date) -> tuple[YearCount, ...]:
    firsts: Counter[int] = Counter()
    again: dict[int, set[str]] = {}
    for product in products:
        dates = sorted(c.date for c in product.certifications)
        firsts[dates[0].year] += 1
        for day in dates[1:]:
            again.setdefault(day.year, set()).add(product.id)
    if not firsts:
        return ()
    last = max(today.year, *firsts, *again)
    rows = []
    total = 0
    # Every year from the first certification on, zeros included: a gap is part of the story.
    for year in range(min(firsts), last + 1):
        total += firsts[year]
        rows.append(YearCount(year, firsts[year], len(again.get(year, ())), total))
    return tuple(rows)


def _breakdown(kind: str, keys: Sequence[tuple[str, I18n]], counts: Counter[str]) -> Breakdown:
    return Breakdown(kind, tuple(Share(key, label, counts[key]) for key, label in keys))


def cooperatives_founded(cat: Catalogue) -> dict[int, int]:
    """New cooperatives per year, from the producers' `established` dates (cooperatives and
    cooperative groups of the catalogue; producers without a date are not counted)."""
    years = Counter(
        p.established.year
        for p in cat.producers.values()
        if p.established is not None and p.type in ("cooperative", "cooperative_group")
    )
    return dict(sorted(years.items()))


def compute(
    cat: Catalogue,
    *,
    fairs: FairsInput | None = None,
    targets: Targets | None = None,
    new_cooperatives: Mapping[int, int] | None = None,
) -> Figures:
    """The programme's figures on `cat.today`.

    `fairs` and `new_cooperatives` come from outside the catalogue (products do not record fairs,
    producers do not record their founding year); without them those measures have no data.
    """
    today = cat.today
    certified = _certified(cat)
    live = [p for p in certified if p.status != "withdrawn"]
    expired = [p for p in live if cat.is_expired(p)]
    in_force = [p for p in live if not cat.is_expired(p)]

    stars: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    new_communes: Counter[str] = Counter()
    old_communes: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for product in in_force:
        current = product.current
        assert current is not None
        stars[str(current.stars)] += 1
        groups[cat.taxonomy.group_of(product.ocop_category).code] += 1
        new_communes[cat.commune_new(product).id] += 1
        old_communes[product.place.commune_old] += 1
        types[cat.producers[product.producer].type] += 1

    star_keys = [
        (str(n), I18n(LABELS["vi"]["stars"].format(n=n), LABELS["en"]["stars"].format(n=n)))
        for n in STARS
    ]
    group_keys = [(g.code, g.name) for g in cat.taxonomy.groups]
    new_keys = [(c.id, I18n(c.name)) for c in cat.region.new.values()]
    # Communes from another district (Long Sơn, Đắk Sắk of Đắk Mil, merged into the new Đắk Sắk)
    # appear only when a product is there: a row of zeros for them would read as a failure.
    old_keys = [
        (c.id, I18n(c.name))
        for c in cat.region.old.values()
        if c.area is None or old_communes[c.id]
    ]
    type_keys = [
        (
            t,
            I18n(SITE_LABELS["vi"][f"producer_type_{t}"], SITE_LABELS["en"][f"producer_type_{t}"]),
        )
        for t in PRODUCER_TYPES
    ]

    window_end = add_months(today, EXPIRY_WINDOW_MONTHS)
    expiring = sorted(
        (due for due in map(_due, in_force) if due.expires <= window_end),
        key=lambda d: (d.expires, d.product_id),
    )
    expiry = Expiry(
        window_end,
        len(in_force) - len(expiring),
        tuple(expiring),
        tuple(sorted((_due(p) for p in expired), key=lambda d: (d.expires, d.product_id))),
    )

    supermarkets = tuple(
        Listing(p.id, p.name, tuple(o.name for o in p.where_to_buy if o.kind == "supermarket"))
        for p in cat.published
        if p.status != "withdrawn" and any(o.kind == "supermarket" for o in p.where_to_buy)
    )
    by_year = _by_year(certified, today)
    fair_counts = _fairs_by_year(fairs, today)
    figures = Figures(
        today=today,
        certified=len(certified),
        in_force=len(in_force),
        by_year=by_year,
        by_stars=_breakdown("stars", star_keys, stars),
        by_group=_breakdown("group", group_keys, groups),
        by_commune_new=_breakdown("commune_new", new_keys, new_communes),
        by_commune_old=_breakdown("commune_old", old_keys, old_communes),
        by_producer_type=_breakdown("producer_type", type_keys, types),
        expiry=expiry,
        supermarkets=supermarkets,
        fairs=None
        if fair_counts is None
        else tuple(YearValue(y, n) for y, n in fair_counts.items()),
        targets=(),
    )
    if targets is None:
        return figures
    checks = tuple(
        _check(figures, entry, measure, fair_counts, new_cooperatives)
        for entry in targets.years.values()
        for measure in MEASURES
    )
    return dataclasses.replace(figures, targets=checks)


def _actual(
    figures: Figures,
    year: int,
    measure: str,
    fairs: Mapping[int, int] | None,
    new_cooperatives: Mapping[int, int] | None,
) -> int | None:
    today = figures.today
    if measure in ("products_rated", "products_cumulative"):
        if year > today.year:
            return None
        row = next((r for r in figures.by_year if r.year == year), None)
        if row is not None:
            return row.new if measure == "products_rated" else row.cumulative
        # Outside the history: nothing rated that year, and the total is what came before it.
        before = [r for r in figures.by_year if r.year < year]
        return 0 if measure == "products_rated" or not before else before[-1].cumulative
    if measure == "new_cooperatives":
        return None if new_cooperatives is None else new_cooperatives.get(year)
    if measure == "trade_fairs":
        return None if fairs is None else fairs.get(year)
    # Outlets carry no listing date: the count is known for the current year only.
    return len(figures.supermarkets) if year == today.year else None


def _check(
    figures: Figures,
    entry: YearTargets,
    measure: str,
    fairs: Mapping[int, int] | None,
    new_cooperatives: Mapping[int, int] | None,
) -> TargetCheck:
    target = entry.get(measure)
    actual = _actual(figures, entry.year, measure, fairs, new_cooperatives)
    year_open = entry.year >= figures.today.year
    status: Status
    if target is None:
        status = "no_target"
    elif actual is None:
        status = "pending" if entry.year > figures.today.year else "no_data"
    elif actual >= target.min:
        status = "met"
    else:
        status = "pending" if year_open else "not_met"
    return TargetCheck(entry.year, measure, target, actual, status, entry.example)


# --- what needs action -------------------------------------------------------------------------

ACTION_KINDS: Final = (
    "expired",
    "expiring",
    "candidate",
    "unconfirmed",
    "missing_english",
    "missing_photo",
    "missing_buyer_fields",
)


@dataclass(frozen=True)
class Action:
    product_id: str
    kind: str
    """One of ACTION_KINDS."""
    detail: Message
    due: dt.date | None = None


def _missing_english(product: Product) -> list[str]:
    fields = ["name", "summary"]
    # Long texts only count when the Vietnamese is there: an absent story needs no translation.
    fields += [f for f in ("description", "story", "usage") if getattr(product, f) is not None]
    return [f for f in fields if not getattr(product, f).en]


def _trade_given(product: Product) -> bool:
    trade = product.trade
    return trade is not None and any(
        getattr(trade, f.name) is not None for f in dataclasses.fields(trade)
    )


def needs_action(cat: Catalogue, days: int = ACTION_DAYS) -> list[Action]:
    """The editors' to-do list: certificates to renew, candidates to follow, pages to complete."""
    actions: list[Action] = []
    horizon = cat.today + dt.timedelta(days=days)
    for product in cat.products:
        if product.status == "candidate":
            actions.append(
                Action(
                    product.id,
                    "candidate",
                    msg(
                        "đang chờ đánh giá, xếp hạng (thông tin cập nhật {vi})",
                        "awaiting rating (information updated {en})",
                        vi=format_date(product.provenance.updated, "vi"),
                        en=format_date(product.provenance.updated, "en"),
                    ),
                )
            )
            continue
        if product.status not in ("active", "expired"):
            continue  # drafts are unfinished on purpose; withdrawn pages are kept, not worked on
        current = product.current
        if current is not None:
            end = current.expires
            vi_end, en_end = format_date(end, "vi"), format_date(end, "en")
            if cat.is_expired(product):
                actions.append(
                    Action(
                        product.id,
                        "expired",
                        msg(
                            "giấy chứng nhận {stars} sao hết hạn ngày {vi}; cần đánh giá lại",
                            "the {stars}-star certificate expired on {en}; re-rating needed",
                            stars=current.stars,
                            vi=vi_end,
                            en=en_end,
                        ),
                        end,
                    )
                )
            elif end <= horizon:
                left = (end - cat.today).days
                actions.append(
                    Action(
                        product.id,
                        "expiring",
                        msg(
                            "giấy chứng nhận {stars} sao hết hạn ngày {vi} (còn {days} ngày)",
                            "the {stars}-star certificate expires on {en} ({days} days left)",
                            stars=current.stars,
                            vi=vi_end,
                            en=en_end,
                            days=left,
                        ),
                        end,
                    )
                )
            if product.provenance.evidence == "unconfirmed":
                actions.append(
                    Action(
                        product.id,
                        "unconfirmed",
                        msg(
                            "chưa có quyết định hoặc tin chính thức nên trang chưa hiện sao",
                            "no decision document or official news yet, so the page shows no stars",
                        ),
                    )
                )
        missing = _missing_english(product)
        if missing:
            listed = ", ".join(missing)
            actions.append(
                Action(
                    product.id,
                    "missing_english",
                    msg("chưa có tiếng Anh: {f}", "no English text: {f}", f=listed),
                )
            )
        if not product.photos:
            actions.append(
                Action(
                    product.id,
                    "missing_photo",
                    msg("chưa có ảnh sản phẩm", "no product photo"),
                )
            )
        gaps: list[tuple[str, str]] = []
        if not any(v.gtin or v.price_retail or v.price_wholesale for v in product.variants):
            gaps.append(
                ("không quy cách nào có GTIN hoặc giá", "no pack size with a GTIN or a price")
            )
        if not _trade_given(product):
            gaps.append(("chưa có điều kiện thương mại (trade)", "no trade terms (trade)"))
        if gaps:
            actions.append(
                Action(
                    product.id,
                    "missing_buyer_fields",
                    Message("; ".join(vi for vi, _ in gaps), "; ".join(en for _, en in gaps)),
                )
            )
    order = {kind: i for i, kind in enumerate(ACTION_KINDS)}
    return sorted(actions, key=lambda a: (order[a.kind], a.due or dt.date.max, a.product_id))


# --- SVG charts --------------------------------------------------------------------------------

WIDTH: Final = 400
"""viewBox width. The SVG's intrinsic width equals it and Material's `.md-typeset svg {max-width:
100%; height: auto}` shrinks it on phones: at 360 px (about 328 px of content) the 15-unit labels
render at about 12 px, the size of Material's body text. A `width="100%"` would blow the same
labels up to about 28 px on a desktop column."""
PAD: Final = 8
FONT: Final = 15
VALUE_FONT: Final = 14
LINE: Final = 19
BAR: Final = 18
GAP: Final = 12
VALUE_ROOM: Final = 48
"""Room kept right of the longest bar for its value label."""
CHAR_WIDTH: Final = 0.58
"""Average advance of a character in em, generous for Vietnamese in system UI fonts; used to wrap
labels, since an SVG cannot wrap text by itself."""
FONT_FAMILY: Final = "'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif"

BACKGROUND: Final = "#ffffff"
TEXT: Final = "#1f2328"
MUTED: Final = "#55595f"
"""The site's --ocop-muted; axis lines."""
COLOURS: Final = {
    "primary": "#1b5e20",  # the site's primary green, 7.9:1 on white
    "secondary": "#0d47a1",  # blue, 8.6:1; told apart from green by position and legend too
    "warning": "#8a4b00",  # amber-brown, 6.4:1
    "danger": "#8e1b1b",  # the site's .ocop-expired red, 8.7:1
}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: str) -> str:
    """Escape for XML/HTML text and quoted attributes; characters XML forbids are dropped."""
    return html.escape(_NOT_XML.sub("", text), quote=True)


def _wrap(text: str, size: int, width: float) -> list[str]:
    """Split a label into lines that fit `width` at font `size` (greedy, by words)."""
    limit = max(4, int(width / (size * CHAR_WIDTH)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > limit:  # a word longer than a line (rare; hostile input) is cut
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def _text_width(text: str, size: int) -> float:
    return len(text) * size * CHAR_WIDTH


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str
    table_html: str
    data_label: str = "Bảng số liệu"
    """Label of the disclosure that holds the table."""

    @property
    def html(self) -> str:
        """The chart and its table as one raw-HTML block: no blank line, so Markdown keeps it."""
        return (
            f'<div class="ocop-chart" id="{_esc(self.id)}">\n{self.svg}\n'
            f'<details class="ocop-chart__data">\n<summary>{_esc(self.data_label)}</summary>\n'
            f"{self.table_html}\n</details>\n</div>"
        )


def _svg(chart_id: str, title: str, desc: str, height: int, body: Sequence[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="ocop-chart__svg" '
        f'font-family="{_esc(FONT_FAMILY)}">'
    )
    return "\n".join(
        [
            head,
            f'<title id="{chart_id}-title">{_esc(title)}</title>',
            f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>',
            f'<rect width="{WIDTH}" height="{height}" fill="{BACKGROUND}"/>',
            *body,
            "</svg>",
        ]
    )


def _axis(x: float, top: float, bottom: float) -> str:
    return f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{MUTED}" stroke-width="1"/>'


def _value(x: float, y: float, value: int, lang: Lang, size: int = VALUE_FONT) -> str:
    """A bar's number; the class lets tests read the numbers back in drawing order."""
    return (
        f'<text class="ocop-chart__value" x="{x:g}" y="{y:g}" font-size="{size}" fill="{TEXT}">'
        f"{_esc(format_count(value, lang))}</text>"
    )


def hbar_svg(chart_id: str, title: str, desc: str, bars: Sequence[Bar], lang: Lang) -> str:
    """Horizontal bars with the label above each bar: names such as "Dược liệu và sản phẩm từ
    dược liệu" do not fit beside a bar at 360 px, and a label above may wrap."""
    scale = max((b.value for b in bars), default=0)
    length = WIDTH - 2 * PAD - VALUE_ROOM
    body: list[str] = []
    y = PAD
    for bar in bars:
        for line in _wrap(bar.label, FONT, WIDTH - 2 * PAD):
            body.append(
                f'<text x="{PAD}" y="{y + FONT}" font-size="{FONT}" fill="{TEXT}">'
                f"{_esc(line)}</text>"
            )
            y += LINE
        y += 2
        width = round(length * bar.value / scale, 1) if scale else 0
        # A baseline tick beside every bar, so a zero reads as zero, not as a missing bar.
        body.append(_axis(PAD, y - 2, y + BAR + 2))
        if width:
            body.append(
                f'<rect x="{PAD}" y="{y}" width="{width:g}" height="{BAR}" fill="{bar.colour}"/>'
            )
        body.append(_value(PAD + width + 6, y + 14, bar.value, lang))
        y += BAR + GAP
    return _svg(chart_id, title, desc, y - GAP + PAD, body)


def _legend(items: Sequence[tuple[str, str]], top: int) -> tuple[list[str], int]:
    out: list[str] = []
    x, y = PAD, top
    for label, colour in items:
        width = 14 + 6 + _text_width(label, FONT)
        if x > PAD and x + width > WIDTH - PAD:
            x, y = PAD, y + LINE + 4
        out.append(f'<rect x="{x}" y="{y + 2}" width="14" height="14" fill="{colour}"/>')
        out.append(
            f'<text x="{x + 20}" y="{y + 14}" font-size="{FONT}" fill="{TEXT}">{_esc(label)}</text>'
        )
        x += round(width) + 18
    return out, y + LINE + 8


def years_svg(chart_id: str, title: str, desc: str, rows: Sequence[YearCount], lang: Lang) -> str:
    """Per year, two bars on one scale: new products (green) above the running total (blue).

    Years run down the chart rather than across: any number of years stays readable at 360 px.
    """
    t = LABELS[lang]
    legend, y = _legend(
        [(t["new"], COLOURS["primary"]), (t["cumulative"], COLOURS["secondary"])], PAD
    )
    left = PAD + 48
    length = WIDTH - left - PAD - VALUE_ROOM
    scale = max((r.cumulative for r in rows), default=0)
    body = list(legend)
    top = y
    thin = 14
    for row in rows:
        body.append(
            f'<text x="{PAD}" y="{y + thin + 6}" font-size="{FONT}" fill="{TEXT}">{row.year}</text>'
        )
        for offset, value, colour in (
            (0, row.new, COLOURS["primary"]),
            (thin + 2, row.cumulative, COLOURS["secondary"]),
        ):
            width = round(length * value / scale, 1) if scale else 0
            if width:
                body.append(
                    f'<rect x="{left}" y="{y + offset}" width="{width:g}" height="{thin}" '
                    f'fill="{colour}"/>'
                )
            body.append(_value(left + width + 6, y + offset + 12, value, lang, VALUE_FONT - 1))
        y += 2 * thin + 2 + GAP
    body.append(_axis(left, top, y - GAP))
    return _svg(chart_id, title, desc, y - GAP + PAD, body)


# --- tables ------------------------------------------------------------------------------------


def _table(
    title: str, head: Sequence[str], rows: Sequence[Sequence[str]], foot: Sequence[str] = ()
) -> str:
    """A data table: caption, column headers, the first cell of a row as its header; the wrapper
    scrolls on a narrow screen and can be reached with the keyboard (as the site's other tables)."""
    out = [
        f'<div class="ocop-table-wrap" tabindex="0" role="region" aria-label="{_esc(title)}">',
        '<table class="ocop-figures-table">',
        f"<caption>{_esc(title)}</caption>",
        "<thead><tr>" + "".join(f'<th scope="col">{_esc(h)}</th>' for h in head) + "</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        first, *rest = row
        out.append(
            f'<tr><th scope="row">{_esc(first)}</th>'
            + "".join(f"<td>{_esc(cell)}</td>" for cell in rest)
            + "</tr>"
        )
    out.append("</tbody>")
    if foot:
        first, *rest = foot
        out.append(
            f'<tfoot><tr><th scope="row">{_esc(first)}</th>'
            + "".join(f"<td>{_esc(cell)}</td>" for cell in rest)
            + "</tr></tfoot>"
        )
    out += ["</table>", "</div>"]
    return "\n".join(out)


def _breakdown_chart(
    chart_id: str, title: str, head: str, breakdown: Breakdown, figures: Figures, lang: Lang
) -> Chart:
    t = LABELS[lang]
    labels = [row.label.get(lang) for row in breakdown.rows]
    counts = [row.count for row in breakdown.rows]
    desc = " ".join(
        [
            t["breakdown_desc"].format(
                title=title,
                date=format_date(figures.today, lang),
                total=_count(breakdown.total, lang),
            ),
            "; ".join(
                f"{label}: {format_count(n, lang)}" for label, n in zip(labels, counts, strict=True)
            )
            + ".",
        ]
    )
    bars = [Bar(label, n, COLOURS["primary"]) for label, n in zip(labels, counts, strict=True)]
    table = _table(
        title,
        [head, t["products_head"]],
        [[label, format_count(n, lang)] for label, n in zip(labels, counts, strict=True)],
        [t["total"], format_count(breakdown.total, lang)],
    )
    return Chart(
        chart_id, title, hbar_svg(chart_id, title, desc, bars, lang), table, t["data_table"]
    )


def _years_chart(figures: Figures, lang: Lang) -> Chart:
    t = LABELS[lang]
    chart_id = "ocop-fig-years"
    title = t["years_title"]
    rows = figures.by_year
    desc = " ".join(
        [t["years_desc"].format(date=format_date(figures.today, lang))]
        + [
            t["years_row"].format(
                year=r.year,
                new=format_count(r.new, lang),
                cumulative=format_count(r.cumulative, lang),
            )
            for r in rows
        ]
    )
    table = _table(
        title,
        [t["year"], t["new"], t["cumulative"]],
        [[str(r.year), format_count(r.new, lang), format_count(r.cumulative, lang)] for r in rows],
    )
    return Chart(
        chart_id, title, years_svg(chart_id, title, desc, rows, lang), table, t["data_table"]
    )


def _expiry_chart(figures: Figures, lang: Lang) -> Chart:
    t = LABELS[lang]
    chart_id = "ocop-fig-expiry"
    title = t["expiry_title"]
    expiry = figures.expiry
    rows = [
        (t["expiry_valid"], expiry.valid, COLOURS["primary"]),
        (
            t["expiry_soon"].format(date=format_date(expiry.window_end, lang)),
            len(expiry.expiring),
            COLOURS["warning"],
        ),
        (t["expiry_expired"], len(expiry.expired), COLOURS["danger"]),
    ]
    total = sum(n for _, n, _ in rows)
    desc = " ".join(
        [
            t["breakdown_desc"].format(
                title=title, date=format_date(figures.today, lang), total=_count(total, lang)
            ),
            "; ".join(f"{label}: {format_count(n, lang)}" for label, n, _ in rows) + ".",
        ]
    )
    bars = [Bar(label, n, colour) for label, n, colour in rows]
    table = _table(
        title,
        [t["expiry_head"], t["products_head"]],
        [[label, format_count(n, lang)] for label, n, _ in rows],
        [t["total"], format_count(total, lang)],
    )
    return Chart(
        chart_id, title, hbar_svg(chart_id, title, desc, bars, lang), table, t["data_table"]
    )


def _fairs_chart(fairs: Sequence[YearValue], figures: Figures, lang: Lang) -> Chart:
    t = LABELS[lang]
    chart_id = "ocop-fig-fairs"
    title = t["fairs_title"]
    desc = " ".join(
        [t["fairs_desc"].format(date=format_date(figures.today, lang))]
        + [f"{r.year}: {_count(r.count, lang, 'fair')}." for r in fairs]
    )
    bars = [Bar(str(r.year), r.count, COLOURS["secondary"]) for r in fairs]
    table = _table(
        title,
        [t["year"], t["fairs_head"]],
        [[str(r.year), format_count(r.count, lang)] for r in fairs],
        [t["total"], format_count(sum(r.count for r in fairs), lang)],
    )
    return Chart(
        chart_id, title, hbar_svg(chart_id, title, desc, bars, lang), table, t["data_table"]
    )


def charts(figures: Figures, lang: Lang) -> list[Chart]:
    """Every chart of the figures page, in page order; the fairs chart only when fairs were given."""
    t = LABELS[lang]
    out = [_years_chart(figures, lang)] if figures.by_year else []
    for chart_id, title, head, breakdown in (
        ("ocop-fig-stars", t["stars_title"], t["stars_head"], figures.by_stars),
        ("ocop-fig-groups", t["group_title"], t["group_head"], figures.by_group),
        ("ocop-fig-communes", t["commune_new_title"], t["commune_head"], figures.by_commune_new),
        (
            "ocop-fig-communes-old",
            t["commune_old_title"],
            t["commune_head"],
            figures.by_commune_old,
        ),
        ("ocop-fig-producers", t["producer_title"], t["producer_head"], figures.by_producer_type),
    ):
        out.append(_breakdown_chart(chart_id, title, head, breakdown, figures, lang))
    out.append(_expiry_chart(figures, lang))
    if figures.fairs:
        out.append(_fairs_chart(figures.fairs, figures, lang))
    return out


def targets_table(figures: Figures, lang: Lang) -> str:
    """Target against actual, one row per year and measure; "" when no targets were given."""
    if not figures.targets:
        return ""
    t = LABELS[lang]
    rows = []
    for check in figures.targets:
        year = str(check.year) + (f" ({t['example']})" if check.example else "")
        rows.append(
            [
                f"{year} · {t[check.measure]}",
                check.target.text(lang) if check.target else "—",
                "—" if check.actual is None else format_count(check.actual, lang),
                t[check.status],
            ]
        )
    return _table(t["targets_title"], [t["measure"], t["target"], t["actual"], t["result"]], rows)


def supermarket_table(
    figures: Figures, lang: Lang, product_url: Callable[[str], str] | None = None
) -> str:
    """Products with a supermarket outlet; names link to their pages when `product_url` is given."""
    t = LABELS[lang]
    if not figures.supermarkets:
        return f"<p>{_esc(t['supermarket_none'])}</p>"
    out = [
        f'<div class="ocop-table-wrap" tabindex="0" role="region" '
        f'aria-label="{_esc(t["supermarket_title"])}">',
        '<table class="ocop-figures-table">',
        f"<caption>{_esc(t['supermarket_title'])}</caption>",
        f'<thead><tr><th scope="col">{_esc(t["product"])}</th>'
        f'<th scope="col">{_esc(t["supermarket_outlets"])}</th></tr></thead>',
        "<tbody>",
    ]
    for listing in figures.supermarkets:
        name = _esc(listing.name.get(lang))
        if lang == "en" and not listing.name.en:
            name = f'<span lang="vi">{name}</span>'
        if product_url is not None:
            name = f'<a href="{_esc(product_url(listing.product_id))}">{name}</a>'
        outlets = ", ".join(_esc(o.get(lang)) for o in listing.outlets)
        out.append(f'<tr><th scope="row">{name}</th><td>{outlets}</td></tr>')
    out += ["</tbody>", "</table>", "</div>"]
    return "\n".join(out)


def page_markdown(
    figures: Figures, lang: Lang, product_url: Callable[[str], str] | None = None
) -> str:
    """The body of the page "Chương trình OCOP qua các con số" / "The OCOP programme in figures".

    Markdown headings around raw-HTML blocks; every block is one chunk without blank lines, which
    Python-Markdown (with md_in_html) passes through untouched.
    """
    t = LABELS[lang]
    parts = [
        f"# {escape_md(t['page_title'])}",
        escape_md(
            t["page_intro"].format(
                date=format_date(figures.today, lang),
                certified=_count(figures.certified, lang),
                in_force=format_count(figures.in_force, lang),
            )
        ),
    ]
    for chart in charts(figures, lang):
        parts += [f"## {escape_md(chart.title)}", chart.html]
    parts += [
        f"## {escape_md(t['supermarket_title'])}",
        supermarket_table(figures, lang, product_url),
    ]
    if figures.targets:
        parts += [
            f"## {escape_md(t['targets_title'])}",
            escape_md(t["targets_intro"]),
            targets_table(figures, lang),
        ]
    return "\n\n".join(parts) + "\n"


# --- report ------------------------------------------------------------------------------------


def report_rows(figures: Figures, lang: Lang) -> list[list[str]]:
    """Every figure as (section, item, value, note) rows, a header row first, for CSV/Markdown."""
    t = LABELS[lang]
    rows = [[t["report_section"], t["report_item"], t["report_value"], t["report_note"]]]
    day = format_date(figures.today, lang)
    rows.append([t["summary"], t["certified"], str(figures.certified), day])
    rows.append([t["summary"], t["in_force"], str(figures.in_force), day])
    for r in figures.by_year:
        for key, value in (
            ("new", r.new),
            ("recertified", r.recertified),
            ("cumulative", r.cumulative),
        ):
            rows.append([t["years_title"], f"{r.year} · {t[key]}", str(value), ""])
    for title, breakdown in (
        (t["stars_title"], figures.by_stars),
        (t["group_title"], figures.by_group),
        (t["commune_new_title"], figures.by_commune_new),
        (t["commune_old_title"], figures.by_commune_old),
        (t["producer_title"], figures.by_producer_type),
    ):
        rows += [[title, s.label.get(lang), str(s.count), s.key] for s in breakdown.rows]
    expiry = figures.expiry
    for title, dues in (
        (t["expiring_title"], expiry.expiring),
        (t["expired_title"], expiry.expired),
    ):
        rows += [
            [
                title,
                d.name.get(lang),
                format_date(d.expires, lang),
                f"{d.product_id} · {t['stars'].format(n=d.stars)}",
            ]
            for d in dues
        ]
    rows += [
        [
            t["supermarket_title"],
            s.name.get(lang),
            ", ".join(o.get(lang) for o in s.outlets),
            s.product_id,
        ]
        for s in figures.supermarkets
    ]
    if figures.fairs is not None:
        rows += [[t["fairs_title"], str(f.year), str(f.count), ""] for f in figures.fairs]
    for c in figures.targets:
        item = f"{c.year} · {t[c.measure]}"
        target = c.target.text(lang) if c.target else "—"
        note = f"{t['target']}: {target} · {t[c.status]}"
        if c.example:
            note += f" ({t['example']})"
        rows.append([t["targets_title"], item, "—" if c.actual is None else str(c.actual), note])
    return rows


def action_rows(actions: Sequence[Action], lang: Lang) -> list[list[str]]:
    """`needs_action` as (product, action, detail) rows, a header row first."""
    t = LABELS[lang]
    return [[t["action_product"], t["action_kind"], t["action_detail"]]] + [
        [a.product_id, t[f"action_{a.kind}"], a.detail.text(lang)] for a in actions
    ]


def to_csv(rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def to_markdown(rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table; `|` and line breaks in data cannot break its rows."""

    def cell(text: str) -> str:
        return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")

    head, *body = rows
    lines = ["| " + " | ".join(cell(c) for c in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines) + "\n"
