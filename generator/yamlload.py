"""Strict YAML loading for content files written by hand.

`yaml.safe_load` guesses types (`NO` becomes False, `0123456` an octal number, `1.10` the float 1.1),
silently keeps the last of two duplicate keys, expands alias bombs, recurses on deep nesting and
reports control characters without a line. Content files are typed by district officials, so every
one of those surprises must become a clear error or stay exactly the text that was typed.

The loader therefore reads PyYAML's *event stream* and builds the data itself: the event stream is
produced by a state machine (no recursion), so depth is checked before PyYAML's recursive composer
could ever run, and every key, anchor, alias and tag is seen with its position. Every scalar is a
string; turning strings into numbers, dates or booleans is the schema's job, where the field name
tells what the text means.
"""

from __future__ import annotations

import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple

import yaml

from .errors import ContentError, Message, msg

MAX_BYTES: Final = 256 * 1024
MAX_DEPTH: Final = 20

Key = str | int
KeyPath = tuple[Key, ...]

# Reporting every bad character of a binary file would bury the useful first lines.
_MAX_REPORTED_CHARACTERS: Final = 20

_STR_TAG: Final = "tag:yaml.org,2002:str"
_MAP_TAG: Final = "tag:yaml.org,2002:map"
_SEQ_TAG: Final = "tag:yaml.org,2002:seq"
_STANDARD_PREFIX: Final = "tag:yaml.org,2002:"

# Message templates: (Vietnamese, English), formatted with `msg(*TEMPLATE, **params)`.
FILE_TOO_LARGE: Final = (
    "tệp quá lớn: cho phép tối đa {max_kb} KB, nhưng tệp có {size_kb} KB",
    "file too large: at most {max_kb} KB allowed, found {size_kb} KB",
)
FILE_NOT_FOUND: Final = ("không tìm thấy tệp", "file not found")
FILE_IS_SYMLINK: Final = (
    "cần một tệp thật, nhưng đây là liên kết tượng trưng (symlink); hãy thay bằng chính tệp đó",
    "expected a regular file, found a symbolic link; replace it with the file itself",
)
FILE_NOT_REGULAR: Final = (
    "cần một tệp thông thường, nhưng đây là {kind_vi}",
    "expected a regular file, found {kind_en}",
)
FILE_UNREADABLE: Final = ("không đọc được tệp: {reason}", "cannot read the file: {reason}")
WRONG_ENCODING: Final = (
    "cần bảng mã Unicode (UTF-8), nhưng tệp được lưu theo bảng mã {encoding}; "
    "hãy mở tệp và lưu lại với bảng mã UTF-8",
    "expected UTF-8, found a file saved as {encoding}; open it and save it again as UTF-8",
)
INVALID_UTF8: Final = (
    "cần văn bản mã Unicode (UTF-8), nhưng gặp byte 0x{byte} không hợp lệ; có thể tệp được lưu "
    "theo bảng mã cũ (Windows-1258, TCVN3, VNI), hãy lưu lại tệp với bảng mã UTF-8",
    "expected UTF-8 text, found the invalid byte 0x{byte}; the file may use an old encoding "
    "(Windows-1258, Windows-1252, TCVN3, VNI), save the file as UTF-8",
)
CONTROL_CHARACTER: Final = (
    "cần văn bản, nhưng gặp ký tự điều khiển vô hình {code} (thường do sao chép từ nơi khác); "
    "hãy xoá ký tự này",
    "expected text, found the invisible control character {code} (often pasted from elsewhere); "
    "delete it",
)
NUL_CHARACTER: Final = (
    "cần văn bản, nhưng gặp ký tự rỗng NUL (U+0000); tệp có thể bị hỏng hoặc không phải tệp văn "
    "bản, hãy lưu lại tệp dưới dạng văn bản UTF-8",
    "expected text, found a NUL character (U+0000); the file may be damaged or not a text file, "
    "save it again as UTF-8 text",
)
MORE_CONTROL_CHARACTERS: Final = (
    "còn {count} ký tự vô hình khác không được phép từ chỗ này trở đi; hãy xoá chúng",
    "{count} more invisible characters that are not allowed from here on; delete them",
)
DUPLICATE_KEY: Final = (
    'khóa "{key}" bị lặp lại (đã có ở dòng {first})',
    'duplicate key "{key}" (first at line {first})',
)
ALIAS: Final = (
    'cần giá trị viết đầy đủ, nhưng gặp tham chiếu "*{name}"; nếu đây là chữ, hãy đặt cả giá '
    "trị trong dấu ngoặc kép, nếu không hãy chép đầy đủ giá trị vào đây",
    'expected a value written out, found the alias "*{name}"; if it is text, put the whole value '
    "in double quotes, otherwise copy the full value here",
)
ANCHOR: Final = (
    'cần giá trị viết đầy đủ, nhưng gặp dấu neo "&{name}"; nếu đây là chữ, hãy đặt cả giá trị '
    'trong dấu ngoặc kép, nếu không hãy xoá "&{name}"',
    'expected a plain value, found the anchor "&{name}"; if it is text, put the whole value in '
    'double quotes, otherwise delete "&{name}"',
)
MERGE_KEY: Final = (
    'cần tên trường, nhưng gặp khóa gộp "<<"; hãy viết đầy đủ từng trường thay vì gộp',
    'expected a field name, found the merge key "<<"; write each field out instead of merging',
)
COMPLEX_KEY: Final = (
    "cần tên trường là chữ, nhưng gặp {kind_vi}",
    "expected a field name (text), found {kind_en}",
)
EMPTY_KEY: Final = (
    'cần tên trường trước dấu ":", nhưng tên trường bị trống',
    'expected a field name before ":", found an empty one',
)
TAG: Final = (
    'cần giá trị bình thường, nhưng gặp nhãn kiểu "{tag}"; hãy xoá "{tag}" (nếu đây là chữ, hãy '
    "đặt cả giá trị trong dấu ngoặc kép)",
    'expected a plain value, found the type tag "{tag}"; delete "{tag}" (if it is text, put the '
    "whole value in double quotes)",
)
TOO_DEEP: Final = (
    "dữ liệu lồng nhau quá sâu: cho phép tối đa {max} cấp, nhưng ở đây đã tới cấp {depth}",
    "nesting too deep: at most {max} levels allowed, found level {depth} here",
)
MULTIPLE_DOCUMENTS: Final = (
    'cần một tài liệu YAML duy nhất, nhưng gặp tài liệu thứ hai bắt đầu ở đây (dấu "---"); '
    'hãy xoá dấu "---" hoặc chuyển phần sau sang tệp khác',
    'expected a single YAML document, found a second one starting here ("---"); remove the '
    '"---" or move what follows to another file',
)
SYNTAX_ERROR: Final = ("sai cú pháp YAML: {detail_vi}", "YAML syntax error: {detail_en}")

# Details for SYNTAX_ERROR: PyYAML's problems are English jargon, so the common ones are explained.
SYNTAX_COLON: Final = (
    'gặp dấu ":" ở chỗ không được phép; nếu giá trị có chứa ": ", hãy đặt cả giá trị trong dấu '
    "ngoặc kép, nếu không hãy kiểm tra thụt lề",
    'found ":" where it is not allowed; if the value contains ": ", put the whole value in double '
    "quotes, otherwise check the indentation",
)
SYNTAX_TAB: Final = (
    "cần dấu cách để thụt lề, nhưng gặp ký tự Tab; hãy thay Tab bằng dấu cách",
    "expected spaces for indentation, found a tab; replace the tab with spaces",
)
SYNTAX_BAD_START: Final = (
    "gặp ký tự {char} không được đứng đầu giá trị; hãy đặt cả giá trị trong dấu ngoặc kép",
    "found the character {char}, which cannot start a value; put the whole value in double quotes",
)
SYNTAX_MISSING_COLON: Final = (
    'cần dấu ":" sau tên trường, nhưng không thấy',
    'expected ":" after the field name, found none',
)
SYNTAX_UNCLOSED_QUOTE: Final = (
    "cần dấu ngoặc đóng cho đoạn chữ mở ở dòng {line}, nhưng tệp đã hết",
    "expected a closing quote for the text opened at line {line}, found the end of the file",
)
SYNTAX_ESCAPE: Final = (
    'trong dấu ngoặc kép, sau dấu "\\" cần một ký tự đặc biệt như "n", nhưng gặp {char}; '
    'hãy viết "\\\\" hoặc dùng dấu ngoặc đơn',
    'inside double quotes, "\\" must start an escape such as "\\n", found {char}; '
    'write "\\\\" or use single quotes',
)
SYNTAX_ALIAS_START: Final = (
    'giá trị bắt đầu bằng "*" hoặc "&" cần được đặt trong dấu ngoặc kép',
    'a value that starts with "*" or "&" must be put in double quotes',
)
SYNTAX_STRUCTURE: Final = (
    "dòng này không khớp với cấu trúc phía trên; hãy kiểm tra số dấu cách đầu dòng và các dấu "
    "ngoặc kép ({problem})",
    "this line does not fit the structure above; check the indentation and the quotes ({problem})",
)
SYNTAX_BRACKET: Final = (
    'cần dấu "," hoặc "{close}" trong cặp ngoặc, nhưng gặp {found}',
    'expected "," or "{close}" inside the brackets, found {found}',
)
SYNTAX_CODE_POINT: Final = (
    'mã ký tự sau "\\u" hoặc "\\U" không tồn tại; hãy gõ trực tiếp ký tự đó',
    'the character code after "\\u" or "\\U" does not exist; type the character itself',
)
SYNTAX_OTHER: Final = ("không đọc được đoạn này ({problem})", "{problem}")

_KINDS: Final = {
    "seq": ("một danh sách", "a list"),
    "map": ("một nhóm trường", "a mapping"),
    "dir": ("một thư mục", "a directory"),
    "special": ("một tệp đặc biệt", "a special file"),
}

# PyYAML's Reader refuses these without a line; C1 controls (U+0080-U+009F, incl. NEL) are refused
# as well because editors do not show them and PyYAML would count NEL as a line break.
_BAD_CHARACTER: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# The line breaks PyYAML counts, so computed positions agree with the positions PyYAML reports.
_LINE_BREAK: Final = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

# Order matters: the UTF-32 LE mark starts with the UTF-16 LE mark.
_FOREIGN_BOMS: Final = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF8_BOM: Final = b"\xef\xbb\xbf"


class Mark(NamedTuple):
    # A NamedTuple, not a frozen dataclass: hundreds of thousands are made per 1,000 products
    # and a frozen dataclass costs about four times as much to create.
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Document:
    path: str
    data: Any
    value_marks: dict[KeyPath, Mark] = field(default_factory=dict)
    key_marks: dict[KeyPath, Mark] = field(default_factory=dict)

    def mark(self, path: KeyPath) -> Mark:
        """Start of the value at `path`, or of its nearest ancestor that has one.

        A missing field has no mark of its own, so its error points at the mapping that lacks it.
        """
        for end in range(len(path), 0, -1):
            found = self.value_marks.get(path[:end])
            if found is not None:
                return found
        return Mark(1, 1)

    def key_mark(self, path: KeyPath) -> Mark:
        found = self.key_marks.get(path)
        return found if found is not None else self.mark(path)


def format_key_path(path: KeyPath) -> str:
    """`("variants", 0, "gtin")` -> `variants[0].gtin`, the form used in ContentError.field."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else key
    return out


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that resolves no implicit types, so nothing typed is ever reinterpreted.

    Only its reader, scanner and parser are used (the event stream); the class-level resolvers are
    emptied as well so that nobody reusing it gets `NO` back as False.
    """


_StrictLoader.yaml_implicit_resolvers = {}

# libyaml's parser produces the same events about 20 times faster (measured: 1,000 product files
# took 15.6 s with the pure-Python parser). It is used for files that turn out clean; a file with
# any problem is parsed again by the pure-Python parser, whose errors the messages are written for.
_CStrictLoader: Any = None
if yaml.__with_libyaml__:

    class _CStrictLoaderImpl(yaml.CSafeLoader):
        pass

    _CStrictLoaderImpl.yaml_implicit_resolvers = {}
    _CStrictLoader = _CStrictLoaderImpl


class _Stop(Exception):
    """The rest of the file cannot be read meaningfully (the error is already recorded)."""


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `text[offset]`, counted the way PyYAML counts them."""
    line = 1
    line_start = 0
    for match in _LINE_BREAK.finditer(text, 0, offset):
        line += 1
        line_start = match.end()
    # PyYAML does not count U+FEFF in columns; matching it keeps columns consistent in one file.
    column = offset - line_start - text.count("\ufeff", line_start, offset) + 1
    return line, column


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def _character_message(char: str) -> Message:
    if char == "\x00":
        return msg(*NUL_CHARACTER)
    return msg(*CONTROL_CHARACTER, code=_code(char))


def _short_tag(tag: str) -> str:
    """Show a tag the way it was most likely typed (`!!int`, not `tag:yaml.org,2002:int`)."""
    if tag.startswith(_STANDARD_PREFIX):
        return "!!" + tag[len(_STANDARD_PREFIX) :]
    return tag


def _looks_like_utf16(raw: bytes) -> bool:
    # Without a BOM, UTF-16 text that is mostly ASCII has a NUL in every other byte; say so
    # instead of reporting a NUL on every character.
    sample = raw[:1024]
    if len(sample) < 8:
        return False
    return max(sample[0::2].count(0), sample[1::2].count(0)) * 4 >= len(sample)


def _too_large(size: int, display_path: str) -> ContentError:
    message = msg(*FILE_TOO_LARGE, max_kb=MAX_BYTES // 1024, size_kb=math.ceil(size / 1024))
    return ContentError(display_path, 0, 0, "", message)


def _decode(raw: bytes, display_path: str) -> tuple[str | None, list[ContentError]]:
    for bom, encoding in _FOREIGN_BOMS:
        if raw.startswith(bom):
            message = msg(*WRONG_ENCODING, encoding=encoding)
            return None, [ContentError(display_path, 0, 0, "", message)]
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    elif _looks_like_utf16(raw):
        message = msg(*WRONG_ENCODING, encoding="UTF-16")
        return None, [ContentError(display_path, 0, 0, "", message)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Everything before the bad byte is valid, so it can be decoded to count lines and columns.
        prefix = raw[: exc.start].decode("utf-8")
        line, column = _position(prefix, len(prefix))
        message = msg(*INVALID_UTF8, byte=f"{raw[exc.start]:02X}")
        return None, [ContentError(display_path, line, column, "", message)]
    errors: list[ContentError] = []
    for count, match in enumerate(_BAD_CHARACTER.finditer(text)):
        line, column = _position(text, match.start())
        if count == _MAX_REPORTED_CHARACTERS:
            rest = len(_BAD_CHARACTER.findall(text, match.start()))
            message = msg(*MORE_CONTROL_CHARACTERS, count=rest)
            errors.append(ContentError(display_path, line, column, "", message))
            break
        errors.append(ContentError(display_path, line, column, "", _character_message(match[0])))
    if errors:
        return None, errors
    return text, []


def _syntax_detail(exc: yaml.MarkedYAMLError) -> Message:
    problem = exc.problem or str(exc)
    context = exc.context or ""
    if problem.startswith("mapping values are not allowed"):
        return msg(*SYNTAX_COLON)
    if problem.startswith("found character '\\t'"):
        return msg(*SYNTAX_TAB)
    match = re.match(r"found character (.+) that cannot start any token", problem)
    if match:
        return msg(*SYNTAX_BAD_START, char=match[1])
    if problem.startswith("could not find expected ':'"):
        return msg(*SYNTAX_MISSING_COLON)
    if problem.startswith("found unexpected end of stream") and "quoted scalar" in context:
        opened = exc.context_mark.line + 1 if exc.context_mark is not None else 0
        return msg(*SYNTAX_UNCLOSED_QUOTE, line=opened)
    match = re.match(r"found unknown escape character (.+)", problem)
    if match:
        return msg(*SYNTAX_ESCAPE, char=match[1])
    if context.startswith(("while scanning an alias", "while scanning an anchor")):
        return msg(*SYNTAX_ALIAS_START)
    if problem.startswith(("expected <block end>", "did not find expected")):
        return msg(*SYNTAX_STRUCTURE, problem=problem)
    match = re.match(r"expected ',' or '([\]}])', but got (.+)", problem)
    if match:
        return msg(*SYNTAX_BRACKET, close=match[1], found=match[2])
    return msg(*SYNTAX_OTHER, problem=problem)


@dataclass
class _Frame:
    """An open mapping or sequence while its events are being read."""

    path: KeyPath
    items: dict[str, Any] | list[Any]
    # False inside a value that will be thrown away (the value of a duplicate or refused key):
    # its errors are still reported, but its marks must not overwrite the kept value's marks.
    record: bool
    awaiting_value: bool = False
    key: str | None = None  # key of the pending value, None when the key was refused
    value_path: KeyPath = ()
    value_record: bool = False
    first_lines: dict[str, int] = field(default_factory=dict)


def _mark(yaml_mark: Any) -> Mark:
    # Any: the stubs type event marks as optional and as either PyYAML's or libyaml's class; the
    # pure-Python parser always sets them.
    return Mark(yaml_mark.line + 1, yaml_mark.column + 1)


class _Builder:
    """Turns the event stream of one document into plain data, marks and errors."""

    def __init__(self, display_path: str) -> None:
        self.display_path = display_path
        self.errors: list[ContentError] = []
        self.value_marks: dict[KeyPath, Mark] = {}
        self.key_marks: dict[KeyPath, Mark] = {}
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0
        # Depth of a refused non-scalar key being skipped (0 when not skipping).
        self.skipping = 0
        self.last_mark = Mark(1, 1)

    def error(self, mark: Mark, path: KeyPath, message: Message) -> None:
        field_name = format_key_path(path)
        self.errors.append(
            ContentError(self.display_path, mark.line, mark.column, field_name, message)
        )

    def build(self, text: str, *, fast: bool = False) -> None:
        try:
            # PyYAML checks a str for forbidden characters as soon as the loader is created.
            loader = _CStrictLoader(text) if fast else _StrictLoader(text)
        except yaml.reader.ReaderError as exc:
            self.reader_error(text, exc)
            return
        try:
            while True:
                try:
                    # get_event returns an Event, or None after the end of the stream.
                    event: yaml.Event | None = loader.get_event()
                except yaml.MarkedYAMLError as exc:
                    self.syntax_error(exc)
                    return
                except yaml.reader.ReaderError as exc:
                    self.reader_error(text, exc)
                    return
                except yaml.YAMLError as exc:
                    self.errors.append(
                        ContentError(self.display_path, 0, 0, "", msg(*SYNTAX_OTHER, problem=exc))
                    )
                    return
                except (ValueError, OverflowError):
                    # A double-quoted escape such as "\U99999999" makes PyYAML's scanner call
                    # chr() with an impossible code point.
                    detail = msg(*SYNTAX_CODE_POINT)
                    message = msg(*SYNTAX_ERROR, detail_vi=detail.vi, detail_en=detail.en)
                    self.error(_mark(loader.get_mark()), (), message)
                    return
                if event is None or isinstance(event, yaml.StreamEndEvent):
                    return
                if event.start_mark is not None:
                    self.last_mark = _mark(event.start_mark)
                self.handle(event)
        except _Stop:
            return
        finally:
            loader.dispose()

    def reader_error(self, text: str, exc: yaml.reader.ReaderError) -> None:
        # Unreachable after _decode's checks; kept so that a gap there still yields a line, since
        # ReaderError carries only an offset.
        line, column = _position(text, exc.position)
        self.error(Mark(line, column), (), _character_message(chr(exc.character)))

    def syntax_error(self, exc: yaml.MarkedYAMLError) -> None:
        yaml_mark = exc.problem_mark or exc.context_mark
        line, column = (yaml_mark.line + 1, yaml_mark.column + 1) if yaml_mark else (0, 0)
        detail = _syntax_detail(exc)
        message = msg(*SYNTAX_ERROR, detail_vi=detail.vi, detail_en=detail.en)
        self.errors.append(ContentError(self.display_path, line, column, "", message))

    def handle(self, event: yaml.Event) -> None:
        if self.skipping:
            self.skip(event)
            return
        if isinstance(event, yaml.StreamStartEvent | yaml.DocumentEndEvent):
            return
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.error(_mark(event.start_mark), (), msg(*MULTIPLE_DOCUMENTS))
                raise _Stop
            return
        if isinstance(event, yaml.CollectionEndEvent):
            frame = self.stack.pop()
            self.deliver(frame.items)
            return
        if not isinstance(event, yaml.NodeEvent):
            return
        if self.stack and isinstance(self.stack[-1].items, dict):
            top = self.stack[-1]
            if not top.awaiting_value:
                self.key(top, event)
                return
            path, record = top.value_path, top.value_record
        elif self.stack:
            top = self.stack[-1]
            path, record = (*top.path, len(top.items)), top.record
        else:
            path, record = (), True
        self.node(event, path, record)

    def check_node(self, event: yaml.NodeEvent, path: KeyPath, allowed_tag: str) -> Mark:
        mark = _mark(event.start_mark)
        if event.anchor is not None:
            self.error(mark, path, msg(*ANCHOR, name=event.anchor))
        tag = getattr(event, "tag", None)
        if tag is not None and tag != allowed_tag:
            self.error(mark, path, msg(*TAG, tag=_short_tag(tag)))
        return mark

    def check_depth(self, mark: Mark, path: KeyPath, depth: int) -> None:
        # PyYAML's scanner slows down quadratically with open flow brackets, so reading stops at
        # the first level too deep instead of skipping the rest of the nested value.
        if depth > MAX_DEPTH:
            self.error(mark, path, msg(*TOO_DEEP, max=MAX_DEPTH, depth=depth))
            raise _Stop

    def node(self, event: yaml.NodeEvent, path: KeyPath, record: bool) -> None:
        if isinstance(event, yaml.AliasEvent):
            self.error(_mark(event.start_mark), path, msg(*ALIAS, name=event.anchor))
            self.deliver(None)
            return
        if isinstance(event, yaml.ScalarEvent):
            mark = self.check_node(event, path, _STR_TAG)
            if record and path:
                self.value_marks[path] = mark
            self.deliver(self.scalar(event, mark, path))
            return
        if isinstance(event, yaml.CollectionStartEvent):
            is_map = isinstance(event, yaml.MappingStartEvent)
            mark = self.check_node(event, path, _MAP_TAG if is_map else _SEQ_TAG)
            self.check_depth(mark, path, len(self.stack) + 1)
            # The root has no mark of its own: Document.mark(()) is the start of the file.
            if record and path:
                self.value_marks[path] = mark
            items: dict[str, Any] | list[Any] = {} if is_map else []
            self.stack.append(_Frame(path, items, record))

    def scalar(self, event: yaml.ScalarEvent, mark: Mark, path: KeyPath) -> str | None:
        # Only a plain, untagged empty scalar (`key:`) means "no value"; `""` and `!!str` are "".
        # PyYAML reports the plain style as None, libyaml as "".
        if event.value == "" and not event.style and event.tag is None:
            return None
        # Raw control characters were refused before parsing; these come from escapes like "\x1f".
        bad = _BAD_CHARACTER.search(event.value)
        if bad:
            self.error(mark, path, _character_message(bad[0]))
            return event.value
        return unicodedata.normalize("NFC", event.value)

    def key(self, top: _Frame, event: yaml.NodeEvent) -> None:
        mark = _mark(event.start_mark)
        top.awaiting_value = True
        top.key = None
        top.value_path = top.path
        top.value_record = False
        if isinstance(event, yaml.AliasEvent):
            self.error(mark, top.path, msg(*ALIAS, name=event.anchor))
            return
        if isinstance(event, yaml.CollectionStartEvent):
            kind_vi, kind_en = _KINDS["map" if isinstance(event, yaml.MappingStartEvent) else "seq"]
            self.error(mark, top.path, msg(*COMPLEX_KEY, kind_vi=kind_vi, kind_en=kind_en))
            self.check_depth(mark, top.path, len(self.stack) + 1)
            self.skipping = 1
            return
        if not isinstance(event, yaml.ScalarEvent):
            return
        self.check_node(event, top.path, _STR_TAG)
        name = self.scalar(event, mark, top.path)
        if name is None:
            self.error(mark, top.path, msg(*EMPTY_KEY))
            return
        path = (*top.path, name)
        top.value_path = path
        # Only a plain `<<` is a merge key in YAML 1.1; a quoted "<<" is an ordinary (odd) name.
        if name == "<<" and not event.style:
            self.error(mark, path, msg(*MERGE_KEY))
            return
        first = top.first_lines.get(name)
        if first is not None:
            self.error(mark, path, msg(*DUPLICATE_KEY, key=name, first=first))
            return
        top.first_lines[name] = mark.line
        top.key = name
        top.value_record = top.record
        if top.record:
            self.key_marks[path] = mark

    def skip(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.CollectionStartEvent):
            self.skipping += 1
            top = self.stack[-1]
            self.check_depth(_mark(event.start_mark), top.path, len(self.stack) + self.skipping)
        elif isinstance(event, yaml.CollectionEndEvent):
            self.skipping -= 1

    def deliver(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.items, list):
            top.items.append(value)
            return
        if top.key is not None:
            top.items[top.key] = value
        top.awaiting_value = False
        top.key = None


def load_yaml_bytes(raw: bytes, display_path: str) -> tuple[Document | None, list[ContentError]]:
    """Parse one YAML document; the Document is returned only when there is no error at all.

    Never raises for bad content: every problem becomes a ContentError (sorted by position).
    """
    if len(raw) > MAX_BYTES:
        return None, [_too_large(len(raw), display_path)]
    text, errors = _decode(raw, display_path)
    if text is None:
        return None, errors
    if _CStrictLoader is not None:
        quick = _Builder(display_path)
        try:
            quick.build(text, fast=True)
        except RecursionError:
            pass
        else:
            if not quick.errors:
                return Document(display_path, quick.root, quick.value_marks, quick.key_marks), []
    builder = _Builder(display_path)
    try:
        builder.build(text)
    except RecursionError:
        # The event stream is read without recursion; this guards against a future PyYAML that
        # recurses somewhere, so a hostile file still yields an error instead of a crash.
        path = builder.stack[-1].path if builder.stack else ()
        depth = max(len(builder.stack), MAX_DEPTH + 1)
        builder.error(builder.last_mark, path, msg(*TOO_DEEP, max=MAX_DEPTH, depth=depth))
    if builder.errors:
        return None, sorted(builder.errors)
    return Document(display_path, builder.root, builder.value_marks, builder.key_marks), []


def load_yaml_file(path: Path, display_path: str) -> tuple[Document | None, list[ContentError]]:
    """Read and parse a content file; refuses symlinks, non-regular files and oversized files."""

    def refuse(message: Message) -> tuple[None, list[ContentError]]:
        return None, [ContentError(display_path, 0, 0, "", message)]

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return refuse(msg(*FILE_NOT_FOUND))
    except (OSError, ValueError) as exc:
        return refuse(msg(*FILE_UNREADABLE, reason=getattr(exc, "strerror", None) or exc))
    # A symlink could point outside the content folder (/etc/passwd) and be published.
    if stat.S_ISLNK(info.st_mode):
        return refuse(msg(*FILE_IS_SYMLINK))
    if not stat.S_ISREG(info.st_mode):
        kind_vi, kind_en = _KINDS["dir" if stat.S_ISDIR(info.st_mode) else "special"]
        return refuse(msg(*FILE_NOT_REGULAR, kind_vi=kind_vi, kind_en=kind_en))
    if info.st_size > MAX_BYTES:
        return None, [_too_large(info.st_size, display_path)]
    try:
        # O_NOFOLLOW closes the gap between lstat() and open() where the file could be swapped
        # for a symlink; reading one byte past the cap catches a file that grew in that gap.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        return refuse(msg(*FILE_UNREADABLE, reason=exc.strerror or exc))
    return load_yaml_bytes(raw, display_path)
