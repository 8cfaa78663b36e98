"""libyaml (fast path) and the pure-Python parser must read every clean file the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.yamlload import _Builder

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")

CONTENT_FILES = sorted(
    [
        *ROOT.glob("products/*/product.yaml"),
        *ROOT.glob("producers/*.yaml"),
        ROOT / "data" / "communes.yaml",
    ]
)


def both(text: str) -> tuple[_Builder, _Builder]:
    fast, slow = _Builder("x.yaml"), _Builder("x.yaml")
    fast.build(text, fast=True)
    slow.build(text)
    return fast, slow


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_sample_files_read_identically(path: Path) -> None:
    fast, slow = both(path.read_text(encoding="utf-8"))
    assert not fast.errors and not slow.errors
    assert (fast.root, fast.value_marks, fast.key_marks) == (
        slow.root,
        slow.value_marks,
        slow.key_marks,
    )


scalars = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
trees = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(scalars, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(trees, st.sampled_from([False, True]))
def test_generated_documents_read_identically(tree: object, flow: bool) -> None:
    text = yaml.safe_dump({"root": tree}, allow_unicode=True, default_flow_style=flow)
    fast, slow = both(text)
    assert (fast.root, fast.value_marks, fast.key_marks, bool(fast.errors)) == (
        slow.root,
        slow.value_marks,
        slow.key_marks,
        bool(slow.errors),
    )
