"""A product whose every field carries script builds to a site where none of it survives."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.build import Project, build

from .conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures"


def test_hostile_product_builds_and_nothing_executes(project: Project) -> None:
    folder = project.root / "products" / "doc-hai"
    folder.mkdir()
    shutil.copy(FIXTURES / "hostile-product.yaml", folder / "product.yaml")
    shutil.copy(FIXTURES / "hostile-producer.yaml", project.root / "producers" / "nha-doc-hai.yaml")
    build(project, today=TODAY)

    pages = [
        p
        for p in project.public.resolve().rglob("*.html")
        if "doc-hai" in p.read_text(encoding="utf-8")
    ]
    assert len(pages) >= 4  # product and producer pages in both languages, at least
    for path in pages:
        html = path.read_text(encoding="utf-8")
        # No element or attribute of the attacker's survives: only our own script tags exist,
        # and none of them carries the payload.
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
            assert "alert" not in script, path
        for tag in re.findall(r"<[a-zA-Z][^>]*>", html):
            assert not re.search(r"\son[a-z]+\s*=", tag, re.I), (path, tag)
            assert "javascript:" not in tag.lower(), (path, tag)
            assert not tag.lower().startswith(("<iframe", "<svg onload", "<button>ok")), tag
        # The hostile text is still shown, as text.
        assert "&lt;script&gt;alert(" in html or "&lt;script&gt;" in html, path
