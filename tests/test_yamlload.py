"""The strict YAML loader: one test per trap an official can type, plus never-raise properties.

Messages are asserted word for word, as an editor reads them, so a change of wording is deliberate.
"""

from __future__ import annotations

import os
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import ContentError
from generator.yamlload import (
    DUPLICATE_KEY,
    MAX_BYTES,
    MAX_DEPTH,
    Document,
    Mark,
    _Builder,
    format_key_path,
    load_yaml_bytes,
    load_yaml_file,
)

PATH = "products/x/product.yaml"


def ok(source: str | bytes) -> Document:
    raw = source.encode("utf-8") if isinstance(source, str) else source
    doc, errors = load_yaml_bytes(raw, PATH)
    assert errors == []
    assert doc is not None
    return doc


def fail(source: str | bytes, lang: str = "vi") -> list[str]:
    raw = source.encode("utf-8") if isinstance(source, str) else source
    doc, errors = load_yaml_bytes(raw, PATH)
    assert doc is None
    assert errors
    return [e.format("vi" if lang == "vi" else "en") for e in errors]


# Implicit types: every scalar stays the text that was typed.


def test_norway_and_no_stay_strings() -> None:
    assert ok("country: NO\norganic: no\nfresh: yes\n").data == {
        "country": "NO",
        "organic": "no",
        "fresh": "yes",
    }


def test_octal_looking_phone_stays_string() -> None:
    assert ok("phone: 0123456\nmobile: 0912345678\n").data == {
        "phone": "0123456",
        "mobile": "0912345678",
    }


def test_sexagesimal_time_stays_string() -> None:
    assert ok("time: 12:30:45\n").data == {"time": "12:30:45"}


def test_version_1_10_stays_string() -> None:
    assert ok("version: 1.10\n").data == {"version": "1.10"}


def test_impossible_date_stays_string() -> None:
    assert ok("harvest: 2024-02-30\n").data == {"harvest": "2024-02-30"}


def test_null_words_stay_strings_but_empty_value_is_none() -> None:
    doc = ok("a: null\nb: ~\nc:\nd: ''\ne: \"\"\nf: !!str\n")
    assert doc.data == {"a": "null", "b": "~", "c": None, "d": "", "e": "", "f": ""}


# Structural traps.


def test_duplicate_key_reports_both_lines() -> None:
    doc, errors = load_yaml_bytes(b"name: A\nprice: 1\nname: B\n", PATH)
    assert doc is None
    assert [e.format("vi") for e in errors] == [
        'products/x/product.yaml:3:1: name: khóa "name" bị lặp lại (đã có ở dòng 1)'
    ]
    assert [e.format("en") for e in errors] == [
        'products/x/product.yaml:3:1: name: duplicate key "name" (first at line 1)'
    ]
    assert errors[0].message.vi == DUPLICATE_KEY[0].format(key="name", first=1)


def test_every_duplicate_key_is_reported_including_nested_ones() -> None:
    source = "a: 1\nv:\n  - g: 1\n    g: 2\na: 2\na: 3\n"
    assert fail(source) == [
        'products/x/product.yaml:4:5: v[0].g: khóa "g" bị lặp lại (đã có ở dòng 3)',
        'products/x/product.yaml:5:1: a: khóa "a" bị lặp lại (đã có ở dòng 1)',
        'products/x/product.yaml:6:1: a: khóa "a" bị lặp lại (đã có ở dòng 1)',
    ]


def test_keys_equal_after_nfc_are_duplicates() -> None:
    source = "t\u00ean: A\nte\u0302n: B\n"  # "tên" typed once composed, once decomposed (macOS)
    assert fail(source) == [
        'products/x/product.yaml:2:1: tên: khóa "tên" bị lặp lại (đã có ở dòng 1)'
    ]


def test_alias_is_refused() -> None:
    source = "name: x\nother: *name\n"
    assert fail(source) == [
        'products/x/product.yaml:2:8: other: cần giá trị viết đầy đủ, nhưng gặp tham chiếu "*name"; '
        "nếu đây là chữ, hãy đặt cả giá trị trong dấu ngoặc kép, nếu không hãy chép đầy đủ giá trị "
        "vào đây"
    ]
    assert fail(source, "en") == [
        'products/x/product.yaml:2:8: other: expected a value written out, found the alias "*name"; '
        "if it is text, put the whole value in double quotes, otherwise copy the full value here"
    ]


def test_anchor_is_refused() -> None:
    assert fail("base: &b\n  a: 1\n") == [
        'products/x/product.yaml:1:7: base: cần giá trị viết đầy đủ, nhưng gặp dấu neo "&b"; nếu '
        'đây là chữ, hãy đặt cả giá trị trong dấu ngoặc kép, nếu không hãy xoá "&b"'
    ]


def test_alias_bomb_reports_every_anchor_and_alias_without_expanding() -> None:
    source = 'a: &a ["x", "x"]\nb: &b [*a, *a]\nc: [*b, *b]\n'
    lines = fail(source)
    assert [line.split(": ", 2)[:2] for line in lines] == [
        ["products/x/product.yaml:1:4", "a"],
        ["products/x/product.yaml:2:4", "b"],
        ["products/x/product.yaml:2:8", "b[0]"],
        ["products/x/product.yaml:2:12", "b[1]"],
        ["products/x/product.yaml:3:5", "c[0]"],
        ["products/x/product.yaml:3:9", "c[1]"],
    ]


def test_merge_key_is_refused() -> None:
    assert fail("a: 1\n<<: {b: 2}\n") == [
        'products/x/product.yaml:2:1: <<: cần tên trường, nhưng gặp khóa gộp "<<"; hãy viết đầy đủ '
        "từng trường thay vì gộp"
    ]
    assert fail("a: 1\n<<: {b: 2}\n", "en") == [
        'products/x/product.yaml:2:1: <<: expected a field name, found the merge key "<<"; write '
        "each field out instead of merging"
    ]


def test_quoted_merge_key_is_just_a_name() -> None:
    assert ok("'<<': x\n").data == {"<<": "x"}


def test_complex_key_is_refused() -> None:
    assert fail("name: x\n? {a: 1}\n: y\n") == [
        "products/x/product.yaml:2:3: cần tên trường là chữ, nhưng gặp một nhóm trường"
    ]
    assert fail("v:\n  ? [a, b]\n  : y\n", "en") == [
        "products/x/product.yaml:2:5: v: expected a field name (text), found a list"
    ]


def test_empty_key_is_refused() -> None:
    assert fail("? \n: y\n") == [
        'products/x/product.yaml:1:2: cần tên trường trước dấu ":", nhưng tên trường bị trống'
    ]


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ("value: !!python/object:os.system x\n", "!!python/object:os.system"),
        ("value: !!int 5\n", "!!int"),
        ("value: !foo x\n", "!foo"),
        ("value: !!map x\n", "!!map"),  # a standard tag, but on the wrong kind of value
        ("value: !!null\n", "!!null"),
    ],
)
def test_explicit_tag_is_refused(source: str, tag: str) -> None:
    assert fail(source) == [
        f'products/x/product.yaml:1:8: value: cần giá trị bình thường, nhưng gặp nhãn kiểu "{tag}"; '
        f'hãy xoá "{tag}" (nếu đây là chữ, hãy đặt cả giá trị trong dấu ngoặc kép)'
    ]


def test_explicit_tag_message_in_english() -> None:
    assert fail("value: !!int 5\n", "en") == [
        'products/x/product.yaml:1:8: value: expected a plain value, found the type tag "!!int"; '
        'delete "!!int" (if it is text, put the whole value in double quotes)'
    ]


def test_standard_tags_are_accepted() -> None:
    assert ok("a: !!str 5\nb: !!seq [x]\nc: !!map {d: e}\n").data == {
        "a": "5",
        "b": ["x"],
        "c": {"d": "e"},
    }


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    started = time.monotonic()
    lines = fail("[" * 5000 + "]" * 5000)
    assert time.monotonic() - started < 5
    assert lines == [
        "products/x/product.yaml:1:21: "
        + "[0]" * MAX_DEPTH
        + ": dữ liệu lồng nhau quá sâu: cho phép tối đa 20 cấp, nhưng ở đây đã tới cấp 21"
    ]


def test_deep_block_nesting_is_refused_in_english() -> None:
    source = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 1)) + "  " * 21 + "v: x\n"
    path = ".".join(f"k{i}" for i in range(MAX_DEPTH))
    assert fail(source, "en") == [
        f"products/x/product.yaml:21:41: {path}: nesting too deep: at most 20 levels allowed, "
        "found level 21 here"
    ]


def test_nesting_at_the_limit_is_accepted() -> None:
    doc = ok("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    data: Any = doc.data
    for _ in range(MAX_DEPTH - 1):
        data = data[0]
    assert data == []


def test_deep_complex_key_is_refused_quickly() -> None:
    assert fail("? " + "[" * 5000 + "\n: x\n") == [
        "products/x/product.yaml:1:3: cần tên trường là chữ, nhưng gặp một danh sách",
        "products/x/product.yaml:1:22: dữ liệu lồng nhau quá sâu: cho phép tối đa 20 cấp, nhưng ở "
        "đây đã tới cấp 21",
    ]


def test_second_document_is_refused() -> None:
    assert fail("name: a\n---\nname: b\n") == [
        "products/x/product.yaml:2:1: cần một tài liệu YAML duy nhất, nhưng gặp tài liệu thứ hai "
        'bắt đầu ở đây (dấu "---"); hãy xoá dấu "---" hoặc chuyển phần sau sang tệp khác'
    ]


# Characters and encodings.


def test_control_character_on_line_3() -> None:
    source = b"name: a\nnote: b\ndesc: c\x1fd\n"
    assert fail(source) == [
        "products/x/product.yaml:3:8: cần văn bản, nhưng gặp ký tự điều khiển vô hình U+001F "
        "(thường do sao chép từ nơi khác); hãy xoá ký tự này"
    ]
    assert fail(source, "en") == [
        "products/x/product.yaml:3:8: expected text, found the invisible control character U+001F "
        "(often pasted from elsewhere); delete it"
    ]


def test_control_character_column_counts_characters_not_bytes() -> None:
    assert fail("tên: Cà phê\x7f\n") == [
        "products/x/product.yaml:1:12: cần văn bản, nhưng gặp ký tự điều khiển vô hình U+007F "
        "(thường do sao chép từ nơi khác); hãy xoá ký tự này"
    ]


def test_nul_byte() -> None:
    assert fail(b"name: a\r\nnote: b\x00c\r\n") == [
        "products/x/product.yaml:2:8: cần văn bản, nhưng gặp ký tự rỗng NUL (U+0000); tệp có thể "
        "bị hỏng hoặc không phải tệp văn bản, hãy lưu lại tệp dưới dạng văn bản UTF-8"
    ]


def test_many_control_characters_are_summarised() -> None:
    lines = fail(b"a: " + b"\x01" * 30 + b"\n")
    assert len(lines) == 21
    assert lines[0].startswith("products/x/product.yaml:1:4: ")
    assert lines[-1] == (
        "products/x/product.yaml:1:24: còn 10 ký tự vô hình khác không được phép từ chỗ này trở "
        "đi; hãy xoá chúng"
    )


def test_escaped_control_character_in_double_quotes() -> None:
    assert fail('name: "a\\x1fb"\n') == [
        "products/x/product.yaml:1:7: name: cần văn bản, nhưng gặp ký tự điều khiển vô hình "
        "U+001F (thường do sao chép từ nơi khác); hãy xoá ký tự này"
    ]


def test_reader_error_gets_a_line_even_if_the_precheck_missed_it() -> None:
    # load_yaml_bytes refuses control characters before PyYAML sees them; this is the fallback.
    builder = _Builder(PATH)
    builder.build("a: b\nc: \x01\n")
    assert [e.format("en") for e in builder.errors] == [
        "products/x/product.yaml:2:4: expected text, found the invisible control character U+0001 "
        "(often pasted from elsewhere); delete it"
    ]


def test_impossible_escape_code_point() -> None:
    assert fail('name: "\\U99999999"\n') == [
        'products/x/product.yaml:1:10: sai cú pháp YAML: mã ký tự sau "\\u" hoặc "\\U" không tồn '
        "tại; hãy gõ trực tiếp ký tự đó"
    ]


def test_utf8_bom_is_accepted() -> None:
    doc = ok("\ufeffname: Cà phê\n".encode())
    assert doc.data == {"name": "Cà phê"}
    assert doc.key_marks[("name",)] == Mark(1, 1)
    assert doc.value_marks[("name",)] == Mark(1, 7)


def test_utf16_bom_is_refused() -> None:
    raw = "name: Cà phê\n".encode("utf-16")
    assert raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert fail(raw) == [
        "products/x/product.yaml: cần bảng mã Unicode (UTF-8), nhưng tệp được lưu theo bảng mã "
        "UTF-16; hãy mở tệp và lưu lại với bảng mã UTF-8"
    ]
    assert fail(raw, "en") == [
        "products/x/product.yaml: expected UTF-8, found a file saved as UTF-16; open it and save "
        "it again as UTF-8"
    ]


def test_utf32_bom_is_refused() -> None:
    assert fail("a: b\n".encode("utf-32"), "en") == [
        "products/x/product.yaml: expected UTF-8, found a file saved as UTF-32; open it and save "
        "it again as UTF-8"
    ]


def test_utf16_without_bom_is_recognised() -> None:
    assert fail("name: Cà phê\nprice: 1\n".encode("utf-16-le"), "en") == [
        "products/x/product.yaml: expected UTF-8, found a file saved as UTF-16; open it and save "
        "it again as UTF-8"
    ]


def test_windows_1258_is_refused_with_position() -> None:
    raw = "name: Cà phê\n".encode("cp1258")
    assert raw == b"name: C\xe0 ph\xea\n"
    assert fail(raw) == [
        "products/x/product.yaml:1:8: cần văn bản mã Unicode (UTF-8), nhưng gặp byte 0xE0 không "
        "hợp lệ; có thể tệp được lưu theo bảng mã cũ (Windows-1258, TCVN3, VNI), hãy lưu lại tệp "
        "với bảng mã UTF-8"
    ]
    assert fail(raw, "en") == [
        "products/x/product.yaml:1:8: expected UTF-8 text, found the invalid byte 0xE0; the file "
        "may use an old encoding (Windows-1258, Windows-1252, TCVN3, VNI), save the file as UTF-8"
    ]


def test_windows_1252_after_valid_utf8_lines() -> None:
    raw = "tên: Cà phê\r\n".encode() + b"note: caf\xe9\r\n"
    assert fail(raw, "en")[0].startswith(
        "products/x/product.yaml:2:10: expected UTF-8 text, found the invalid byte 0xE9;"
    )


def test_oversize_is_refused() -> None:
    raw = b"a: " + b"x" * MAX_BYTES
    assert fail(raw) == [
        "products/x/product.yaml: tệp quá lớn: cho phép tối đa 256 KB, nhưng tệp có 257 KB"
    ]
    assert fail(raw, "en") == [
        "products/x/product.yaml: file too large: at most 256 KB allowed, found 257 KB"
    ]


def test_exactly_max_bytes_is_accepted() -> None:
    raw = b"a: " + b"x" * (MAX_BYTES - 4) + b"\n"
    assert len(raw) == MAX_BYTES
    assert ok(raw).data == {"a": "x" * (MAX_BYTES - 4)}


def test_crlf_line_endings() -> None:
    doc = ok(b"name: a\r\nvariants:\r\n  - gtin: '123'\r\n    size: 500g\r\n")
    assert doc.data == {"name": "a", "variants": [{"gtin": "123", "size": "500g"}]}
    assert doc.value_marks[("variants", 0, "size")] == Mark(4, 11)
    assert doc.key_marks[("variants", 0, "size")] == Mark(4, 5)


def test_crlf_error_lines() -> None:
    assert fail(b"a: 1\r\nb: 2\r\na: 3\r\n") == [
        'products/x/product.yaml:3:1: a: khóa "a" bị lặp lại (đã có ở dòng 1)'
    ]


def test_nfd_input_is_normalised_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "tên: Cà phê Đắk Nông\ngiống: [Robusta, Cà]\n")
    assert nfd != unicodedata.normalize("NFC", nfd)
    doc = ok(nfd)
    assert doc.data == {"tên": "Cà phê Đắk Nông", "giống": ["Robusta", "Cà"]}
    assert all(unicodedata.is_normalized("NFC", key) for key in doc.data)


# Syntax errors: explained in plain words, with PyYAML's position.


def test_tab_indentation() -> None:
    assert fail("name: a\nv:\n\tb: c\n") == [
        "products/x/product.yaml:3:1: sai cú pháp YAML: cần dấu cách để thụt lề, nhưng gặp ký tự "
        "Tab; hãy thay Tab bằng dấu cách"
    ]


def test_colon_inside_value() -> None:
    assert fail("name: Cà phê: loại 1\n", "en") == [
        'products/x/product.yaml:1:13: YAML syntax error: found ":" where it is not allowed; if the '
        'value contains ": ", put the whole value in double quotes, otherwise check the indentation'
    ]


def test_unclosed_quote() -> None:
    assert fail('name: "Cà phê\nprice: 1\n') == [
        "products/x/product.yaml:3:1: sai cú pháp YAML: cần dấu ngoặc đóng cho đoạn chữ mở ở dòng "
        "1, nhưng tệp đã hết"
    ]


def test_windows_path_in_double_quotes() -> None:
    assert fail('photo: "D:\\pictures\\cafe.jpg"\n', "en") == [
        'products/x/product.yaml:1:12: YAML syntax error: inside double quotes, "\\" must start an '
        'escape such as "\\n", found \'p\'; write "\\\\" or use single quotes'
    ]


def test_windows_path_with_a_valid_escape_gives_a_control_character() -> None:
    # "\a" is the escape for BEL, so this path never reaches the unknown-escape error.
    assert fail('photo: "C:\\anh.jpg"\n') == [
        "products/x/product.yaml:1:8: photo: cần văn bản, nhưng gặp ký tự điều khiển vô hình "
        "U+0007 (thường do sao chép từ nơi khác); hãy xoá ký tự này"
    ]


def test_value_starting_with_star() -> None:
    assert fail("note: *ngon*\n") == [
        'products/x/product.yaml:1:12: sai cú pháp YAML: giá trị bắt đầu bằng "*" hoặc "&" cần '
        "được đặt trong dấu ngoặc kép"
    ]


def test_errors_before_a_syntax_error_are_kept() -> None:
    assert fail("a: 1\na: 2\nb: [x\n") == [
        'products/x/product.yaml:2:1: a: khóa "a" bị lặp lại (đã có ở dòng 1)',
        'products/x/product.yaml:4:1: sai cú pháp YAML: cần dấu "," hoặc "]" trong cặp ngoặc, '
        "nhưng gặp '<stream end>'",
    ]


# Marks and document shapes.


def test_marks_of_nested_paths_and_list_indices() -> None:
    source = (
        "id: gao\n"
        "variants:\n"
        "  - size: 1kg\n"
        "    gtin: '8934567890128'\n"
        "  - size: 5kg\n"
        "    gtin:\n"
        "tags: [a, b]\n"
    )
    doc = ok(source)
    assert doc.value_marks[("variants",)] == Mark(3, 3)
    assert doc.value_marks[("variants", 0)] == Mark(3, 5)
    assert doc.value_marks[("variants", 0, "gtin")] == Mark(4, 11)
    assert doc.key_marks[("variants", 0, "gtin")] == Mark(4, 5)
    assert doc.value_marks[("variants", 1, "gtin")] == Mark(6, 10)
    assert doc.value_marks[("tags", 1)] == Mark(7, 11)
    assert doc.key_marks[("tags",)] == Mark(7, 1)
    assert ("tags", 1) not in doc.key_marks
    assert () not in doc.value_marks


def test_mark_falls_back_to_nearest_ancestor() -> None:
    doc = ok("id: gao\nvariants:\n  - size: 1kg\n")
    assert doc.mark(("variants", 0, "gtin")) == Mark(3, 5)
    assert doc.mark(("nothing", "here")) == Mark(1, 1)
    assert doc.mark(()) == Mark(1, 1)
    assert doc.key_mark(("variants", 0, "size")) == Mark(3, 5)
    assert doc.key_mark(("variants", 0)) == Mark(3, 5)
    assert doc.key_mark(("variants", 0, "gtin")) == Mark(3, 5)


def test_empty_file() -> None:
    for source in (b"", b"\n", b"# only a comment\n", b"---\n", b"\xef\xbb\xbf"):
        doc = ok(source)
        assert doc.data is None
        assert doc.path == PATH


def test_top_level_list() -> None:
    doc = ok("- a\n- b: c\n")
    assert doc.data == ["a", {"b": "c"}]
    assert doc.value_marks[(1, "b")] == Mark(2, 6)
    assert doc.key_marks[(1, "b")] == Mark(2, 3)


def test_top_level_scalar() -> None:
    assert ok("just text\n").data == "just text"


def test_format_key_path() -> None:
    assert format_key_path(("variants", 0, "gtin")) == "variants[0].gtin"
    assert format_key_path((0, "b")) == "[0].b"
    assert format_key_path(()) == ""


# Files.


def test_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "product.yaml"
    path.write_bytes("name: Cà phê\n".encode())
    doc, errors = load_yaml_file(path, PATH)
    assert errors == []
    assert doc is not None and doc.data == {"name": "Cà phê"}


def test_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "real.yaml"
    target.write_text("name: a\n", encoding="utf-8")
    link = tmp_path / "product.yaml"
    link.symlink_to(target)
    doc, errors = load_yaml_file(link, PATH)
    assert doc is None
    assert [e.format("vi") for e in errors] == [
        "products/x/product.yaml: cần một tệp thật, nhưng đây là liên kết tượng trưng (symlink); "
        "hãy thay bằng chính tệp đó"
    ]
    assert [e.format("en") for e in errors] == [
        "products/x/product.yaml: expected a regular file, found a symbolic link; replace it with "
        "the file itself"
    ]


def test_directory_is_refused(tmp_path: Path) -> None:
    doc, errors = load_yaml_file(tmp_path, PATH)
    assert doc is None
    assert [e.format("vi") for e in errors] == [
        "products/x/product.yaml: cần một tệp thông thường, nhưng đây là một thư mục"
    ]


def test_missing_file(tmp_path: Path) -> None:
    doc, errors = load_yaml_file(tmp_path / "nope.yaml", PATH)
    assert doc is None
    assert [e.format("en") for e in errors] == ["products/x/product.yaml: file not found"]


def test_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "product.yaml"
    with path.open("wb") as stream:
        stream.truncate(100 * 1024 * 1024)  # sparse: reading it would show only MAX_BYTES + 1
    doc, errors = load_yaml_file(path, PATH)
    assert doc is None
    assert [e.format("vi") for e in errors] == [
        "products/x/product.yaml: tệp quá lớn: cho phép tối đa 256 KB, nhưng tệp có 102400 KB"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "product.yaml"
    os.mkfifo(path)
    doc, errors = load_yaml_file(path, PATH)
    assert doc is None
    assert [e.format("en") for e in errors] == [
        "products/x/product.yaml: expected a regular file, found a special file"
    ]


# Properties: whatever the bytes, the loader answers with data or errors, never an exception.


def check_answer(raw: bytes) -> None:
    doc, errors = load_yaml_bytes(raw, PATH)
    assert (doc is None) == bool(errors)
    assert all(isinstance(e, ContentError) for e in errors)
    for error in errors:
        assert error.path == PATH
        assert error.line >= 0 and error.column >= 0
        assert error.format("vi") and error.format("en")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_never_raises(text: str) -> None:
    check_answer(text.encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes_never_raise(raw: bytes) -> None:
    check_answer(raw)


YAMLISH = st.text(alphabet=st.sampled_from(list("ab :-[]{},&*!|>'\"#?%@`\\\t\n\r\x00\x1f")))


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_yaml_punctuation_never_raises(text: str) -> None:
    check_answer(text.encode("utf-8"))


SAFE_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Cn"))
SAFE_TEXT = st.text(SAFE_CHARS, max_size=20)


def nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, dict):
        return {nfc(key): nfc(item) for key, item in value.items()}
    return value


def mappings(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    # Keys that differ only in normalisation would be duplicates after NFC: keep one of them.
    pairs = st.lists(
        st.tuples(SAFE_TEXT, children),
        max_size=4,
        unique_by=lambda pair: unicodedata.normalize("NFC", pair[0]),
    )
    return pairs.map(dict)


NESTED = st.recursive(
    SAFE_TEXT,
    lambda children: st.lists(children, max_size=4) | mappings(children),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(mappings(NESTED))
def test_safe_dump_round_trip(data: dict[str, Any]) -> None:
    raw = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    doc, errors = load_yaml_bytes(raw, PATH)
    assert errors == []
    assert doc is not None
    assert doc.data == nfc(data)
