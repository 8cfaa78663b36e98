"""The benchmark's helpers: what a phone downloads, which rendition it picks, synthetic products."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bench import synth, weight

PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="../../assets/main.css">
<link rel="stylesheet" href="../../assets/print.css" media="print">
<script src="../../assets/early.js"></script>
<script id="__config" type="application/json">{"base": "../..", "search": "../../assets/worker.js"}</script>
</head><body><form name="search"></form>
<picture><source type="image/webp" srcset="../../anh/p/small-360.webp 360w, ../../anh/p/mid-720.webp 720w, ../../anh/p/big-1200.webp 1200w" sizes="(min-width: 60em) 28rem, calc(100vw - 1.6rem)"><img src="x.jpg" fetchpriority="high"></picture>
<script type="text/x-ocop-deferred" data-src="../../assets/bundle.js"></script>
</body></html>"""


def _site(tmp_path: Path) -> Path:
    files = {
        "san-pham/p/index.html": PAGE,
        "assets/main.css": "@font-face{src:url('fonts/a.woff2')} body{color:red}" * 20,
        "assets/fonts/a.woff2": "F" * 500,
        "assets/print.css": "p{}",
        "assets/early.js": "var a=1;" * 50,
        "assets/bundle.js": "var b=2;" * 50,
        "assets/worker.js": "w",
        "search/search_index.json": "{}",
        "anh/p/small-360.webp": "s" * 100,
        "anh/p/mid-720.webp": "m" * 300,
        "anh/p/big-1200.webp": "b" * 900,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_page_weight_counts_first_load_and_defers_the_rest(tmp_path: Path) -> None:
    site = _site(tmp_path)
    w = weight.page_weight(site / "san-pham/p/index.html", site)
    kinds = {f.url: f.kind for f in w.fetches}
    assert kinds == {
        "san-pham/p/index.html": "html",
        "assets/main.css": "css",
        "assets/fonts/a.woff2": "font",
        "assets/early.js": "js",
    }
    html = (site / "san-pham/p/index.html").read_bytes()
    assert w.sent("html") == len(gzip.compress(html, weight.GZIP_LEVEL))
    assert w.sent("font") == 500  # fonts as stored
    assert w.search_before_interaction == []
    assert [f.url for f in w.deferred] == [
        "assets/bundle.js",
        "assets/worker.js",
        "search/search_index.json",
    ]
    assert w.missing == []


@pytest.mark.parametrize(
    ("sizes", "viewport", "expected"),
    [
        ("(min-width: 60em) 28rem, calc(100vw - 1.6rem)", 360, 334.4),
        ("(min-width: 60em) 28rem, calc(100vw - 1.6rem)", 1200, 448),
        ("(max-width: 400px) 100vw, 50vw", 360, 360),
        ("200px", 360, 200),
    ],
)
def test_slot_width(sizes: str, viewport: float, expected: float) -> None:
    assert weight.slot_width(sizes, viewport) == pytest.approx(expected)


def test_picked_rendition_follows_dpr(tmp_path: Path) -> None:
    site = _site(tmp_path)
    page = site / "san-pham/p/index.html"
    at2 = weight.picked_rendition(page, site, 360, 2)
    at3 = weight.picked_rendition(page, site, 360, 3)
    at1 = weight.picked_rendition(page, site, 360, 1)
    assert at1 and at2 and at3
    assert (at1.width, at2.width, at3.width) == (360, 720, 1200)
    assert (at2.bytes, at3.bytes) == (300, 900)


def test_photo_index_bounds_distinct_photos() -> None:
    assert [synth.photo_index(i, j, None) for i in (0, 1000) for j in range(3)] == [
        0,
        1,
        2,
        3000,
        3001,
        3002,
    ]
    assert [synth.photo_index(1000, j, 3000) for j in range(3)] == [0, 1, 2]


def test_product_is_the_same_at_every_size() -> None:
    communes = synth.load_communes()
    producer = synth.producer_id(1234 // synth.PRODUCTS_PER_PRODUCER)
    assert synth.make_product(1234, producer, communes) == synth.make_product(
        1234, producer, communes
    )
