"""The product and producer schema: the truth about what a content file may say.

Each field carries its converter and a bilingual description (Vietnamese first), the way MkDocs
declares its config options; the same declarations validate files, document the fields and give the
JSON Schema for editors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .fields import (
    Bool,
    Choice,
    Date,
    Decimal,
    Email,
    Gtin,
    I18n,
    Id,
    Int,
    ListOf,
    Model,
    Money,
    Phone,
    Str,
    Text,
    Url,
    add_months,
    spec,
)

VALIDITY_MONTHS = 36
"""An OCOP certificate is valid 36 months from the day its decision is signed."""

STATUSES = ("active", "expired", "withdrawn", "candidate", "draft")
PUBLISHED_STATUSES = ("active", "expired", "withdrawn")
"""Candidates (being rated) and drafts stay unpublished: a page would claim what is not yet true."""

EVIDENCE = ("decision", "official_news", "unconfirmed")
"""How the OCOP claim is known. Only a decision document or official news may show stars."""

STAR_BANDS = {3: (50, 69), 4: (70, 89), 5: (90, 100)}
LEVELS = ("district", "province", "national")
PHOTO_ROLES = ("main", "pack", "label", "field", "certificate", "other")
UNITS = ("g", "kg", "ml", "l", "piece", "pack", "box", "set", "person", "tour")
PRODUCER_TYPES = ("cooperative", "enterprise", "household", "cooperative_group", "other")
OUTLET_KINDS = ("producer", "ocop_shop", "supermarket", "market", "online", "shop")

RichText = Text(multiline=True, max_len=20_000)
"""Markdown text; rendered and sanitised before it reaches a page."""


@dataclass(frozen=True, slots=True)
class Certification:
    stars: int = spec(
        Int(3, 5), "hạng sao OCOP (3, 4 hoặc 5)", "OCOP star rating (3, 4 or 5)", required=True
    )
    decision: str = spec(
        Str(max_len=60),
        "số quyết định công nhận, ví dụ 858/QĐ-UBND",
        "recognition decision number, e.g. 858/QĐ-UBND",
        required=True,
    )
    date: dt.date = spec(
        Date(), "ngày ký quyết định", "date the decision was signed", required=True
    )
    issuer: I18n = spec(
        Text(max_len=120),
        "cơ quan ban hành, ví dụ UBND huyện Krông Nô",
        "issuing body, e.g. Krông Nô District People's Committee",
        required=True,
    )
    level: str = spec(
        Choice(LEVELS),
        "cấp công nhận: district (huyện), province (tỉnh), national (trung ương)",
        "level: district, province or national",
        required=True,
    )
    criteria: str = spec(
        Choice(("148/2023", "1048/2019")),
        "bộ tiêu chí đánh giá: 148/2023 hoặc 1048/2019",
        "rating rules the certificate was issued under",
        default="148/2023",
    )
    valid_until: dt.date | None = spec(
        Date(),
        "hiệu lực đến (mặc định: ngày ký + 36 tháng)",
        "valid until (default: signing date + 36 months)",
    )
    score: int | None = spec(
        Int(0, 100), "điểm đánh giá (nếu được công bố)", "score out of 100, when published"
    )
    document_url: str | None = spec(
        Url(), "đường dẫn tới văn bản quyết định", "link to the decision document"
    )

    @property
    def expires(self) -> dt.date:
        return self.valid_until or add_months(self.date, VALIDITY_MONTHS)


@dataclass(frozen=True, slots=True)
class Photo:
    file: str = spec(
        Str(max_len=200),
        "tên tệp ảnh trong thư mục sản phẩm",
        "photo file name in the product folder",
        required=True,
    )
    alt: I18n = spec(
        Text(max_len=200),
        "mô tả ảnh cho người khiếm thị",
        "text alternative describing the photo",
        required=True,
    )
    role: str = spec(
        Choice(PHOTO_ROLES),
        "vai trò: main (ảnh chính), pack (bao bì), label "
        "(nhãn), field (vùng nguyên liệu), certificate (giấy chứng nhận), other",
        "role of the photo",
        default="other",
    )


@dataclass(frozen=True, slots=True)
class Variant:
    name: I18n = spec(
        Text(max_len=80),
        "tên quy cách, ví dụ Túi 2 kg",
        "pack size name, e.g. 2 kg bag",
        required=True,
    )
    sku: str | None = spec(Str(max_len=40), "mã hàng nội bộ (SKU)", "stock keeping unit")
    gtin: str | None = spec(
        Gtin(),
        "mã vạch GTIN (8, 12, 13 hoặc 14 số)",
        "GTIN barcode number (8, 12, 13 or 14 digits)",
    )
    net_content: float | None = spec(Decimal(), "khối lượng/thể tích tịnh", "net content")
    unit: str | None = spec(
        Choice(UNITS),
        "đơn vị: g, kg, ml, l, piece (cái), pack, box, set, person (người), tour",
        "unit of the net content",
    )
    packaging: I18n | None = spec(
        Text(max_len=160), "bao bì, ví dụ túi zip giấy kraft", "packaging, e.g. kraft zip pouch"
    )
    case_pack: int | None = spec(Int(1, 10_000), "số đơn vị mỗi thùng", "units per case")
    case_dimensions: str | None = spec(
        Str(max_len=60),
        "kích thước thùng, ví dụ 40 × 30 × 20 cm",
        "case dimensions, e.g. 40 × 30 × 20 cm",
    )
    case_weight_kg: float | None = spec(
        Decimal(), "khối lượng cả thùng (kg)", "gross case weight (kg)"
    )
    price_retail: int | None = spec(
        Money, "giá bán lẻ tham khảo (đồng)", "reference retail price (đồng)"
    )
    price_wholesale: int | None = spec(
        Money, "giá bán sỉ tham khảo (đồng)", "reference wholesale price (đồng)"
    )
    price_valid_until: dt.date | None = spec(
        Date(), "giá có hiệu lực đến ngày", "prices valid until"
    )


@dataclass(frozen=True, slots=True)
class Place:
    commune_old: str = spec(
        Id,
        "mã xã/thị trấn trước 1/7/2025 (xem data/communes.yaml)",
        "commune before 1 July 2025 (see data/communes.yaml)",
        required=True,
    )
    commune_new: str | None = spec(
        Id,
        "mã xã sau 1/7/2025 (tự suy ra nếu để trống)",
        "commune after 1 July 2025 (derived when empty)",
    )
    raw_material_area: I18n | None = spec(
        Text(max_len=300), "vùng nguyên liệu", "raw material area"
    )
    latitude: float | None = spec(Decimal(), "vĩ độ", "latitude")
    longitude: float | None = spec(Decimal(), "kinh độ", "longitude")


@dataclass(frozen=True, slots=True)
class Food:
    ingredients: I18n | None = spec(Text(max_len=1000, multiline=True), "thành phần", "ingredients")
    allergens: I18n | None = spec(Text(max_len=300), "chất gây dị ứng", "allergens")
    may_contain: I18n | None = spec(Text(max_len=300), "có thể chứa", "may contain")
    shelf_life: I18n | None = spec(
        Text(max_len=120),
        "hạn sử dụng, ví dụ 12 tháng kể từ ngày sản xuất",
        "shelf life, e.g. 12 months from production",
    )
    after_opening: I18n | None = spec(Text(max_len=160), "sau khi mở bao bì", "after opening")
    storage: I18n | None = spec(Text(max_len=300), "bảo quản", "storage conditions")
    origin: I18n | None = spec(Text(max_len=160), "xuất xứ", "origin")


@dataclass(frozen=True, slots=True)
class OtherCertification:
    name: str = spec(
        Str(max_len=80),
        "tên chứng nhận: VietGAP, hữu cơ TCVN 11041, HACCP…",
        "certification: VietGAP, organic TCVN 11041, HACCP…",
        required=True,
    )
    number: str | None = spec(Str(max_len=80), "số chứng nhận", "certificate number")
    issuer: I18n | None = spec(Text(max_len=160), "tổ chức cấp", "issued by")
    valid_until: dt.date | None = spec(Date(), "hiệu lực đến", "valid until")


@dataclass(frozen=True, slots=True)
class Trade:
    min_order: I18n | None = spec(Text(max_len=160), "đơn hàng tối thiểu", "minimum order")
    lead_time: I18n | None = spec(Text(max_len=160), "thời gian giao hàng", "lead time")
    monthly_capacity: I18n | None = spec(
        Text(max_len=160), "năng lực cung ứng mỗi tháng", "monthly capacity"
    )
    seasonality: I18n | None = spec(Text(max_len=200), "mùa vụ", "seasonality")
    delivery_area: I18n | None = spec(Text(max_len=200), "khu vực giao hàng", "delivery area")
    collective_mark: I18n | None = spec(
        Text(max_len=160),
        "nhãn hiệu tập thể / chỉ dẫn địa lý",
        "collective mark / geographical indication",
    )


@dataclass(frozen=True, slots=True)
class Outlet:
    name: I18n = spec(Text(max_len=120), "tên nơi bán", "outlet name", required=True)
    kind: str = spec(
        Choice(OUTLET_KINDS),
        "loại: producer (tại cơ sở), ocop_shop (điểm bán OCOP),"
        " supermarket (siêu thị), market (chợ), online, shop (cửa hàng)",
        "kind of outlet",
        default="shop",
    )
    address: I18n | None = spec(Text(max_len=200), "địa chỉ", "address")
    url: str | None = spec(Url(), "trang web hoặc gian hàng trực tuyến", "website or online shop")
    phone: str | None = spec(Phone(), "điện thoại", "phone")


@dataclass(frozen=True, slots=True)
class Source:
    title: I18n = spec(Text(max_len=200), "tên nguồn", "source title", required=True)
    url: str | None = spec(Url(), "đường dẫn", "link")


@dataclass(frozen=True, slots=True)
class Provenance:
    updated: dt.date = spec(
        Date(),
        "ngày cập nhật thông tin gần nhất",
        "date the information was last updated",
        required=True,
    )
    evidence: str = spec(
        Choice(EVIDENCE),
        "căn cứ: decision (có quyết định), official_news "
        "(tin chính thức), unconfirmed (chưa xác minh — không hiện sao)",
        "evidence for the OCOP claim",
        default="unconfirmed",
    )
    sources: list[Source] = spec(
        ListOf(Model(Source)), "nguồn thông tin", "sources", default_factory=list
    )


@dataclass(frozen=True, slots=True)
class Product:
    id: str = spec(
        Id,
        "mã sản phẩm cố định (trùng tên thư mục)",
        "permanent product id (the folder name)",
        required=True,
    )
    name: I18n = spec(Text(max_len=120), "tên sản phẩm", "product name", required=True)
    producer: str = spec(
        Id,
        "mã chủ thể sản xuất (tệp producers/<mã>.yaml)",
        "producer id (file producers/<id>.yaml)",
        required=True,
    )
    ocop_category: str = spec(
        Str(max_len=10),
        "bộ sản phẩm OCOP theo QĐ 148/2023, ví dụ I.6",
        "OCOP product set under Decision 148/2023, e.g. I.6",
        required=True,
    )
    summary: I18n = spec(
        Text(max_len=160),
        "tóm tắt (tối đa 160 ký tự)",
        "summary (at most 160 characters)",
        required=True,
    )
    place: Place = spec(Model(Place), "địa bàn", "location", required=True)
    provenance: Provenance = spec(
        Model(Provenance), "nguồn gốc thông tin", "where the information comes from", required=True
    )
    status: str = spec(
        Choice(STATUSES),
        "trạng thái: active, expired (hết hạn), withdrawn (thu "
        "hồi), candidate (đang đánh giá), draft (nháp)",
        "status",
        default="active",
    )
    brand: str | None = spec(Str(max_len=80), "nhãn hiệu", "brand")
    featured: bool = spec(Bool(), "hiện ở trang chủ", "show on the home page", default=False)
    certifications: list[Certification] = spec(
        ListOf(Model(Certification)),
        "lịch sử công nhận OCOP",
        "OCOP certification history",
        default_factory=list,
    )
    description: I18n | None = spec(RichText, "mô tả (Markdown)", "description (Markdown)")
    story: I18n | None = spec(
        RichText, "câu chuyện sản phẩm (Markdown)", "product story (Markdown)"
    )
    usage: I18n | None = spec(RichText, "hướng dẫn sử dụng (Markdown)", "how to use (Markdown)")
    photos: list[Photo] = spec(ListOf(Model(Photo)), "ảnh sản phẩm", "photos", default_factory=list)
    variants: list[Variant] = spec(
        ListOf(Model(Variant)), "quy cách đóng gói", "pack sizes", default_factory=list
    )
    food: Food | None = spec(Model(Food), "thông tin thực phẩm", "food information")
    other_certifications: list[OtherCertification] = spec(
        ListOf(Model(OtherCertification)),
        "chứng nhận khác",
        "other certifications",
        default_factory=list,
    )
    self_declaration: str | None = spec(
        Str(max_len=80), "số bản tự công bố sản phẩm", "product self-declaration number"
    )
    trade: Trade | None = spec(Model(Trade), "thông tin thương mại", "trade terms")
    where_to_buy: list[Outlet] = spec(
        ListOf(Model(Outlet)), "nơi bán", "where to buy", default_factory=list
    )
    tags: list[str] = spec(ListOf(Str(max_len=40)), "từ khóa", "tags", default_factory=list)
    former_ids: list[str] = spec(
        ListOf(Id),
        "mã cũ của sản phẩm khi đổi mã: đường dẫn và mã QR cũ vẫn dẫn tới đây",
        "former ids after a rename: old paths and QR codes keep leading here",
        default_factory=list,
    )

    @property
    def current(self) -> Certification | None:
        """The latest certification by signing date."""
        return max(self.certifications, key=lambda c: c.date, default=None)

    @property
    def main_photo(self) -> Photo | None:
        return next(
            (p for p in self.photos if p.role == "main"), self.photos[0] if self.photos else None
        )


@dataclass(frozen=True, slots=True)
class Producer:
    id: str = spec(Id, "mã chủ thể (trùng tên tệp)", "producer id (the file name)", required=True)
    name: I18n = spec(Text(max_len=160), "tên chủ thể", "producer name", required=True)
    type: str = spec(
        Choice(PRODUCER_TYPES),
        "loại hình: cooperative (hợp tác xã), enterprise "
        "(doanh nghiệp), household (hộ kinh doanh), cooperative_group (tổ hợp tác), "
        "other",
        "type of producer",
        required=True,
    )
    commune_old: str = spec(Id, "mã xã trước 1/7/2025", "commune before 1 July 2025", required=True)
    address_old: I18n | None = spec(
        Text(max_len=200),
        "địa chỉ cũ (in trên giấy chứng nhận)",
        "old address (as printed on certificates)",
    )
    address_new: I18n | None = spec(Text(max_len=200), "địa chỉ hiện nay", "current address")
    representative: str | None = spec(Str(max_len=80), "người đại diện", "representative")
    registration_number: str | None = spec(
        Str(max_len=40), "mã số thuế / đăng ký kinh doanh", "tax or business registration number"
    )
    phone: str | None = spec(Phone(), "điện thoại", "phone")
    zalo: str | None = spec(Phone(), "số Zalo", "Zalo number")
    email: str | None = spec(Email(), "email", "email")
    website: str | None = spec(Url(), "trang web", "website")
    established: dt.date | None = spec(
        Date(),
        "ngày thành lập (để đếm hợp tác xã thành lập mới mỗi năm)",
        "date established (counts the new cooperatives of each year)",
    )
    about: I18n | None = spec(RichText, "giới thiệu (Markdown)", "about (Markdown)")


@dataclass(frozen=True, slots=True)
class Commune:
    id: str
    name: str
    type: str
    area: I18n | None = None
    new_id: str | None = None
    old_ids: tuple[str, ...] = field(default=())


PRODUCT = Model(Product)
PRODUCER = Model(Producer)
