"""`python -m generator new`: the scaffolded files load, document every field and never overwrite."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import cli
from generator.build import Project
from generator.catalogue import load_catalogue
from generator.errors import Diagnostics
from generator.fields import Context, run
from generator.scaffold import (
    EXIT_CONTENT,
    EXIT_OK,
    EXIT_USAGE,
    Prompter,
    Request,
    Scaffold,
    base_id,
    plan,
    run_new,
    scalar,
    write,
)
from generator.schema import PRODUCT, Producer, Product
from generator.yamlload import load_yaml_bytes
from tests.conftest import TODAY

COFFEE = ["--name", "Cà phê bột Nâm Nung", "--category", "I.6", "--commune", "nam-nung"]
EXISTING_PRODUCER = ["--producer", "htx-ca-phe-nam-nung-do"]
TOP_LEVEL_KEY = re.compile(r"^(?:# )?([a-z_]+):")


def new(project: Project, *args: str) -> int:
    return cli.main(["new", "--root", str(project.root), "--today", TODAY.isoformat(), *args])


def top_level_keys(text: str) -> list[str]:
    """Field names at the top of a file, written or commented out (`# brand:`)."""
    return [m.group(1) for line in text.splitlines() if (m := TOP_LEVEL_KEY.match(line))]


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("products", "producers")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


def uncommented(text: str) -> Iterator[str]:
    """The file with every commented-out field block switched on (one "# " removed)."""
    in_block = False
    for line in text.splitlines():
        if TOP_LEVEL_KEY.match(line) and line.startswith("# "):
            in_block = True
            yield line[2:]
        elif in_block and line.startswith("#  "):
            yield line[2:]
        else:
            in_block = False
            yield line


def test_scaffold_loads_as_an_unpublished_draft(project: Project) -> None:
    assert new(project, *COFFEE, *EXISTING_PRODUCER) == EXIT_OK

    cat, diag = load_catalogue(project.root, TODAY)

    assert diag.problems == []
    product = next(p for p in cat.products if p.id == "ca-phe-bot-nam-nung")
    assert product.status == "draft"
    assert product not in cat.published
    assert product.name.vi == "Cà phê bột Nâm Nung"
    assert product.producer == "htx-ca-phe-nam-nung-do"
    assert product.ocop_category == "I.6"
    assert product.place.commune_old == "nam-nung"
    assert product.provenance.updated == TODAY
    assert product.provenance.evidence == "unconfirmed"


def test_every_product_field_is_in_the_file_in_schema_order(project: Project) -> None:
    assert new(project, *COFFEE, *EXISTING_PRODUCER) == EXIT_OK
    text = (project.root / "products/ca-phe-bot-nam-nung/product.yaml").read_text("utf-8")

    assert top_level_keys(text) == [f.name for f in dataclasses.fields(Product)]
    assert (
        text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/san-pham.schema.json"
    )
    assert "# nhãn hiệu / brand\n# brand:\n" in text
    assert "# tên sản phẩm (bắt buộc) / product name (required)\nname:\n" in text


def test_commented_examples_are_yaml_that_only_lacks_values(project: Project) -> None:
    """Switching every example on gives valid YAML; the schema then asks for the empty values
    instead of accepting a placeholder that would be published."""
    assert new(project, *COFFEE, *EXISTING_PRODUCER) == EXIT_OK
    text = (project.root / "products/ca-phe-bot-nam-nung/product.yaml").read_text("utf-8")
    switched_on = "\n".join(uncommented(text)) + "\n"

    doc, problems = load_yaml_bytes(switched_on.encode(), "product.yaml")
    assert problems == []
    assert doc is not None
    diag = Diagnostics()
    run(PRODUCT, doc.data, (), Context(doc, diag))

    assert "certifications[0].stars" in {p.field for p in diag.errors}
    assert "photos[0].alt.vi" in {p.field for p in diag.errors}
    assert all(p.field != "brand" for p in diag.errors)


def test_id_folds_diacritics_and_d() -> None:
    assert base_id("Đậu đen Đắk Sôr") == "dau-den-dak-sor"


def test_taken_id_gets_a_number(project: Project) -> None:
    args = ["--name", "Đậu đen Đắk Sôr", "--category", "I.2a", "--commune", "dak-sor"]
    assert new(project, *args, *EXISTING_PRODUCER) == EXIT_OK
    assert new(project, *args, *EXISTING_PRODUCER) == EXIT_OK

    assert (project.root / "products/dau-den-dak-sor/product.yaml").is_file()
    second = (project.root / "products/dau-den-dak-sor-2/product.yaml").read_text("utf-8")
    assert "\nid: dau-den-dak-sor-2\n" in second


def test_former_id_of_another_product_is_not_reused(project: Project) -> None:
    other = project.root / "products/gao-buon-choah/product.yaml"
    other.write_text(other.read_text("utf-8") + "\nformer_ids:\n  - dau-den-dak-sor\n", "utf-8")

    args = ["--name", "Đậu đen Đắk Sôr", "--category", "I.2a", "--commune", "dak-sor"]
    assert new(project, *args, *EXISTING_PRODUCER) == EXIT_OK

    assert not (project.root / "products/dau-den-dak-sor").exists()
    assert (project.root / "products/dau-den-dak-sor-2/product.yaml").is_file()
    load_catalogue(project.root, TODAY)


def test_new_producer_file_is_written_and_validates(project: Project) -> None:
    code = new(
        project,
        *COFFEE,
        "--producer-name",
        "HTX Cà phê Đắk Nang",
        "--producer-type",
        "cooperative",
    )
    assert code == EXIT_OK

    text = (project.root / "producers/htx-ca-phe-dak-nang.yaml").read_text("utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/chu-the.schema.json"
    assert top_level_keys(text) == [f.name for f in dataclasses.fields(Producer)]
    cat, _ = load_catalogue(project.root, TODAY)
    producer = cat.producers["htx-ca-phe-dak-nang"]
    assert (producer.name.vi, producer.type, producer.commune_old) == (
        "HTX Cà phê Đắk Nang",
        "cooperative",
        "nam-nung",
    )
    product = next(p for p in cat.products if p.id == "ca-phe-bot-nam-nung")
    assert product.producer == "htx-ca-phe-dak-nang"


def test_producer_name_of_an_existing_producer_uses_it(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted((project.root / "producers").iterdir())
    assert new(project, *COFFEE, "--producer-name", "HTX NÔNG NGHIỆP DỊCH VỤ BUÔN CHOÁH XANH") == 0

    assert sorted((project.root / "producers").iterdir()) == before
    assert (
        "Đã có chủ thể cùng tên, dùng producers/htx-buon-choah-xanh.yaml / a producer of that "
        "name exists: producers/htx-buon-choah-xanh.yaml is used"
    ) in capsys.readouterr().out


def test_existing_product_file_is_never_overwritten(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    before = files_under(project.root)

    code = new(project, *COFFEE, *EXISTING_PRODUCER, "--id", "gao-buon-choah")

    assert code == EXIT_CONTENT
    assert capsys.readouterr().err == (
        "đã có tệp products/gao-buon-choah/product.yaml; lệnh không ghi đè tệp có sẵn — chọn mã "
        "khác bằng --id / the file products/gao-buon-choah/product.yaml already exists and is not "
        "overwritten — choose another id with --id\n"
    )
    assert files_under(project.root) == before


def test_a_file_that_appears_before_writing_is_not_overwritten(project: Project) -> None:
    request = Request(
        name="Mật ong Nâm Nung",
        producer_name="Hộ kinh doanh Ong Nâm Nung",
        producer_type="household",
        category="I.2b",
        commune="nam-nung",
    )
    scaffold: Scaffold = plan(project.root, request, TODAY)
    product_file = project.root / scaffold.product_path
    product_file.parent.mkdir(parents=True)
    product_file.write_text("someone else's\n", "utf-8")

    with pytest.raises(Exception, match="already exists and is not overwritten"):
        write(project.root, scaffold)

    assert product_file.read_text("utf-8") == "someone else's\n"
    assert scaffold.producer_path is not None
    assert not (project.root / scaffold.producer_path).exists()


def test_unknown_commune_is_a_usage_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    before = files_under(project.root)

    code = new(
        project, *EXISTING_PRODUCER, "--name", "Cà phê", "--category", "I.6", "--commune", "dak-mil"
    )

    assert code == EXIT_USAGE
    assert capsys.readouterr().err == (
        'không có xã "dak-mil" trong data/communes.yaml; các mã hợp lệ: buon-choah, dak-dro, '
        "dak-mam, dak-nang, dak-sak, dak-sor, duc-xuyen, long-son, nam-da, nam-ndir, nam-nung, "
        'nam-xuan, quang-phu, tan-thanh / no commune "dak-mil" in data/communes.yaml; valid ids: '
        "buon-choah, dak-dro, dak-mam, dak-nang, dak-sak, dak-sor, duc-xuyen, long-son, nam-da, "
        "nam-ndir, nam-nung, nam-xuan, quang-phu, tan-thanh\n"
    )
    assert files_under(project.root) == before


def test_unknown_category_is_a_usage_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code = new(
        project,
        "--name",
        "Cà phê",
        *EXISTING_PRODUCER,
        "--category",
        "I.7",
        "--commune",
        "nam-nung",
    )

    assert code == EXIT_USAGE
    codes = (
        "I.1a, I.1b, I.2a, I.2b, I.3a, I.3b, I.3c, I.3d, I.4a, I.4b, I.5a, I.5b, I.6, II.1a, "
        "II.1b, II.2a, II.2b, III.1, III.2, III.3, IV.1, IV.2, V.1, V.2, V.3, VI"
    )
    assert capsys.readouterr().err == (
        f'không có bộ sản phẩm OCOP "I.7" trong phân loại 148/2023; các mã hợp lệ: {codes} / '
        f'no OCOP product set "I.7" in the 148/2023 classification; valid codes: {codes}\n'
    )


def test_missing_value_without_a_terminal_is_a_usage_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code = new(project, "--category", "I.6", "--commune", "nam-nung", *EXISTING_PRODUCER)

    assert code == EXIT_USAGE
    assert capsys.readouterr().err == (
        "thiếu --name (tên sản phẩm); chạy lệnh trong cửa sổ dòng lệnh để được hỏi từng mục / "
        "--name is missing (product name); run the command in a terminal to be asked for each "
        "value\n"
    )


def test_dry_run_writes_nothing(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    before = files_under(project.root)

    code = new(
        project, *COFFEE, "--producer-name", "HTX Mới", "--producer-type", "other", "--dry-run"
    )

    assert code == EXIT_OK
    assert files_under(project.root) == before
    assert not (project.root / "products/ca-phe-bot-nam-nung").exists()
    out = capsys.readouterr().out
    assert "--- products/ca-phe-bot-nam-nung/product.yaml (chưa ghi, --dry-run / not written" in out
    assert "--- producers/htx-moi.yaml (chưa ghi, --dry-run / not written" in out


def test_missing_values_are_asked_for_in_vietnamese(project: Project) -> None:
    answers = iter(["", "Tiêu xanh Quảng Phú", "1", "HTX Tiêu Quảng Phú", "1", "I.4b", "11"])
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    screen = io.StringIO()
    code = run_new(project.root, Request(), today=TODAY, prompter=Prompter(ask, screen), out=screen)

    assert code == EXIT_OK
    assert asked[:2] == ["Tên sản phẩm (product name): "] * 2
    assert (
        "Chủ thể sản xuất (producer):\n   1. Chủ thể mới, chưa có trong danh sách"
        in screen.getvalue()
    )
    assert (
        "Bộ sản phẩm OCOP (OCOP product set):\n   1. I.1a — Rau, củ, quả, hạt tươi"
        in screen.getvalue()
    )
    assert "  11. quang-phu — Quảng Phú" in screen.getvalue()
    cat, _ = load_catalogue(project.root, TODAY)
    product = next(p for p in cat.products if p.id == "tieu-xanh-quang-phu")
    assert (product.producer, product.ocop_category, product.place.commune_old) == (
        "htx-tieu-quang-phu",
        "I.4b",
        "quang-phu",
    )
    assert cat.producers["htx-tieu-quang-phu"].type == "cooperative"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Cà phê bột", "Cà phê bột"),
        ("2024", '"2024"'),
        ("2024-03-15", '"2024-03-15"'),
        ("yes", '"yes"'),
        ("HTX: Nâm Nung", '"HTX: Nâm Nung"'),
        ("Gạo #1", '"Gạo #1"'),
        ("Gạo loại 1#", "Gạo loại 1#"),
        ("Gạo # 1", '"Gạo # 1"'),
    ],
)
def test_text_that_looks_like_another_type_is_quoted(text: str, written: str) -> None:
    assert scalar(text) == written
    doc, _ = load_yaml_bytes(f"k: {written}\n".encode(), "x.yaml")
    assert doc is not None and doc.data == {"k": text}


def test_dates_stay_plain_where_the_schema_converts_them() -> None:
    assert scalar("2026-11-28", typed=True) == "2026-11-28"


def test_values_the_schema_refuses_stop_before_writing(project: Project) -> None:
    request = Request(
        name="x" * 121, producer="htx-ca-phe-nam-nung-do", category="I.6", commune="nam-nung"
    )
    screen = io.StringIO()

    code = run_new(project.root, request, today=TODAY, out=screen, err=screen)

    assert code == EXIT_USAGE
    assert "name.vi: dài quá 120 ký tự (có 121 ký tự)" in screen.getvalue()
    assert not any((project.root / "products").glob("xxx*"))
