"""The programme on the built site: fairs, where to buy, figures (pages), and the officials'
report (CLI). The data logic itself: tests/test_programme.py, tests/test_figures.py."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from generator import figures
from generator.build import BuildResult, Project
from generator.catalogue import load_catalogue
from generator.cli import main
from generator.errors import Diagnostics, Lang
from generator.programme import load_programme

from .conftest import TODAY

Site = tuple[Project, BuildResult]
LANGUAGES: tuple[tuple[Lang, str], ...] = (("vi", ""), ("en", "en/"))


def test_events_and_outlets_pages_list_the_data(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    cat, _ = load_catalogue(project.root, today=TODAY)
    programme = load_programme(project.root, cat, Diagnostics())
    assert programme.events and programme.outlets
    sold = {p.id for p in programme.supermarket_products()}
    assert sold
    for _lang, prefix in LANGUAGES:
        events = (site / prefix / "hoi-cho" / "index.html").read_text(encoding="utf-8")
        upcoming, past = events.split('id="đã-diễn-ra"' if prefix == "" else 'id="past"', 1)
        for event in programme.upcoming(TODAY):
            assert f'id="{event.id}"' in upcoming
        for event in programme.past(TODAY):
            assert f'id="{event.id}"' in past
        outlets = (site / prefix / "noi-ban" / "index.html").read_text(encoding="utf-8")
        for central in programme.outlets:
            assert f'id="{central.id}"' in outlets
        for product in cat.published:
            page = (site / prefix / "san-pham" / product.id / "index.html").read_text("utf-8")
            assert ("ocop-badge--supermarket" in page) == (product.id in sold), product.id
            for event in programme.events_of(product.id):
                assert f'hoi-cho/#{event.id}"' in page, (product.id, event.id)
            for outlet in programme.where_to_buy(product):
                assert unescape(outlet.name.get(_lang)) in unescape(page) or unescape(
                    outlet.name.vi
                ) in unescape(page)


def test_figures_page_has_every_chart_with_its_table(sample_site: Site) -> None:
    project, _ = sample_site
    site = project.public.resolve()
    cat, _ = load_catalogue(project.root, today=TODAY)
    programme = load_programme(project.root, cat, Diagnostics())
    figs = figures.compute(cat, fairs=programme.fairs_per_year())
    for lang, prefix in LANGUAGES:
        html = (site / prefix / "so-lieu" / "index.html").read_text(encoding="utf-8")
        for chart in figures.charts(figs, lang):
            assert f'id="{chart.id}"' in html, chart.id
        svgs = re.findall(r'<svg\b[^>]*role="img".*?</svg>', html, re.S)  # not Material's icons
        assert svgs and all("<title" in svg and "<desc" in svg for svg in svgs)
        assert not [svg for svg in svgs if "style=" in svg]
        assert html.count("<table") >= len(svgs)


def test_report_prints_and_writes_figures_and_actions(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    status = main(
        ["report", "--root", str(project.root), "--today", TODAY.isoformat(), "--out", str(out)]
    )
    printed = capsys.readouterr().out
    assert status == 0
    markdown = (out / "bao-cao.md").read_text(encoding="utf-8")
    assert printed.strip() == markdown.strip()
    raw = (out / "bao-cao.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads Vietnamese CSV as UTF-8 with a BOM
    cat, _ = load_catalogue(project.root, today=TODAY)
    actions = figures.needs_action(cat, 90)
    for action in actions:
        assert action.product_id in markdown
    figs = figures.compute(cat)
    assert str(figs.in_force) in markdown


def test_new_cooperatives_are_counted_from_the_producers_dates() -> None:
    """The plan's "new cooperatives" target needs the year each cooperative was founded."""
    root = Path(__file__).resolve().parent.parent
    cat, _ = load_catalogue(root, today=TODAY)
    by_hand: dict[int, int] = {}
    for path in sorted((root / "producers").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        kind = re.search(r"(?m)^type: (\S+)", text)
        founded = re.search(r"(?m)^established: (\d{4})-", text)
        if kind and founded and kind.group(1) in ("cooperative", "cooperative_group"):
            year = int(founded.group(1))
            by_hand[year] = by_hand.get(year, 0) + 1
    assert by_hand and figures.cooperatives_founded(cat) == by_hand
