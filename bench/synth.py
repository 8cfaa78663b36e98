"""Synthetic catalogues for the benchmark: N products, N/10 producers, 3 phone-like photos each.

`make_project(n)` writes `build/bench/<n>/` (git-ignored): a copy of the real project's
`mkdocs.yml`, `content/`, `theme_overrides/` and `data/`, plus generated `producers/` and
`products/`. Product i is the same at every N (its random generator is seeded with i, its producer
is number i // PRODUCTS_PER_PRODUCER, its photos are chosen from i alone), so the N=1000 catalogue is
the first fifth of the N=5000 one, and the caches of a build at one size serve the others.

Photos cost most of a cold build, so they have to be realistic and all different:

- a pool of POOL_SIZE distinct 1600×1200 JPEGs (gradients, shapes, sensor-like noise, camera EXIF,
  every fourth stored sideways with Orientation=6) is drawn once into `build/bench/photos/pool/`;
- every product photo is a pool image with a unique JPEG comment (COM segment) spliced in after
  SOI: different bytes, hence a different sha256 and a real encode in the generator's
  content-addressed image cache, for the price of a file copy. These copies live in
  `build/bench/photos/unique/` and are hard-linked into the product folders, so the catalogues of
  every N share them and a rerun costs nothing.
- `distinct_photos=K` bounds the number of different photos: photo j of product i is unique photo
  (3i + j) mod K, so products 0 … K/3 - 1 have photos of their own and the next ones reuse them
  (same bytes, so the generator encodes each once). It makes a catalogue of 20,000 products
  affordable when its photos are already in the cache of a smaller run.

Usage: python -m bench.synth [--sizes 100,1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import shutil
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
PHOTO_DIR = BENCH_DIR / "photos"
COPIED = ("mkdocs.yml", "content", "theme_overrides", "data")
GENERATED = ("producers", "products")
TAXONOMY = ROOT / "generator" / "data" / "ocop_taxonomy.yaml"

POOL_SIZE = 60
PHOTO_SIZE = (1600, 1200)
PHOTO_QUALITY = 85
NOISE_SIGMA = (6.0, 8.5)
"""Gaussian noise per channel; with the quality above, JPEGs come out at about 260–370 KB."""
PHOTOS_PER_PRODUCT = 3
PRODUCTS_PER_PRODUCER = 10
GS1_PREFIX = "952"
TODAY = dt.date(2026, 11, 28)
"""The build date the benchmark passes with --today: certificate dates are chosen around it."""
SUMMARY_MAX = 150
"""Below the schema's 160, so the benchmark's one-product edit still fits."""

# --- vocabulary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of OCOP product: its names, category and how it is sold."""

    vi: str
    en: str
    category: str
    unit: str
    sizes: tuple[int, ...]
    pack_vi: str
    pack_en: str
    food: bool = True


KINDS = (
    Kind(
        "Cà phê Robusta rang xay",
        "roasted ground Robusta coffee",
        "I.6",
        "g",
        (250, 500, 1000),
        "túi zip giấy kraft có van một chiều",
        "kraft zip pouch with a one-way valve",
    ),
    Kind(
        "Cà phê hạt rang mộc",
        "whole roasted coffee beans",
        "I.6",
        "g",
        (500, 1000),
        "túi nhôm có van một chiều",
        "foil bag with a one-way valve",
    ),
    Kind(
        "Bột ca cao nguyên chất",
        "pure cocoa powder",
        "I.6",
        "g",
        (200, 500),
        "hũ nhựa PET nắp vặn",
        "PET jar with a screw cap",
    ),
    Kind(
        "Gạo thơm",
        "fragrant rice",
        "I.2a",
        "kg",
        (2, 5, 10),
        "túi PA hút chân không",
        "vacuum-packed PA bag",
    ),
    Kind(
        "Mật ong hoa cà phê",
        "coffee blossom honey",
        "I.2b",
        "ml",
        (250, 500, 1000),
        "chai thủy tinh",
        "glass bottle",
    ),
    Kind(
        "Tiêu đen",
        "black pepper",
        "I.4b",
        "g",
        (100, 250, 500),
        "hũ thủy tinh nắp thiếc",
        "glass jar with a tin lid",
    ),
    Kind(
        "Hạt điều rang muối",
        "salted roasted cashews",
        "I.3c",
        "g",
        (250, 500),
        "hộp giấy có cửa sổ",
        "paper box with a window",
    ),
    Kind(
        "Bơ sáp",
        "butter avocado",
        "I.1a",
        "kg",
        (1, 5),
        "thùng carton có lỗ thông hơi",
        "ventilated carton",
    ),
    Kind("Sầu riêng Ri6", "Ri6 durian", "I.1a", "kg", (2, 10), "thùng carton", "carton"),
    Kind("Măng le khô", "dried bamboo shoots", "I.3c", "g", (200, 500), "túi zip", "zip bag"),
    Kind(
        "Chuối sấy dẻo",
        "soft dried banana",
        "I.3c",
        "g",
        (150, 300),
        "túi zip có cửa sổ",
        "zip bag with a window",
    ),
    Kind(
        "Khô bò một nắng",
        "sun-dried beef",
        "I.3d",
        "g",
        (250, 500),
        "túi hút chân không",
        "vacuum bag",
    ),
    Kind(
        "Cá lăng sông Sêrêpốk",
        "Sêrêpốk river catfish",
        "I.1b",
        "kg",
        (1, 3),
        "thùng xốp giữ lạnh",
        "insulated foam box",
    ),
    Kind(
        "Trà mãng cầu",
        "soursop tea",
        "I.5b",
        "g",
        (100, 200),
        "hộp giấy 20 túi lọc",
        "box of 20 tea bags",
    ),
    Kind("Rượu cần", "rice wine in a jar", "II.1b", "l", (1, 2, 5), "ché gốm", "ceramic jar"),
    Kind(
        "Tinh dầu sả chanh",
        "lemongrass essential oil",
        "III.3",
        "ml",
        (10, 50, 100),
        "lọ thủy tinh màu hổ phách",
        "amber glass vial",
        food=False,
    ),
    Kind(
        "Thổ cẩm M'Nông",
        "M'Nông brocade",
        "IV.2",
        "piece",
        (1,),
        "túi vải",
        "cloth bag",
        food=False,
    ),
    Kind(
        "Gùi mây tre đan",
        "woven rattan basket",
        "IV.1",
        "piece",
        (1,),
        "bọc giấy",
        "paper wrap",
        food=False,
    ),
    Kind("Lan rừng", "wild orchid", "V.1", "piece", (1,), "chậu nhựa", "plastic pot", food=False),
    Kind(
        "Tour du lịch sinh thái thác Đray Sáp",
        "Đray Sáp waterfall eco-tour",
        "VI",
        "person",
        (1,),
        "vé điện tử",
        "e-ticket",
        food=False,
    ),
)

QUALITIES = (
    ("trồng theo hướng hữu cơ", "grown organically"),
    ("thu hái thủ công", "picked by hand"),
    ("chế biến ngay trong ngày", "processed on the day of harvest"),
    ("không chất bảo quản", "without preservatives"),
    ("đạt chứng nhận VietGAP", "VietGAP certified"),
    ("theo công thức truyền thống của người M'Nông", "made to a traditional M'Nông recipe"),
)
PARAGRAPHS = (
    (
        "Vùng nguyên liệu nằm trên đất đỏ bazan ở độ cao khoảng 500 m, mưa nhiều từ tháng 5 đến "
        "tháng 10 và nắng khô vào mùa thu hoạch.",
        "The raw material grows on red basalt soil at about 500 m, with heavy rain from May to "
        "October and dry sunny weather at harvest time.",
    ),
    (
        "Mỗi lô hàng được ghi sổ từ khâu trồng đến khâu đóng gói, người mua có thể quét mã QR trên "
        "bao bì để xem nguồn gốc.",
        "Every batch is recorded from field to pack, and buyers can scan the QR code on the pack to "
        "see where it comes from.",
    ),
    (
        "Sản phẩm được sơ chế, phân loại và đóng gói tại xưởng của hợp tác xã, đạt điều kiện an "
        "toàn thực phẩm do huyện cấp.",
        "The product is cleaned, graded and packed in the cooperative's own workshop, which holds "
        "a district food safety certificate.",
    ),
    (
        "Hơn **40 hộ** thành viên cùng tuân thủ một quy trình canh tác, được cán bộ khuyến nông "
        "hướng dẫn định kỳ.",
        "More than **40 member households** follow one farming procedure, with regular visits from "
        "extension officers.",
    ),
    (
        "Bao bì in song ngữ Việt – Anh, có mã vạch GS1 và thông tin truy xuất nguồn gốc.",
        "The pack is printed in Vietnamese and English, with a GS1 barcode and traceability "
        "information.",
    ),
    (
        "Sản phẩm đã có mặt tại các điểm bán OCOP của tỉnh và một số siêu thị ở Buôn Ma Thuột, "
        "Thành phố Hồ Chí Minh.",
        "The product is sold in the province's OCOP shops and in some supermarkets in Buôn Ma Thuột "
        "and Ho Chi Minh City.",
    ),
    (
        "Hương vị đậm đà, *hậu vị ngọt*, được khách du lịch chọn làm quà khi ghé Krông Nô.",
        "A rich taste with a *sweet finish*; visitors to Krông Nô often take it home as a gift.",
    ),
    (
        "Năm 2024 cơ sở đầu tư thêm máy đóng gói và kho lạnh, nâng công suất lên gấp đôi.",
        "In 2024 the workshop added a packing machine and a cold store, doubling its capacity.",
    ),
)
FEATURES = (
    (
        "Nguyên liệu 100% từ vùng trồng của hợp tác xã",
        "100% raw material from the cooperative's own fields",
    ),
    ("Có mã vạch và tem truy xuất", "Barcode and traceability label"),
    ("Giao hàng toàn quốc", "Delivery across Vietnam"),
    ("Nhận gia công theo nhãn riêng", "Private label on request"),
    ("Đóng gói quà tặng theo yêu cầu", "Gift packing on request"),
)
STORIES = (
    (
        "Ông bà chúng tôi đã làm nghề này từ khi lập buôn bên dòng Krông Nô. Năm 2019 các hộ cùng "
        "nhau lập hợp tác xã để giữ nghề và đưa sản phẩm đi xa hơn.",
        "Our grandparents practised this craft when the village was founded on the Krông Nô river. "
        "In 2019 the households formed a cooperative to keep the craft alive and sell further away.",
    ),
    (
        "Sau nhiều năm bán nguyên liệu thô cho thương lái, chị em phụ nữ trong thôn học cách chế "
        "biến và đóng gói để tự làm ra sản phẩm mang tên quê mình.",
        "After years of selling raw produce to traders, the women of the village learnt to process "
        "and pack it themselves, under the name of their home commune.",
    ),
    (
        "Sản phẩm ra đời từ dự án khởi nghiệp của hai thanh niên trở về quê sau khi học đại học ở "
        "Đà Lạt, với mong muốn nâng giá trị nông sản địa phương.",
        "The product began as the start-up of two young people who came home after university in "
        "Đà Lạt to add value to local farm produce.",
    ),
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Y", "H'", "Điểu", "Thị")
GIVEN = (
    "Văn An",
    "Thị Bình",
    "Đức Cường",
    "Thị Dung",
    "Hữu Phúc",
    "Minh Tâm",
    "Ngọc Lan",
    "Blông",
    "Ja",
    "K'Brăm",
)
PRODUCER_TYPES = (
    ("cooperative", "Hợp tác xã Nông nghiệp", "Agricultural Cooperative"),
    ("enterprise", "Công ty TNHH", "Company Ltd."),
    ("household", "Hộ kinh doanh", "Household business"),
    ("cooperative_group", "Tổ hợp tác", "Cooperative group"),
)
ISSUERS = {
    "district": ("UBND huyện Krông Nô", "Krông Nô District People's Committee"),
    "province": ("UBND tỉnh Đắk Nông", "Đắk Nông Provincial People's Committee"),
    "national": (
        "Bộ Nông nghiệp và Phát triển nông thôn",
        "Ministry of Agriculture and Rural Development",
    ),
}
LEVEL_OF_STARS = {3: "district", 4: "province", 5: "national"}
STAR_BANDS = {3: (50, 69), 4: (70, 89), 5: (90, 100)}
CRITERIA_2023 = dt.date(2023, 2, 24)
PHOTO_SLOTS = (
    ("anh-chinh.jpg", "main", "{vi}, ảnh sản phẩm", "{en}, product photo"),
    ("bao-bi.jpg", "pack", "Bao bì {vi}", "Pack of {en}"),
    ("vung-nguyen-lieu.jpg", "field", "Vùng nguyên liệu của {vi}", "Where the {en} comes from"),
)


# --- small helpers ------------------------------------------------------------------------------


def gtin_check_digit(data: str) -> int:
    """GS1 mod-10: weights 3, 1, 3, 1… from the rightmost data digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(data)))
    return (10 - total % 10) % 10


def gtin13(sequence: int) -> str:
    """A GTIN-13 under the Vietnamese GS1 prefix, unique per sequence number."""
    data = f"{GS1_PREFIX}{sequence:09d}"
    return data + str(gtin_check_digit(data))


def slug(text: str) -> str:
    flat = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in flat if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() and c.isascii() else " " for c in ascii_text).split())


def day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;") + "…"


def bi(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def money(value: int) -> str:
    return str(round(value, -3))


class _Dumper(yaml.SafeDumper):
    """Block style, long lines kept whole, multi-line text as `|` literals (as editors write)."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
        default_flow_style=False,
    )


def write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- reference data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Commune:
    id: str
    name: str
    new_name: str


def load_communes(root: Path = ROOT) -> list[Commune]:
    data = yaml.safe_load((root / "data" / "communes.yaml").read_text(encoding="utf-8"))
    new_of = {old: c["name"] for c in data["new"] for old in c["old"]}
    return [Commune(c["id"], c["name"], new_of.get(c["id"], c["name"])) for c in data["old"]]


def load_categories() -> set[str]:
    data = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    current = next(v for v in data["versions"] if str(v["current"]) == "true")
    return {s["code"] for g in current["groups"] for s in g["sets"]}


# --- producers and products ---------------------------------------------------------------------


def producer_id(k: int) -> str:
    return f"chu-the-{k:05d}"


def make_producer(k: int, communes: Sequence[Commune]) -> dict[str, Any]:
    rng = random.Random(f"producer-{k}")
    commune = communes[k % len(communes)]
    kind, vi_type, en_type = PRODUCER_TYPES[k % len(PRODUCER_TYPES)]
    village = rng.randrange(1, 15)
    person = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
    about = "\n\n".join(p[0] for p in rng.sample(PARAGRAPHS, 2))
    about_en = "\n\n".join(p[1] for p in rng.sample(PARAGRAPHS, 2))
    return {
        "id": producer_id(k),
        "name": bi(f"{vi_type} {commune.name} số {k}", f"{commune.name} {en_type} No. {k}"),
        "type": kind,
        "commune_old": commune.id,
        "address_old": bi(
            f"Thôn {village}, xã {commune.name}, huyện Krông Nô, tỉnh Đắk Nông",
            f"Village {village}, {commune.name} commune, Krông Nô district, Đắk Nông province",
        ),
        "address_new": bi(
            f"Thôn {village}, xã {commune.new_name}, tỉnh Lâm Đồng",
            f"Village {village}, {commune.new_name} commune, Lâm Đồng province",
        ),
        "representative": person,
        "registration_number": f"6400{rng.randrange(100000, 999999)}",
        "phone": f"09{rng.randrange(10, 99)} {rng.randrange(100, 999)} {rng.randrange(100, 999)}",
        "zalo": f"08{rng.randrange(10, 99)} {rng.randrange(100, 999)} {rng.randrange(100, 999)}",
        "email": f"lienhe@{producer_id(k)}.example.vn",
        "website": f"https://{producer_id(k)}.example.vn/",
        "about": bi(about, about_en),
    }


def product_id(i: int) -> str:
    return f"{slug(KINDS[i % len(KINDS)].vi)}-{i:05d}"


def _certifications(rng: random.Random, expired: bool) -> list[dict[str, Any]]:
    latest = (
        day_between(rng, dt.date(2021, 6, 1), dt.date(2023, 6, 1))
        if expired
        else day_between(rng, dt.date(2024, 1, 1), dt.date(2026, 10, 31))
    )
    count = rng.choice((1, 1, 2, 3))
    stars = rng.choices((3, 4, 5), weights=(60, 35, 5))[0]
    certs = []
    for n in range(count):
        signed = latest - dt.timedelta(days=365 * 3 * (count - 1 - n) + rng.randrange(0, 40))
        star = max(3, stars - (count - 1 - n) * rng.choice((0, 1)))
        level = LEVEL_OF_STARS[star]
        low, high = STAR_BANDS[star]
        cert: dict[str, Any] = {
            "stars": str(star),
            "decision": f"{rng.randrange(100, 3999)}/QĐ-UBND",
            "date": signed.isoformat(),
            "issuer": bi(*ISSUERS[level]),
            "level": level,
            "criteria": "148/2023" if signed >= CRITERIA_2023 else "1048/2019",
            "score": str(rng.randint(low, high)),
        }
        if rng.random() < 0.5:
            cert["document_url"] = f"https://krongno.daknong.gov.vn/van-ban/{rng.randrange(10**6)}"
        certs.append(cert)
    return certs


def _variants(rng: random.Random, i: int, kind: Kind) -> list[dict[str, Any]]:
    sizes = sorted(rng.sample(kind.sizes, rng.randint(1, min(3, len(kind.sizes)))))
    base_price = rng.randrange(40, 400) * 1000
    out = []
    for j, size in enumerate(sizes):
        unit_vi = {"piece": "cái", "person": "người"}.get(kind.unit, kind.unit)
        unit_en = {"piece": "piece", "person": "person"}.get(kind.unit, kind.unit)
        retail = base_price * (j + 1)
        out.append(
            {
                "name": bi(f"{size} {unit_vi}", f"{size} {unit_en}"),
                "sku": f"SP{i:05d}-{j + 1}",
                "gtin": gtin13(i * 3 + j + 1),
                "net_content": str(size),
                "unit": kind.unit,
                "packaging": bi(kind.pack_vi.capitalize(), kind.pack_en.capitalize()),
                "case_pack": str(rng.choice((6, 12, 20, 24))),
                "case_dimensions": f"{rng.randrange(30, 60)} × {rng.randrange(20, 40)} × "
                f"{rng.randrange(15, 35)} cm",
                "case_weight_kg": f"{rng.randrange(3, 20)},{rng.randrange(10)}",
                "price_retail": money(retail),
                "price_wholesale": money(int(retail * 0.82)),
                "price_valid_until": "2027-06-30",
            }
        )
    return out


def make_product(i: int, producer: str, communes: Sequence[Commune]) -> dict[str, Any]:
    """Product i, the same at every N (`producer` is producer_id(i // PRODUCTS_PER_PRODUCER))."""
    rng = random.Random(f"product-{i}")
    kind = KINDS[i % len(KINDS)]
    commune = rng.choice(communes)
    quality_vi, quality_en = rng.choice(QUALITIES)
    expired = rng.random() < 0.05
    certs = _certifications(rng, expired)
    latest = max(dt.date.fromisoformat(c["date"]) for c in certs)
    name_vi, name_en = f"{kind.vi} {commune.name}", f"{commune.name} {kind.en}"
    paragraphs = rng.sample(PARAGRAPHS, 4)
    features = rng.sample(FEATURES, 3)
    description_vi = "\n\n".join(
        (
            f"**{name_vi}** {quality_vi}. {paragraphs[0][0]} {paragraphs[1][0]}",
            paragraphs[2][0] + " " + paragraphs[3][0],
            "\n".join(f"- {f[0]}" for f in features),
        )
    )
    description_en = "\n\n".join(
        (
            f"**{name_en[0].upper() + name_en[1:]}**, {quality_en}. {paragraphs[0][1]} "
            f"{paragraphs[1][1]}",
            paragraphs[2][1] + " " + paragraphs[3][1],
            "\n".join(f"- {f[1]}" for f in features),
        )
    )
    story_vi, story_en = rng.choice(STORIES)
    more = rng.choice([p for p in PARAGRAPHS if p not in paragraphs])
    story_vi, story_en = f"{story_vi}\n\n{more[0]}", f"{story_en}\n\n{more[1]}"
    summary_vi = clip(
        f"{kind.vi} {quality_vi} tại xã {commune.name}, Krông Nô; đóng gói {kind.pack_vi}.",
        SUMMARY_MAX,
    )
    summary_en = clip(
        f"{kind.en.capitalize()} {quality_en} in {commune.name}, Krông Nô; packed "
        f"in a {kind.pack_en}.",
        SUMMARY_MAX,
    )
    product: dict[str, Any] = {
        "id": product_id(i),
        "name": bi(name_vi, name_en[0].upper() + name_en[1:]),
        "producer": producer,
        "ocop_category": kind.category,
        "status": "expired" if expired else "active",
        "brand": f"{commune.name} Xanh" if rng.random() < 0.5 else f"Krông Nô {i}",
        "featured": "true" if i % 50 == 7 else "false",
        "summary": bi(summary_vi, summary_en),
        "description": bi(description_vi, description_en),
        "story": bi(story_vi, story_en),
        "certifications": certs,
        "photos": [
            {
                "file": file,
                "role": role,
                "alt": bi(alt_vi.format(vi=name_vi), alt_en.format(en=name_en)),
            }
            for file, role, alt_vi, alt_en in PHOTO_SLOTS
        ],
        "variants": _variants(rng, i, kind),
    }
    if kind.food:
        product["usage"] = bi(
            "Dùng ngay sau khi mở bao bì; đậy kín phần còn lại.",
            "Best used soon after opening; keep the rest closed.",
        )
        product["food"] = {
            "ingredients": bi(f"{kind.vi} (100%).", f"{kind.en.capitalize()} (100%)."),
            "shelf_life": bi("12 tháng kể từ ngày sản xuất", "12 months from production"),
            "after_opening": bi("Dùng trong 30 ngày", "Use within 30 days"),
            "storage": bi(
                "Nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp",
                "In a cool dry place, out of direct sunlight",
            ),
            "origin": bi(f"Xã {commune.name}, huyện Krông Nô", f"{commune.name}, Krông Nô"),
        }
    if rng.random() < 0.4:
        product["other_certifications"] = [
            {
                "name": rng.choice(("VietGAP", "TCVN 11041 hữu cơ", "HACCP", "ISO 22000")),
                "number": f"VGAP-{rng.randrange(1000, 9999)}",
                "issuer": bi("Trung tâm Chứng nhận Phù hợp", "Quality Certification Centre"),
                "valid_until": "2027-12-31",
            }
        ]
    if kind.food and rng.random() < 0.5:
        product["self_declaration"] = f"{rng.randrange(1, 99):02d}/{latest.year}/TCB"
    capacity, area = rng.randrange(1, 50), rng.randrange(5, 200)
    product["trade"] = {
        "min_order": bi("1 thùng", "1 case"),
        "lead_time": bi("3–5 ngày làm việc", "3–5 working days"),
        "monthly_capacity": bi(f"{capacity} tấn", f"{capacity} tonnes"),
        "seasonality": bi("Quanh năm", "All year round"),
        "delivery_area": bi("Toàn quốc", "All of Vietnam"),
    }
    product["where_to_buy"] = [
        {
            "name": bi("Tại cơ sở", "At the producer"),
            "kind": "producer",
            "address": bi(f"Xã {commune.name}, huyện Krông Nô", f"{commune.name}, Krông Nô"),
        },
        {
            "name": bi("Điểm bán OCOP Krông Nô", "Krông Nô OCOP shop"),
            "kind": "ocop_shop",
            "phone": "0261 3684 123",
        },
    ][: rng.randint(1, 2)]
    product["tags"] = rng.sample(
        ["đặc sản", "quà tặng", "Krông Nô", "hữu cơ", "M'Nông", "Tây Nguyên"], 3
    )
    product["place"] = {
        "commune_old": commune.id,
        "raw_material_area": bi(f"{area} ha tại xã {commune.name}", f"{area} ha in {commune.name}"),
        "latitude": f"12.{rng.randrange(250000, 450000)}",
        "longitude": f"107.{rng.randrange(800000, 999999)}",
    }
    product["provenance"] = {
        "updated": min(latest + dt.timedelta(days=rng.randrange(1, 60)), TODAY).isoformat(),
        "evidence": "decision" if rng.random() < 0.9 else "official_news",
        "sources": [
            {
                "title": bi("Quyết định công nhận sản phẩm OCOP", "OCOP recognition decision"),
                "url": "https://krongno.daknong.gov.vn/ocop",
            }
        ],
    }
    return product


# --- photos -------------------------------------------------------------------------------------


def _draw_photo(seed: int) -> bytes:
    """One phone-like photo: soft light, a few blurred objects, grass strokes, sensor noise."""
    rng = random.Random(f"photo-{seed}")
    width, height = PHOTO_SIZE
    light = tuple(rng.randrange(40, 230) for _ in range(3))
    dark = tuple(rng.randrange(15, 190) for _ in range(3))
    mask = Image.linear_gradient("L").rotate(rng.uniform(-40, 40)).resize(PHOTO_SIZE)
    img = Image.composite(
        Image.new("RGB", PHOTO_SIZE, light), Image.new("RGB", PHOTO_SIZE, dark), mask
    )
    vignette = Image.radial_gradient("L").resize(PHOTO_SIZE).point(lambda v: int(v * 0.45))
    img = Image.composite(Image.new("RGB", PHOTO_SIZE, (10, 10, 10)), img, vignette)
    overlay = Image.new("RGBA", PHOTO_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(rng.randrange(4, 9)):
        x, y = rng.randrange(-200, width), rng.randrange(-200, height)
        box = (x, y, x + rng.randrange(120, 700), y + rng.randrange(120, 700))
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.randrange(120, 255))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=fill)
        else:
            draw.rounded_rectangle(box, radius=rng.randrange(5, 60), fill=fill)
    for _ in range(300):
        x, y = rng.randrange(width), rng.randrange(height)
        end = (x + rng.randrange(-40, 40), y - rng.randrange(10, 80))
        ink = (rng.randrange(256), rng.randrange(256), rng.randrange(256), 160)
        draw.line([(x, y), end], fill=ink, width=rng.randrange(1, 4))
    overlay = overlay.filter(ImageFilter.GaussianBlur(rng.uniform(1, 4)))
    img.paste(overlay, (0, 0), overlay)
    sigma = rng.uniform(*NOISE_SIGMA)
    noise = Image.merge("RGB", [Image.effect_noise(PHOTO_SIZE, sigma) for _ in range(3)])
    img = ImageChops.add(img, noise, 1.0, -128)
    exif = Image.Exif()
    exif[0x010F] = "samsung"  # Make
    exif[0x0110] = "SM-A546E"  # Model
    exif[0x0132] = f"2025:{1 + seed % 12:02d}:{1 + seed % 28:02d} 09:{seed % 60:02d}:00"
    exif[0x0112] = 6 if seed % 4 == 3 else 1  # Orientation: a portrait stored sideways
    out = io.BytesIO()
    img.save(out, "JPEG", quality=PHOTO_QUALITY, exif=exif.tobytes())
    return out.getvalue()


def photo_pool(size: int = POOL_SIZE) -> list[bytes]:
    """The pool of distinct base photos, drawn once and kept in build/bench/photos/pool/."""
    folder = PHOTO_DIR / "pool"
    folder.mkdir(parents=True, exist_ok=True)
    pool = []
    for k in range(size):
        path = folder / f"{k:03d}.jpg"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(_draw_photo(k))
            os.replace(tmp, path)
        pool.append(path.read_bytes())
    return pool


def with_comment(jpeg: bytes, text: str) -> bytes:
    """The same picture with a JPEG comment right after SOI: new bytes, no re-encode."""
    assert jpeg[:2] == b"\xff\xd8", "not a JPEG"
    payload = text.encode("ascii")
    return jpeg[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def photo_index(i: int, j: int, distinct: int | None) -> int:
    """Which unique photo is photo slot j of product i (the same at every N)."""
    k = i * PHOTOS_PER_PRODUCT + j
    return k % distinct if distinct else k


def unique_photo(k: int, pool: Sequence[bytes]) -> Path:
    """Photo number k of all synthetic products: a pool image made unique by a comment."""
    path = PHOTO_DIR / "unique" / f"{k // 1000:03d}" / f"{k:06d}.jpg"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(with_comment(pool[k % len(pool)], f"bench photo {k}"))
        os.replace(tmp, path)
    return path


def link_photo(source: Path, target: Path) -> None:
    try:
        if os.path.samefile(source, target):
            return
        target.unlink()
    except FileNotFoundError:
        pass
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


# --- the project --------------------------------------------------------------------------------


def project_dir(n: int) -> Path:
    return BENCH_DIR / str(n)


def make_project(n: int, *, root: Path = ROOT, distinct_photos: int | None = None) -> Path:
    """Write (or refresh) the synthetic project of n products; return its folder.

    `distinct_photos` bounds the number of different photos (see the module docstring)."""
    dest = project_dir(n)
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source, target = root / name, dest / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    programme_products(dest, n)
    communes = load_communes(root)
    categories = load_categories()
    missing = {k.category for k in KINDS} - categories
    assert not missing, f"categories not in the taxonomy: {sorted(missing)}"
    pool = photo_pool()

    producers = -(-n // PRODUCTS_PER_PRODUCER)
    producer_files = {
        f"{producer_id(k)}.yaml": make_producer(k, communes) for k in range(producers)
    }
    product_ids = [product_id(i) for i in range(n)]
    _prune(dest / "producers", set(producer_files))
    _prune(dest / "products", set(product_ids))
    for name, data in producer_files.items():
        write_if_changed(dest / "producers" / name, dump_yaml(data))
    for i, pid in enumerate(product_ids):
        folder = dest / "products" / pid
        data = make_product(i, producer_id(i // PRODUCTS_PER_PRODUCER), communes)
        write_if_changed(folder / "product.yaml", dump_yaml(data))
        for j, (file, *_rest) in enumerate(PHOTO_SLOTS):
            link_photo(unique_photo(photo_index(i, j, distinct_photos), pool), folder / file)
    return dest


PROGRAMME_FILES = ("hoi-cho.yaml", "diem-ban.yaml")
"""The sample's fairs and outlets (copied with data/) list sample product ids; so do the product
cards of the news posts (`--8<-- "san-pham:id,id"`)."""
PROGRAMME_SPAN = 100
"""They point at products among the first PROGRAMME_SPAN, so the same ones at every N ≥ 100."""
CARDS_LINE = re.compile(r'^--8<-- "san-pham:([^"]+)"$', re.MULTILINE)


def programme_products(dest: Path, n: int) -> None:
    """Point the copied fairs, outlets and news posts at synthetic products: the sample's ids,
    in order of first appearance, become products spread evenly over the catalogue."""
    mapping: dict[str, str] = {}

    def synthetic(ids: list[str]) -> list[str]:
        return [
            mapping.setdefault(i, product_id((len(mapping) * 37) % min(n, PROGRAMME_SPAN)))
            for i in ids
        ]

    for name in PROGRAMME_FILES:
        path = dest / "data" / name
        if not path.is_file():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for items in data.values():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and item.get("products"):
                    item["products"] = synthetic(item["products"])
        path.write_text(dump_yaml(data), encoding="utf-8")
    for post in sorted((dest / "content").glob("*/tin-tuc/posts/*.md")):
        text = post.read_text(encoding="utf-8")
        post.write_text(
            CARDS_LINE.sub(
                lambda m: f'--8<-- "san-pham:{",".join(synthetic(m[1].split(",")))}"', text
            ),
            encoding="utf-8",
        )


def _prune(folder: Path, keep: set[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.name not in keep:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def edit_summary(project: Path, index: int, revision: int) -> str:
    """Change the Vietnamese summary of product `index`, as an editor would; return its id."""
    pid = product_id(index)
    path = project / "products" / pid / "product.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    summary = data["summary"]["vi"].removesuffix("…").split(" (sửa lần ")[0]
    data["summary"]["vi"] = clip(summary, SUMMARY_MAX - 20) + f" (sửa lần {revision})"
    path.write_text(dump_yaml(data), encoding="utf-8")
    return pid


def replace_photo(project: Path, index: int, revision: str) -> Path:
    """Give product `index` a new main photo, as an editor would: another pool picture,
    re-encoded, with `revision` in a JPEG comment so that its bytes are new to every cache.
    The old file is a hard link into the shared photo store: it is unlinked, not overwritten.
    Returns the photo's path; make_project() links the original back."""
    pool = photo_pool()
    target = project / "products" / product_id(index) / PHOTO_SLOTS[0][0]
    with Image.open(io.BytesIO(pool[(index + 1) % len(pool)])) as im:
        exif = im.getexif()
        out = io.BytesIO()
        im.save(out, "JPEG", quality=PHOTO_QUALITY - 1, exif=exif.tobytes())
    target.unlink(missing_ok=True)
    target.write_bytes(with_comment(out.getvalue(), f"bench edit {revision}"))
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth", description=__doc__.split("\n")[0] if __doc__ else None
    )
    parser.add_argument("--sizes", default="100,1000", help="comma-separated product counts")
    parser.add_argument(
        "--distinct-photos", type=int, default=None, help="at most this many different photos"
    )
    args = parser.parse_args(argv)
    for n in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        dest = make_project(n, distinct_photos=args.distinct_photos)
        print(f"{dest.relative_to(ROOT)}: {n} products in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
