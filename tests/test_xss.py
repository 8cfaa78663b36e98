"""A product whose every field carries script builds to a site where none of it survives."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

from generator.build import Project, build

from .conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "data", "poster"}


class Elements(HTMLParser):
    """What a browser would build from the page: elements, attributes and script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        """Bodies of the scripts a browser runs."""
        self.data_blocks: list[tuple[str, str]] = []
        """(type, body) of the script elements a browser never runs (JSON data, JSON-LD)."""
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._script = (dict(attrs).get("type") or "") if tag == "script" else None

    def handle_endtag(self, tag: str) -> None:
        self._script = None

    def handle_data(self, data: str) -> None:
        if self._script in ("", "module", "text/javascript"):
            self.scripts.append(data)
        elif self._script is not None:
            self.data_blocks.append((self._script, data))


def test_hostile_product_builds_and_nothing_executes(project: Project) -> None:
    folder = project.root / "products" / "doc-hai"
    folder.mkdir()
    shutil.copy(FIXTURES / "hostile-product.yaml", folder / "product.yaml")
    shutil.copy(FIXTURES / "hostile-producer.yaml", project.root / "producers" / "nha-doc-hai.yaml")
    build(project, today=TODAY)

    site = project.public.resolve()
    pages = [p for p in site.rglob("*.html") if "doc-hai" in p.read_text(encoding="utf-8")]
    assert {
        "san-pham/doc-hai/index.html",
        "en/san-pham/doc-hai/index.html",
        "nha-san-xuat/nha-doc-hai/index.html",
    } <= {p.relative_to(site).as_posix() for p in pages}
    for path in pages:
        html = path.read_text(encoding="utf-8")
        parsed = Elements()
        parsed.feed(html)
        for script in parsed.scripts:
            assert "alert" not in script, path
        for kind, body in parsed.data_blocks:
            # Data blocks carry the hostile text as data: still one JSON value, not closed early.
            assert kind in ("application/json", "application/ld+json", "text/x-ocop-deferred"), kind
            if kind != "text/x-ocop-deferred":
                json.loads(body)
        for tag, attrs in parsed.tags:
            assert tag not in ("iframe", "object", "embed", "style"), (path, tag)
            for name, value in attrs:
                assert not name.startswith("on"), (path, tag, name)
                if name in URL_ATTRIBUTES and value:
                    assert "javascript:" not in value.replace(" ", "").lower(), (path, tag, value)
        # The hostile text is still there, shown as text.
        assert "&lt;script&gt;alert(" in html or "&lt;svg onload=alert(" in html, path
