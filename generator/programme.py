"""Promoting the programme: trade fairs and events (`data/hoi-cho.yaml`) and where to buy
(`data/diem-ban.yaml`).

Both files are declared with the same typed fields as products (`fields.spec`), so a mistake reads
exactly like a product error (`data/hoi-cho.yaml:12:10: events[1].end: …`, Vietnamese first) and the
same declarations give the JSON Schema (`json_schemas()`). Loading runs after the catalogue, because
both files point into it: every product id, commune and photo is checked, every problem is added to
the run's Diagnostics and nothing is raised, so one run lists them all. A missing file is an empty
list: a district that has held no fair yet has nothing to write.

An outlet listed here is the central record of a shop; products keep their own inline
`where_to_buy` too, and `Programme.where_to_buy` merges the two for the product page.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

from . import images
from .catalogue import Catalogue
from .errors import Diagnostics, msg
from .fields import (
    INVALID,
    Choice,
    Context,
    Date,
    I18n,
    Id,
    ListOf,
    Model,
    Phone,
    Str,
    Text,
    Url,
    run,
    spec,
)
from .images import PhotoJob
from .schema import OUTLET_KINDS, Product, RichText
from .schema import Outlet as InlineOutlet
from .text import fold, nfc, slugify
from .yamlload import Document, KeyPath, format_key_path, load_yaml_file

T = TypeVar("T")

EVENTS_FILE = "data/hoi-cho.yaml"
OUTLETS_FILE = "data/diem-ban.yaml"
EVENT_PHOTOS = "data/hoi-cho"
"""Photos of event `<id>` live in `data/hoi-cho/<id>/`, the way product photos sit beside their
product.yaml."""

EVENT_KINDS = ("trade_fair", "ocop_exhibition", "festival", "conference", "other")
FAIR_KINDS = ("trade_fair", "ocop_exhibition")
"""What `fairs_per_year` counts: the programme's reports count fairs and exhibitions only."""

HttpsUrl = Str(
    max_len=2000,
    pattern=r"https://[^\s/$.?#][^\s]*",
    pattern_vi="một đường dẫn bắt đầu bằng https:// (ví dụ https://www.openstreetmap.org/…)",
    pattern_en="a link starting with https:// (e.g. https://www.openstreetmap.org/…)",
)
"""Map links only over https: a map opened from a phone in a market must not be rewritten on the
way (and an http link is refused by the site's content security policy anyway)."""


# --- schema -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventPhoto:
    file: str = spec(
        Str(max_len=200),
        "tên tệp ảnh trong thư mục data/hoi-cho/<mã sự kiện>/",
        "photo file name in the folder data/hoi-cho/<event id>/",
        required=True,
    )
    alt: I18n = spec(
        Text(max_len=200),
        "mô tả ảnh cho người khiếm thị",
        "text alternative describing the photo",
        required=True,
    )


@dataclass(frozen=True)
class Event:
    id: str = spec(
        Id,
        "mã sự kiện cố định (chữ thường không dấu), ví dụ hoi-cho-ocop-2025",
        "permanent event id (lower-case ASCII), e.g. hoi-cho-ocop-2025",
        required=True,
    )
    name: I18n = spec(Text(max_len=200), "tên sự kiện", "event name", required=True)
    kind: str = spec(
        Choice(EVENT_KINDS),
        "loại: trade_fair (hội chợ), ocop_exhibition (triển lãm OCOP), festival (lễ hội), "
        "conference (hội nghị), other (khác)",
        "kind: trade fair, OCOP exhibition, festival, conference or other",
        required=True,
    )
    start: dt.date = spec(Date(), "ngày bắt đầu", "first day", required=True)
    place: I18n = spec(
        Text(max_len=200),
        "địa điểm, ví dụ Quảng trường trung tâm xã Krông Nô",
        "venue, e.g. Krông Nô commune central square",
        required=True,
    )
    end: dt.date | None = spec(
        Date(),
        "ngày kết thúc (để trống nếu chỉ diễn ra một ngày)",
        "last day (empty for a one-day event)",
    )
    commune: str | None = spec(
        Id,
        "mã xã sau 1/7/2025 nếu diễn ra trong vùng (xem data/communes.yaml)",
        "commune after 1 July 2025 when held in the area (see data/communes.yaml)",
    )
    province: I18n | None = spec(
        Text(max_len=80), "tỉnh/thành phố, ví dụ TP. Hồ Chí Minh", "province or city"
    )
    organiser: I18n | None = spec(Text(max_len=200), "đơn vị tổ chức", "organiser")
    products: list[str] = spec(
        ListOf(Id),
        "mã các sản phẩm được giới thiệu (tên thư mục trong products/)",
        "ids of the products shown (folder names in products/)",
        default_factory=list,
    )
    photos: list[EventPhoto] = spec(
        ListOf(Model(EventPhoto)), "ảnh sự kiện", "photos", default_factory=list
    )
    outcome: I18n | None = spec(
        RichText,
        "kết quả (Markdown): hợp đồng, đơn hàng…",
        "outcome (Markdown): contracts, orders…",
    )
    url: str | None = spec(Url(), "trang thông tin sự kiện", "event web page")

    @property
    def last_day(self) -> dt.date:
        return self.end or self.start

    @property
    def is_fair(self) -> bool:
        return self.kind in FAIR_KINDS

    def is_past(self, today: dt.date) -> bool:
        """An event is past from the day after its last day: on its last day it is still on."""
        return self.last_day < today


@dataclass(frozen=True)
class Outlet:
    """A shop, supermarket, market or online shop, written once and listing what it sells."""

    id: str = spec(
        Id,
        "mã nơi bán cố định (chữ thường không dấu), ví dụ sieu-thi-gia-nghia",
        "permanent outlet id (lower-case ASCII), e.g. sieu-thi-gia-nghia",
        required=True,
    )
    name: I18n = spec(Text(max_len=120), "tên nơi bán", "outlet name", required=True)
    kind: str = spec(
        Choice(OUTLET_KINDS),
        "loại: producer (tại cơ sở), ocop_shop (điểm bán OCOP), supermarket (siêu thị), "
        "market (chợ), online, shop (cửa hàng)",
        "kind of outlet",
        required=True,
    )
    address: I18n | None = spec(Text(max_len=200), "địa chỉ", "address")
    commune: str | None = spec(
        Id,
        "mã xã sau 1/7/2025 nếu ở trong vùng (xem data/communes.yaml)",
        "commune after 1 July 2025 when in the area (see data/communes.yaml)",
    )
    opening_hours: I18n | None = spec(
        Text(max_len=200),
        "giờ mở cửa, ví dụ 7:00–17:30, thứ Hai đến thứ Bảy",
        "opening hours, e.g. 7:00–17:30, Monday to Saturday",
    )
    map_url: str | None = spec(
        HttpsUrl, "đường dẫn bản đồ (chỉ https://)", "map link (https:// only)"
    )
    website: str | None = spec(
        Url(), "trang web hoặc gian hàng trực tuyến", "website or online shop"
    )
    phone: str | None = spec(Phone(), "điện thoại", "phone")
    products: list[str] = spec(
        ListOf(Id),
        "mã các sản phẩm bán ở đây (tên thư mục trong products/)",
        "ids of the products sold here (folder names in products/)",
        default_factory=list,
    )
    note: I18n | None = spec(Text(max_len=500, multiline=True), "ghi chú", "note")

    @property
    def url(self) -> str | None:
        """The name inline outlets (schema.Outlet) use, so one template shows both."""
        return self.website


@dataclass(frozen=True)
class Entries(Generic[T]):
    """A list like `ListOf`, but it keeps the entries that converted, each with its index.

    One bad event must not hide the others from the cross-checks (unknown products, communes,
    photos), or an editor would fix one file in several runs; the index finds an entry's line.
    """

    item: Model[T]

    def __call__(self, value: Any, path: KeyPath, ctx: Context) -> list[tuple[int, T]]:
        if not isinstance(value, list):
            ListOf[T](self.item)(value, path, ctx)  # raises ListOf's "expected a list" message
            return []  # value was None: no entries
        return [
            (i, converted)
            for i, raw in enumerate(value)
            if (converted := run(self.item, raw, (*path, i), ctx)) is not INVALID
        ]

    def schema(self) -> dict[str, Any]:
        return ListOf(self.item).schema()


@dataclass(frozen=True)
class EventsFile:
    events: list[tuple[int, Event]] = spec(
        Entries(Model(Event)), "hội chợ và sự kiện", "trade fairs and events", default_factory=list
    )


@dataclass(frozen=True)
class OutletsFile:
    outlets: list[tuple[int, Outlet]] = spec(
        Entries(Model(Outlet)), "nơi bán", "where to buy", default_factory=list
    )


EVENTS_MODEL = Model(EventsFile)
OUTLETS_MODEL = Model(OutletsFile)


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas of the two files (for editors' autocompletion and the open-data page)."""
    return {
        "hoi-cho.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Hội chợ, sự kiện / Fairs and events",
            **EVENTS_MODEL.schema(),
        },
        "diem-ban.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Nơi bán / Where to buy",
            **OUTLETS_MODEL.schema(),
        },
    }


# --- the loaded programme -----------------------------------------------------------------------


@dataclass
class Programme:
    events: list[Event]
    """In file order; the methods below sort for their page."""
    outlets: list[Outlet]
    """In file order: editors put the main outlets first."""
    today: dt.date = field(default_factory=dt.date.today)
    products: dict[str, Product] = field(default_factory=dict, repr=False)
    """Published products by id: references resolve to these (drafts are never linked)."""
    photo_files: dict[tuple[str, str], Path] = field(default_factory=dict, repr=False)
    """(event id, file as typed) → the resolved photo file."""
    former: dict[str, str] = field(default_factory=dict, repr=False)
    """A renamed product's former id → its id: references to former ids follow the product."""

    def _ids(self, item: Event | Outlet) -> list[str]:
        return [self.former.get(pid, pid) for pid in item.products]

    def upcoming(self, today: dt.date | None = None) -> list[Event]:
        """Events not over yet (running ones included), soonest first."""
        day = today or self.today
        return sorted((e for e in self.events if not e.is_past(day)), key=lambda e: (e.start, e.id))

    def past(self, today: dt.date | None = None) -> list[Event]:
        """Events over before `today`, latest first."""
        day = today or self.today
        return sorted(
            (e for e in self.events if e.is_past(day)),
            key=lambda e: (e.start, e.id),
            reverse=True,
        )

    def events_of(self, product_id: str) -> list[Event]:
        """The events that showed a product, latest first."""
        return sorted(
            (e for e in self.events if product_id in self._ids(e)),
            key=lambda e: (e.start, e.id),
            reverse=True,
        )

    def outlets_of(self, product_id: str) -> list[Outlet]:
        """The central outlets (data/diem-ban.yaml) that sell a product, in file order."""
        return [o for o in self.outlets if product_id in self._ids(o)]

    def where_to_buy(self, product: Product) -> list[Outlet | InlineOutlet]:
        """Central outlets, then the product's own `where_to_buy` entries not already among
        them (same Vietnamese name, ignoring case and tone marks): the same shop written in both
        places appears once."""
        central = self.outlets_of(product.id)
        seen = {fold(o.name.vi) for o in central}
        merged: list[Outlet | InlineOutlet] = list(central)
        merged += [o for o in product.where_to_buy if fold(o.name.vi) not in seen]
        return merged

    @cached_property
    def _supermarket_ids(self) -> frozenset[str]:
        # Computed once: every product page asks (a list rebuilt per page cost 4.5 s at 1,000).
        ids = {pid for o in self.outlets if o.kind == "supermarket" for pid in self._ids(o)}
        ids |= {
            p.id
            for p in self.products.values()
            if any(o.kind == "supermarket" for o in p.where_to_buy)
        }
        return frozenset(pid for pid in ids if pid in self.products)

    def supermarket_products(self) -> list[Product]:
        """Published products sold in at least one supermarket, central or inline, by id."""
        return [self.products[pid] for pid in sorted(self._supermarket_ids)]

    def in_supermarket(self, product: Product) -> bool:
        return product.id in self._supermarket_ids

    def shown_products(self, item: Event | Outlet) -> list[Product]:
        """The published products an event showed or an outlet sells, in the order listed."""
        return [self.products[pid] for pid in self._ids(item) if pid in self.products]

    def fairs_per_year(self) -> dict[int, int]:
        """Trade fairs and OCOP exhibitions per year of their first day; years without one
        between the first and the last are 0, so a table or chart has no holes."""
        years = [e.start.year for e in self.events if e.is_fair]
        if not years:
            return {}
        return {y: years.count(y) for y in range(min(years), max(years) + 1)}

    def photo_jobs(self) -> list[PhotoJob]:
        """Event photos for images.process_photos, like build.photo_jobs does for products."""
        return [
            PhotoJob(
                self.photo_files[(event.id, photo.file)],
                f"{EVENT_PHOTOS}/{event.id}/{photo.file}",
                slugify(Path(photo.file).stem),
            )
            for event in self.events
            for photo in event.photos
            if (event.id, photo.file) in self.photo_files
        ]


# --- loading ------------------------------------------------------------------------------------


def load_programme(root: Path, cat: Catalogue, diag: Diagnostics) -> Programme:
    """Load and check both files against the catalogue; problems go to `diag`, nothing raises.

    Only entries that converted are returned; with any error in `diag` the caller stops the build
    (`diag.raise_if_errors()`), as after the catalogue.
    """
    programme = Programme([], [], cat.today, {p.id: p for p in cat.published})
    programme.former = {old: p.id for p in cat.products for old in p.former_ids}
    events_file = _load(root, EVENTS_FILE, EVENTS_MODEL, diag)
    if events_file is not None:
        doc, events_data = events_file
        entries = events_data.events
        ctx = Context(doc, diag)
        _check_ids(ctx, "events", entries)
        for i, event in entries:
            path: KeyPath = ("events", i)
            if event.end is not None and event.end < event.start:
                ctx.error(
                    (*path, "end"),
                    msg(
                        "ngày kết thúc {end} không được trước ngày bắt đầu {start}",
                        "the end date {end} must not be before the start date {start}",
                        end=event.end.isoformat(),
                        start=event.start.isoformat(),
                    ),
                )
            if event.commune is not None:
                _check_commune(ctx, (*path, "commune"), event.commune, cat)
            _check_products(ctx, (*path, "products"), event.products, cat)
            _check_photos(root, ctx, path, event, programme.photo_files)
        programme.events = [event for _, event in entries]
    outlets_file = _load(root, OUTLETS_FILE, OUTLETS_MODEL, diag)
    if outlets_file is not None:
        doc, outlets_data = outlets_file
        outlets = outlets_data.outlets
        ctx = Context(doc, diag)
        _check_ids(ctx, "outlets", outlets)
        for i, outlet in outlets:
            if outlet.commune is not None:
                _check_commune(ctx, ("outlets", i, "commune"), outlet.commune, cat)
            _check_products(ctx, ("outlets", i, "products"), outlet.products, cat)
        programme.outlets = [outlet for _, outlet in outlets]
    return programme


def _load(root: Path, name: str, model: Model[T], diag: Diagnostics) -> tuple[Document, T] | None:
    path = root / name
    if not os.path.lexists(path):
        return None
    doc, problems = load_yaml_file(path, name)
    diag.extend(problems)
    if doc is None or doc.data is None:  # unreadable, or empty / only comments
        return None
    data = run(model, doc.data, (), Context(doc, diag))
    return None if data is INVALID else (doc, data)


def _check_ids(ctx: Context, key: str, entries: list[tuple[int, Any]]) -> None:
    first: dict[str, int] = {}
    for i, entry in entries:
        line = ctx.doc.mark((key, i, "id")).line
        if entry.id in first:
            ctx.error(
                (key, i, "id"),
                msg(
                    'mã "{id}" đã dùng ở dòng {line}; mỗi mục cần một mã riêng',
                    'the id "{id}" is already used at line {line}; each entry needs its own id',
                    id=entry.id,
                    line=first[entry.id],
                ),
            )
        else:
            first[entry.id] = line


def _check_commune(ctx: Context, path: KeyPath, value: str, cat: Catalogue) -> None:
    region = cat.region
    if value in region.new:
        return
    old = region.old.get(value)
    if old is not None and old.new_id is not None:
        # Editors know the old names from certificates and signs; tell them the new one.
        ctx.error(
            path,
            msg(
                '"{id}" là mã xã cũ (trước 1/7/2025); nay thuộc xã "{new}", hãy ghi {new}',
                '"{id}" is an old commune id (before 1 July 2025); it is now part of "{new}", '
                "write {new}",
                id=value,
                new=old.new_id,
            ),
        )
        return
    ctx.error(
        path,
        msg(
            'không có xã "{id}" trong data/communes.yaml; các mã hợp lệ: {ids}',
            'no commune "{id}" in data/communes.yaml; valid ids: {ids}',
            id=value,
            ids=", ".join(sorted(region.new)),
        ),
    )


def _check_products(ctx: Context, path: KeyPath, ids: list[str], cat: Catalogue) -> None:
    known = {p.id: p for p in cat.products}
    published = {p.id for p in cat.published}
    former = {old: p.id for p in cat.products for old in p.former_ids}
    seen: set[str] = set()
    for j, pid in enumerate(ids):
        at = (*path, j)
        if pid in seen:
            ctx.warning(
                at,
                msg(
                    'sản phẩm "{id}" được ghi hai lần; lần này bị bỏ qua',
                    'the product "{id}" is listed twice; this one is ignored',
                    id=pid,
                ),
            )
            continue
        seen.add(pid)
        product = known.get(pid)
        if product is not None:
            if product.id not in published:
                ctx.warning(
                    at,
                    msg(
                        'sản phẩm "{id}" chưa được công bố (status: {status}) nên không hiện ở đây',
                        'the product "{id}" is not published (status: {status}) and is not shown '
                        "here",
                        id=pid,
                        status=product.status,
                    ),
                )
        elif pid in former:
            # A renamed product keeps working everywhere (its old pages redirect), so the
            # reference is followed; the editor is asked to update it.
            ctx.warning(
                at,
                msg(
                    '"{id}" là mã cũ của sản phẩm {new}; đã dùng {new}, hãy sửa thành {new}',
                    '"{id}" is a former id of the product {new}; {new} is used, write {new}',
                    id=pid,
                    new=former[pid],
                ),
            )
        else:
            # A high cutoff: ids share long runs like "-buon-choah", and a wrong guess misleads.
            close = difflib.get_close_matches(pid, sorted(known), n=1, cutoff=0.8)
            if close:
                ctx.error(
                    at,
                    msg(
                        'không có sản phẩm "{id}" trong danh mục (thư mục products/{id}/) — có phải '
                        '"{close}"?',
                        'no product "{id}" in the catalogue (folder products/{id}/) — did you mean '
                        '"{close}"?',
                        id=pid,
                        close=close[0],
                    ),
                )
            else:
                ctx.error(
                    at,
                    msg(
                        'không có sản phẩm "{id}" trong danh mục (thư mục products/{id}/)',
                        'no product "{id}" in the catalogue (folder products/{id}/)',
                        id=pid,
                    ),
                )


def _check_photos(
    root: Path,
    ctx: Context,
    path: KeyPath,
    event: Event,
    found: dict[tuple[str, str], Path],
) -> None:
    folder = root / EVENT_PHOTOS / event.id
    seen: dict[str, int] = {}
    for k, photo in enumerate(event.photos):
        at = (*path, "photos", k, "file")
        if not folder.is_dir():
            # resolve_photo would speak of "the product folder"; name the event's folder instead.
            ctx.error(
                at,
                msg(
                    "không có thư mục {folder}/ cho ảnh {file}; hãy tạo thư mục đó và chép ảnh vào",
                    "there is no folder {folder}/ for the photo {file}; create it and copy the "
                    "photo into it",
                    folder=f"{EVENT_PHOTOS}/{event.id}",
                    file=photo.file,
                ),
            )
            continue
        mark = ctx.doc.mark(at)
        resolved, problems = images.resolve_photo(
            folder,
            photo.file,
            display_path=ctx.doc.path,
            line=mark.line,
            column=mark.column,
            field=format_key_path(at),
        )
        ctx.diag.extend(problems)
        if resolved is None:
            continue
        key = os.path.normcase(nfc(str(resolved)))
        if key in seen:
            ctx.error(
                at,
                msg(
                    "ảnh {file} đã được dùng ở photos[{first}]",
                    "the photo {file} is already used at photos[{first}]",
                    file=photo.file,
                    first=seen[key],
                ),
            )
            continue
        seen[key] = k
        found[(event.id, photo.file)] = resolved


__all__ = [
    "EVENTS_FILE",
    "EVENT_KINDS",
    "EVENT_PHOTOS",
    "FAIR_KINDS",
    "OUTLETS_FILE",
    "Event",
    "EventPhoto",
    "Outlet",
    "Programme",
    "json_schemas",
    "load_programme",
]
