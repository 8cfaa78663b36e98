"""Each field's rules, asserted through the same path editors hit: YAML text → schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from generator.errors import Diagnostics
from generator.fields import INVALID, Context, I18n, Model, add_months, gtin_check_digit, run
from generator.schema import Certification, Product, Variant
from generator.yamlload import load_yaml_bytes

PATH = "products/x/product.yaml"


def convert(model: Any, text: str) -> tuple[Any, list[str], list[str]]:
    doc, problems = load_yaml_bytes(text.encode(), PATH)
    assert doc is not None and not problems
    diag = Diagnostics()
    value = run(model, doc.data, (), Context(doc, diag))
    return value, [e.format("vi") for e in diag.errors], [w.format("en") for w in diag.warnings]


CERT = """\
stars: "4"
decision: 858/QĐ-UBND
date: 2023-05-10
issuer: {vi: UBND tỉnh Đắk Nông, en: Đắk Nông Provincial People's Committee}
level: province
"""


@pytest.mark.parametrize(
    ("data", "check"),
    [("400638133393", 1), ("629104150021", 3), ("893456789012", 0)],
)
def test_gtin_check_digit_examples_from_gs1(data: str, check: int) -> None:
    assert gtin_check_digit(data) == check


def test_gtin_with_valid_check_digit_is_kept() -> None:
    value, errors, _ = convert(Model(Variant), "name: Túi 2 kg\ngtin: 893 4567 890 120\n")
    assert errors == []
    assert value.gtin == "8934567890120"


def test_gtin_with_wrong_check_digit_names_the_right_one() -> None:
    _, errors, _ = convert(Model(Variant), "name: Túi 2 kg\ngtin: '8934567890121'\n")
    assert errors == [
        f"{PATH}:2:7: gtin: mã GTIN 8934567890121 sai số kiểm tra: chữ số cuối phải là 0, "
        "nhưng là 1"
    ]


def test_gtin_of_wrong_length() -> None:
    _, errors, _ = convert(Model(Variant), "name: Túi\ngtin: 12345\n")
    assert errors == [
        f'{PATH}:2:7: gtin: cần một mã GTIN gồm 8, 12, 13 hoặc 14 chữ số, nhưng gặp "12345"'
    ]


def test_certificate_valid_36_months_from_signing() -> None:
    cert, errors, _ = convert(Model(Certification), CERT)
    assert errors == []
    assert cert.expires == dt.date(2026, 5, 10)


def test_certificate_validity_given_explicitly_wins() -> None:
    cert, _, _ = convert(Model(Certification), CERT + "valid_until: 2025-01-01\n")
    assert cert.expires == dt.date(2025, 1, 1)


def test_36_months_from_29_february_ends_on_28_february() -> None:
    assert add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)


def test_stars_outside_3_to_5_refused() -> None:
    _, errors, _ = convert(Model(Certification), CERT.replace('"4"', "2"))
    assert errors == [f"{PATH}:1:8: stars: cần một số từ 3 đến 5, nhưng gặp 2"]


def test_impossible_date_and_wrong_format() -> None:
    text = CERT.replace("2023-05-10", "2024-02-30") + "valid_until: 15/3/2027\n"
    _, errors, _ = convert(Model(Certification), text)
    assert errors == [
        f'{PATH}:3:7: date: ngày "2024-02-30" không có trên lịch',
        f"{PATH}:6:14: valid_until: cần một ngày dạng NĂM-THÁNG-NGÀY (ví dụ 2024-03-15), "
        'nhưng gặp "15/3/2027"',
    ]


def test_choice_suggests_the_closest_value() -> None:
    _, errors, _ = convert(Model(Certification), CERT.replace("province", "provnce"))
    assert errors == [
        f'{PATH}:5:8: level: cần một trong: district, province, national, nhưng gặp "provnce" '
        '— có phải "province"?'
    ]


def test_price_must_be_whole_dong() -> None:
    _, errors, _ = convert(Model(Variant), "name: Túi\nprice_retail: 12,50\n")
    assert errors == [
        f'{PATH}:2:15: price_retail: cần một số nguyên đồng (ví dụ 125000), nhưng gặp "12,50"'
    ]


def test_unknown_key_is_a_warning_with_did_you_mean() -> None:
    value, errors, warnings = convert(Model(Variant), "name: Túi\nprice_retial: '1000'\n")
    assert errors == [] and value is not INVALID
    assert warnings == [
        f'{PATH}:2:1: warning: price_retial: unknown field "price_retial" — did you mean '
        '"price_retail"?'
    ]


def test_missing_required_fields_all_reported() -> None:
    _, errors, _ = convert(Model(Certification), "stars: '3'\n")
    assert errors == [
        f'{PATH}:1:1: thiếu trường bắt buộc "decision" (số quyết định công nhận, ví dụ '
        "858/QĐ-UBND)",
        f'{PATH}:1:1: thiếu trường bắt buộc "date" (ngày ký quyết định)',
        f'{PATH}:1:1: thiếu trường bắt buộc "issuer" (cơ quan ban hành, ví dụ UBND huyện Krông Nô)',
        f'{PATH}:1:1: thiếu trường bắt buộc "level" (cấp công nhận: district (huyện), province '
        "(tỉnh), national (trung ương))",
    ]


def test_bilingual_text_plain_string_is_vietnamese_only() -> None:
    value, _, _ = convert(Model(Variant), "name: Túi 2 kg\n")
    assert value.name == I18n("Túi 2 kg")
    assert value.name.get("en") == "Túi 2 kg" and not value.name.has("en")


def test_bilingual_text_needs_vietnamese() -> None:
    _, errors, _ = convert(Model(Variant), "name: {en: 2 kg bag}\n")
    assert errors == [f"{PATH}:1:7: name.vi: thiếu nội dung tiếng Việt (vi)"]


def test_javascript_url_refused() -> None:
    text = CERT + "document_url: javascript:alert(1)\n"
    _, errors, _ = convert(Model(Certification), text)
    assert errors == [
        f"{PATH}:6:15: document_url: cần một địa chỉ web bắt đầu bằng https:// hoặc http://, "
        'nhưng gặp "javascript:alert(1)"'
    ]


def test_norway_and_octal_stay_text_where_text_is_expected() -> None:
    value, errors, _ = convert(Model(Variant), "name: NO\nsku: 0123456\n")
    assert errors == []
    assert value.name.vi == "NO" and value.sku == "0123456"


def test_summary_longer_than_160_characters() -> None:
    text = "id: x\nname: X\nsummary: " + "a" * 161 + "\n"
    _, errors, _ = convert(Model(Product), text)
    assert f"{PATH}:3:10: summary: dài quá 160 ký tự (có 161 ký tự)" in errors
