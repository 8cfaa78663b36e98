"""The programme's figures (generator/figures.py): numbers, charts, tables, targets, to-do list.

Numbers are checked against hand counts made independently of the module: for the shipped sample,
from the raw YAML read with PyYAML's own loader and a separate month arithmetic; for edge cases,
from small catalogues built in the test, whose expected figures are written out by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

from generator import figures
from generator.catalogue import Catalogue, Group, load_catalogue, load_region, load_taxonomy
from generator.errors import LANGS, Diagnostics, Lang
from generator.fields import I18n
from generator.schema import (
    Certification,
    Commune,
    Outlet,
    Photo,
    Place,
    Producer,
    Product,
    Provenance,
    Trade,
    Variant,
)

from .conftest import ROOT, TODAY

FIXTURES = Path(__file__).parent / "fixtures" / "figures"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & \"Đắk\" ]]>"


# --- small catalogues built in the test ---------------------------------------------------------


def cert(stars: int, day: dt.date, valid_until: dt.date | None = None) -> Certification:
    level = {3: "district", 4: "province", 5: "national"}[stars]
    return Certification(stars, "1/QĐ-UBND", day, I18n("UBND"), level, valid_until=valid_until)


def product(
    pid: str,
    *certs: Certification,
    status: str = "active",
    evidence: str = "decision",
    commune: str = "dak-mam",
    category: str = "I.2a",
    producer: str = "htx",
    name_en: str | None = "Name",
    photos: bool = True,
    outlets: Sequence[Outlet] = (),
    buyer_fields: bool = True,
) -> Product:
    return Product(
        id=pid,
        name=I18n(f"Tên {pid}", name_en),
        producer=producer,
        ocop_category=category,
        summary=I18n("Tóm tắt", "Summary"),
        place=Place(commune),
        provenance=Provenance(dt.date(2026, 1, 5), evidence),
        status=status,
        certifications=list(certs),
        photos=[Photo("a.jpg", I18n("ảnh"), "main")] if photos else [],
        variants=[Variant(I18n("Túi 1 kg"), price_retail=50_000)] if buyer_fields else [],
        trade=Trade(min_order=I18n("10 kg")) if buyer_fields else None,
        where_to_buy=list(outlets),
    )


PRODUCERS = {
    pid: Producer(pid, I18n(pid), kind, "dak-mam")
    for pid, kind in (("htx", "cooperative"), ("dn", "enterprise"), ("hkd", "household"))
}


def catalogue(products: Sequence[Product], today: dt.date = TODAY) -> Catalogue:
    region = load_region(ROOT, Diagnostics())
    assert region is not None
    return Catalogue(ROOT, today, load_taxonomy(), region, list(products), dict(PRODUCERS))


@pytest.fixture(scope="module")
def sample() -> Catalogue:
    cat, _ = load_catalogue(ROOT, today=TODAY)
    return cat


# --- the shipped sample against hand counts from the raw YAML -------------------------------------


def _plus_36_months(day: dt.date) -> dt.date:
    """Written apart from fields.add_months: three years on, 29 February falling back to the 28th."""
    try:
        return day.replace(year=day.year + 3)
    except ValueError:
        return day.replace(year=day.year + 3, day=28)


def _raw_products() -> list[dict[str, Any]]:
    # PyYAML's own loader (not the generator's): dates come back as dates, the rest as typed.
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "products").glob("*/product.yaml"))
    ]


def test_sample_figures_match_hand_counts(sample: Catalogue) -> None:
    raw = _raw_products()
    producer_type = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))["type"]
        for path in (ROOT / "producers").glob("*.yaml")
    }
    communes = yaml.safe_load((ROOT / "data" / "communes.yaml").read_text(encoding="utf-8"))
    new_of = {old: c["id"] for c in communes["new"] for old in c["old"]}

    certified = [
        p
        for p in raw
        if p.get("status", "active") in ("active", "expired", "withdrawn")
        and p.get("certifications")
        and p["provenance"].get("evidence", "unconfirmed") != "unconfirmed"
    ]
    first_years = Counter(min(c["date"] for c in p["certifications"]).year for p in certified)
    in_force = []
    for p in certified:
        current = max(p["certifications"], key=lambda c: c["date"])
        end = current.get("valid_until") or _plus_36_months(current["date"])
        if p.get("status", "active") == "active" and end >= TODAY:
            in_force.append((p, current))

    f = figures.compute(sample)

    assert f.certified == len(certified) == 18
    assert f.in_force == len(in_force) == 17
    assert {r.year: r.new for r in f.by_year if r.new} == dict(first_years)
    assert [r.year for r in f.by_year] == list(range(min(first_years), TODAY.year + 1))
    assert f.by_year[-1].cumulative == len(certified)
    stars = Counter(str(c["stars"]) for _, c in in_force)
    assert {s.key: s.count for s in f.by_stars.rows} == {k: stars[k] for k in ("3", "4", "5")}
    groups = Counter(p["ocop_category"].split(".")[0] for p, _ in in_force)
    assert {s.key: s.count for s in f.by_group.rows if s.count} == dict(groups)
    new = Counter(new_of[p["place"]["commune_old"]] for p, _ in in_force)
    assert {s.key: s.count for s in f.by_commune_new.rows if s.count} == dict(new)
    old = Counter(p["place"]["commune_old"] for p, _ in in_force)
    assert {s.key: s.count for s in f.by_commune_old.rows if s.count} == dict(old)
    types = Counter(producer_type[p["producer"]] for p, _ in in_force)
    assert {s.key: s.count for s in f.by_producer_type.rows if s.count} == dict(types)
    in_supermarkets = sorted(
        p["id"]
        for p in raw
        if any(o.get("kind") == "supermarket" for o in p.get("where_to_buy", []))
    )
    assert [s.product_id for s in f.supermarkets] == in_supermarkets


def test_sample_expiry_matches_hand_counts(sample: Catalogue) -> None:
    window_end = dt.date(2027, 5, 28)  # 28 November 2026 + 6 months
    expiring, expired = [], []
    for p in _raw_products():
        if p["provenance"].get("evidence", "unconfirmed") == "unconfirmed":
            continue
        current = max(p["certifications"], key=lambda c: c["date"])
        end = current.get("valid_until") or _plus_36_months(current["date"])
        if end < TODAY:
            expired.append(p["id"])
        elif end <= window_end:
            expiring.append(p["id"])
    f = figures.compute(sample)
    assert f.expiry.window_end == window_end
    assert sorted(d.product_id for d in f.expiry.expiring) == sorted(expiring)
    assert [d.product_id for d in f.expiry.expired] == expired == ["ca-phe-hat-rang-nam-nung"]
    assert f.expiry.valid + len(f.expiry.expiring) == f.in_force


# --- what counts ---------------------------------------------------------------------------------


def test_only_published_products_with_evidence_count() -> None:
    today = dt.date(2026, 6, 1)
    cat = catalogue(
        [
            product("a", cert(3, dt.date(2024, 3, 1))),
            product("b", cert(4, dt.date(2024, 5, 1)), producer="dn", category="I.6"),
            product("c", cert(3, dt.date(2024, 7, 1)), evidence="unconfirmed"),
            product("d", cert(3, dt.date(2025, 1, 1)), status="candidate"),
            product("e", cert(3, dt.date(2025, 1, 1)), status="draft"),
            product("f", cert(3, dt.date(2021, 2, 1)), status="withdrawn"),
            product("g", cert(3, dt.date(2021, 2, 1)), cert(5, dt.date(2024, 2, 1))),
            product("h", cert(3, dt.date(2022, 8, 1))),  # expired 1 August 2025
            product("i", cert(4, dt.date(2025, 9, 1)), commune="quang-phu", producer="hkd"),
        ],
        today,
    )
    f = figures.compute(cat)
    # a, b, f, g, h, i: c is unconfirmed, d and e are unpublished.
    assert f.certified == 6
    # withdrawn f and expired h leave the breakdowns.
    assert f.in_force == 4
    assert [(r.year, r.new, r.recertified, r.cumulative) for r in f.by_year] == [
        (2021, 2, 0, 2),  # f, g
        (2022, 1, 0, 3),  # h
        (2023, 0, 0, 3),  # a year without a new product keeps its row
        (2024, 2, 1, 5),  # a, b; g re-certified
        (2025, 1, 0, 6),  # i
        (2026, 0, 0, 6),
    ]
    assert [(s.key, s.count) for s in f.by_stars.rows] == [("3", 1), ("4", 2), ("5", 1)]
    assert [(s.key, s.count) for s in f.by_group.rows] == [
        ("I", 4),
        ("II", 0),
        ("III", 0),
        ("IV", 0),
        ("V", 0),
        ("VI", 0),
    ]
    assert [(s.key, s.count) for s in f.by_commune_new.rows if s.count] == [
        ("krong-no", 3),
        ("quang-phu", 1),
    ]
    assert [(s.key, s.count) for s in f.by_producer_type.rows] == [
        ("cooperative", 2),
        ("enterprise", 1),
        ("household", 1),
        ("cooperative_group", 0),
        ("other", 0),
    ]
    assert [d.product_id for d in f.expiry.expired] == ["h"]


def test_communes_of_another_district_show_only_with_products() -> None:
    cat = catalogue([product("a", cert(3, dt.date(2025, 1, 1)), commune="long-son")])
    old = [s.key for s in figures.compute(cat).by_commune_old.rows]
    assert "long-son" in old and "dak-sak" not in old
    assert len(old) == 13  # the district's 12 units, and Long Sơn for its product


def test_supermarket_listings() -> None:
    supermarket = Outlet(I18n("Siêu thị A", "Supermarket A"), "supermarket")
    shop = Outlet(I18n("Cửa hàng"), "shop")
    cat = catalogue(
        [
            product("a", cert(3, dt.date(2025, 1, 1)), outlets=[shop, supermarket]),
            product("b", cert(3, dt.date(2025, 1, 1)), outlets=[shop]),
            product("c", cert(3, dt.date(2025, 1, 1)), outlets=[supermarket], status="withdrawn"),
        ]
    )
    assert figures.compute(cat).supermarkets == (
        figures.Listing("a", I18n("Tên a", "Name"), (I18n("Siêu thị A", "Supermarket A"),)),
    )


# --- expiry windows ------------------------------------------------------------------------------


def _expiry(today: dt.date, *certs: Certification) -> tuple[list[str], list[str]]:
    cat = catalogue([product(f"p{i}", c) for i, c in enumerate(certs)], today)
    f = figures.compute(cat)
    return [d.product_id for d in f.expiry.expiring], [d.product_id for d in f.expiry.expired]


def test_six_months_ahead_is_inside_the_window() -> None:
    today = dt.date(2026, 3, 10)
    decided = dt.date(2025, 1, 1)
    expiring, expired = _expiry(
        today,
        cert(3, decided, valid_until=dt.date(2026, 9, 9)),  # one day less than 6 months
        cert(3, decided, valid_until=dt.date(2026, 9, 10)),  # exactly 6 months ahead
        cert(3, decided, valid_until=dt.date(2026, 9, 11)),  # one day more
        cert(3, decided, valid_until=today),  # last valid day: still in force
        cert(3, decided, valid_until=dt.date(2026, 3, 9)),  # yesterday
    )
    assert expiring == ["p3", "p0", "p1"]
    assert expired == ["p4"]


def test_window_ends_at_month_end() -> None:
    # 31 August + 6 months is 28 February (2027 is not a leap year), not 3 March.
    today = dt.date(2026, 8, 31)
    decided = dt.date(2025, 1, 1)
    expiring, _ = _expiry(
        today,
        cert(3, decided, valid_until=dt.date(2027, 2, 28)),
        cert(3, decided, valid_until=dt.date(2027, 3, 1)),
    )
    assert expiring == ["p0"]


def test_36_months_after_the_decision() -> None:
    today = dt.date(2026, 11, 28)
    expiring, expired = _expiry(
        today,
        cert(3, dt.date(2023, 11, 28)),  # expires today: still in force
        cert(3, dt.date(2023, 11, 27)),  # expired yesterday
        cert(3, dt.date(2024, 5, 28)),  # expires exactly 6 months ahead
        cert(3, dt.date(2024, 5, 29)),  # one day later
    )
    assert expiring == ["p0", "p2"]
    assert expired == ["p1"]


def test_a_leap_day_decision_expires_on_28_february() -> None:
    leap = cert(4, dt.date(2024, 2, 29))
    assert leap.expires == dt.date(2027, 2, 28)
    # 28 August 2026 + 6 months = 28 February 2027: inside; a day earlier it is not yet.
    assert _expiry(dt.date(2026, 8, 28), leap) == (["p0"], [])
    assert _expiry(dt.date(2026, 8, 27), leap) == ([], [])
    assert _expiry(dt.date(2027, 2, 28), leap) == (["p0"], [])
    assert _expiry(dt.date(2027, 3, 1), leap) == ([], ["p0"])


# --- charts --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def figs(sample: Catalogue) -> figures.Figures:
    return figures.compute(sample, fairs={2024: 3, 2025: 1, 2026: 2})


def _values(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text") if t.get("class") == "ocop-chart__value"]


def _table_cells(table_html: str) -> tuple[list[str], list[list[str]]]:
    """(row headers, data cells) of the tbody of a table block."""
    root = ET.fromstring(table_html)
    body = root.find("table/tbody")
    assert body is not None
    heads = [tr.find("th").text or "" for tr in body]  # type: ignore[union-attr]
    cells = [[td.text or "" for td in tr.findall("td")] for tr in body]
    return heads, cells


@pytest.mark.parametrize("lang", LANGS)
def test_charts_are_accessible_svg(figs: figures.Figures, lang: Lang) -> None:
    charts = figures.charts(figs, lang)
    assert [c.id for c in charts] == [
        "ocop-fig-years",
        "ocop-fig-stars",
        "ocop-fig-groups",
        "ocop-fig-communes",
        "ocop-fig-communes-old",
        "ocop-fig-producers",
        "ocop-fig-expiry",
        "ocop-fig-fairs",
    ]
    for chart in charts:
        svg = ET.fromstring(chart.svg)
        assert svg.tag == f"{SVG}svg"
        assert svg.get("role") == "img"
        title, desc = svg[0], svg[1]
        assert title.tag == f"{SVG}title" and title.text == chart.title
        assert desc.tag == f"{SVG}desc" and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert svg.get("viewBox") == f"0 0 {figures.WIDTH} {svg.get('height')}"
        # A strict CSP (style-src 'self') blocks style attributes and elements.
        assert "style" not in chart.svg.lower().replace("ocop-chart__svg", "")
        for element in svg.iter():
            assert "style" not in element.attrib
            assert element.tag != f"{SVG}style"
        # The description says every number the chart draws.
        for value in _values(svg):
            assert re.search(rf"(?<![\d.,]){re.escape(value)}(?![\d.,]\d)", desc.text)


def test_descriptions_say_the_numbers_in_words(figs: figures.Figures) -> None:
    stars = {c.id: c for c in figures.charts(figs, "en")}["ocop-fig-stars"]
    desc = ET.fromstring(stars.svg)[1].text
    assert desc == (
        "Products with a valid certificate, by stars, as of 28 November 2026: 17 products in all. "
        "3 stars: 10; 4 stars: 6; 5 stars: 1."
    )
    years = {c.id: c for c in figures.charts(figs, "vi")}["ocop-fig-years"]
    assert "Năm 2024: 8 mới, lũy kế 14." in (ET.fromstring(years.svg)[1].text or "")


@pytest.mark.parametrize("lang", LANGS)
def test_tables_hold_the_chart_numbers(figs: figures.Figures, lang: Lang) -> None:
    charts = {c.id: c for c in figures.charts(figs, lang)}
    for chart in charts.values():
        table = ET.fromstring(chart.table_html)
        assert table.get("role") == "region" and table.get("tabindex") == "0"
        assert table.findtext("table/caption") == chart.title
        assert all(th.get("scope") == "col" for th in table.iterfind("table/thead/tr/th"))
        assert all(th.get("scope") == "row" for th in table.iterfind("table/tbody/tr/th"))
        _, cells = _table_cells(chart.table_html)
        # Years: two bars per row (new, cumulative); the others: one bar per row.
        assert [v for row in cells for v in row] == _values(ET.fromstring(chart.svg))

    heads, cells = _table_cells(charts["ocop-fig-years"].table_html)
    assert heads == [str(r.year) for r in figs.by_year]
    assert cells == [[str(r.new), str(r.cumulative)] for r in figs.by_year]
    heads, cells = _table_cells(charts["ocop-fig-groups"].table_html)
    assert heads == [s.label.get(lang) for s in figs.by_group.rows]
    assert cells == [[str(s.count)] for s in figs.by_group.rows]
    heads, cells = _table_cells(charts["ocop-fig-expiry"].table_html)
    expiry = figs.expiry
    assert cells == [[str(expiry.valid)], [str(len(expiry.expiring))], [str(len(expiry.expired))]]
    heads, cells = _table_cells(charts["ocop-fig-fairs"].table_html)
    assert (heads, cells) == (["2024", "2025", "2026"], [["3"], ["1"], ["2"]])


def test_bars_are_proportional(figs: figures.Figures) -> None:
    svg = ET.fromstring({c.id: c for c in figures.charts(figs, "vi")}["ocop-fig-stars"].svg)
    widths = [float(r.get("width", 0)) for r in svg.iter(f"{SVG}rect")][1:]  # after the background
    assert [round(w / widths[0] * 10) for w in widths] == [10, 6, 1]  # 10, 6 and 1 products


def test_no_fairs_no_fairs_chart(sample: Catalogue) -> None:
    ids = [c.id for c in figures.charts(figures.compute(sample), "vi")]
    assert "ocop-fig-fairs" not in ids


def test_hostile_names_are_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = catalogue(
        [
            product(
                "a",
                cert(3, dt.date(2025, 1, 1)),
                outlets=[Outlet(I18n(HOSTILE), "supermarket")],
            )
        ]
    )
    # Names of communes and groups come from data files: make them hostile.
    commune = cat.region.new["krong-no"]
    cat.region.new["krong-no"] = dataclasses.replace(commune, name=HOSTILE)
    cat.region.old["dak-mam"] = Commune("dak-mam", HOSTILE, "xa", new_id="krong-no")
    group = cat.taxonomy.groups[0]
    cat.taxonomy.groups[0] = Group(group.code, group.slug, I18n(HOSTILE, HOSTILE), group.sets)
    f = figures.compute(cat)
    for lang in LANGS:
        for chart in figures.charts(f, lang):
            for text in (chart.svg, chart.table_html, chart.html):
                assert "<script" not in text and "]]>" not in text
            svg = ET.fromstring(chart.svg)
            texts = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
            if chart.id in ("ocop-fig-communes", "ocop-fig-communes-old", "ocop-fig-groups"):
                # Kept as text (wrapped over lines), never as markup.
                assert "alert('x')" in texts.replace("\n", " ")
                assert HOSTILE in (svg[1].text or "")
                assert HOSTILE in _table_cells(chart.table_html)[0]
        page = figures.page_markdown(f, lang)
        assert "<script" not in page and HOSTILE not in page


def test_long_labels_wrap_within_the_chart() -> None:
    lines = figures._wrap("Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", 15, 384)
    assert lines == ["Dịch vụ du lịch cộng đồng, du lịch sinh thái", "và điểm du lịch"]
    assert figures._wrap("x" * 100, 15, 384) == ["x" * 44, "x" * 44, "x" * 12]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_meet_wcag_aa(figs: figures.Figures) -> None:
    for chart in figures.charts(figs, "vi"):
        svg = ET.fromstring(chart.svg)
        background = svg.find(f"{SVG}rect")
        assert background is not None and background.get("fill") == "#ffffff"
        for element in svg.iter():
            fill = element.get("fill") or element.get("stroke")
            if fill is None or element is background:
                continue
            if element.tag == f"{SVG}text":
                assert _contrast(fill, "#ffffff") >= 4.5, fill  # text: 1.4.3
            else:
                assert _contrast(fill, "#ffffff") >= 3, fill  # bars and axes: 1.4.11


def test_charts_pass_through_markdown_untouched(figs: figures.Figures) -> None:
    page = figures.page_markdown(figs, "vi", lambda pid: f"../san-pham/{pid}/")
    html = markdown.markdown(
        page, extensions=["abbr", "admonition", "attr_list", "md_in_html", "tables", "toc"]
    )
    for chart in figures.charts(figs, "vi"):
        assert chart.html in html
    assert '<a href="../san-pham/tieu-den-quang-phu/">Hồ tiêu đen Quảng Phú</a>' in html
    assert "<h1" in html and "Chương trình OCOP qua các con số" in html


# --- targets -------------------------------------------------------------------------------------


def test_the_shipped_targets_file() -> None:
    targets = figures.load_targets(ROOT / "data" / "targets.yaml")
    assert targets.warnings == ()
    plan = targets.years[2021]
    assert not plan.example
    assert (plan.products_rated, plan.products_cumulative) == (
        figures.TargetRange(4, 5),
        figures.TargetRange(10),
    )
    assert (plan.new_cooperatives, plan.trade_fairs, plan.supermarket_products) == (
        figures.TargetRange(2, 3),
        figures.TargetRange(3, 4),
        figures.TargetRange(1),
    )
    assert all(entry.example for year, entry in targets.years.items() if year != 2021)


def test_every_way_of_writing_a_target() -> None:
    targets = figures.load_targets(FIXTURES / "targets-ranges.yaml", "targets-ranges.yaml")
    entry = targets.years[2030]
    assert entry.example
    assert [entry.get(m) for m in figures.MEASURES] == [
        figures.TargetRange(4, 5),
        figures.TargetRange(10),
        figures.TargetRange(2, 3),
        figures.TargetRange(3, 4),
        figures.TargetRange(1),
    ]
    assert [str(w) for w in targets.warnings] == [
        'targets-ranges.yaml:10:5: cảnh báo: targets[0].colour: trường "colour" không có trong '
        "mẫu và sẽ bị bỏ qua"
    ]
    assert [figures.TargetRange(4, 5).text("vi"), figures.TargetRange(10).text("en")] == [
        "4–5",
        "10",
    ]


def test_targets_errors_word_for_word() -> None:
    with pytest.raises(figures.TargetsError) as caught:
        figures.load_targets(FIXTURES / "targets-mistakes.yaml", "data/targets.yaml")
    assert str(caught.value).splitlines() == [
        "data/targets.yaml:5:21: targets[0].products_rated: cần một số (ví dụ 10), một khoảng như "
        '4-5, hoặc min: và max:, nhưng gặp "bốn" / expected a number (e.g. 10), a range such as '
        '4-5, or min: and max:, got "bốn"',
        "data/targets.yaml:6:41: targets[0].products_cumulative.max: số tối đa 8 nhỏ hơn số tối "
        "thiểu 10 / the maximum 8 is smaller than the minimum 10",
        "data/targets.yaml:7:11: targets[1].year: năm 2021 đã có mục tiêu ở dòng 4; mỗi năm chỉ "
        "ghi một lần / the year 2021 already has targets at line 4; write each year once",
        "data/targets.yaml:9:11: targets[2].year: cần một số từ 2018 đến 2100, nhưng gặp 21 / "
        "expected a number from 2018 to 2100, got 21",
        "data/targets.yaml:10:21: targets[2].products_rated: số tối đa 4 nhỏ hơn số tối thiểu 5 / "
        "the maximum 4 is smaller than the minimum 5",
        'data/targets.yaml:12:27: targets[3].supermarket_products: thiếu trường bắt buộc "min" '
        '(số tối thiểu) / the required field "min" is missing (minimum)',
        'data/targets.yaml:12:28: cảnh báo: targets[3].supermarket_products.mn: trường "mn" '
        'không có trong mẫu — có phải "min"? / unknown field "mn" — did you mean "min"?',
        'data/targets.yaml:13:5: cảnh báo: targets[3].produts_rated: trường "produts_rated" '
        'không có trong mẫu — có phải "products_rated"? / unknown field "produts_rated" — did '
        'you mean "products_rated"?',
    ]
    # Also a ContentErrors: the CLI's usual printing (in --lang) works on it.
    assert caught.value.errors[0].format("en") == (
        "data/targets.yaml:5:21: targets[0].products_rated: expected a number (e.g. 10), a range "
        'such as 4-5, or min: and max:, got "bốn"'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# only a comment\n",
            't.yaml:1:1: tệp trống; cần khóa "targets:" với danh sách mục tiêu theo năm (xem ví '
            'dụ trong data/targets.yaml) / the file is empty; expected a "targets:" key with a '
            "list of yearly targets (see the example in data/targets.yaml)",
        ),
        (
            "targets: 2021\n",
            "t.yaml:1:10: targets: cần một danh sách (mỗi mục bắt đầu bằng dấu -), nhưng gặp "
            '"2021" / expected a list (each item starting with -), got "2021"',
        ),
        (
            "targets:\n  - products_rated: 4\n",
            't.yaml:2:5: targets[0]: thiếu trường bắt buộc "year" (năm) / the required field '
            '"year" is missing (year)',
        ),
        (
            "targets:\n  - year: 2021\n    products_rated: [4, 5]\n",
            "t.yaml:3:21: targets[0].products_rated: cần một số (ví dụ 10), một khoảng như 4-5, "
            "hoặc min: và max:, nhưng gặp […] / expected a number (e.g. 10), a range such as "
            "4-5, or min: and max:, got […]",
        ),
        (
            "targets:\n  - year: 2021\n\tproducts_rated: 4\n",
            "t.yaml:3:1: sai cú pháp YAML: cần dấu cách để thụt lề, nhưng gặp ký tự Tab; hãy thay "
            "Tab bằng dấu cách / YAML syntax error: expected spaces for indentation, found a tab; "
            "replace the tab with spaces",
        ),
    ],
)
def test_more_targets_errors(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(figures.TargetsError) as caught:
        figures.load_targets(path, "t.yaml")
    assert str(caught.value) == expected


def test_a_missing_targets_file(tmp_path: Path) -> None:
    with pytest.raises(figures.TargetsError) as caught:
        figures.load_targets(tmp_path / "targets.yaml")
    assert str(caught.value) == f"{tmp_path.name}/targets.yaml: không tìm thấy tệp / file not found"


def _targets(tmp_path: Path, text: str) -> figures.Targets:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return figures.load_targets(path)


def test_target_against_actual(tmp_path: Path) -> None:
    today = dt.date(2022, 6, 30)
    supermarket = Outlet(I18n("Siêu thị"), "supermarket")
    cat = catalogue(
        [
            product("a", cert(3, dt.date(2020, 5, 1))),
            product("b", cert(3, dt.date(2021, 3, 1)), outlets=[supermarket]),
            product("c", cert(3, dt.date(2021, 9, 1))),
            product("d", cert(3, dt.date(2021, 10, 1)), evidence="unconfirmed"),
            product("e", cert(4, dt.date(2022, 2, 1))),
        ],
        today,
    )
    targets = _targets(
        tmp_path,
        "targets:\n"
        "  - year: 2019\n    products_rated: 1\n    products_cumulative: 1\n"
        "  - year: 2021\n    products_rated: 2-3\n    products_cumulative: 10\n"
        "    new_cooperatives: 2-3\n    trade_fairs: 3-4\n    supermarket_products: 1\n"
        "  - year: 2022\n    example: true\n    products_rated: 2\n    products_cumulative: 4\n"
        "    trade_fairs: 1\n    supermarket_products: 1\n"
        "  - year: 2023\n    products_rated: 3\n    trade_fairs: 1\n",
    )
    fairs = [dt.date(2021, 4, 1), (dt.date(2021, 11, 2), "Hội chợ"), dt.date(2022, 5, 1)]
    f = figures.compute(cat, fairs=fairs, targets=targets, new_cooperatives={2021: 3})
    checks = {(c.year, c.measure): (c.actual, c.status) for c in f.targets}
    assert len(f.targets) == 4 * len(figures.MEASURES)
    assert checks == {
        # before the first certification: nothing rated, nothing in total
        (2019, "products_rated"): (0, "not_met"),
        (2019, "products_cumulative"): (0, "not_met"),
        (2019, "new_cooperatives"): (None, "no_target"),
        (2019, "trade_fairs"): (None, "no_target"),
        (2019, "supermarket_products"): (None, "no_target"),
        (2021, "products_rated"): (2, "met"),  # b, c (d is unconfirmed)
        (2021, "products_cumulative"): (3, "not_met"),
        (2021, "new_cooperatives"): (3, "met"),
        (2021, "trade_fairs"): (2, "not_met"),
        (2021, "supermarket_products"): (None, "no_data"),  # outlets carry no date
        (2022, "products_rated"): (1, "pending"),  # the year is not over
        (2022, "products_cumulative"): (4, "met"),
        (2022, "new_cooperatives"): (None, "no_target"),
        (2022, "trade_fairs"): (1, "met"),
        (2022, "supermarket_products"): (1, "met"),
        (2023, "products_rated"): (None, "pending"),
        (2023, "products_cumulative"): (None, "no_target"),
        (2023, "new_cooperatives"): (None, "no_target"),
        (2023, "trade_fairs"): (None, "pending"),
        (2023, "supermarket_products"): (None, "no_target"),
    }
    assert f.fairs == (figures.YearValue(2021, 2), figures.YearValue(2022, 1))
    rows = _table_cells(figures.targets_table(f, "en"))
    assert rows[0][5:7] == ["2021 · Products rated in the year", "2021 · OCOP products, cumulative"]
    assert rows[1][5] == ["2–3", "2", "Met"]
    assert rows[1][13] == ["1", "1", "Met"]
    assert rows[0][13] == "2022 (example) · Trade fairs attended"


def test_fairs_inputs() -> None:
    today = dt.date(2026, 3, 1)

    @dataclasses.dataclass
    class Fair:
        date: dt.date
        name: str

    cat = catalogue([], today)
    as_dates = figures.compute(cat, fairs=[dt.date(2023, 5, 1), dt.date(2023, 9, 1)]).fairs
    as_objects = figures.compute(
        cat, fairs=[Fair(dt.date(2023, 5, 1), "A"), Fair(dt.date(2023, 9, 1), "B")]
    ).fairs
    # Years after the first recorded fair had none when none is listed; before it, unknown.
    assert (
        as_dates
        == as_objects
        == tuple(figures.YearValue(y, n) for y, n in ((2023, 2), (2024, 0), (2025, 0), (2026, 0)))
    )
    assert figures.compute(cat, fairs={2021: 4}).fairs == (figures.YearValue(2021, 4),)
    assert figures.compute(cat).fairs is None
    with pytest.raises(TypeError, match="a fair needs a date"):
        figures.compute(cat, fairs=["Hội chợ"])


# --- what needs action ---------------------------------------------------------------------------


def test_needs_action_finds_missing_english_and_more() -> None:
    today = dt.date(2026, 11, 28)
    cat = catalogue(
        [
            product("ok", cert(3, dt.date(2025, 1, 1))),
            product("no-en", cert(3, dt.date(2025, 1, 1)), name_en=None),
            product("no-photo", cert(3, dt.date(2025, 1, 1)), photos=False),
            product("no-trade", cert(3, dt.date(2025, 1, 1)), buyer_fields=False),
            product("soon", cert(3, dt.date(2024, 2, 26))),  # expires 26 February 2027: 90 days
            product("later", cert(3, dt.date(2024, 2, 27))),  # 91 days
            product("gone", cert(4, dt.date(2023, 1, 1))),
            product("cand", status="candidate"),
            product("draft", status="draft", name_en=None, photos=False),
            product("old", cert(3, dt.date(2020, 1, 1)), status="withdrawn", name_en=None),
            product("maybe", cert(3, dt.date(2025, 1, 1)), evidence="unconfirmed"),
        ],
        today,
    )
    actions = figures.needs_action(cat)
    assert [(a.product_id, a.kind, a.detail.en) for a in actions] == [
        ("gone", "expired", "the 4-star certificate expired on 1 January 2026; re-rating needed"),
        (
            "soon",
            "expiring",
            "the 3-star certificate expires on 26 February 2027 (90 days left)",
        ),
        ("cand", "candidate", "awaiting rating (information updated 5 January 2026)"),
        (
            "maybe",
            "unconfirmed",
            "no decision document or official news yet, so the page shows no stars",
        ),
        ("no-en", "missing_english", "no English text: name"),
        ("no-photo", "missing_photo", "no product photo"),
        (
            "no-trade",
            "missing_buyer_fields",
            "no pack size with a GTIN or a price; no trade terms (trade)",
        ),
    ]
    assert actions[4].detail.vi == "chưa có tiếng Anh: name"
    assert [a.product_id for a in figures.needs_action(cat, days=91) if a.kind == "expiring"] == [
        "soon",
        "later",
    ]


def test_needs_action_on_the_sample(sample: Catalogue) -> None:
    english = [a for a in figures.needs_action(sample) if a.kind == "missing_english"]
    assert [(a.product_id, a.detail.en) for a in english] == [
        ("tieu-do-quang-phu", "no English text: name, summary, description, story, usage")
    ]


# --- report --------------------------------------------------------------------------------------


def test_report_rows(figs: figures.Figures) -> None:
    rows = figures.report_rows(figs, "en")
    assert rows[0] == ["Section", "Item", "Value", "Note"]
    assert ["Overview", "Products ever certified", "18", "28 November 2026"] in rows
    assert ["OCOP-certified products by year", "2024 · Re-certified", "3", ""] in rows
    assert ["Products with a valid certificate, by stars", "5 stars", "1", "5"] in rows
    assert ["Trade fairs attended, by year", "2024", "3", ""] in rows
    assert all(len(row) == 4 for row in rows)


def test_report_formats_keep_cells_apart() -> None:
    rows = [["a", "b"], ["x | y", "line\nbreak"], ['"quoted", comma', "\\"]]
    assert figures.to_markdown(rows) == (
        '| a | b |\n|---|---|\n| x \\| y | line break |\n| "quoted", comma | \\\\ |\n'
    )
    assert figures.to_csv(rows) == 'a,b\nx | y,"line\nbreak"\n"""quoted"", comma",\\\n'


def test_action_rows_in_both_languages(sample: Catalogue) -> None:
    actions = figures.needs_action(sample)
    for lang in LANGS:
        rows = figures.action_rows(actions, lang)
        assert len(rows) == len(actions) + 1
        assert all(row[2] == a.detail.text(lang) for row, a in zip(rows[1:], actions, strict=True))
    assert figures.action_rows(actions, "vi")[0] == ["Sản phẩm", "Việc cần làm", "Chi tiết"]
