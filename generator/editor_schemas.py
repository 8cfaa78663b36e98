"""JSON Schemas of the files editors write, for autocompletion and inline errors in their editor.

Generated from the typed schema in code (generator/schema.py, generator/programme.py), with the
Vietnamese description of each field (`description`) and the English one (`x-description-en`).
They are committed in `schemas/` so an editor works without running anything; VS Code's YAML
extension (redhat.vscode-yaml) maps them through `.vscode/settings.json`, other editors through
the `# yaml-language-server: $schema=…` line at the top of each file. `python -m generator
schemas` rewrites them; a test fails when they no longer match the code.

The editor's check is a help while typing; the build's own check (file:line:column, Vietnamese
first) remains the authority.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .programme import json_schemas as programme_schemas
from .schema import PRODUCER, PRODUCT

SCHEMA_DIR = "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILES = {
    "san-pham.schema.json": ["products/*/product.yaml"],
    "chu-the.schema.json": ["producers/*.yaml"],
    "hoi-cho.schema.json": ["data/hoi-cho.yaml"],
    "diem-ban.schema.json": ["data/diem-ban.yaml"],
}
"""Schema file → the files it describes (VS Code glob patterns, from the project folder)."""


def schemas() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {
        "san-pham.schema.json": {
            "$schema": DIALECT,
            "title": "Sản phẩm OCOP (products/<mã>/product.yaml) / OCOP product",
            **PRODUCT.schema(),
        },
        "chu-the.schema.json": {
            "$schema": DIALECT,
            "title": "Chủ thể sản xuất (producers/<mã>.yaml) / Producer",
            **PRODUCER.schema(),
        },
    }
    out.update(programme_schemas())
    return out


def rendered() -> dict[str, str]:
    """File name → the text written (stable: sorted keys would lose the fields' order, which
    is the order editors see, so the code's order is kept)."""
    return {
        name: json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        for name, data in schemas().items()
    }


def vscode_settings() -> dict[str, Any]:
    return {"yaml.schemas": {f"./{SCHEMA_DIR}/{name}": globs for name, globs in FILES.items()}}


def write(root: Path) -> list[Path]:
    """Write the schemas and the VS Code mapping; returns the files that changed."""
    changed = []
    texts = {Path(SCHEMA_DIR) / name: text for name, text in rendered().items()}
    texts[Path(".vscode") / "settings.json"] = (
        json.dumps(vscode_settings(), ensure_ascii=False, indent=2) + "\n"
    )
    for rel, text in texts.items():
        path = root / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(path)
    return changed


def modeline(data_file: str) -> str:
    """The `# yaml-language-server` line for a file at this project-relative path."""
    for name, globs in FILES.items():
        for glob in globs:
            if Path(data_file).match(glob):
                depth = data_file.count("/")
                return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_DIR}/{name}"
    raise KeyError(data_file)
