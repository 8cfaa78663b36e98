"""Phase 1: gather and check everything, write nothing.

`load_catalogue` reads every product and producer file and the reference data, converts them with
the schema, then runs the checks that need more than one file (producer references, duplicate
GTINs, photo paths, communes). Every problem of the run is collected; the build stops here if any
is an error, so a half-valid catalogue is never published.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import images
from .errors import ContentErrors, Diagnostics, msg
from .fields import INVALID, Context, I18n, run
from .schema import (
    PRODUCER,
    PRODUCT,
    PUBLISHED_STATUSES,
    STAR_BANDS,
    Commune,
    Producer,
    Product,
)
from .text import nfc
from .yamlload import Document, format_key_path, load_yaml_file

PRODUCT_FILE = "product.yaml"
TAXONOMY_FILE = Path(__file__).parent / "data" / "ocop_taxonomy.yaml"
EXPECTED_LEVEL = {3: ("district", "province"), 4: ("province",), 5: ("national",)}


@dataclass(frozen=True)
class CategorySet:
    code: str
    name: I18n
    group_code: str


@dataclass(frozen=True)
class Group:
    code: str
    slug: str
    name: I18n
    sets: tuple[CategorySet, ...]


@dataclass
class Taxonomy:
    version: str
    groups: list[Group]
    sets: dict[str, CategorySet]

    def group_of(self, code: str) -> Group:
        return next(g for g in self.groups if g.code == self.sets[code].group_code)


@dataclass
class Region:
    area: I18n
    province_old: I18n
    province_new: I18n
    old: dict[str, Commune]
    new: dict[str, Commune]


@dataclass
class Catalogue:
    root: Path
    today: dt.date
    taxonomy: Taxonomy
    region: Region
    products: list[Product]
    """Every valid product, drafts included, sorted by id."""
    producers: dict[str, Producer]
    photo_files: dict[tuple[str, str], Path] = field(default_factory=dict)
    """(product id, file as typed) → the resolved photo file."""
    source_files: dict[str, Path] = field(default_factory=dict)
    """Product or producer id → its YAML file (for change detection)."""
    preview: bool = False
    """The live preview shows drafts and candidates too (marked as such on their pages), so an
    editor sees a new product before setting it active; a release never does."""

    @cached_property
    def published(self) -> list[Product]:
        if self.preview:
            return list(self.products)
        return [p for p in self.products if p.status in PUBLISHED_STATUSES]

    @cached_property
    def _by_producer(self) -> dict[str, list[Product]]:
        index: dict[str, list[Product]] = {}
        for product in self.published:
            index.setdefault(product.producer, []).append(product)
        return index

    def products_of(self, producer_id: str) -> list[Product]:
        """Computed once: a per-call scan made rendering quadratic (2.6 s at 1,000 products)."""
        return self._by_producer.get(producer_id, [])

    def commune_new(self, product: Product) -> Commune:
        new_id = product.place.commune_new or self.region.old[product.place.commune_old].new_id
        assert new_id is not None
        return self.region.new[new_id]

    def is_expired(self, product: Product) -> bool:
        current = product.current
        return product.status == "expired" or (current is not None and current.expires < self.today)

    def state(self, product: Product) -> str:
        """What a product's page, card, share image and exports say about its certificate:
        active, expired, withdrawn, unconfirmed (no stars without evidence), and in the live
        preview only, draft or candidate."""
        if product.status in ("withdrawn", "draft", "candidate"):
            return product.status
        if self.is_expired(product):
            return "expired"
        if not self.shows_stars(product):
            return "unconfirmed"
        return "active"

    def shows_stars(self, product: Product) -> bool:
        """Stars appear only when a decision or official news backs them (DATA-MODEL, provenance)."""
        return (
            product.current is not None
            and product.provenance.evidence != "unconfirmed"
            and product.status != "candidate"  # being rated: no stars until the decision
        )


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _load_doc(root: Path, path: Path, diag: Diagnostics) -> Document | None:
    doc, problems = load_yaml_file(path, _rel(root, path))
    diag.extend(problems)
    return doc


def _i18n(value: Any) -> I18n:
    if isinstance(value, dict):
        return I18n(nfc(value["vi"]), nfc(value["en"]) if value.get("en") else None)
    return I18n(nfc(str(value)))


def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    """The taxonomy ships with the generator; a broken file is a bug, so it may raise."""
    doc, problems = load_yaml_file(path, path.name)
    if doc is None or problems:
        raise ContentErrors(problems)
    version = next(v for v in doc.data["versions"] if v["current"] == "true")
    groups = []
    sets: dict[str, CategorySet] = {}
    for g in version["groups"]:
        group_sets = tuple(
            CategorySet(s["code"], I18n(s["vi"], s["en"]), g["code"]) for s in g["sets"]
        )
        groups.append(Group(g["code"], g["slug"], I18n(g["vi"], g["en"]), group_sets))
        sets.update({s.code: s for s in group_sets})
    return Taxonomy(version["id"], groups, sets)


def load_region(root: Path, diag: Diagnostics) -> Region | None:
    path = root / "data" / "communes.yaml"
    doc = _load_doc(root, path, diag)
    if doc is None:
        return None
    data = doc.data
    old = {
        c["id"]: Commune(c["id"], c["name"], c["type"], _i18n(c["area"]) if c.get("area") else None)
        for c in data["old"]
    }
    new: dict[str, Commune] = {}
    for c in data["new"]:
        new[c["id"]] = Commune(c["id"], c["name"], c["type"], old_ids=tuple(c["old"]))
        for old_id in c["old"]:
            if old_id not in old:
                mark = doc.mark(("new", data["new"].index(c), "old"))
                diag.error(
                    doc.path,
                    mark.line,
                    mark.column,
                    "new.old",
                    msg(
                        'không có xã cũ "{id}" trong danh sách old',
                        'no old commune "{id}" in the old list',
                        id=old_id,
                    ),
                )
                continue
            o = old[old_id]
            old[old_id] = Commune(o.id, o.name, o.type, o.area, new_id=c["id"])
    return Region(
        _i18n(data["area"]), _i18n(data["province_old"]), _i18n(data["province_new"]), old, new
    )


def _entries(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(folder.iterdir(), key=lambda p: p.name)


RESERVED_PRODUCER_ID = re.compile(r"trang-\d+")
"""The producers list's further pages live at nha-san-xuat/trang-<n>/, beside the producer pages."""


def load_catalogue(
    root: Path, today: dt.date | None = None, *, preview: bool = False
) -> tuple[Catalogue, Diagnostics]:
    """Load and check the whole catalogue; raise ContentErrors (with warnings) on any error."""
    diag = Diagnostics()
    taxonomy = load_taxonomy()
    region = load_region(root, diag)
    producers: dict[str, Producer] = {}
    producer_docs: dict[str, Document] = {}
    source_files: dict[str, Path] = {}
    broken: set[str] = set()
    """Producer files with errors of their own: their products are not told the file is missing."""

    for path in _entries(root / "producers"):
        if path.suffix not in (".yaml", ".yml") or path.name.startswith("."):
            continue
        doc = _load_doc(root, path, diag)
        producer = INVALID if doc is None else run(PRODUCER, doc.data, (), Context(doc, diag))
        if doc is None or producer is INVALID:
            broken.add(nfc(path.stem))
            continue
        problem = None
        if producer.id != nfc(path.stem):
            problem = msg(
                'mã "{id}" phải trùng tên tệp "{stem}"',
                'the id "{id}" must equal the file name "{stem}"',
                id=producer.id,
                stem=path.stem,
            )
        elif RESERVED_PRODUCER_ID.fullmatch(producer.id):
            problem = msg(
                'mã "{id}" trùng với địa chỉ một trang của danh sách chủ thể '
                "(nha-san-xuat/{id}/); hãy chọn mã khác, ví dụ theo tên chủ thể",
                'the id "{id}" is the address of a page of the producers list '
                "(nha-san-xuat/{id}/); choose another id, e.g. from the producer's name",
                id=producer.id,
            )
        if problem is not None:
            mark = doc.mark(("id",))
            diag.error(doc.path, mark.line, mark.column, "id", problem)
            continue
        producers[producer.id] = producer
        producer_docs[producer.id] = doc
        source_files[f"producer:{producer.id}"] = path

    products: list[Product] = []
    folders = [f for f in _entries(root / "products") if not f.name.startswith(".")]
    checks = (
        None
        if region is None  # the communes file has errors of its own: nothing to check against
        else CrossChecks(
            root,
            taxonomy,
            region,
            producers,
            broken,
            {nfc(f.name) for f in folders if (f / PRODUCT_FILE).is_file()},
            diag,
        )
    )
    for folder in folders:
        if not folder.is_dir():
            continue
        display = _rel(root, folder)
        if folder.is_symlink():
            diag.error(
                display,
                0,
                0,
                "",
                msg(
                    "thư mục sản phẩm là một liên kết tượng trưng (symlink); hãy chép thư mục thật vào "
                    "products/",
                    "the product folder is a symbolic link; copy the real folder into products/",
                ),
            )
            continue
        yaml_path = folder / PRODUCT_FILE
        if not yaml_path.exists() and not yaml_path.is_symlink():
            diag.warning(
                display,
                0,
                0,
                "",
                msg(
                    "thư mục không có tệp product.yaml nên bị bỏ qua",
                    "the folder has no product.yaml and is skipped",
                ),
            )
            continue
        doc = _load_doc(root, yaml_path, diag)
        if doc is None:
            continue
        product = run(PRODUCT, doc.data, (), Context(doc, diag))
        if product is INVALID:
            continue
        if product.id != nfc(folder.name):
            mark = doc.mark(("id",))
            diag.error(
                doc.path,
                mark.line,
                mark.column,
                "id",
                msg(
                    'mã "{id}" phải trùng tên thư mục "{folder}"',
                    'the id "{id}" must equal the folder name "{folder}"',
                    id=product.id,
                    folder=folder.name,
                ),
            )
            continue
        products.append(product)
        source_files[product.id] = yaml_path
        if checks is not None:
            checks.check(product, doc)

    catalogue = Catalogue(
        root,
        today or dt.date.today(),
        taxonomy,
        region or Region(I18n(""), I18n(""), I18n(""), {}, {}),
        products,
        producers,
        source_files=source_files,
        preview=preview,
        photo_files={} if checks is None else checks.photo_files,
    )
    if region is not None:
        for pid, producer in producers.items():
            if producer.commune_old not in region.old:
                _unknown_commune(
                    producer_docs[pid], ("commune_old",), producer.commune_old, region, diag
                )
    diag.raise_if_errors()
    return catalogue, diag


def _unknown_commune(
    doc: Document,
    path: tuple[str, ...],
    value: str,
    region: Region,
    diag: Diagnostics,
    *,
    new: bool = False,
) -> None:
    known = region.new if new else region.old
    mark = doc.mark(path)
    diag.error(
        doc.path,
        mark.line,
        mark.column,
        ".".join(path),
        msg(
            'không có xã "{id}" trong data/communes.yaml; các mã hợp lệ: {ids}',
            'no commune "{id}" in data/communes.yaml; valid ids: {ids}',
            id=value,
            ids=", ".join(sorted(known)),
        ),
    )


@dataclass
class CrossChecks:
    """The checks of a product against the shared data (producers, taxonomy, communes) and the
    products before it (GTINs, former ids).

    load_catalogue runs them as each product is loaded, so that its Document is dropped at
    once: about 65 KB a product of raw data and line marks, 1.3 GB held at the same time for a
    20,000-product catalogue when they ran after the last product was loaded.
    """

    root: Path
    taxonomy: Taxonomy
    region: Region
    producers: dict[str, Producer]
    broken_producers: set[str]
    """Producer files with errors of their own: their products are not told the file is missing."""
    product_ids: set[str]
    """The ids of every product (a former id must not be one)."""
    diag: Diagnostics
    photo_files: dict[tuple[str, str], Path] = field(default_factory=dict)
    gtins: dict[str, tuple[str, int]] = field(default_factory=dict)
    former: dict[str, str] = field(default_factory=dict)

    def check(self, product: Product, doc: Document) -> None:
        diag = self.diag

        def error(
            path: tuple[str | int, ...], vi: str, en: str, doc: Document = doc, **params: object
        ) -> None:
            mark = doc.mark(path)
            diag.error(
                doc.path, mark.line, mark.column, format_key_path(path), msg(vi, en, **params)
            )

        if product.producer not in self.producers and product.producer not in self.broken_producers:
            error(
                ("producer",),
                'không có chủ thể "{id}": cần tệp producers/{id}.yaml',
                'no producer "{id}": the file producers/{id}.yaml is needed',
                id=product.producer,
            )
        if product.ocop_category not in self.taxonomy.sets:
            error(
                ("ocop_category",),
                'không có bộ sản phẩm "{code}" trong phân loại {v}; ví dụ: I.6 (cà phê), I.2a '
                "(gạo), IV.2 (dệt may)",
                'no product set "{code}" in the {v} classification; e.g. I.6 (coffee), I.2a '
                "(rice), IV.2 (textiles)",
                code=product.ocop_category,
                v=self.taxonomy.version,
            )
        place = product.place
        if place.commune_old not in self.region.old:
            _unknown_commune(doc, ("place", "commune_old"), place.commune_old, self.region, diag)
        elif place.commune_new is not None:
            derived = self.region.old[place.commune_old].new_id
            if place.commune_new not in self.region.new:
                _unknown_commune(
                    doc, ("place", "commune_new"), place.commune_new, self.region, diag, new=True
                )
            elif derived and derived != place.commune_new:
                error(
                    ("place", "commune_new"),
                    'xã cũ "{old}" nay thuộc xã "{derived}", không phải "{new}"',
                    'the old commune "{old}" is now part of "{derived}", not "{new}"',
                    old=place.commune_old,
                    derived=derived,
                    new=place.commune_new,
                )
        if product.status == "active" and not product.certifications:
            error(
                ("certifications",),
                "sản phẩm đang hiệu lực (status: active) cần ít nhất một lần công nhận OCOP",
                "an active product (status: active) needs at least one OCOP certification",
            )
        for i, cert in enumerate(product.certifications):
            low, high = STAR_BANDS[cert.stars]
            if cert.score is not None and not low <= cert.score <= high:
                error(
                    ("certifications", i, "score"),
                    "{score} điểm không khớp hạng {stars} sao (cần {low}–{high} điểm)",
                    "a score of {score} does not match {stars} stars ({low}–{high} points)",
                    score=cert.score,
                    stars=cert.stars,
                    low=low,
                    high=high,
                )
            if cert.valid_until is not None and cert.valid_until <= cert.date:
                error(
                    ("certifications", i, "valid_until"),
                    "ngày hết hiệu lực {until} phải sau ngày ký {date}",
                    "the expiry date {until} must be after the signing date {date}",
                    until=cert.valid_until.isoformat(),
                    date=cert.date.isoformat(),
                )
            if cert.criteria == "148/2023" and cert.level not in EXPECTED_LEVEL[cert.stars]:
                mark = doc.mark(("certifications", i, "level"))
                diag.warning(
                    doc.path,
                    mark.line,
                    mark.column,
                    f"certifications[{i}].level",
                    msg(
                        "theo QĐ 148/2023, hạng {stars} sao do cấp {want} công nhận, không phải {got}",
                        "under Decision 148/2023, {stars} stars are certified at {want} level, "
                        "not {got}",
                        stars=cert.stars,
                        want="/".join(EXPECTED_LEVEL[cert.stars]),
                        got=cert.level,
                    ),
                )
        for i, old_id in enumerate(product.former_ids):
            if old_id in self.former or old_id in self.product_ids:
                owner = self.former.get(old_id) or old_id
                error(
                    ("former_ids", i),
                    'mã cũ "{old}" đang là mã của sản phẩm {owner}; một đường dẫn chỉ dẫn tới một '
                    "sản phẩm",
                    'the former id "{old}" belongs to product {owner}; a path leads to one '
                    "product only",
                    old=old_id,
                    owner=owner,
                )
            else:
                self.former[old_id] = product.id
        for i, variant in enumerate(product.variants):
            if variant.gtin is None:
                continue
            key = variant.gtin.zfill(14)
            if key in self.gtins:
                first, line = self.gtins[key]
                error(
                    ("variants", i, "gtin"),
                    "mã GTIN {gtin} đã dùng cho sản phẩm {first} (dòng {line}); mỗi quy cách "
                    "cần một mã riêng",
                    "GTIN {gtin} is already used by product {first} (line {line}); each pack "
                    "size needs its own",
                    gtin=variant.gtin,
                    first=first,
                    line=line,
                )
            else:
                self.gtins[key] = (product.id, doc.mark(("variants", i, "gtin")).line)
        _check_photos(self.root, self.photo_files, product, doc, diag)


def check_products(
    cat: Catalogue, docs: dict[str, Document], broken_producers: set[str], diag: Diagnostics
) -> None:
    """CrossChecks over a whole catalogue (the editors' guide checks its example this way)."""
    checks = CrossChecks(
        cat.root,
        cat.taxonomy,
        cat.region,
        cat.producers,
        broken_producers,
        {p.id for p in cat.products},
        diag,
        cat.photo_files,
    )
    for product in cat.products:
        checks.check(product, docs[product.id])


def _check_photos(
    root: Path,
    photo_files: dict[tuple[str, str], Path],
    product: Product,
    doc: Document,
    diag: Diagnostics,
) -> None:
    folder = root / "products" / product.id
    seen: dict[str, int] = {}
    for i, photo in enumerate(product.photos):
        mark = doc.mark(("photos", i, "file"))
        field_name = f"photos[{i}].file"
        path, problems = images.resolve_photo(
            folder,
            photo.file,
            display_path=doc.path,
            line=mark.line,
            column=mark.column,
            field=field_name,
        )
        diag.extend(problems)
        if path is None:
            continue
        key = os.path.normcase(str(path))
        if key in seen:
            diag.error(
                doc.path,
                mark.line,
                mark.column,
                field_name,
                msg(
                    "ảnh {file} đã được dùng ở photos[{first}]",
                    "the photo {file} is already used at photos[{first}]",
                    file=photo.file,
                    first=seen[key],
                ),
            )
            continue
        seen[key] = i
        photo_files[(product.id, photo.file)] = path
