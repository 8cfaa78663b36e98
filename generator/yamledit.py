"""Change a few values of a YAML content file and leave everything else as the editor wrote it.

`generator.spreadsheet_import` updates product and producer files from a spreadsheet. Rewriting
a file from its data would drop the comments, the `# yaml-language-server` line, the key order
and the quoting the editor chose, so the file goes through ruamel.yaml's round trip instead:
only the values that change are replaced. Three things ruamel.yaml does not do are done here:

- a new key goes where the schema puts it (not at the end of its mapping), and the blank line or
  comments that followed the key before it now follow the new key;
- a removed key's trailing blank line or comments stay, attached to the key before it;
- in a file written by `python -m generator new`, a field that gets a value is the commented-out
  line already there (`# brand:` becomes `brand: …` under its description), not a second copy.

New values are written in the project's style: the same quoting rule as the scaffold
(`scaffold.scalar`), Markdown as a literal block (`|`), a value keeps the quotes it had.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.util import load_yaml_guess_indent

from .fields import Model
from .scaffold import scalar, text_lines
from .yamlload import KeyPath, load_yaml_bytes

WIDTH = 4096
"""Never fold a long line: a one-line summary stays one line."""


@dataclass(frozen=True)
class Typed:
    """A date, number or boolean, as YAML text: written plain (`2024-03-15`, `20.6`, `true`)."""

    text: str


@dataclass(frozen=True)
class Pair:
    """A bilingual text: written `{vi: …, en: …}` (block style)."""

    vi: str
    en: str | None = None


Value = str | Typed | Pair | list[Any] | dict[str, Any]
"""A new value: text, Typed, Pair, a list of values, or a mapping (an item) of values."""


@dataclass(frozen=True)
class Edit:
    """One change to a file's data.

    `path` leads to the value from the top of the file; for one language of a bilingual text
    (`text_lang`) the language is its last key (`("name", "en")`), whether the file writes that
    text as a mapping or as plain text.
    """

    path: KeyPath
    value: Value | None = None
    remove: bool = False
    append: bool = False
    """Add `value` (an item) at the end of the list at `path`."""
    classes: tuple[type[Any], ...] = ()
    """The model of each mapping along `path`: the schema's order of its keys."""
    text_lang: bool = False


def _yaml(text: str) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = WIDTH
    _, indent, offset = load_yaml_guess_indent(text)
    if offset is None:
        indent, offset = 4, 2
    yaml.indent(mapping=2, sequence=indent, offset=offset)
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


_SNIPPET = YAML()
_SNIPPET.preserve_quotes = True


def node(text: str, *, typed: bool = False) -> Any:
    """The ruamel.yaml value that is written back as the project writes `text`."""
    if "\n" in text:
        source = "\n".join(text_lines("v", text)) + "\n"
    else:
        source = f"v: {scalar(text, typed=typed)}\n"
    return _SNIPPET.load(source)["v"]


def build(value: Value, old: Any = None) -> Any:
    """A ruamel.yaml value; a single-line text keeps the quotes of the `old` one it replaces."""
    if isinstance(value, Typed):
        return node(value.text, typed=True)
    if isinstance(value, Pair):
        out = CommentedMap()
        out["vi"] = node(value.vi)
        if value.en:
            out["en"] = node(value.en)
        return out
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = build(item)
        return mapping
    if isinstance(value, list):
        return CommentedSeq([build(item) for item in value])
    if "\n" not in value and isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        return type(old)(value)
    return node(value)


# --- trailing comments ----------------------------------------------------------------------------


def _tail_holder(container: Any, key: Any) -> tuple[Any, Any]:
    """Where ruamel.yaml keeps the comments after a value: on its last scalar."""
    value = container[key]
    if isinstance(value, CommentedMap) and value:
        return _tail_holder(value, list(value)[-1])
    if isinstance(value, CommentedSeq) and value:
        return _tail_holder(value, len(value) - 1)
    return container, key


def _slot(container: Any) -> int:
    return 2 if isinstance(container, CommentedMap) else 0


def _take_tail(container: Any, key: Any) -> Any:
    holder, at = _tail_holder(container, key)
    items = holder.ca.items.get(at)
    slot = _slot(holder)
    if not items or len(items) <= slot or items[slot] is None:
        return None
    token = items[slot]
    items[slot] = None
    return token


def _put_tail(container: Any, key: Any, token: Any) -> None:
    if token is None:
        return
    holder, at = _tail_holder(container, key)
    slot = _slot(holder)
    items = holder.ca.items.setdefault(at, [None] * (4 if slot == 2 else 2))
    if items[slot] is None:
        items[slot] = token


# --- keys -----------------------------------------------------------------------------------------


def _order(cls: type[Any] | None, key: str) -> int:
    names = [f.name for f in dataclasses.fields(cls)] if cls is not None else []
    return names.index(key) if key in names else len(names)


def insert_key(mapping: CommentedMap, key: str, value: Any, cls: type[Any] | None) -> None:
    """Add `key` after the last key that comes before it in the schema's order (at the end
    without a schema), or give it its value where it is (an empty key)."""
    if key in mapping:
        replace(mapping, key, value)
        return
    keys = list(mapping)
    rank = _order(cls, key)
    pos = max((i + 1 for i, k in enumerate(keys) if _order(cls, k) < rank), default=0)
    if cls is None:
        pos = len(keys)
    tail = _take_tail(mapping, keys[pos - 1]) if pos > 0 else None
    mapping.insert(pos, key, value)
    # What followed the key before (a blank line, the next field's comment) follows the new key.
    _put_tail(mapping, key, tail)


def remove_key(container: Any, key: Any) -> None:
    keys = list(container) if isinstance(container, CommentedMap) else list(range(len(container)))
    index = keys.index(key)
    tail = _take_tail(container, key)
    del container[key]
    if index > 0:
        _put_tail(container, keys[index - 1], tail)


def replace(container: Any, key: Any, value: Any) -> None:
    """A new value for a key, keeping the comments that followed the old one."""
    tail = _take_tail(container, key) if isinstance(value, CommentedMap | CommentedSeq) else None
    container[key] = value
    _put_tail(container, key, tail)


def append(seq: CommentedSeq, item: Any) -> None:
    tail = _take_tail(seq, len(seq) - 1) if seq else None
    seq.append(item)
    _put_tail(seq, len(seq) - 1, tail)


# --- commented-out fields of a scaffolded file ------------------------------------------------------


def _block_end(lines: Sequence[str], start: int, min_indent: int) -> int:
    """The line after the block that starts at line `start`: the lines indented `min_indent` or
    more (and blank lines) that follow it."""
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and len(line) - len(line.lstrip(" ")) < min_indent:
            break
        end += 1
    return end


def _uncomment(text: str, parent: KeyPath, key: str, model: bool) -> str:
    """`# key:` (a field the scaffold left commented out) → `key:` (empty), in place.

    A commented model (`# food:` and its fields, each commented once more) loses one level of
    comment, so that its fields are found in turn; any other commented block (a text's `vi:` and
    `en:`, a list's example item) is dropped, as the value written replaces it.
    """
    doc, problems = load_yaml_bytes(text.encode("utf-8"), "")
    if doc is None or problems:
        return text
    lines = text.split("\n")
    start, indent, end = -1, 0, len(lines)
    if parent:
        container: Any = doc.data
        for part in parent:
            container = container[part]
        if container is not None and not isinstance(container, dict):
            return text
        children = list(container) if container else []
        if isinstance(parent[-1], int):
            # A list item: its first key's line belongs to it, and so do its siblings.
            mark = doc.mark(parent)
            start, indent = mark.line - 2, mark.column - 1
            end = _block_end(lines, start + 1, indent)
        else:
            mark = doc.key_mark(parent)
            start = mark.line - 1
            indent = mark.column + 1
            end = _block_end(lines, start, mark.column)
        if children:
            indent = doc.key_mark((*parent, children[0])).column - 1
    pad = " " * indent
    pattern = re.compile(rf"{pad}# {re.escape(key)}:(?: \S*)?")
    for i in range(start + 1, end):
        if not pattern.fullmatch(lines[i].rstrip()):
            continue
        j = i + 1
        while j < end and (lines[j].startswith(f"{pad}#  ") or lines[j].rstrip() == f"{pad}#"):
            j += 1
        body = [pad + line[len(pad) + 2 :] for line in lines[i + 1 : j]] if model else []
        return "\n".join([*lines[:i], f"{pad}{key}:", *body, *lines[j:]])
    return text


def _absent(data: Any, path: KeyPath) -> int | None:
    """How many keys of `path` exist (None: all of them)."""
    for depth, key in enumerate(path):
        found = (isinstance(data, dict) and key in data) or (
            isinstance(data, list) and isinstance(key, int) and key < len(data)
        )
        if not found:
            return depth
        data = data[key]
    return None


def _open_placeholders(text: str, edits: Sequence[Edit]) -> str:
    """Uncomment, level by level, the scaffold's line of each field that gets its first value."""
    for edit in edits:
        if edit.remove:
            continue
        path = edit.path
        for _ in range(len(path)):
            doc, _problems = load_yaml_bytes(text.encode("utf-8"), "")
            depth = _absent(doc.data if doc is not None else None, path)
            if depth is None or isinstance(path[depth], int):
                break
            cls = edit.classes[depth] if depth < len(edit.classes) else None
            conv = _field_conv(cls, str(path[depth]))
            opened = _uncomment(text, path[:depth], str(path[depth]), isinstance(conv, Model))
            if opened == text:
                break
            text = opened
    return text


def _field_conv(cls: type[Any] | None, name: str) -> Any:
    if cls is None:
        return None
    return next((f.metadata.get("conv") for f in dataclasses.fields(cls) if f.name == name), None)


# --- applying edits ---------------------------------------------------------------------------------


def _container(root: Any, edit: Edit, depth: int) -> Any:
    """The mapping at `edit.path[:depth]`, made (in the schema's place) where missing."""
    current = root
    for i, key in enumerate(edit.path[:depth]):
        if isinstance(current, CommentedSeq):
            current = current[key]
            continue
        child = current.get(key)
        if not isinstance(child, CommentedMap | CommentedSeq):
            child = CommentedMap()
            cls = edit.classes[i] if i < len(edit.classes) else None
            insert_key(current, str(key), child, cls)
        current = child
    return current


def _set_text(parent: CommentedMap, key: str, lang: str, text: str, cls: Any) -> None:
    """One language of a bilingual text, written as `key: text` or `key: {vi: …, en: …}`."""
    current = parent.get(key)
    if isinstance(current, CommentedMap):
        if lang in current:
            current[lang] = build(text, current[lang])
        elif lang == "vi":
            current.insert(0, "vi", node(text))
        else:
            insert_key(current, lang, node(text), None)
    elif current is None:
        # The Vietnamese comes first (a text without it is refused before any edit).
        insert_key(parent, key, build(Pair(text)), cls)
    elif lang == "vi":
        parent[key] = build(text, current)
    else:
        mapping = CommentedMap()
        mapping["vi"] = current
        mapping["en"] = node(text)
        replace(parent, key, mapping)


def _apply(root: CommentedMap, edit: Edit) -> None:
    path = edit.path
    depth = len(path) - 1 - edit.text_lang
    parent = _container(root, edit, depth)
    key = path[depth]
    cls = edit.classes[depth] if depth < len(edit.classes) else None
    assert edit.value is not None or edit.remove
    if edit.append:
        seq = parent.get(key)
        if isinstance(seq, CommentedSeq):
            append(seq, build(edit.value))  # type: ignore[arg-type]
        else:
            insert_key(parent, str(key), CommentedSeq([build(edit.value)]), cls)  # type: ignore[arg-type]
    elif edit.remove:
        if edit.text_lang and path[-1] == "en":
            text = parent.get(key)
            if isinstance(text, CommentedMap) and "en" in text:
                remove_key(text, "en")
        elif key in parent:
            remove_key(parent, key)
    elif edit.text_lang:
        assert isinstance(edit.value, str)
        _set_text(parent, str(key), str(path[-1]), edit.value, cls)
    elif key in parent:
        replace(parent, key, build(edit.value, parent[key]))  # type: ignore[arg-type]
    else:
        insert_key(parent, str(key), build(edit.value), cls)  # type: ignore[arg-type]


def apply(text: str, edits: Sequence[Edit], removals: Sequence[KeyPath] = ()) -> tuple[str, bool]:
    """The file's text with the edits made, and whether the rest of it kept its form exactly.

    `removals` are list items to remove (`("variants", 2)`), done last, from the end, so that
    the indexes of the other edits stay right. The flag is False when ruamel.yaml would rewrite
    some untouched part of this file in another layout (an unusual indentation, for example).
    """
    faithful = _dump(_yaml(text), _yaml(text).load(text)) == text
    text = _open_placeholders(text, edits)
    yaml = _yaml(text)
    root = yaml.load(text)
    for edit in edits:
        _apply(root, edit)
    for path in sorted(removals, key=lambda p: (p[:-1], p[-1]), reverse=True):
        container = root
        for key in path[:-1]:
            container = container[key]
        remove_key(container, path[-1])
    return _dump(yaml, root), faithful
