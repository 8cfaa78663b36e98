"""Listings in pages of a fixed size: the catalogue, groups, star ratings, communes."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from generator import render
from generator.build import Project, build, load
from generator.errors import ContentErrors
from generator.i18n import LABELS
from generator.permalinks import read_lock
from generator.render import pager

from .conftest import TODAY


def test_pager_shows_neighbours_ends_and_gaps() -> None:
    pages = ["danh-muc/"] + [f"danh-muc/trang-{n}/" for n in range(2, 11)]
    middle = pager("danh-muc/trang-5/", pages, 5)
    assert middle is not None
    assert [link.number for link in middle.links] == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert [link.href for link in middle.links if link.current] == ["./"]
    assert middle.links[0].href == "../"
    assert middle.links[-1].href == "../trang-10/"
    assert (middle.previous, middle.next) == ("../trang-4/", "../trang-6/")
    first = pager("danh-muc/", pages, 1)
    assert first is not None
    assert [link.number for link in first.links] == [1, 2, 3, None, 10]
    assert (first.previous, first.next) == (None, "trang-2/")
    assert pager("danh-muc/", ["danh-muc/"], 1) is None


def _cards(html: str) -> list[str]:
    return re.findall(r'<a class="ocop-card__link" href="(?:\.\./)*san-pham/([^/"]+)/"', html)


def test_a_long_listing_is_split_into_linked_pages(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = 4
    monkeypatch.setattr(render, "LISTING_PAGE_SIZE", size)
    monkeypatch.setattr(render, "PRODUCERS_PAGE_SIZE", 5)
    lock_before = read_lock(project.root / "permalinks.txt").entries
    result = build(project, today=TODAY)
    site = project.public
    for lang in ("vi", "en"):
        root = site if lang == "vi" else site / "en"
        first = (root / "danh-muc" / "index.html").read_text(encoding="utf-8")
        total = int(re.search(r'<p class="ocop-count">(\d+)', first)[1])  # type: ignore[index]
        assert total == result.products
        count = math.ceil(total / size)
        seen: list[str] = []
        for n in range(1, count + 1):
            folder = root / "danh-muc" / ("" if n == 1 else f"trang-{n}")
            html = (folder / "index.html").read_text(encoding="utf-8")
            cards = _cards(html)
            assert len(cards) == (size if n < count else total - size * (count - 1))
            seen += cards
            t = LABELS[lang]
            if n > 1:
                title = t["page_title"].format(title=t["catalogue"], n=n, count=count)
                assert f"<title>{title} - " in html
                assert 'rel="prev"' in html
            if n < count:
                assert 'rel="next"' in html
            assert f'aria-current="page" aria-label="{t["pager_page"].format(n=n)}">{n}</a>' in html
        assert not (root / "danh-muc" / f"trang-{count + 1}").exists()
        assert len(seen) == len(set(seen)) == total  # every product once, in the listing's order
        producers = len(list((project.root / "producers").glob("*.yaml")))
        names: list[str] = []
        for n in range(1, math.ceil(producers / 5) + 1):
            folder = root / "nha-san-xuat" / ("" if n == 1 else f"trang-{n}")
            html = (folder / "index.html").read_text(encoding="utf-8")
            names += re.findall(r'<li><a href="(?:\.\./)?([a-z0-9-]+)/">', html)
            if n == 1:
                html_count = re.search(r'<p class="ocop-count">(\d+)', html)
                assert html_count is not None and int(html_count[1]) == producers
        assert len(names) == len(set(names)) == producers
    # Further pages are not permanent addresses: the lock gains none of them.
    lock_after = read_lock(project.root / "permalinks.txt").entries
    assert not [p for p in set(lock_after) - set(lock_before) if "/trang-" in p]


def test_listings_that_fit_have_no_pager(sample_site: tuple[Project, object]) -> None:
    project, _ = sample_site
    html = (Path(project.public) / "danh-muc" / "index.html").read_text(encoding="utf-8")
    assert "ocop-pager" not in html
    assert not (Path(project.public) / "danh-muc" / "trang-2").exists()


def test_a_producer_id_cannot_take_the_address_of_a_list_page(project: Project) -> None:
    source = next((project.root / "producers").glob("*.yaml"))
    old_id = source.stem
    text = source.read_text(encoding="utf-8").replace(f"id: {old_id}", "id: trang-2")
    (project.root / "producers" / "trang-2.yaml").write_text(text, encoding="utf-8")
    source.unlink()
    line = text.splitlines().index("id: trang-2") + 1
    with pytest.raises(ContentErrors) as failure:
        load(project, TODAY)
    assert f"producers/trang-2.yaml:{line}:5: id: " + (
        'mã "trang-2" trùng với địa chỉ một trang của danh sách chủ thể (nha-san-xuat/trang-2/); '
        "hãy chọn mã khác, ví dụ theo tên chủ thể"
    ) in [p.format("vi") for p in failure.value.errors]
