"""The editors' JSON Schemas (schemas/, generator/editor_schemas.py) and their VS Code wiring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from generator import editor_schemas
from generator.cli import main

from .conftest import ROOT


class _EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2 core schema): dates stay text."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_committed_schemas_match_the_code() -> None:
    """`python -m generator schemas` was run after the last schema change."""
    for name, text in editor_schemas.rendered().items():
        assert (ROOT / editor_schemas.SCHEMA_DIR / name).read_text(encoding="utf-8") == text, name
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings == editor_schemas.vscode_settings()


def test_schemas_are_valid_and_describe_the_fields_in_vietnamese() -> None:
    for name, schema in editor_schemas.schemas().items():
        Draft202012Validator.check_schema(schema)
        fields = schema["properties"]
        if "events" in fields or "outlets" in fields:
            (inner,) = (fields[k] for k in ("events", "outlets") if k in fields)
            fields = inner["items"]["properties"]
        assert fields and all(f.get("description") for f in fields.values()), name
        assert all(f.get("x-description-en") for f in fields.values()), name


def test_sample_files_validate_and_name_their_schema() -> None:
    for name, globs in editor_schemas.FILES.items():
        validator = Draft202012Validator(editor_schemas.schemas()[name])
        files = [path for glob in globs for path in sorted(ROOT.glob(glob))]
        assert files, name
        for path in files:
            text = path.read_text(encoding="utf-8")
            rel = path.relative_to(ROOT).as_posix()
            assert text.splitlines()[0] == editor_schemas.modeline(rel)
            # The modeline leads to the schema file from the data file's folder.
            target = (path.parent / text.splitlines()[0].split("$schema=", 1)[1]).resolve()
            assert target == (ROOT / editor_schemas.SCHEMA_DIR / name).resolve()
            data: Any = yaml.load(text, Loader=_EditorLoader)
            errors = sorted(validator.iter_errors(data), key=str)
            assert not errors, (rel, [e.message for e in errors[:3]])


def test_a_typo_is_caught_by_the_schema() -> None:
    product = yaml.load(
        (ROOT / "products" / "gao-buon-choah" / "product.yaml").read_text("utf-8"),
        Loader=_EditorLoader,
    )
    product["staus"] = "active"
    validator = Draft202012Validator(editor_schemas.schemas()["san-pham.schema.json"])
    assert [e.validator for e in validator.iter_errors(product)] == ["additionalProperties"]


def test_schemas_command_writes_only_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schemas", "--root", str(tmp_path)]) == 0
    written = capsys.readouterr().out.split()
    assert sorted(written) == sorted(
        [f"{editor_schemas.SCHEMA_DIR}/{n}" for n in editor_schemas.FILES]
        + [".vscode/settings.json"]
    )
    assert main(["schemas", "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""
