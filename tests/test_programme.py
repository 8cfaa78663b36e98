"""Fairs and events (data/hoi-cho.yaml) and outlets (data/diem-ban.yaml): the sample files, every
bad input an editor can type (messages asserted word for word, both languages), and the queries the
pages use.

Bad inputs are fixtures named after their case under tests/fixtures/programme/<case>/data/; each
fixture folder is loaded as a project root against the shipped sample catalogue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from generator.catalogue import Catalogue, load_catalogue
from generator.errors import Diagnostics, Lang
from generator.programme import (
    EVENTS_FILE,
    OUTLETS_FILE,
    Event,
    Outlet,
    Programme,
    json_schemas,
    load_programme,
)
from generator.yamlload import load_yaml_file
from tests.conftest import ROOT, TODAY

FIXTURES = Path(__file__).parent / "fixtures" / "programme"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    catalogue, _ = load_catalogue(ROOT, TODAY)
    return catalogue


@pytest.fixture(scope="module")
def sample(cat: Catalogue) -> Programme:
    diag = Diagnostics()
    programme = load_programme(ROOT, cat, diag)
    assert [p.format("en") for p in diag.problems] == []
    return programme


def raw(name: str) -> Any:
    """A sample file as the strict loader reads it: every scalar a string, as typed."""
    doc, problems = load_yaml_file(ROOT / name, name)
    assert doc is not None and problems == []
    return doc.data


def problems(root: Path, cat: Catalogue, lang: Lang = "vi") -> list[str]:
    diag = Diagnostics()
    load_programme(root, cat, diag)
    return [p.format(lang) for p in sorted(diag.problems)]


def ids(items: list[Event] | list[Outlet]) -> list[str]:
    return [item.id for item in items]


# --- the sample files ---------------------------------------------------------------------------


def test_sample_events_match_the_yaml(sample: Programme) -> None:
    events = raw(EVENTS_FILE)["events"]
    assert 4 <= len(sample.events) == len(events) <= 6
    assert ids(sample.events) == [e["id"] for e in events]
    assert [e.products for e in sample.events] == [e.get("products", []) for e in events]
    assert all(
        dt.date(2023, 1, 1) <= e.start <= e.last_day <= dt.date(2027, 12, 31) for e in sample.events
    )


def test_sample_outlets_match_the_yaml(sample: Programme) -> None:
    outlets = raw(OUTLETS_FILE)["outlets"]
    assert 5 <= len(sample.outlets) == len(outlets) <= 8
    assert ids(sample.outlets) == [o["id"] for o in outlets]
    assert [o.products for o in sample.outlets] == [o.get("products", []) for o in outlets]
    assert {o.kind for o in sample.outlets} >= {
        "ocop_shop",
        "supermarket",
        "market",
        "producer",
        "online",
    }
    assert any(o.kind == "supermarket" and len(o.products) >= 2 for o in sample.outlets)


def test_sample_references_resolve_to_published_products(sample: Programme) -> None:
    items: list[Event | Outlet] = [*sample.events, *sample.outlets]
    for item in items:
        assert item.products
        assert [p.id for p in sample.shown_products(item)] == item.products


def test_sample_has_past_and_upcoming_events(sample: Programme) -> None:
    assert ids(sample.upcoming()) == [
        "trien-lam-ocop-krong-no-2026",
        "hoi-cho-nong-san-lam-dong-2027",
    ]
    assert ids(sample.past()) == [
        "hoi-nghi-ket-noi-cung-cau-lam-dong-2026",
        "hoi-cho-ocop-tay-nguyen-tp-hcm-2025",
        "ngay-hoi-nong-san-krong-no-2024",
        "trien-lam-ocop-dak-nong-2023",
    ]


def test_sample_files_follow_their_json_schemas() -> None:
    schemas = json_schemas()
    for name, file in (
        ("hoi-cho.schema.json", EVENTS_FILE),
        ("diem-ban.schema.json", OUTLETS_FILE),
    ):
        Draft202012Validator.check_schema(schemas[name])
        Draft202012Validator(schemas[name]).validate(raw(file))


def test_json_schema_refuses_an_http_map_link() -> None:
    bad = {"outlets": [{"id": "x", "name": "X", "kind": "shop", "map_url": "http://a.vn"}]}
    assert not Draft202012Validator(json_schemas()["diem-ban.schema.json"]).is_valid(bad)


# --- queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "upcoming"),
    [
        (dt.date(2026, 11, 26), True),  # before the first day
        (dt.date(2026, 11, 27), True),  # first day
        (dt.date(2026, 11, 29), True),  # last day: still on
        (dt.date(2026, 11, 30), False),  # the day after
    ],
)
def test_upcoming_and_past_split_after_the_last_day(
    sample: Programme, today: dt.date, upcoming: bool
) -> None:
    event = "trien-lam-ocop-krong-no-2026"
    assert (event in ids(sample.upcoming(today))) is upcoming
    assert (event in ids(sample.past(today))) is not upcoming


def test_one_day_event_is_past_from_the_next_day(sample: Programme) -> None:
    event = "hoi-nghi-ket-noi-cung-cau-lam-dong-2026"  # no end date: 2026-03-19 only
    assert event in ids(sample.upcoming(dt.date(2026, 3, 19)))
    assert event in ids(sample.past(dt.date(2026, 3, 20)))


def test_events_of_agrees_with_the_yaml(sample: Programme, cat: Catalogue) -> None:
    events = raw(EVENTS_FILE)["events"]
    for product in cat.published:
        listed = {e["id"] for e in events if product.id in e.get("products", [])}
        assert set(ids(sample.events_of(product.id))) == listed
    assert ids(sample.events_of("gao-buon-choah")) == [
        "trien-lam-ocop-krong-no-2026",
        "hoi-nghi-ket-noi-cung-cau-lam-dong-2026",
        "trien-lam-ocop-dak-nong-2023",
    ]


def test_outlets_of_agrees_with_the_yaml(sample: Programme, cat: Catalogue) -> None:
    outlets = raw(OUTLETS_FILE)["outlets"]
    for product in cat.published:
        listed = [o["id"] for o in outlets if product.id in o.get("products", [])]
        assert ids(sample.outlets_of(product.id)) == listed
    assert ids(sample.outlets_of("gao-buon-choah")) == [
        "diem-ban-ocop-krong-no",
        "sieu-thi-nong-san-cao-nguyen",
        "cua-hang-htx-buon-choah-xanh",
        "gian-hang-ocop-krong-no-truc-tuyen",
    ]
    assert sample.outlets_of("khong-co") == []


def test_where_to_buy_merges_central_and_inline_outlets_once(sample: Programme) -> None:
    product = sample.products["gao-buon-choah"]
    # The inline cooperative shop and OCOP shop are the central ones under the same name.
    assert [o.name.vi for o in sample.where_to_buy(product)] == [
        "Điểm bán sản phẩm OCOP huyện Krông Nô (minh họa)",
        "Siêu thị Nông sản Cao Nguyên (minh họa)",
        "Cửa hàng của HTX Buôn Choáh Xanh (minh họa)",
        "Gian hàng OCOP Krông Nô trực tuyến (minh họa)",
        "Gian hàng trực tuyến Buôn Choáh Xanh (minh họa)",
    ]


def test_supermarket_products(sample: Programme) -> None:
    assert [p.id for p in sample.supermarket_products()] == [
        "ca-phe-robusta-nam-nung",
        "gao-buon-choah",
        "mac-ca-say-dak-dro",
        "tieu-den-quang-phu",
    ]


def test_supermarket_products_include_inline_outlets(sample: Programme) -> None:
    inline_only = dataclasses.replace(sample, outlets=[])
    assert [p.id for p in inline_only.supermarket_products()] == [
        "ca-phe-robusta-nam-nung",
        "tieu-den-quang-phu",
    ]


def test_fairs_per_year_counts_fairs_and_exhibitions_only(sample: Programme) -> None:
    # 2024 held a festival only; the 2026 conference is not a fair.
    assert sample.fairs_per_year() == {2023: 1, 2024: 0, 2025: 1, 2026: 1, 2027: 1}
    assert Programme([], []).fairs_per_year() == {}


# --- files that are missing or empty ------------------------------------------------------------


def test_missing_files_are_an_empty_programme(tmp_path: Path, cat: Catalogue) -> None:
    diag = Diagnostics()
    programme = load_programme(tmp_path, cat, diag)
    assert (programme.events, programme.outlets, diag.problems) == ([], [], [])


def test_files_with_only_comments_are_empty(tmp_path: Path, cat: Catalogue) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / EVENTS_FILE).write_text("# chưa có sự kiện\n", encoding="utf-8")
    (tmp_path / OUTLETS_FILE).write_text("outlets:\n", encoding="utf-8")
    diag = Diagnostics()
    programme = load_programme(tmp_path, cat, diag)
    assert (programme.events, programme.outlets, diag.problems) == ([], [], [])


# --- bad input: exact messages ------------------------------------------------------------------


def test_unknown_product_ids(cat: Catalogue) -> None:
    root = FIXTURES / "unknown-product"
    assert problems(root, cat) == [
        "data/diem-ban.yaml:6:41: outlets[0].products[1]: không có sản phẩm "
        '"ca-phe-arabica" trong danh mục (thư mục products/ca-phe-arabica/)',
        "data/hoi-cho.yaml:10:9: events[0].products[1]: không có sản phẩm "
        '"gao-buon-choa" trong danh mục (thư mục products/gao-buon-choa/) — có phải '
        '"gao-buon-choah"?',
        "data/hoi-cho.yaml:11:9: events[0].products[2]: không có sản phẩm "
        '"banh-trang-nuong" trong danh mục (thư mục products/banh-trang-nuong/)',
    ]
    assert problems(root, cat, "en") == [
        'data/diem-ban.yaml:6:41: outlets[0].products[1]: no product "ca-phe-arabica" in the '
        "catalogue (folder products/ca-phe-arabica/)",
        'data/hoi-cho.yaml:10:9: events[0].products[1]: no product "gao-buon-choa" in the '
        'catalogue (folder products/gao-buon-choa/) — did you mean "gao-buon-choah"?',
        'data/hoi-cho.yaml:11:9: events[0].products[2]: no product "banh-trang-nuong" in the '
        "catalogue (folder products/banh-trang-nuong/)",
    ]


def test_end_before_start(cat: Catalogue) -> None:
    root = FIXTURES / "end-before-start"
    # The one-day conference (end = start) is fine.
    assert problems(root, cat) == [
        "data/hoi-cho.yaml:7:10: events[0].end: ngày kết thúc 2025-05-07 không được trước ngày "
        "bắt đầu 2025-05-08"
    ]
    assert problems(root, cat, "en") == [
        "data/hoi-cho.yaml:7:10: events[0].end: the end date 2025-05-07 must not be before the "
        "start date 2025-05-08"
    ]


def test_bad_communes(cat: Catalogue) -> None:
    root = FIXTURES / "bad-commune"
    assert problems(root, cat) == [
        'data/diem-ban.yaml:6:14: outlets[0].commune: không có xã "krong-noo" trong '
        "data/communes.yaml; các mã hợp lệ: dak-sak, krong-no, nam-da, nam-nung, quang-phu",
        'data/diem-ban.yaml:10:14: outlets[1].commune: "dak-mam" là mã xã cũ (trước 1/7/2025); '
        'nay thuộc xã "krong-no", hãy ghi krong-no',
        "data/hoi-cho.yaml:8:14: events[0].commune: cần mã chỉ gồm chữ thường không dấu, số và "
        'dấu gạch ngang (ví dụ gao-buon-choah), nhưng gặp "Nam Đà"',
    ]
    assert problems(root, cat, "en") == [
        'data/diem-ban.yaml:6:14: outlets[0].commune: no commune "krong-noo" in '
        "data/communes.yaml; valid ids: dak-sak, krong-no, nam-da, nam-nung, quang-phu",
        'data/diem-ban.yaml:10:14: outlets[1].commune: "dak-mam" is an old commune id (before 1 '
        'July 2025); it is now part of "krong-no", write krong-no',
        "data/hoi-cho.yaml:8:14: events[0].commune: expected an id of lower-case ASCII letters, "
        'digits and hyphens (e.g. gao-buon-choah), got "Nam Đà"',
    ]


def test_map_link_must_be_https(cat: Catalogue) -> None:
    root = FIXTURES / "http-map-link"
    # The http website next to it is accepted, as websites are everywhere else.
    assert problems(root, cat) == [
        "data/diem-ban.yaml:6:14: outlets[0].map_url: cần một đường dẫn bắt đầu bằng https:// "
        "(ví dụ https://www.openstreetmap.org/…), nhưng gặp "
        '"http://www.openstreetmap.org/search?query=Gia+Ngh%C4%A9a"'
    ]
    assert problems(root, cat, "en") == [
        "data/diem-ban.yaml:6:14: outlets[0].map_url: expected a link starting with https:// "
        "(e.g. https://www.openstreetmap.org/…), got "
        '"http://www.openstreetmap.org/search?query=Gia+Ngh%C4%A9a"'
    ]


def test_duplicate_ids(cat: Catalogue) -> None:
    root = FIXTURES / "duplicate-id"
    assert problems(root, cat) == [
        'data/diem-ban.yaml:5:9: outlets[1].id: mã "cho-thu" đã dùng ở dòng 2; mỗi mục cần một '
        "mã riêng",
        'data/hoi-cho.yaml:8:9: events[1].id: mã "hoi-cho-ocop-2025" đã dùng ở dòng 3; mỗi mục '
        "cần một mã riêng",
    ]
    assert problems(root, cat, "en") == [
        'data/diem-ban.yaml:5:9: outlets[1].id: the id "cho-thu" is already used at line 2; each '
        "entry needs its own id",
        'data/hoi-cho.yaml:8:9: events[1].id: the id "hoi-cho-ocop-2025" is already used at line '
        "3; each entry needs its own id",
    ]


def test_wrong_types_are_all_reported_and_valid_entries_still_checked(cat: Catalogue) -> None:
    root = FIXTURES / "wrong-type"
    assert problems(root, cat) == [
        "data/hoi-cho.yaml:5:11: events[0].kind: cần một trong: trade_fair, ocop_exhibition, "
        'festival, conference, other, nhưng gặp "hoi-cho"',
        "data/hoi-cho.yaml:6:12: events[0].start: cần một ngày dạng NĂM-THÁNG-NGÀY (ví dụ "
        '2024-03-15), nhưng gặp "14/12/2023"',
        "data/hoi-cho.yaml:7:12: events[0].place: cần một đoạn chữ, hoặc vi: và en:, nhưng gặp […]",
        "data/hoi-cho.yaml:8:15: events[0].products: cần một danh sách (mỗi mục bắt đầu bằng "
        'dấu -), nhưng gặp "gao-buon-choah"',
        "data/hoi-cho.yaml:11:11: events[1].kind: cần một trong: trade_fair, ocop_exhibition, "
        'festival, conference, other, nhưng gặp "ocop_exhibitio" — có phải "ocop_exhibition"?',
        "data/hoi-cho.yaml:19:16: events[2].products[0]: không có sản phẩm "
        '"mat-ong-hoa-ca-phee" trong danh mục (thư mục products/mat-ong-hoa-ca-phee/) — có '
        'phải "mat-ong-hoa-ca-phe"?',
    ]
    assert problems(root, cat, "en") == [
        "data/hoi-cho.yaml:5:11: events[0].kind: expected one of: trade_fair, ocop_exhibition, "
        'festival, conference, other, got "hoi-cho"',
        "data/hoi-cho.yaml:6:12: events[0].start: expected a date as YEAR-MONTH-DAY (e.g. "
        '2024-03-15), got "14/12/2023"',
        "data/hoi-cho.yaml:7:12: events[0].place: expected text, or vi: and en:, got […]",
        "data/hoi-cho.yaml:8:15: events[0].products: expected a list (each item starting with "
        '-), got "gao-buon-choah"',
        "data/hoi-cho.yaml:11:11: events[1].kind: expected one of: trade_fair, ocop_exhibition, "
        'festival, conference, other, got "ocop_exhibitio" — did you mean "ocop_exhibition"?',
        'data/hoi-cho.yaml:19:16: events[2].products[0]: no product "mat-ong-hoa-ca-phee" in '
        'the catalogue (folder products/mat-ong-hoa-ca-phee/) — did you mean "mat-ong-hoa-ca-phe"?',
    ]


def test_files_that_are_not_mappings(cat: Catalogue) -> None:
    root = FIXTURES / "not-a-mapping"
    assert problems(root, cat) == [
        "data/diem-ban.yaml:1:1: cần một bảng khóa: giá trị, nhưng gặp […]",
        "data/hoi-cho.yaml:2:3: events: cần một danh sách (mỗi mục bắt đầu bằng dấu -), nhưng "
        "gặp {…}",
    ]
    assert problems(root, cat, "en") == [
        "data/diem-ban.yaml:1:1: expected a mapping of key: value, got […]",
        "data/hoi-cho.yaml:2:3: events: expected a list (each item starting with -), got {…}",
    ]


def test_photo_folder_missing(cat: Catalogue) -> None:
    root = FIXTURES / "missing-photo-folder"
    assert problems(root, cat) == [
        "data/hoi-cho.yaml:9:15: events[0].photos[0].file: không có thư mục "
        "data/hoi-cho/hoi-cho-thu/ cho ảnh gian-hang.jpg; hãy tạo thư mục đó và chép ảnh vào"
    ]
    assert problems(root, cat, "en") == [
        "data/hoi-cho.yaml:9:15: events[0].photos[0].file: there is no folder "
        "data/hoi-cho/hoi-cho-thu/ for the photo gian-hang.jpg; create it and copy the photo "
        "into it"
    ]


# --- inline trees -------------------------------------------------------------------------------

EVENT = """\
events:
  - id: hoi-cho-thu
    name: Hội chợ thử
    kind: trade_fair
    start: 2025-05-08
    place: Gia Nghĩa
"""


def write(root: Path, name: str, text: str) -> Path:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")
    return root


def test_photos_found_in_the_event_folder(tmp_path: Path, cat: Catalogue) -> None:
    photos = "    photos:\n      - file: gian-hang.jpg\n        alt: Gian hàng\n"
    root = write(tmp_path, EVENTS_FILE, EVENT + photos)
    folder = root / "data" / "hoi-cho" / "hoi-cho-thu"
    folder.mkdir(parents=True)
    (folder / "gian-hang.jpg").write_bytes(b"\xff\xd8\xff")
    diag = Diagnostics()
    programme = load_programme(root, cat, diag)
    assert diag.problems == []
    assert programme.photo_files == {("hoi-cho-thu", "gian-hang.jpg"): folder / "gian-hang.jpg"}
    [job] = programme.photo_jobs()
    assert (job.source, job.display_path, job.stem) == (
        folder / "gian-hang.jpg",
        "data/hoi-cho/hoi-cho-thu/gian-hang.jpg",
        "gian-hang",
    )


def test_photo_named_with_the_wrong_case(tmp_path: Path, cat: Catalogue) -> None:
    photos = "    photos:\n      - file: gian-hang.jpg\n        alt: Gian hàng\n"
    root = write(tmp_path, EVENTS_FILE, EVENT + photos)
    folder = root / "data" / "hoi-cho" / "hoi-cho-thu"
    folder.mkdir(parents=True)
    (folder / "Gian-Hang.JPG").write_bytes(b"\xff\xd8\xff")
    assert problems(root, cat, "en") == [
        'data/hoi-cho.yaml:8:15: events[0].photos[0].file: photo "gian-hang.jpg" not found; did '
        'you mean "Gian-Hang.JPG"? (file names are case-sensitive)'
    ]


def test_product_listed_twice_is_a_warning(tmp_path: Path, cat: Catalogue) -> None:
    products = "    products: [gao-buon-choah, gao-buon-choah]\n"
    root = write(tmp_path, EVENTS_FILE, EVENT + products)
    assert problems(root, cat) == [
        "data/hoi-cho.yaml:7:32: cảnh báo: events[0].products[1]: sản phẩm "
        '"gao-buon-choah" được ghi hai lần; lần này bị bỏ qua'
    ]


def test_unpublished_product_is_a_warning_and_not_shown(tmp_path: Path, cat: Catalogue) -> None:
    drafted = [
        dataclasses.replace(p, status="draft") if p.id == "gao-buon-choah" else p
        for p in cat.products
    ]
    draft_cat = dataclasses.replace(cat, products=drafted)
    products = "    products: [gao-buon-choah, gao-lut-buon-choah]\n"
    root = write(tmp_path, EVENTS_FILE, EVENT + products)
    assert problems(root, draft_cat, "en") == [
        "data/hoi-cho.yaml:7:16: warning: events[0].products[0]: the product "
        '"gao-buon-choah" is not published (status: draft) and is not shown here'
    ]
    programme = load_programme(root, draft_cat, Diagnostics())
    [event] = programme.events
    assert [p.id for p in programme.shown_products(event)] == ["gao-lut-buon-choah"]


def test_former_product_id_names_the_current_one(tmp_path: Path, cat: Catalogue) -> None:
    renamed = [
        dataclasses.replace(p, former_ids=["gao-trang-buon-choah"])
        if p.id == "gao-buon-choah"
        else p
        for p in cat.products
    ]
    renamed_cat = dataclasses.replace(cat, products=renamed)
    root = write(
        tmp_path,
        OUTLETS_FILE,
        "outlets:\n  - id: cho\n    name: Chợ\n    kind: market\n    products: [gao-trang-buon-choah]\n",
    )
    assert problems(root, renamed_cat) == [
        'data/diem-ban.yaml:5:16: cảnh báo: outlets[0].products[0]: "gao-trang-buon-choah" là mã '
        "cũ của sản phẩm gao-buon-choah; đã dùng gao-buon-choah, hãy sửa thành gao-buon-choah"
    ]


def test_unknown_field_is_a_warning_with_a_suggestion(tmp_path: Path, cat: Catalogue) -> None:
    root = write(tmp_path, EVENTS_FILE, EVENT + "    organizer: Ban tổ chức\n")
    assert problems(root, cat, "en") == [
        'data/hoi-cho.yaml:7:5: warning: events[0].organizer: unknown field "organizer" — did '
        'you mean "organiser"?'
    ]
