from __future__ import annotations

from pathlib import Path

from .golden import GOLDEN, render_golden


def test_generated_markdown_matches_golden_files(image_cache: Path) -> None:
    rendered = render_golden(image_cache)
    assert sorted(rendered) == sorted(p.name for p in GOLDEN.glob("*.md"))
    for name, text in rendered.items():
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), (
            f"tests/golden/{name} differs: run `make golden` and review the diff"
        )
