"""Golden files: the generated Markdown of two sample products, in both languages.

A template change shows up as a reviewable diff of these files. Regenerate them with
`make golden` (`python -m tests.golden --update`) and read the diff before committing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.build import Project, photo_jobs, read_settings
from generator.catalogue import load_catalogue
from generator.errors import LANGS
from generator.images import process_photos
from generator.qr import catalogue_codes
from generator.render import Renderer

from .conftest import ROOT, TODAY

GOLDEN = Path(__file__).parent / "golden"
PRODUCTS = ("gao-buon-choah", "tieu-do-quang-phu")
"""The multi-pack product with GTINs, and the product without English text."""


def render_golden(cache_dir: Path) -> dict[str, str]:
    cat, _ = load_catalogue(ROOT, TODAY)
    jobs = [j for j in photo_jobs(cat) if j.display_path.split("/")[1] in PRODUCTS]
    photos, problems, _ = process_photos(jobs, cache_dir)
    assert not problems, problems
    codes = catalogue_codes(cat, read_settings(ROOT).site_url)
    out = {}
    for lang in LANGS:
        renderer = Renderer(cat, photos, lang, illustrative=True, codes=codes)
        for product in cat.products:
            if product.id in PRODUCTS:
                out[f"{product.id}.{lang}.md"] = renderer.product_page(product)
    return out


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--update", action="store_true", help="rewrite the golden files")
    update = args.parse_args(argv).update
    rendered = render_golden(Project.at(ROOT).cache_dir / "images")
    changed = [
        name
        for name, text in rendered.items()
        if not (GOLDEN / name).is_file() or (GOLDEN / name).read_text("utf-8") != text
    ]
    if update:
        GOLDEN.mkdir(exist_ok=True)
        for name in changed:
            (GOLDEN / name).write_text(rendered[name], encoding="utf-8")
    print(
        "\n".join(f"{'updated' if update else 'differs'}: tests/golden/{n}" for n in changed)
        or "golden files are up to date"
    )
    return 0 if update or not changed else 1


if __name__ == "__main__":
    sys.exit(main())
