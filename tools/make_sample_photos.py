"""Draw the illustrative sample product photos of the OCOP Krông Nô catalogue.

Every photo is synthetic: it is drawn with Pillow from a fixed random seed, so two runs write
byte-identical files. The photos imitate phone uploads so that the image pipeline is exercised:
12-megapixel JPEGs, an EXIF Orientation=6 portrait stored as landscape pixels, EXIF GPS tags, a
transparent PNG and a file name in Unicode NFD form (as copied from a Mac).

Usage: python tools/make_sample_photos.py [--out products] [--only PRODUCT_ID ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import time
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

RGB = tuple[int, int, int]
Ink = int | tuple[int, ...]
Pt = tuple[float, float]

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "bold": "DejaVuSans-Bold.ttf",
    "regular": "DejaVuSans.ttf",
}
ILLUSTRATIVE = "ẢNH MINH HỌA / ILLUSTRATIVE"
JPEG_QUALITY = 82
GPS_NEAR_KRONG_NO = ((12.0, 21.0, 7.2), (107.0, 54.0, 18.6))  # about 12.352 N, 107.905 E
BILINEAR = Image.Resampling.BILINEAR
BICUBIC = Image.Resampling.BICUBIC
LANCZOS = Image.Resampling.LANCZOS


# --------------------------------------------------------------------------- small helpers


@lru_cache(maxsize=512)
def font(px: int, weight: str = "bold") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[weight]), max(6, px))


def clamp(v: float, lo: float = 0.0, hi: float = 255.0) -> int:
    return round(max(lo, min(hi, v)))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        clamp(a[0] + (b[0] - a[0]) * t),
        clamp(a[1] + (b[1] - a[1]) * t),
        clamp(a[2] + (b[2] - a[2]) * t),
    )


def jitter(c: RGB, rng: random.Random, amount: float) -> RGB:
    d = rng.uniform(-amount, amount)
    return (clamp(c[0] + d + rng.uniform(-3, 3)), clamp(c[1] + d), clamp(c[2] + d * 0.8))


def rgba(c: RGB, a: int) -> tuple[int, int, int, int]:
    return (c[0], c[1], c[2], a)


def bez(p0: Pt, p1: Pt, p2: Pt, p3: Pt, n: int = 24) -> list[Pt]:
    """Points of a cubic Bézier curve."""
    out = []
    for i in range(n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        out.append(
            (
                a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
            )
        )
    return out


def lut(fn: Callable[[float], float]) -> list[int]:
    """A 256-entry point() table from a function of v/255 returning 0..255."""
    return [clamp(fn(v / 255)) for v in range(256)]


# --------------------------------------------------------------------------- noise and light


def noise(size: tuple[int, int], rng: random.Random, amp: float, grain: float = 1.0) -> Image.Image:
    """Mid-grey L image with uniform noise of ±amp; grain > 1 makes the specks bigger."""
    w, h = max(1, round(size[0] / grain)), max(1, round(size[1] / grain))
    img = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(
        lut(lambda t: 128 + (t - 0.5) * 2 * amp)
    )
    return img if (w, h) == size else img.resize(size, BICUBIC)


def add_noise(img: Image.Image, rng: random.Random, amp: float, grain: float = 1.0) -> Image.Image:
    n = noise(img.size, rng, amp, grain)
    return ImageChops.add(img, Image.merge("RGB", (n, n, n)), 1.0, -128)


def mottle(img: Image.Image, rng: random.Random, amp: float, cells: int) -> Image.Image:
    """Low-frequency blotches (plaster, paper, skin)."""
    grain = max(img.size) / max(2, cells)
    return add_noise(img, rng, amp, grain)


def texture(
    size: tuple[int, int], color: RGB, rng: random.Random, blotch: float = 10, fine: float = 6
) -> Image.Image:
    img = mottle(Image.new("RGB", size, color), rng, blotch, 9)
    img = mottle(img, rng, blotch * 0.6, 40)
    return add_noise(img, rng, fine, 1.2)


def gray3(m: Image.Image) -> Image.Image:
    return Image.merge("RGB", (m, m, m))


def multiply(img: Image.Image, m: Image.Image) -> Image.Image:
    return ImageChops.multiply(img, gray3(m))


def screen(img: Image.Image, m: Image.Image) -> Image.Image:
    return ImageChops.screen(img, gray3(m))


def vgrad(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    g = Image.linear_gradient("L").resize(size, BILINEAR)
    return ImageOps.colorize(g, top, bottom)


def profile(
    size: tuple[int, int], fn: Callable[[float], float], vertical: bool = False
) -> Image.Image:
    """L image whose value varies along x (or y) as fn(t), t in 0..1, fn returning 0..255."""
    n = 256
    line = Image.new("L", (1, n) if vertical else (n, 1))
    line.putdata([clamp(fn((i + 0.5) / n)) for i in range(n)])
    return line.resize(size, BILINEAR)


def radial(
    size: tuple[int, int], center: Pt, radius: float, fn: Callable[[float], float]
) -> Image.Image:
    """L image of fn(d), d = distance from center / radius (centre and radius in pixels)."""
    k = max(1, max(size) // 400)
    sw, sh = max(1, size[0] // k), max(1, size[1] // k)
    r = max(2, round(radius / k))
    g = Image.radial_gradient("L").resize((2 * r, 2 * r), BILINEAR)
    m = Image.new("L", (sw, sh), 255)
    m.paste(g, (round(center[0] / k) - r, round(center[1] / k) - r))
    return m.point(lut(fn)).resize(size, BILINEAR)


def erode(mask: Image.Image, px: float) -> Image.Image:
    """Shrink a mask by about px pixels (blur, then keep only the solid inside)."""
    return mask.filter(ImageFilter.BoxBlur(px)).point(lut(lambda t: 255.0 if t > 0.98 else 0.0))


def shade_cyl(
    img: Image.Image,
    box: tuple[int, int, int, int] | None = None,
    strength: float = 1.0,
    spec: float = 0.45,
    spec_at: float = 0.28,
    mask: Image.Image | None = None,
) -> None:
    """Shade a region of an RGB image like a vertical cylinder lit from the upper left."""
    box = box or (0, 0, img.width, img.height)
    w, h = box[2] - box[0], box[3] - box[1]
    if w < 2 or h < 2:
        return
    region = img.crop(box)

    def dark(t: float) -> float:
        edge: float = (1 - math.sin(math.pi * t)) ** 1.4
        return 255 * (1 - strength * (0.45 * edge + 0.16 * t))

    def light(t: float) -> float:
        main = math.exp(-(((t - spec_at) / 0.06) ** 2))
        rim = 0.3 * math.exp(-(((t - 0.9) / 0.025) ** 2))
        return 255 * spec * (main + rim)

    region = multiply(region, profile((w, h), dark))
    if spec > 0:
        region = screen(region, profile((w, h), light))
    img.paste(region, box[:2], mask.crop(box) if mask else None)


def shade_sphere(img: Image.Image, strength: float = 0.6, spec: float = 0.5) -> None:
    """Shade a round object filling an RGB image (light from the upper left)."""
    w, h = img.size
    r = max(w, h)
    img.paste(
        multiply(
            img, radial((w, h), (w * 0.36, h * 0.3), r, lambda d: 255 * (1 - strength * d**1.5))
        )
    )
    if spec > 0:
        hl = radial(
            (w, h), (w * 0.33, h * 0.27), r * 0.22, lambda d: 255 * spec * max(0, 1 - d) ** 2
        )
        img.paste(screen(img, hl))


# --------------------------------------------------------------------------- drawing surfaces


class Pen:
    """ImageDraw in design units; shapes can also be stamped into an alpha mask."""

    def __init__(self, img: Image.Image, s: float, alpha: Image.Image | None = None) -> None:
        self.s = s
        self.d = ImageDraw.Draw(img, "RGBA" if img.mode == "RGB" else None)
        self.a = ImageDraw.Draw(alpha) if alpha is not None else None

    def pts(self, pts: Sequence[Pt]) -> list[Pt]:
        return [(x * self.s, y * self.s) for x, y in pts]

    def px(self, v: float) -> int:
        return max(1, round(v * self.s))

    def poly(
        self,
        pts: Sequence[Pt],
        fill: Ink | None,
        outline: Ink | None = None,
        width: float = 0,
        solid: bool = True,
    ) -> None:
        p = self.pts(pts)
        w = self.px(width) if outline else 1
        self.d.polygon(p, fill=fill, outline=outline, width=w)
        if self.a is not None and solid:
            self.a.polygon(
                p, fill=None if fill is None else 255, outline=255 if outline else None, width=w
            )

    def ellipse(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        fill: Ink | None,
        outline: Ink | None = None,
        width: float = 0,
        solid: bool = True,
    ) -> None:
        box = ((cx - rx) * self.s, (cy - ry) * self.s, (cx + rx) * self.s, (cy + ry) * self.s)
        w = self.px(width) if outline else 1
        self.d.ellipse(box, fill=fill, outline=outline, width=w)
        if self.a is not None and solid:
            self.a.ellipse(
                box, fill=None if fill is None else 255, outline=255 if outline else None, width=w
            )

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: Ink | None,
        r: float = 0,
        outline: Ink | None = None,
        width: float = 0,
        solid: bool = True,
    ) -> None:
        box = (x0 * self.s, y0 * self.s, x1 * self.s, y1 * self.s)
        w = self.px(width) if outline else 1
        self.d.rounded_rectangle(box, radius=r * self.s, fill=fill, outline=outline, width=w)
        if self.a is not None and solid:
            self.a.rounded_rectangle(
                box,
                radius=r * self.s,
                fill=None if fill is None else 255,
                outline=255 if outline else None,
                width=w,
            )

    def line(self, pts: Sequence[Pt], fill: Ink, width: float, solid: bool = True) -> None:
        p = self.pts(pts)
        self.d.line(p, fill=fill, width=self.px(width), joint="curve")
        if self.a is not None and solid:
            self.a.line(p, fill=255, width=self.px(width), joint="curve")


class Sprite:
    """An RGBA cut-out drawn in design units: an RGB picture plus an alpha mask."""

    def __init__(self, w: float, h: float, s: float, bg: RGB = (0, 0, 0)) -> None:
        self.s = s
        self.alpha = Image.new("L", (max(1, round(w * s)), max(1, round(h * s))), 0)
        self.rgb = Image.new("RGB", self.alpha.size, bg)

    @property
    def rgb(self) -> Image.Image:
        return self._rgb

    @rgb.setter
    def rgb(self, img: Image.Image) -> None:
        """Replacing the picture (after a filter) also re-binds the pen to it."""
        self._rgb = img
        self.pen = Pen(img, self.s, self.alpha)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * self.s), round(y0 * self.s), round(x1 * self.s), round(y1 * self.s))

    def mask_of(self, draw: Callable[[Pen], None]) -> Image.Image:
        m = Image.new("L", self.rgb.size, 0)
        draw(Pen(m, self.s))
        return m

    def fill(self, tex: Image.Image, mask: Image.Image) -> None:
        self.rgb.paste(tex, (0, 0), mask)
        self.alpha.paste(255, (0, 0), mask)

    def image(self) -> Image.Image:
        out = self.rgb.convert("RGBA")
        out.putalpha(self.alpha)
        return out


@dataclass
class Canvas:
    img: Image.Image
    s: float
    rng: random.Random

    @property
    def size(self) -> tuple[int, int]:
        return self.img.size

    @property
    def wu(self) -> float:
        return self.img.width / self.s

    @property
    def hu(self) -> float:
        return self.img.height / self.s

    def pen(self) -> Pen:
        return Pen(self.img, self.s)


def composite(cv: Canvas, spr: Image.Image, x: int, y: int) -> None:
    if cv.img.mode == "RGB":
        cv.img.paste(spr, (x, y), spr)
        return
    sx, sy = max(0, -x), max(0, -y)
    cv.img.alpha_composite(spr, (x + sx, y + sy), (sx, sy))


def shadow(cv: Canvas, spr: Image.Image, x: int, y: int, strength: float, cast: float) -> None:
    """Soft contact shadow under a sprite plus a shadow cast to the back right."""
    a = spr.getchannel("A")
    bb = a.getbbox()
    if not bb or strength <= 0:
        return
    sw, sh = spr.size
    foot = a.crop((0, max(0, bb[3] - max(2, sh // 25)), sw, bb[3])).getbbox() or bb
    shift, ch = round(sh * 0.5 * cast), round(sh * 0.26 * cast)
    m = round(0.12 * sw + 0.1 * sh) + 4
    x0, y0 = max(0, x - m), max(0, y + bb[3] - ch - m)
    x1, y1 = min(cv.size[0], x + sw + shift + m), min(cv.size[1], y + bb[3] + m)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return
    k = 4 if min(sw, sh) > 40 else 1
    lw, lh = max(1, (x1 - x0) // k), max(1, (y1 - y0) // k)
    contact = Image.new("L", (lw, lh), 0)
    fx0, fx1 = (x + foot[0] - x0) / k, (x + foot[2] - x0) / k
    fy = (y + bb[3] - y0) / k
    rx = (fx1 - fx0) / 2 * 1.04
    cx = (fx0 + fx1) / 2 + rx * 0.05
    ImageDraw.Draw(contact).ellipse(
        (cx - rx, fy - rx * 0.13, cx + rx, fy + rx * 0.06), fill=clamp(235 * strength)
    )
    contact = contact.filter(ImageFilter.GaussianBlur(max(0.6, rx * 0.16)))
    if cast > 0 and ch // k >= 1:
        c = a.resize((max(1, sw // k), max(1, ch // k)), BILINEAR)
        sk = shift / k
        c = c.transform(
            (c.width + round(sk), c.height),
            Image.Transform.AFFINE,
            (1, sk / c.height, -sk, 0, 1, 0),
            BILINEAR,
        ).point(lut(lambda t: 255 * t * 0.55 * strength))
        layer = Image.new("L", (lw, lh), 0)
        layer.paste(c, (round((x - x0) / k), round(fy - c.height)))
        layer = layer.filter(ImageFilter.GaussianBlur(max(1.0, sw / k * 0.05)))
        contact = ImageChops.lighter(contact, layer)
    mask = contact.resize((x1 - x0, y1 - y0), BILINEAR)
    if cv.img.mode == "RGB":
        region = cv.img.crop((x0, y0, x1, y1))
        cv.img.paste(multiply(region, mask.point(lut(lambda t: 255 - 200 * t))), (x0, y0))
    else:
        dark = Image.new("RGBA", mask.size, (20, 14, 8, 0))
        dark.putalpha(mask.point(lut(lambda t: 190 * t)))
        cv.img.alpha_composite(dark, (x0, y0))


def place(
    cv: Canvas, spr: Image.Image, cx: float, base: float, shade: float = 0.6, cast: float = 0.5
) -> None:
    """Put a sprite on the canvas with its bottom centre at (cx, base) in design units."""
    x, y = round(cx * cv.s - spr.width / 2), round(base * cv.s - spr.height)
    shadow(cv, spr, x, y, shade, cast)
    composite(cv, spr, x, y)


def rotated(spr: Image.Image, angle: float) -> Image.Image:
    return spr.rotate(angle, BICUBIC, expand=True)


# --------------------------------------------------------------------------- backdrops


@dataclass(frozen=True)
class Stage:
    wall: tuple[RGB, RGB]
    surface: str  # oak | walnut | linen | mat
    horizon: float = 0.5
    light: Pt = (0.3, 0.15)
    window: bool = True  # soft window light falling on the wall
    walls: str = "plaster"  # plaster | planks


def wood(
    size: tuple[int, int], rng: random.Random, base: RGB, n: int = 6, depth: float = 1.45
) -> Image.Image:
    """Planks with grain, knots and seams; depth > 1 makes far (upper) planks thinner."""
    w, h = size
    img = Image.new("RGB", size, base)
    d = ImageDraw.Draw(img)
    edges = [round(h * (i / n) ** depth) for i in range(n + 1)]
    for y0, y1 in itertools.pairwise(edges):
        ph = max(2, y1 - y0)
        pc = jitter(base, rng, 14)
        d.rectangle((0, y0, w, y1), fill=pc)
        for _ in range(34):
            yy = y0 + ph * rng.random()
            amp, freq, ph0 = ph * rng.uniform(0.01, 0.06), rng.uniform(1.5, 6) / w, rng.random() * 9
            tone = mix(
                pc, (40, 22, 10) if rng.random() < 0.7 else (255, 235, 200), rng.uniform(0.05, 0.22)
            )
            pts = [(x, yy + amp * math.sin(x * freq * 6.283 + ph0)) for x in range(0, w + 40, 40)]
            d.line(pts, fill=tone, width=max(1, round(ph * rng.uniform(0.004, 0.02))))
        if rng.random() < 0.6:
            kx, ky = rng.uniform(0.1, 0.9) * w, y0 + ph * rng.uniform(0.3, 0.7)
            for r in range(6, 0, -1):
                tone = mix(pc, (50, 28, 14), 0.08 * r)
                d.ellipse(
                    (
                        kx - r * ph * 0.09,
                        ky - r * ph * 0.03,
                        kx + r * ph * 0.09,
                        ky + r * ph * 0.03,
                    ),
                    outline=tone,
                    width=max(1, ph // 90),
                )
        d.line((0, y0, w, y0), fill=mix(pc, (20, 10, 5), 0.6), width=max(1, ph // 45))
        d.line(
            (0, y0 + max(1, ph // 45), w, y0 + max(1, ph // 45)),
            fill=mix(pc, (255, 240, 220), 0.25),
            width=max(1, ph // 90),
        )
        jx = rng.uniform(0.15, 0.85) * w
        d.line((jx, y0, jx, y1), fill=mix(pc, (20, 10, 5), 0.5), width=max(1, ph // 60))
    return img.filter(ImageFilter.GaussianBlur(0.7))


def linen(size: tuple[int, int], rng: random.Random, base: RGB) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size, base)
    rows = noise((1, h), rng, 18).resize(size, Image.Resampling.NEAREST)
    cols = noise((w, 1), rng, 14).resize(size, Image.Resampling.NEAREST)
    img = ImageChops.add(img, gray3(rows), 1.0, -128)
    img = ImageChops.add(img, gray3(cols), 1.0, -128)
    folds = Image.new("L", size, 0)
    d = ImageDraw.Draw(folds)
    for _ in range(5):
        x = rng.uniform(-0.2, 1.0) * w
        d.line(
            (x, 0, x + rng.uniform(0.1, 0.4) * w, h),
            fill=rng.randint(25, 55),
            width=max(2, w // 40),
        )
    folds = folds.filter(ImageFilter.GaussianBlur(w / 60))
    return mottle(multiply(img, folds.point(lut(lambda t: 255 - 255 * t))), rng, 8, 6)


def mat(size: tuple[int, int], rng: random.Random, base: RGB) -> Image.Image:
    """Woven bamboo mat: horizontal strips (thinner far away) bound by thread lines."""
    w, h = size
    img = Image.new("RGB", size, base)
    d = ImageDraw.Draw(img)
    y, i = 0.0, 0
    while y < h:
        sh = max(3.0, h * 0.012 * (0.45 + 1.6 * y / h))
        c = jitter(base, rng, 12)
        d.rectangle((0, y, w, y + sh), fill=c)
        d.line((0, y, w, y), fill=mix(c, (255, 245, 215), 0.35), width=max(1, round(sh * 0.15)))
        d.line(
            (0, y + sh - 1, w, y + sh - 1),
            fill=mix(c, (40, 25, 10), 0.45),
            width=max(1, round(sh * 0.18)),
        )
        y += sh
        i += 1
    for j in range(1, 16):
        x = w * j / 16
        for dx in (-w * 0.004, w * 0.004):
            d.line(
                (x + dx, 0, x + dx * 1.4 + (x - w / 2) * 0.25, h),
                fill=(92, 60, 35),
                width=max(1, w // 500),
            )
    return add_noise(img.filter(ImageFilter.GaussianBlur(0.6)), rng, 6)


def backdrop(cv: Canvas, st: Stage) -> None:
    w, h = cv.size
    rng = cv.rng
    hy = round(h * st.horizon)
    ts = min(1.0, 1.3 / cv.s)  # textures are drawn at a lower resolution, then scaled up
    wall = mottle(vgrad((w, hy), *st.wall), rng, 7, 7)
    if st.walls == "planks":
        ts = min(1.0, 1.3 / cv.s)
        planks = wood((max(2, round(hy * ts)), max(2, round(w * ts))), rng, st.wall[0], 9, 1.0)
        wall = multiply(
            wall,
            planks.rotate(90, expand=True)
            .resize((w, hy), BICUBIC)
            .convert("L")
            .point(lut(lambda t: 80 + 200 * t)),
        )
    wall = multiply(
        wall, profile((w, hy), lambda t: 255 * (1 - 0.28 * max(0.0, (t - 0.8) / 0.2) ** 2), True)
    )
    if st.window and st.walls == "plaster":
        patch = Image.new("L", (max(2, w // 8), max(2, hy // 8)), 0)
        pw, ph = patch.size
        x0 = pw * cv.rng.uniform(0.55, 0.75)
        for i in range(2):
            for j in range(2):
                px, py = x0 + i * pw * 0.13, ph * (0.12 + j * 0.3)
                sk = pw * 0.08
                quad = [
                    (px, py),
                    (px + pw * 0.12, py),
                    (px + pw * 0.12 + sk, py + ph * 0.27),
                    (px + sk, py + ph * 0.27),
                ]
                ImageDraw.Draw(patch).polygon(quad, fill=24)
        patch = patch.filter(ImageFilter.GaussianBlur(pw * 0.006)).resize((w, hy), BILINEAR)
        wall = screen(wall, patch)
    tsize = (max(2, round(w * ts)), max(2, round((h - hy) * ts)))
    if st.surface == "oak":
        table = wood(tsize, rng, (168, 120, 78))
    elif st.surface == "walnut":
        table = wood(tsize, rng, (102, 66, 42))
    elif st.surface == "linen":
        table = linen(tsize, rng, (214, 202, 182))
    else:
        table = mat(tsize, rng, (196, 160, 104))
    table = table.resize((w, h - hy), BICUBIC)
    table = multiply(table, profile(table.size, lambda t: 255 * (0.8 + 0.2 * t**0.5), True))
    cv.img.paste(wall, (0, 0))
    cv.img.paste(table, (0, hy))
    lx, ly = st.light[0] * w, st.light[1] * h
    cv.img = multiply(
        cv.img, radial((w, h), (lx, ly), 1.25 * max(w, h), lambda d: 255 * (1 - 0.42 * d**1.6))
    )
    blurred = cv.img.filter(ImageFilter.GaussianBlur(2.6 * cv.s))
    dof = profile((w, h), lambda t: 255 * min(1.0, max(0.0, (st.horizon + 0.22 - t) / 0.22)), True)
    cv.img.paste(blurred, (0, 0), dof)


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Label:
    name: str
    brand: str
    net: str
    paper: RGB = (249, 245, 234)
    ink: RGB = (44, 34, 28)
    accent: RGB = (170, 40, 30)


def wrap(text: str, fnt: ImageFont.FreeTypeFont, max_w: float) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if not cur or fnt.getlength(trial) <= max_w:
            cur = trial
        else:
            lines.append(cur)
            cur = word
    return [*lines, cur] if cur else lines


def fit(
    text: str, max_w: float, max_h: float, weight: str = "bold", max_lines: int = 1
) -> tuple[ImageFont.FreeTypeFont, list[str], float]:
    """Largest font (and line breaks) that fits the box; lines are balanced, no lone last word."""
    px = max(6, round(max_h))
    while True:
        f = font(px, weight)
        lines = wrap(text, f, max_w)
        lh = px * 1.18
        ok = len(lines) <= max_lines and lh * len(lines) <= max_h * 1.05
        if (ok and all(f.getlength(ln) <= max_w for ln in lines)) or px <= 6:
            break
        px = max(6, int(px * 0.93))
    target = max_w
    while len(lines) > 1:
        target *= 0.96
        shorter = wrap(text, f, target)
        if len(shorter) != len(lines) or any(f.getlength(ln) > target for ln in shorter):
            break
        lines = shorter
    return f, lines, lh


def text_block(
    d: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    text: str,
    max_w: float,
    max_h: float,
    fill: Ink,
    weight: str = "bold",
    max_lines: int = 1,
) -> None:
    f, lines, lh = fit(text, max_w, max_h, weight, max_lines)
    y = cy - lh * (len(lines) - 1) / 2
    for ln in lines:
        d.text((cx, y), ln, font=f, fill=fill, anchor="mm")
        y += lh


def draw_label(
    img: Image.Image,
    box: tuple[float, float, float, float],
    lab: Label,
    radius: float = 0.05,
    paper: bool = True,
) -> None:
    """A printed label in pixel box: brand band, product name, net content, footnote."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    d = ImageDraw.Draw(img, "RGBA" if img.mode == "RGB" else None)
    r = min(w, h) * radius
    if paper:
        d.rounded_rectangle(box, radius=r, fill=lab.paper)
    band = h * 0.2
    d.rounded_rectangle(
        (x0, y0, x1, y0 + band), radius=r, fill=lab.accent, corners=(True, True, False, False)
    )
    inset = min(w, h) * 0.035
    d.rounded_rectangle(
        (x0 + inset, y0 + band + inset, x1 - inset, y1 - inset),
        radius=r * 0.6,
        outline=lab.accent,
        width=max(1, round(min(w, h) * 0.008)),
    )
    cx = (x0 + x1) / 2
    text_block(d, cx, y0 + band * 0.52, lab.brand.upper(), w * 0.86, band * 0.58, lab.paper)
    text_block(d, cx, y0 + h * 0.45, lab.name, w * 0.84, h * 0.36, lab.ink, max_lines=3)
    d.line(
        (cx - w * 0.16, y0 + h * 0.66, cx + w * 0.16, y0 + h * 0.66),
        fill=lab.accent,
        width=max(1, round(h * 0.008)),
    )
    text_block(d, cx, y0 + h * 0.76, lab.net, w * 0.8, h * 0.11, lab.accent)
    text_block(
        d,
        cx,
        y0 + h * 0.895,
        ILLUSTRATIVE,
        w * 0.84,
        h * 0.052,
        mix(lab.ink, lab.paper, 0.35),
        "regular",
    )


def tag_card(
    s: float, lab: Label, w: float = 300, h: float = 230, hole: bool = True
) -> Image.Image:
    """A paper hang tag / tent card carrying the label."""
    sp = Sprite(w, h, s)
    sp.pen.rect(0, 0, w, h, lab.paper, r=min(w, h) * 0.06)
    draw_label(sp.rgb, sp.box(w * 0.04, h * (0.2 if hole else 0.05), w * 0.96, h * 0.95), lab)
    if hole:
        sp.pen.ellipse(w * 0.09, h * 0.1, w * 0.035, w * 0.035, (205, 170, 60))
        sp.pen.ellipse(w * 0.09, h * 0.1, w * 0.018, w * 0.018, (30, 30, 30))
    sp.rgb = add_noise(sp.rgb, random.Random(7), 3)
    return sp.image()


def caption_badge(cv: Canvas, text: str) -> None:
    """Small translucent caption in the bottom-left corner of a scene photo."""
    d = ImageDraw.Draw(cv.img, "RGBA")
    f = font(round(26 * cv.s))
    f2 = font(round(19 * cv.s), "regular")
    pad = 16 * cv.s
    tw = max(f.getlength(text), f2.getlength(ILLUSTRATIVE)) + 2 * pad
    x0, y1 = 30 * cv.s, cv.size[1] - 30 * cv.s
    y0 = y1 - 88 * cv.s
    d.rounded_rectangle((x0, y0, x0 + tw, y1), radius=12 * cv.s, fill=(20, 20, 18, 150))
    d.text((x0 + pad, y0 + 28 * cv.s), text, font=f, fill=(255, 250, 235), anchor="lm")
    d.text((x0 + pad, y0 + 64 * cv.s), ILLUSTRATIVE, font=f2, fill=(235, 225, 200), anchor="lm")


# --------------------------------------------------------------------------- small props


def leaf(
    pen: Pen,
    base: Pt,
    angle: float,
    length: float,
    width: float,
    color: RGB,
    shape: str = "lance",
    bend: float = 0.0,
    vein: bool = True,
    serrate: float = 0.0,
    rng: random.Random | None = None,
) -> None:
    """A leaf from base, pointing at angle (degrees, 0 = right, 90 = up), two-tone halves."""
    ca, sa = math.cos(math.radians(angle)), -math.sin(math.radians(angle))
    n = 22

    def half_width(t: float) -> float:
        if shape == "heart":
            return float(math.sin(math.pi * min(1.0, t * 1.05)) ** 0.55 * (1.15 - t) ** 1.1)
        if shape == "strap":
            return float(min(1.0, t * 7) ** 0.5 * (1 - t**8) ** 0.5)
        if shape == "blade":
            return float((1 - t) ** 0.9 * min(1.0, t * 12))
        return float(math.sin(math.pi * t) ** 0.85 * (1 - 0.25 * t))

    def at(t: float, off: float) -> Pt:
        along = t * length
        side = off + bend * length * t * t
        return (base[0] + along * ca - side * sa, base[1] + along * sa + side * ca)

    upper, lower, mid = [], [], []
    for i in range(n + 1):
        t = i / n
        hw = width / 2 * half_width(t)
        if serrate and rng and i % 2:
            hw *= 1 + serrate * rng.random()
        upper.append(at(t, -hw))
        lower.append(at(t, hw))
        mid.append(at(t, 0))
    light, dark = mix(color, (255, 255, 220), 0.12), mix(color, (0, 0, 0), 0.22)
    pen.poly(upper + mid[::-1], light)
    pen.poly(lower + mid[::-1], dark)
    if vein:
        pen.line(mid, mix(color, (235, 235, 190), 0.35), max(1.0, width * 0.04), solid=False)
        for i in range(3, n - 2, 3):
            for side in (-1, 1):
                hw = width / 2 * half_width(i / n) * side
                tip = at(min(1.0, (i + 2.5) / n), hw * 0.8)
                pen.line(
                    [mid[i], tip], mix(color, (0, 0, 0), 0.3), max(1.0, width * 0.015), solid=False
                )


def coffee_bean(s: float, rng: random.Random, roast: RGB = (78, 45, 26)) -> Image.Image:
    w, h = 40 * rng.uniform(0.9, 1.1), 29 * rng.uniform(0.9, 1.1)
    sp = Sprite(w, h, s)
    sp.pen.ellipse(w / 2, h / 2, w / 2, h / 2, jitter(roast, rng, 10))
    shade_sphere(sp.rgb, 0.55, 0.45)
    crease = bez(
        (w * 0.12, h * 0.52), (w * 0.4, h * 0.25), (w * 0.6, h * 0.78), (w * 0.88, h * 0.48), 10
    )
    sp.pen.line(crease, (30, 17, 10), 3.0, solid=False)
    return rotated(sp.image(), rng.uniform(0, 360))


def macadamia(s: float, rng: random.Random) -> Image.Image:
    """Roasted macadamia in its shell, with the typical cut slit showing the kernel."""
    r = 26 * rng.uniform(0.88, 1.1)
    sp = Sprite(2 * r, 2 * r, s)
    sp.pen.ellipse(r, r, r, r * 0.96, jitter((132, 86, 50), rng, 12))
    sp.rgb = mottle(sp.rgb, rng, 12, 6)
    for _ in range(5):
        a = rng.uniform(0, 6.28)
        sp.pen.line(
            [
                (r + r * 0.3 * math.cos(a), r + r * 0.3 * math.sin(a)),
                (r + r * 0.9 * math.cos(a + 0.3), r + r * 0.9 * math.sin(a + 0.3)),
            ],
            (160, 112, 70, 120),
            1.2,
            solid=False,
        )
    sp.pen.ellipse(r * 1.5, r * 1.12, r * 0.2, r * 0.16, (196, 160, 110), solid=False)
    if rng.random() < 0.85:
        a = rng.uniform(0, math.pi)
        ca, sa = math.cos(a), math.sin(a)
        ts = [i / 8 for i in range(-8, 9)]
        mid = [
            (r + 0.9 * r * t * ca, r + 0.9 * r * t * sa, 0.13 * r * math.sqrt(1 - t * t))
            for t in ts
        ]
        upper = [(x - sa * hw, y + ca * hw) for x, y, hw in mid]
        lower = [(x + sa * hw, y - ca * hw) for x, y, hw in reversed(mid)]
        sp.pen.poly(upper + lower, (236, 216, 170), outline=(58, 36, 20), width=1.4, solid=False)
    shade_sphere(sp.rgb, 0.6, 0.35)
    return rotated(sp.image(), rng.uniform(0, 360))


def kernel(s: float, rng: random.Random) -> Image.Image:
    r = 20 * rng.uniform(0.9, 1.1)
    sp = Sprite(2 * r, 2 * r, s)
    sp.pen.ellipse(r, r, r, r * 0.94, jitter((236, 220, 180), rng, 6))
    sp.pen.ellipse(r * 0.7, r * 0.6, r * 0.15, r * 0.1, (200, 170, 120), solid=False)
    shade_sphere(sp.rgb, 0.45, 0.3)
    return rotated(sp.image(), rng.uniform(0, 360))


def peppercorn(s: float, rng: random.Random, color: RGB) -> Image.Image:
    r = 7 * rng.uniform(0.85, 1.15)
    sp = Sprite(2 * r, 2 * r, s)
    sp.pen.ellipse(r, r, r, r, jitter(color, rng, 12))
    for _ in range(4):
        a = rng.uniform(0, 6.28)
        sp.pen.line(
            [
                (r + r * 0.2 * math.cos(a), r + r * 0.2 * math.sin(a)),
                (r + r * 0.8 * math.cos(a + 0.4), r + r * 0.8 * math.sin(a + 0.4)),
            ],
            mix(color, (0, 0, 0), 0.5),
            1.0,
            solid=False,
        )
    shade_sphere(sp.rgb, 0.6, 0.55)
    return sp.image()


def grain_polys(
    pen: Pen,
    rng: random.Random,
    cx: float,
    cy: float,
    color: RGB,
    length: float = 9.0,
    angle: float | None = None,
) -> None:
    """One rice grain (a slim hexagon with a glint), at a random angle unless given."""
    a = rng.uniform(0, math.pi) if angle is None else angle
    ca, sa = math.cos(a) * length / 2, math.sin(a) * length / 2
    wx, wy = -sa * 0.42, ca * 0.42
    c = jitter(color, rng, 10)
    pen.poly(
        [
            (cx - ca, cy - sa),
            (cx - ca * 0.5 + wx, cy - sa * 0.5 + wy),
            (cx + ca * 0.5 + wx, cy + sa * 0.5 + wy),
            (cx + ca, cy + sa),
            (cx + ca * 0.5 - wx, cy + sa * 0.5 - wy),
            (cx - ca * 0.5 - wx, cy - sa * 0.5 - wy),
        ],
        c,
    )
    pen.line(
        [
            (cx - ca * 0.4 + wx * 0.4, cy - sa * 0.4 + wy * 0.4),
            (cx + ca * 0.3 + wx * 0.4, cy + sa * 0.3 + wy * 0.4),
        ],
        mix(c, (255, 255, 255), 0.5),
        1.0,
        solid=False,
    )


def grain_pile(
    cv: Canvas,
    cx: float,
    base: float,
    rx: float,
    height: float,
    color: RGB,
    n: int = 1400,
    grain: float = 9.0,
) -> None:
    """A heap of rice grains on the table."""
    rng = cv.rng
    shadow_spr = Image.new("RGBA", (round(rx * 2 * cv.s), round(height * cv.s)), (0, 0, 0, 0))
    ImageDraw.Draw(shadow_spr).ellipse(
        (0, 0, shadow_spr.width, shadow_spr.height), fill=(0, 0, 0, 255)
    )
    shadow(cv, shadow_spr, round((cx - rx) * cv.s), round((base - height) * cv.s), 0.7, 0.0)
    pts = []
    for _ in range(n):
        u = rng.uniform(-1, 1)
        top = height * (1 - u * u) ** 1.3
        v = rng.random() ** 0.7
        pts.append((cx + u * rx, base - rx * 0.08 * rng.random() - top * v))
    pen = cv.pen()
    for x, y in sorted(pts, key=lambda p: p[1]):
        grain_polys(pen, rng, x, y, color, grain)


# --------------------------------------------------------------------------- packages


KRAFT: RGB = (178, 136, 92)


def pouch(
    s: float,
    rng: random.Random,
    lab: Label,
    w: float = 420,
    h: float = 600,
    color: RGB = KRAFT,
    valve: bool = True,
    window: RGB | None = None,
    label_paper: bool = True,
) -> Image.Image:
    """Stand-up pouch: flat crimped top seal, side seals, zipper, valve or grain window."""
    sp = Sprite(w, h, s)
    seal, fin = h * 0.085, w * 0.028
    dark, light = mix(color, (0, 0, 0), 0.45), mix(color, (255, 255, 255), 0.35)

    def side(inset: float) -> list[Pt]:
        upper = bez(
            (w - inset, 0),
            (w - inset, h * 0.3),
            (w * 0.975 - inset, h * 0.45),
            (w * 0.97 - inset, h * 0.6),
            12,
        )
        lower = bez(
            (w * 0.97 - inset, h * 0.6),
            (w * 0.975 - inset, h * 0.8),
            (w * 0.995 - inset, h * 0.9),
            (w * 0.96 - inset, h * 0.975),
            10,
        )
        foot = bez(
            (w * 0.96 - inset, h * 0.975),
            (w * 0.93, h - inset * 0.3),
            (w * 0.7, h - inset * 0.3),
            (w * 0.5, h - inset * 0.3),
            10,
        )
        return [*upper, *lower, *foot]

    def shape(inset: float) -> Callable[[Pen], None]:
        half = side(inset)
        return lambda p: p.poly([*[(w - x, y) for x, y in reversed(half)], *half], 255)

    body = sp.mask_of(shape(0))
    sp.fill(texture(sp.rgb.size, color, rng, 9, 7), body)
    pen = Pen(sp.rgb, s)
    if color == KRAFT:
        for _ in range(int(w * h / 140)):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            a = rng.uniform(0, 6.28)
            ln = rng.uniform(3, 9)
            tone = mix(color, (60, 35, 15) if rng.random() < 0.6 else (240, 215, 180), 0.28)
            pen.line([(x, y), (x + ln * math.cos(a), y + ln * math.sin(a))], tone, 0.8)
    if window:
        wx0, wy0, wx1, wy1 = w * 0.24, h * 0.665, w * 0.76, h * 0.85
        win = Image.new("RGB", sp.box(0, 0, wx1 - wx0, wy1 - wy0)[2:], mix(window, (0, 0, 0), 0.35))
        wpen = Pen(win, s)
        for _ in range(int((wx1 - wx0) * (wy1 - wy0) / 14)):
            grain_polys(
                wpen, rng, rng.uniform(-5, wx1 - wx0 + 5), rng.uniform(-5, wy1 - wy0 + 5), window
            )
        wm = Image.new("L", win.size, 0)
        Pen(wm, s).rect(0, 0, wx1 - wx0, wy1 - wy0, 255, r=22)
        sp.rgb.paste(win, sp.box(wx0, wy0, wx1, wy1)[:2], wm)
        pen.rect(wx0, wy0, wx1, wy1, None, r=22, outline=rgba(dark, 200), width=2.5)
        pen.poly(
            [(wx0 + 14, wy1 - 6), (wx0 + 44, wy0 + 5), (wx0 + 64, wy0 + 5), (wx0 + 34, wy1 - 6)],
            (255, 255, 255, 70),
        )
        lbox = (w * 0.11, h * 0.2, w * 0.89, h * 0.62)
    else:
        lbox = (w * 0.12, h * 0.34, w * 0.88, h * 0.82)
    if valve:
        vx, vy = w * 0.5, h * 0.24
        pen.ellipse(vx, vy + 2, w * 0.055, w * 0.055, (0, 0, 0, 60))
        pen.ellipse(vx, vy, w * 0.052, w * 0.052, rgba(mix(color, (225, 215, 195), 0.6), 255))
        pen.ellipse(vx, vy, w * 0.036, w * 0.036, None, outline=(90, 80, 70, 200), width=1.6)
        for i in range(6):
            a = i * 1.047
            pen.ellipse(
                vx + w * 0.018 * math.cos(a),
                vy + w * 0.018 * math.sin(a),
                2.0,
                2.0,
                (60, 52, 46, 230),
            )
    draw_label(sp.rgb, sp.box(*lbox), lab, paper=label_paper)
    inner = sp.mask_of(shape(fin))
    flat = ImageChops.subtract(body, inner)
    inner.paste(0, sp.box(0, 0, w, seal))
    shade_cyl(sp.rgb, strength=0.55, spec=0.2, mask=inner)
    bulge = profile(
        sp.rgb.size, lambda t: 255 * (1 - 0.22 * math.exp(-(((t - 0.14) / 0.035) ** 2))), True
    )
    sp.rgb.paste(multiply(sp.rgb, bulge), (0, 0), inner)
    sp.rgb.paste(screen(sp.rgb, Image.new("L", sp.rgb.size, 30)), (0, 0), flat)
    pen.rect(0, 0, w, seal, rgba(light, 70))
    for i in range(int(w / 3.2)):
        x = i * 3.2 + 1
        ink = rgba(dark, 110) if i % 2 else rgba(light, 90)
        pen.line([(x, seal * 0.12), (x, seal * 0.88)], ink, 1.2)
    pen.line([(0, seal), (w, seal)], rgba(dark, 170), 1.8)
    pen.line([(fin, h * 0.13), (w - fin, h * 0.13)], rgba(dark, 150), 3.0)
    pen.line([(fin, h * 0.138), (w - fin, h * 0.138)], rgba(light, 120), 1.5)
    for x in (fin, w - fin):
        pen.line(
            [(x, seal), (x + (w * 0.01 if x > w / 2 else -w * 0.01), h * 0.6), (x, h * 0.95)],
            rgba(dark, 70),
            1.5,
        )
    crease = bez(
        (w * 0.04, h * 0.93), (w * 0.3, h * 0.965), (w * 0.7, h * 0.965), (w * 0.96, h * 0.93), 20
    )
    pen.line(crease, rgba(dark, 90), 2.0)
    notch = ImageDraw.Draw(sp.alpha)
    tri = h * 0.014
    for edge, tip in ((0.0, tri * 1.5), (w, w - tri * 1.5)):
        notch.polygon(
            sp.pen.pts([(edge, h * 0.105 - tri), (tip, h * 0.105), (edge, h * 0.105 + tri)]), fill=0
        )
    return sp.image()


def sack(
    s: float,
    rng: random.Random,
    lab: Label,
    w: float = 520,
    h: float = 760,
    band: RGB = (38, 120, 62),
    band2: RGB = (230, 180, 40),
) -> Image.Image:
    """Woven polypropylene rice sack with printed bands, stitched top and pinched ears."""
    sp = Sprite(w, h, s)

    def outline(p: Pen) -> None:
        right = [
            *bez(
                (w * 0.93, h * 0.04),
                (w * 0.975, h * 0.06),
                (w * 0.975, h * 0.07),
                (w * 0.965, h * 0.09),
                6,
            ),
            *bez(
                (w * 0.965, h * 0.09),
                (w * 1.01, h * 0.35),
                (w * 1.01, h * 0.7),
                (w * 0.975, h * 0.95),
                16,
            ),
            *bez((w * 0.975, h * 0.95), (w * 0.95, h), (w * 0.6, h), (w * 0.5, h), 10),
        ]
        top = [(w * 0.02, 0), (w * 0.08, h * 0.035), (w * 0.92, h * 0.035), (w * 0.98, 0)]
        left = [(w - x, y) for x, y in reversed(right)]
        p.poly([*top, *right, *left], 255)

    body = sp.mask_of(outline)
    sp.fill(Image.new("RGB", sp.rgb.size, (240, 238, 230)), body)
    pen = Pen(sp.rgb, s)
    pen.rect(0, h * 0.1, w, h * 0.2, band)
    pen.rect(0, h * 0.2, w, h * 0.215, band2)
    pen.rect(0, h * 0.86, w, h * 0.95, band)
    pen.rect(0, h * 0.845, w, h * 0.86, band2)
    d = ImageDraw.Draw(sp.rgb)
    text_block(
        d,
        w * s / 2,
        h * 0.15 * s,
        "GẠO NGON · KRÔNG NÔ",
        w * s * 0.86,
        h * 0.055 * s,
        (250, 245, 225),
    )
    for i in range(7):  # rice stalk motif
        x = w * (0.14 + i * 0.12)
        stalk = bez((x, h * 0.94), (x - 6, h * 0.9), (x + 10, h * 0.88), (x + 24, h * 0.87), 8)
        pen.line(stalk, band2, 3)
        for j, (sx, sy) in enumerate(stalk[2::2]):
            pen.ellipse(sx + 5, sy - 4 + j, 5, 3, band2)
    draw_label(sp.rgb, sp.box(w * 0.13, h * 0.27, w * 0.87, h * 0.8), lab)
    size = sp.rgb.size
    rows = noise((1, size[1]), rng, 30).resize(size, Image.Resampling.NEAREST)
    cols = noise((size[0], 1), rng, 30).resize(size, Image.Resampling.NEAREST)
    period = max(2, round(4 * s))
    tapes = Image.new("L", (size[0], 1))
    tapes.putdata([236 if (x // period) % 2 else 255 for x in range(size[0])])
    weave = ImageChops.add(rows, cols, 2.0).point(lut(lambda t: 255 * (0.95 + (t - 0.5) * 0.5)))
    sp.rgb = multiply(sp.rgb, ImageChops.multiply(weave, tapes.resize(size)))
    for i in range(int(w / 9)):  # stitched top seam
        sp.pen.line(
            [(6 + i * 9, h * 0.062), (11 + i * 9, h * 0.072)], (185, 50, 40), 2.0, solid=False
        )
    sp.pen.line([(w * 0.03, h * 0.055), (w * 0.97, h * 0.055)], (200, 198, 190), 1.5, solid=False)
    folds = Image.new("L", sp.rgb.size, 255)
    fp = Pen(folds, s)
    for x0, x1 in ((0.1, 0.3), (0.9, 0.7), (0.2, 0.35), (0.8, 0.62)):
        fp.line([(w * x0, h * 0.04), (w * x1, h * 0.35)], 200, 14)
    folds = folds.filter(ImageFilter.GaussianBlur(8 * s))
    sp.rgb = multiply(sp.rgb, folds)
    shade_cyl(sp.rgb, strength=0.55, spec=0.16, mask=body)
    return sp.image()


def fill_texture(kind: str, size: tuple[int, int], s: float, rng: random.Random) -> Image.Image:
    """Contents seen through a glass jar."""
    w, h = size
    if kind == "honey":
        img = vgrad(size, (246, 178, 42), (170, 84, 8))
        img = mottle(img, rng, 8, 6)
        pen = Pen(img, 1.0)
        for _ in range(40):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(1, 4) * s
            pen.ellipse(x, y, r, r, (255, 230, 150, 110))
        return img
    if kind == "paste":
        return mottle(vgrad(size, (92, 54, 26), (40, 22, 10)), rng, 10, 8)
    if kind == "macadamia":
        img = Image.new("RGB", size, (80, 52, 30))
        cv = Canvas(img, s, rng)
        for _ in range(int(w * h / (s * s * 850))):
            nut = macadamia(s, rng) if rng.random() < 0.7 else kernel(s, rng)
            composite(cv, nut, round(rng.uniform(-20 * s, w)), round(rng.uniform(-20 * s, h)))
        return img
    color = (150, 45, 32) if kind == "pepper_red" else (40, 34, 30)
    img = Image.new("RGB", size, mix(color, (0, 0, 0), 0.5))
    pen = Pen(img, s)
    for _ in range(int(w * h / (s * s * 60))):
        x, y, r = rng.uniform(0, w / s), rng.uniform(0, h / s), 6.5 * rng.uniform(0.85, 1.15)
        c = jitter(color, rng, 18)
        pen.ellipse(x, y, r, r, c)
        pen.ellipse(x - r * 0.35, y - r * 0.35, r * 0.3, r * 0.3, mix(c, (255, 255, 255), 0.35))
    return img


def glass_highlights(pen: Pen, x0: float, y0: float, x1: float, y1: float) -> None:
    w = x1 - x0
    pen.rect(x0 + w * 0.1, y0, x0 + w * 0.16, y1, (255, 255, 255, 70), r=w * 0.03, solid=False)
    pen.rect(x0 + w * 0.2, y0, x0 + w * 0.225, y1, (255, 255, 255, 45), r=w * 0.01, solid=False)
    pen.rect(x1 - w * 0.09, y0, x1 - w * 0.07, y1, (255, 255, 255, 60), r=w * 0.01, solid=False)


def jar(
    s: float,
    rng: random.Random,
    lab: Label,
    fill: str,
    w: float = 300,
    h: float = 380,
    lid: RGB = (196, 156, 44),
    level: float = 0.9,
    label_top: float = 0.44,
) -> Image.Image:
    """Glass jar with screw lid, visible contents and a wrap-around label."""
    sp = Sprite(w, h, s)
    lid_h, top = h * 0.15, h * 0.13
    r = w * 0.16
    body = sp.mask_of(lambda p: p.rect(0, top, w, h, 255, r=r))
    t = w * 0.035
    inner_top = top + (h - top) * (1 - level)
    inner = sp.mask_of(lambda p: p.rect(t, inner_top, w - t, h - t, 255, r=r * 0.8))
    sp.alpha.paste(90, (0, 0), body)
    sp.rgb.paste((215, 222, 220), (0, 0), body)
    contents = fill_texture(fill, sp.rgb.size, s, rng)
    sp.rgb.paste(contents, (0, 0), inner)
    sp.alpha.paste(255, (0, 0), inner)
    sp.pen.rect(0, h - t * 1.2, w, h, None, r=r, outline=(255, 255, 255, 80), width=3, solid=False)
    ly0, ly1 = h * label_top, h * 0.9
    sp.pen.rect(0, ly0, w, ly1, lab.paper)
    draw_label(sp.rgb, sp.box(w * 0.07, ly0, w * 0.93, ly1), lab, radius=0.0)
    shade_cyl(sp.rgb, strength=0.75, spec=0.3, mask=body)
    glass_highlights(Pen(sp.rgb, s), 0, top + 8, w, ly0)
    glass_highlights(Pen(sp.rgb, s), 0, ly1, w, h - 10)
    sp.pen.rect(0, top, t * 0.6, h - r * 0.4, (255, 255, 255, 40), solid=False)
    sp.pen.rect(w * 0.04, 0, w * 0.96, lid_h, lid, r=w * 0.02)
    for i in range(int(w * 0.92 / 7)):
        x = w * 0.04 + 4 + i * 7
        sp.pen.line(
            [(x, lid_h * 0.12), (x, lid_h * 0.9)],
            rgba(mix(lid, (0, 0, 0), 0.4), 120),
            1.4,
            solid=False,
        )
    sp.pen.rect(w * 0.04, 0, w * 0.96, lid_h * 0.12, rgba(mix(lid, (255, 255, 255), 0.3), 255), r=3)
    lid_box = sp.box(w * 0.04, 0, w * 0.96, lid_h)
    shade_cyl(sp.rgb, lid_box, strength=0.8, spec=0.5)
    return sp.image()


def bottle(
    s: float,
    rng: random.Random,
    lab: Label,
    w: float,
    h: float,
    glass: RGB,
    fill: RGB | None,
    cap: RGB,
    neck: float = 0.36,
    shoulder: float = 0.32,
    cap_h: float = 0.13,
    level: float = 0.8,
    label_box: tuple[float, float] = (0.45, 0.88),
    dropper: bool = False,
) -> Image.Image:
    """Glass bottle: body, shoulders, neck, ribbed cap; see-through unless fill is None."""
    sp = Sprite(w, h, s)
    nx0, nx1 = w * (0.5 - neck / 2), w * (0.5 + neck / 2)
    neck_top, sh_y = h * cap_h, h * shoulder
    r = w * 0.12

    def outline(p: Pen) -> None:
        left = bez(
            (nx0, neck_top + h * 0.04),
            (nx0, sh_y - h * 0.02),
            (0, sh_y - h * 0.08),
            (0, sh_y + h * 0.06),
            16,
        )
        right = [(w - x, y) for x, y in left]
        bottom = [(w, h - r), (w - r, h), (r, h), (0, h - r)]
        p.poly([(nx0, neck_top), (nx1, neck_top), *right, *bottom, *reversed(left)], 255)

    body = sp.mask_of(outline)
    if fill is None:
        sp.fill(Image.new("RGB", sp.rgb.size, glass), body)
    else:
        sp.rgb.paste(glass, (0, 0), body)
        sp.alpha.paste(80, (0, 0), body)
        lvl = sp.mask_of(lambda p: p.rect(0, h - (h - neck_top) * level, w, h, 255))
        lvl = ImageChops.multiply(lvl, erode(body, w * s * 0.015))
        sp.rgb.paste(fill, (0, 0), lvl)
        sp.alpha.paste(255, (0, 0), lvl)
    ly0, ly1 = h * label_box[0], h * label_box[1]
    sp.pen.rect(0, ly0, w, ly1, lab.paper)
    draw_label(sp.rgb, sp.box(w * 0.06, ly0, w * 0.94, ly1), lab, radius=0.0)
    shade_cyl(sp.rgb, strength=0.75, spec=0.35, mask=body)
    glass_highlights(Pen(sp.rgb, s), 0, sh_y, w, ly0)
    glass_highlights(Pen(sp.rgb, s), 0, ly1, w, h - 6)
    cx0, cx1 = nx0 - w * 0.03, nx1 + w * 0.03
    if dropper:
        sp.pen.rect(
            w * 0.5 - w * 0.13, 0, w * 0.5 + w * 0.13, neck_top * 0.62, (28, 26, 26), r=w * 0.12
        )
        sp.pen.rect(cx0, neck_top * 0.55, cx1, neck_top + h * 0.02, cap, r=3)
    else:
        sp.pen.rect(cx0, 0, cx1, neck_top + h * 0.02, cap, r=w * 0.03)
    for i in range(int((cx1 - cx0) / 6)):
        x = cx0 + 3 + i * 6
        sp.pen.line(
            [(x, neck_top * (0.62 if dropper else 0.1)), (x, neck_top + h * 0.015)],
            rgba(mix(cap, (0, 0, 0), 0.45), 140),
            1.2,
            solid=False,
        )
    shade_cyl(sp.rgb, sp.box(cx0, 0, cx1, neck_top + h * 0.02), strength=0.8, spec=0.5)
    return sp.image()


def box3d(s: float, lab: Label, w: float, h: float, d: float, color: RGB) -> Image.Image:
    """Printed carton seen from slightly above and to the right."""
    dx, dy = d * 0.75, d * 0.45
    sp = Sprite(w + dx, h + dy, s)
    sp.pen.rect(0, dy, w, h + dy, color)
    sp.pen.poly([(0, dy), (dx, 0), (w + dx, 0), (w, dy)], mix(color, (255, 255, 255), 0.3))
    sp.pen.poly([(w, dy), (w + dx, 0), (w + dx, h), (w, h + dy)], mix(color, (0, 0, 0), 0.32))
    pen = Pen(sp.rgb, s)
    for i in range(9):
        y = dy + h * 0.06 + i * h * 0.11
        tone = mix(color, (255, 255, 255), 0.22)
        leaf(pen, (w * 0.03, y), 25 + i * 6, w * 0.13, w * 0.045, tone, vein=False)
        leaf(pen, (w * 0.97, y), 155 - i * 6, w * 0.13, w * 0.045, tone, vein=False)
    draw_label(sp.rgb, sp.box(w * 0.12, dy + h * 0.1, w * 0.88, dy + h * 0.9), lab)
    side = Image.new("RGBA", (round(h * s), round(dx * s)), (0, 0, 0, 0))
    ImageDraw.Draw(side).text(
        (side.width / 2, side.height / 2),
        lab.net,
        font=font(round(dx * s * 0.3)),
        fill=(240, 235, 215, 255),
        anchor="mm",
    )
    side = side.rotate(90, expand=True)
    k = dy / dx
    layer = side.transform(
        sp.rgb.size, Image.Transform.AFFINE, (1, 0, -w * s, k, 1, -(dy + w * k) * s), BILINEAR
    )
    face = sp.image()
    face.alpha_composite(layer)
    rgb = add_noise(face.convert("RGB"), random.Random(3), 3)
    rgb.putalpha(face.getchannel("A"))
    return rgb


# --------------------------------------------------------------------------- produce and crafts


def turned(
    cx: float, top: float, h: float, radius: Callable[[float], float], n: int = 60
) -> list[Pt]:
    """Outline of a turned (lathe) shape: radius(t) is the half-width at height top + t * h."""
    side = [(cx + radius(i / n), top + h * i / n) for i in range(n + 1)]
    return side + [(2 * cx - x, y) for x, y in reversed(side)]


def durian(s: float, rng: random.Random, w: float = 440, h: float = 520) -> Image.Image:
    stem = 70.0
    sp = Sprite(w * 1.1, h * 1.06 + stem, s)
    cx, cy, rx, ry = w * 0.55, stem + h * 0.53, w * 0.47, h * 0.48
    green = (120, 140, 50)
    for i in range(64):
        a = i / 64 * 6.283
        pts = [(cx + rx * math.cos(a + da), cy + ry * math.sin(a + da)) for da in (-0.05, 0.05)]
        tip = (cx + rx * 1.1 * math.cos(a), cy + ry * 1.09 * math.sin(a))
        sp.pen.poly([pts[0], tip, pts[1]], jitter(mix(green, (90, 80, 30), 0.3), rng, 10))
    sp.pen.ellipse(cx, cy, rx, ry, green)
    step = 30.0
    rows = []
    y = cy - ry
    row = 0
    while y < cy + ry:
        x = cx - rx + (step / 2 if row % 2 else 0)
        while x < cx + rx:
            nx, ny = (x - cx) / rx, (y - cy) / ry
            d = math.hypot(nx, ny)
            if d < 0.97:
                rows.append((y, x, nx, ny, d))
            x += step
        y += step * 0.8
        row += 1
    for y, x, nx, ny, d in rows:
        k = 0.45 + 0.55 * math.sqrt(max(0.0, 1 - d * d))
        r = step * 0.5 * k
        ax, ay = x + nx * step * 0.42, y + ny * step * 0.42
        n_, e_, s_, w_ = (x, y - r), (x + r, y), (x, y + r), (x - r, y)
        base = jitter(green, rng, 12)
        sp.pen.poly([n_, w_, (ax, ay)], mix(base, (230, 240, 150), 0.3))
        sp.pen.poly([n_, e_, (ax, ay)], base)
        sp.pen.poly([e_, s_, (ax, ay)], mix(base, (20, 30, 0), 0.45))
        sp.pen.poly([s_, w_, (ax, ay)], mix(base, (20, 30, 0), 0.25))
        sp.pen.ellipse(ax, ay, 2.2, 2.2, (90, 70, 30))
    shade_sphere(sp.rgb, 0.55, 0.2)
    sp.pen.rect(cx - 14, 6, cx + 14, stem + 20, (122, 104, 58), r=6)
    sp.pen.ellipse(cx, stem + 20, 34, 14, (110, 112, 52))
    for i in range(4):
        sp.pen.line(
            [(cx - 9 + i * 6, 10), (cx - 9 + i * 6, stem + 12)], (90, 75, 40), 1.5, solid=False
        )
    shade_cyl(sp.rgb, sp.box(cx - 14, 0, cx + 14, stem + 10), 0.7, 0.3)
    return sp.image()


def avocado(s: float, rng: random.Random, kind: str, w: float = 200, h: float = 280) -> Image.Image:
    sp = Sprite(w, h, s)

    def shape(p: Pen, inset: float, fill: Ink) -> None:
        pts = []
        for i in range(41):
            t = i / 40
            hw = (w / 2 - inset) * math.sin(math.pi * t) ** 0.62 * (0.6 + 0.4 * t)
            pts.append((w / 2 + hw, inset + (h - 2 * inset) * t))
        p.poly(pts + [(w - x, y) for x, y in reversed(pts)], fill)

    skin = (48, 66, 28)
    shape(sp.pen, 0, skin)
    if kind == "whole":
        for _ in range(260):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            sp.pen.ellipse(x, y, 2.2, 2.2, rgba(jitter((80, 100, 40), rng, 25), 160), solid=False)
        shade_sphere(sp.rgb, 0.55, 0.35)
        sp.pen.ellipse(w / 2, 5, 6, 5, (90, 70, 40))
        return sp.image()
    flesh = sp.mask_of(lambda p: shape(p, w * 0.045, 255))
    grad = radial(
        sp.rgb.size, (w * s / 2, h * s * 0.62), w * s * 0.55, lambda d: 255 * min(1.0, d**1.3)
    )
    sp.rgb.paste(ImageOps.colorize(grad, (236, 228, 140), (150, 186, 64)), (0, 0), flesh)
    if kind == "pit":
        sp.pen.ellipse(w / 2, h * 0.62, w * 0.24, w * 0.25, (128, 78, 42))
        sp.pen.ellipse(w * 0.44, h * 0.58, w * 0.08, w * 0.06, (190, 140, 95), solid=False)
    else:
        sp.pen.ellipse(w / 2, h * 0.62, w * 0.24, w * 0.25, (206, 196, 112))
        sp.pen.ellipse(w / 2, h * 0.63, w * 0.2, w * 0.21, (224, 214, 128), solid=False)
    img = sp.image().resize((sp.rgb.width, round(sp.rgb.height * 0.62)), LANCZOS)
    rim = Image.new("RGBA", (img.width, img.height + round(14 * s)), (0, 0, 0, 0))
    dark = Image.new("RGBA", img.size, rgba(mix(skin, (0, 0, 0), 0.3), 255))
    rim.paste(dark, (0, round(14 * s)), img.getchannel("A"))
    rim.alpha_composite(img)
    return rim


def che_jar(s: float, rng: random.Random, w: float = 520, h: float = 620) -> Image.Image:
    """Glazed rice-wine jar (ché): flared lip, round belly, unglazed foot, lugs, leaf seal."""
    sp = Sprite(w, h, s)
    cx = w / 2

    def radius(t: float) -> float:
        if t < 0.035:
            return w * 0.2
        if t < 0.12:
            return w * 0.165
        u = (t - 0.12) / 0.88
        return float(w * (0.165 + 0.12 * u + 0.27 * math.sin(math.pi * u**0.85) ** 1.1))

    outline = turned(cx, 0, h, radius)
    body = sp.mask_of(lambda p: p.poly(outline, 255))
    sp.fill(texture(sp.rgb.size, (88, 50, 28), rng, 10, 5), body)
    foot = sp.mask_of(
        lambda p: p.poly(
            [
                (0, h),
                *[(x, h * 0.8 + 10 * math.sin(x / 23)) for x in range(0, round(w) + 1, 8)],
                (w, h),
            ],
            255,
        )
    )
    sp.rgb.paste(
        texture(sp.rgb.size, (160, 112, 70), rng, 12, 8), (0, 0), ImageChops.multiply(foot, body)
    )
    pen = Pen(sp.rgb, s)
    for y in (0.2, 0.235, 0.62):
        pen.line([(0, h * y), (w, h * y)], (64, 36, 20), 2.5)
    pen.line(
        [(x, h * 0.275 + 10 * math.sin(x / 16)) for x in range(0, round(w), 5)], (150, 104, 60), 3
    )
    for k in range(9):
        x = cx - w * 0.4 + k * w * 0.1
        pen.poly(
            [(x, h * 0.33), (x + 18, h * 0.37), (x, h * 0.41), (x - 18, h * 0.37)],
            None,
            outline=(140, 96, 56),
            width=2.5,
        )
    shade_cyl(sp.rgb, strength=0.85, spec=0.35, spec_at=0.3, mask=body)
    for side in (-1, 1):
        sp.pen.ellipse(cx + side * w * 0.36, h * 0.25, 18, 13, None, outline=(62, 36, 20), width=8)
    for k in range(7):
        a = math.pi * (0.05 + k * 0.15)
        tip = (cx + w * 0.25 * math.cos(a), h * 0.05 + h * 0.1 * math.sin(a))
        leaf(
            sp.pen,
            (cx, -4),
            math.degrees(-a),
            math.hypot(tip[0] - cx, tip[1] + 4),
            70,
            jitter((84, 130, 52), rng, 14),
            vein=False,
        )
    sp.pen.ellipse(cx, 8, w * 0.19, 20, (96, 144, 60))
    sp.pen.rect(cx - w * 0.175, h * 0.055, cx + w * 0.175, h * 0.075, (150, 116, 64))
    return sp.image()


def bamboo_straw(pen: Pen, pts: Sequence[Pt], width: float = 10) -> None:
    pen.line(pts, (112, 84, 38), width + 3)
    pen.line(pts, (200, 170, 98), width)
    pen.line([(x - width * 0.2, y) for x, y in pts], (232, 210, 150), width * 0.28, solid=False)
    for i in range(6, len(pts) - 1, 7):
        (x0, y0), (x1, y1) = pts[i - 1], pts[i + 1]
        nx, ny = -(y1 - y0), x1 - x0
        n = math.hypot(nx, ny) or 1
        nx, ny = nx / n * width * 0.65, ny / n * width * 0.65
        x, y = pts[i]
        pen.line([(x - nx, y - ny), (x + nx, y + ny)], (120, 88, 40), 2.5)


def orchid(s: float, rng: random.Random, w: float = 1100, h: float = 1400) -> Image.Image:
    """Potted foxtail orchid (Lan Đai Châu): strap leaves, silver roots, pendent flower spikes."""
    sp = Sprite(w, h, s)
    cx, pot_top, pot_h = w / 2, h - 330, 330.0
    pen = sp.pen
    stem_top = pot_top - 230
    pen.line([(cx, pot_top), (cx + 6, stem_top)], (92, 100, 52), 22)
    for k in range(5):
        side = -1 if k % 2 else 1
        y0 = pot_top - 40 - k * 45
        c1 = (cx + side * rng.uniform(120, 200), y0 + rng.uniform(-40, 20))
        c2 = (cx + side * rng.uniform(200, 280), y0 + rng.uniform(40, 120))
        end = (cx + side * rng.uniform(180, 300), pot_top + rng.uniform(60, 220))
        pts = bez((cx, y0), c1, c2, end, 18)
        pen.line(pts, (150, 156, 146), 15)
        pen.line(pts, (204, 208, 198), 11)
        pen.line(pts[-3:], (112, 168, 84), 11)
    for i in range(9):
        side = -1 if i % 2 else 1
        y = pot_top - 30 - i * 27
        lift = -28 + i * 7 + rng.uniform(-5, 5)
        ang = lift if side > 0 else 180 - lift
        color = jitter((62, 108, 50), rng, 10)
        leaf(
            pen,
            (cx + side * 6, y),
            ang,
            rng.uniform(360, 430) - i * 14,
            66,
            color,
            "strap",
            0.1 * side,
            vein=False,
        )
    for spike in range(2):
        side = (-1, 1)[spike]
        sx, sy = cx + side * 10, pot_top - 90 - spike * 70
        path = bez(
            (sx, sy),
            (sx + side * 220, sy - 200),
            (sx + side * 420, sy - 60),
            (sx + side * 400, sy + 420),
            90,
        )
        pen.line(path[:20], (90, 120, 60), 5)
        for j in range(20, len(path)):
            x, y = path[j]
            size = 14 * (1.1 - 0.45 * (j - 20) / (len(path) - 20))
            for _ in range(3):
                fx, fy = x + rng.uniform(-1.5, 1.5) * size, y + rng.uniform(-1.3, 1.3) * size
                for k in range(5):
                    a = k * 1.2566 + rng.uniform(-0.2, 0.2)
                    px, py = fx + size * 0.7 * math.cos(a), fy + size * 0.7 * math.sin(a)
                    pen.ellipse(px, py, size * 0.55, size * 0.42, jitter((250, 238, 244), rng, 6))
                    if rng.random() < 0.8:
                        pen.ellipse(
                            px + rng.uniform(-3, 3),
                            py + rng.uniform(-3, 3),
                            2.2,
                            2.2,
                            (212, 60, 140),
                        )
                pen.ellipse(fx, fy + size * 0.5, size * 0.35, size * 0.45, (196, 36, 118))
                pen.ellipse(fx, fy, 2.5, 2.5, (250, 220, 120))
    pot = turned(cx, pot_top, pot_h, lambda t: 196 if t < 0.09 else 182 - 44 * t)
    pm = sp.mask_of(lambda p: p.poly(pot, 255))
    sp.fill(texture(sp.rgb.size, (226, 232, 236), rng, 6, 4), pm)
    pp = Pen(sp.rgb, s)
    for y in (pot_top + 60, pot_top + 74, pot_top + pot_h - 40):
        pp.line([(0, y), (w, y)], (40, 72, 140), 4)
    for i in range(9):
        x = cx - 150 + i * 37
        diamond = [
            (x, pot_top + 100),
            (x + 16, pot_top + 150),
            (x, pot_top + 200),
            (x - 16, pot_top + 150),
        ]
        pp.poly(diamond, None, outline=(40, 72, 140), width=3)
        pp.ellipse(x, pot_top + 150, 5, 5, (40, 72, 140))
    shade_cyl(sp.rgb, sp.box(cx - 196, pot_top, cx + 196, pot_top + pot_h), 0.7, 0.55, mask=pm)
    pen.ellipse(cx, pot_top + 16, 184, 22, (60, 42, 30))
    for _ in range(70):
        chip = jitter((110, 80, 55), rng, 25)
        pen.ellipse(cx + rng.uniform(-166, 166), pot_top + 16 + rng.uniform(-14, 12), 12, 7, chip)
    return sp.image()


def gui_basket(s: float, rng: random.Random, w: float = 680, h: float = 920) -> Image.Image:
    """M'Nông back-basket (gùi): twill-woven flared body, black motif bands, rim, straps, feet."""
    sp = Sprite(w, h, s)
    cx, top, bot = w / 2, 150.0, 770.0
    rt, rb = 290.0, 168.0

    def radius(t: float) -> float:
        return float(rb + (rt - rb) * (1 - t) ** 1.35 + 12 * math.sin(math.pi * t))

    cane = (206, 166, 104)
    for side in (-1, 1):
        strap = bez(
            (cx + side * rt * 0.8, top + 20),
            (cx + side * rt * 1.12, top + 260),
            (cx + side * rb * 1.45, bot - 200),
            (cx + side * rb * 0.9, bot - 40),
            24,
        )
        sp.pen.line(strap, (92, 58, 30), 30)
        sp.pen.line(strap, (134, 90, 50), 20, solid=False)
        for x, y in strap[3::4]:
            sp.pen.line([(x - 14, y - 6), (x + 14, y + 6)], (70, 44, 24), 3, solid=False)
    sp.pen.ellipse(cx, top, rt, 46, (46, 30, 18))
    for side in (-1, 1):
        sp.pen.rect(cx + side * 130 - 16, bot - 30, cx + side * 130 + 16, h - 6, (112, 74, 40), r=6)
    sp.pen.rect(cx - 172, bot - 6, cx + 172, bot + 36, (120, 80, 44), r=8)
    shade_cyl(sp.rgb, sp.box(cx - 172, bot - 30, cx + 172, h), 0.6, 0.2)
    outline = turned(cx, top, bot - top, radius)

    def silhouette(p: Pen) -> None:
        p.poly(outline, 255)
        p.ellipse(cx, bot, rb, 26, 255)

    body = sp.mask_of(silhouette)
    weave = Image.new("RGB", sp.rgb.size, mix(cane, (60, 40, 20), 0.45))
    wp = Pen(weave, s)
    rh = 18.0
    rows = int((bot - top) / rh) + 2
    for r in range(rows):
        y0 = top + r * rh
        hw = radius(min(1.0, (y0 - top) / (bot - top)))
        sw = 18 * hw / rt
        lean = rh * 0.55 * (1 if r % 2 else -1)
        band = 5 <= r < 13 or rows - 9 <= r < rows - 5
        c = 0
        x = cx - hw - sw * 2
        while x < cx + hw + sw:
            motif = band and abs((c % 14) - 7) in ((r - 5) % 8, 7 - (r - 5) % 8)
            color = (52, 34, 24) if motif else jitter(cane, rng, 16)
            wp.poly(
                [
                    (x, y0),
                    (x + sw * 0.78, y0),
                    (x + sw * 0.78 + lean, y0 + rh - 2),
                    (x + lean, y0 + rh - 2),
                ],
                color,
            )
            wp.line(
                [(x + 2, y0 + 2), (x + sw * 0.7, y0 + 2)], mix(color, (255, 240, 200), 0.3), 1.2
            )
            x += sw
            c += 1
    sp.fill(weave, body)
    for y in (top + 300, bot - 12):
        hw = radius((y - top) / (bot - top))
        sp.pen.rect(cx - hw, y - 9, cx + hw, y + 9, (118, 76, 40), solid=False)
        for k in range(int(2 * hw / 12)):
            x = cx - hw + k * 12
            sp.pen.line([(x, y - 9), (x + 8, y + 9)], (80, 50, 26), 2, solid=False)
    shade_cyl(sp.rgb, sp.box(cx - rt - 12, top - 50, cx + rt + 12, bot + 40), 0.7, 0.22, mask=body)
    sp.pen.ellipse(cx, top, rt, 46, None, outline=(122, 80, 42), width=22)
    for k in range(64):
        a = k / 64 * 6.283
        if math.sin(a) > -0.2:
            x, y = cx + rt * math.cos(a), top + 46 * math.sin(a)
            sp.pen.line([(x - 4, y - 10), (x + 4, y + 10)], (84, 52, 28), 2.4, solid=False)
    return sp.image()


def brocade(size: tuple[int, int], s: float, rng: random.Random) -> Image.Image:
    """M'Nông brocade: black ground, red and yellow stripes, geometric motif bands (along x)."""
    w, h = size
    black, red, yellow, white, green = (
        (26, 22, 24),
        (176, 32, 36),
        (232, 180, 40),
        (238, 230, 214),
        (40, 110, 70),
    )
    img = Image.new("RGB", size, black)
    d = ImageDraw.Draw(img)
    plan = [
        (0.05, "red"),
        (0.025, "black"),
        (0.02, "yellow"),
        (0.1, "zigzag"),
        (0.02, "red"),
        (0.06, "dots"),
        (0.19, "diamond"),
        (0.06, "dots"),
        (0.02, "red"),
        (0.1, "zigzag"),
        (0.02, "yellow"),
        (0.025, "black"),
        (0.05, "red"),
        (0.04, "black"),
        (0.08, "stripes"),
        (0.04, "black"),
        (0.05, "red"),
    ]
    total = sum(f for f, _ in plan)
    y = 0.0
    lw = max(1, round(2.2 * s))
    for frac, kind in plan:
        bh = h * frac / total
        y0, y1, ym = y, y + bh, y + bh / 2
        if kind in ("red", "yellow"):
            d.rectangle((0, y0, w, y1), fill=red if kind == "red" else yellow)
        elif kind == "zigzag":
            p = bh * 1.1
            for col, off in ((yellow, 0.0), (white, p / 2)):
                pts = [
                    (x, ym + (bh * 0.3 if ((x + off) // (p / 2)) % 2 else -bh * 0.3))
                    for x in range(0, w + round(p), max(1, round(p / 2)))
                ]
                d.line(pts, fill=col, width=lw * 2)
        elif kind == "dots":
            step = bh * 0.9
            x = step / 2
            while x < w:
                d.rectangle(
                    (x - bh * 0.16, ym - bh * 0.16, x + bh * 0.16, ym + bh * 0.16), fill=white
                )
                x += step
        elif kind == "diamond":
            d.rectangle((0, y0, w, y1), fill=red)
            step = bh * 1.15
            x = step / 2
            i = 0
            while x < w + step:
                r = bh * 0.44
                d.polygon([(x, ym - r), (x + r, ym), (x, ym + r), (x - r, ym)], fill=black)
                d.polygon(
                    [(x, ym - r * 0.7), (x + r * 0.7, ym), (x, ym + r * 0.7), (x - r * 0.7, ym)],
                    fill=yellow,
                )
                d.polygon(
                    [
                        (x, ym - r * 0.42),
                        (x + r * 0.42, ym),
                        (x, ym + r * 0.42),
                        (x - r * 0.42, ym),
                    ],
                    fill=green if i % 2 else red,
                )
                d.rectangle((x - r * 0.1, ym - r * 0.1, x + r * 0.1, ym + r * 0.1), fill=white)
                mx = x + step / 2
                for sgn in (-1, 1):
                    d.line(
                        (mx - r * 0.2, ym - r * 0.55 * sgn, mx + r * 0.2, ym - r * 0.85 * sgn),
                        fill=yellow,
                        width=lw,
                    )
                x += step
                i += 1
        elif kind == "stripes":
            for k in range(6):
                yy = y0 + bh * (k + 0.5) / 6
                d.line((0, yy, w, yy), fill=(red, yellow, white)[k % 3], width=lw)
        y = y1
    threads = multiply(
        gray3(noise((1, h), rng, 22).resize(size, Image.Resampling.NEAREST)),
        noise((w, 1), rng, 22).resize(size, Image.Resampling.NEAREST),
    ).convert("L")
    return add_noise(multiply(img, threads.point(lut(lambda t: 170 + 85 * t))), rng, 8)


def perspective(dst: Sequence[Pt], src: Sequence[Pt]) -> tuple[float, ...]:
    """Coefficients for Image.transform(PERSPECTIVE) mapping the dst quad onto the src quad."""
    rows: list[list[float]] = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    n = 8
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(rows[r][c]))
        rows[c], rows[piv] = rows[piv], rows[c]
        for r in range(n):
            if r != c:
                f = rows[r][c] / rows[c][c]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[c], strict=True)]
    return tuple(rows[i][n] / rows[i][i] for i in range(n))


def lay_flat(cv: Canvas, tex: Image.Image, quad: Sequence[Pt]) -> None:
    """Map a texture (with alpha) onto a canvas quad given as TL, TR, BR, BL corners."""
    tw, th = tex.size
    dst = [(x * cv.s, y * cv.s) for x, y in quad]
    src = [(0.0, 0.0), (float(tw), 0.0), (float(tw), float(th)), (0.0, float(th))]
    layer = tex.transform(cv.size, Image.Transform.PERSPECTIVE, perspective(dst, src), BICUBIC)
    cv.img.paste(layer, (0, 0), layer)


def honeycomb(s: float, rng: random.Random, w: float = 300, h: float = 200) -> Image.Image:
    sp = Sprite(w, h, s)
    outline = [
        (
            w / 2 + w / 2 * (0.85 + 0.15 * rng.random()) * math.cos(a / 18 * 6.283),
            h / 2 + h / 2 * (0.85 + 0.15 * rng.random()) * math.sin(a / 18 * 6.283),
        )
        for a in range(18)
    ]
    mask = sp.mask_of(lambda p: p.poly(outline, 255))
    cells = Image.new("RGB", sp.rgb.size, (244, 206, 120))
    cp = Pen(cells, s)
    r = 15.0
    for j in range(int(h / (r * 1.5)) + 2):
        for i in range(int(w / (r * 1.73)) + 2):
            x, y = i * r * 1.732 + (r * 0.866 if j % 2 else 0), j * r * 1.5
            hexa = [
                (x + r * 0.86 * math.cos(a), y + r * 0.86 * math.sin(a))
                for a in (k * 1.0472 + 0.5236 for k in range(6))
            ]
            cp.poly(hexa, jitter((214, 140, 24), rng, 14))
            cp.ellipse(x - r * 0.2, y - r * 0.25, r * 0.22, r * 0.16, (255, 236, 170, 200))
    sp.fill(cells, mask)
    shade_sphere(sp.rgb, 0.35, 0.25)
    return sp.image()


def dipper(s: float) -> Image.Image:
    """Wooden honey dipper, upright (rotate it to lay it down)."""
    w, h = 90.0, 420.0
    sp = Sprite(w, h, s)
    wood_c = (196, 146, 86)
    sp.pen.rect(w / 2 - 9, 0, w / 2 + 9, h - 100, wood_c, r=9)
    for i in range(6):
        y = h - 120 + i * 19
        sp.pen.rect(w * 0.08, y, w * 0.92, y + 15, wood_c, r=7)
    sp.pen.rect(w * 0.1, h - 112, w * 0.9, h - 6, (226, 150, 30, 150), r=18)
    sp.pen.ellipse(w * 0.5, h - 4, 10, 10, (220, 140, 20))
    shade_cyl(sp.rgb, strength=0.7, spec=0.5)
    return sp.image()


def cup(s: float, liquid: RGB, w: float = 220, h: float = 170, glass: bool = False) -> Image.Image:
    sp = Sprite(w + 70, h + 50, s)
    sp.pen.ellipse(w / 2 + 10, h + 24, w * 0.72, 24, (196, 192, 184))
    sp.pen.ellipse(w / 2 + 10, h + 20, w * 0.72, 24, (238, 234, 226))
    sp.pen.ellipse(w / 2 + 10, h + 20, w * 0.45, 14, (222, 218, 210), solid=False)
    sp.pen.ellipse(w + 6, h * 0.45, 40, 48, None, outline=(232, 228, 220), width=16)
    body_pts = [(0, 20), (w, 20), *bez((w, 20), (w, h * 0.8), (w * 0.85, h), (w * 0.5, h), 12)]
    body_pts += [(w - x, y) for x, y in reversed(body_pts[2:])]
    mask = sp.mask_of(lambda p: p.poly(body_pts, 255))
    col = (226, 236, 228) if glass else (240, 236, 228)
    sp.fill(Image.new("RGB", sp.rgb.size, col), mask)
    if glass:
        fill_m = sp.mask_of(lambda p: p.poly([(x, max(y, 44.0)) for x, y in body_pts], 255))
        sp.rgb.paste(liquid, (0, 0), ImageChops.multiply(fill_m, mask))
    shade_cyl(sp.rgb, sp.box(0, 0, w, h), 0.6, 0.4, mask=mask)
    sp.pen.ellipse(w / 2, 20, w / 2, 20, (230, 226, 218))
    sp.pen.ellipse(w / 2, 22, w / 2 - 9, 15, liquid)
    sp.pen.ellipse(
        w / 2 - 20, 20, w * 0.2, 6, rgba(mix(liquid, (255, 255, 255), 0.35), 160), solid=False
    )
    return sp.image()


def bowl(
    cv: Canvas,
    cx: float,
    base: float,
    rx: float,
    grain: RGB | None = None,
    item: Callable[[], Image.Image] | None = None,
    n: int = 0,
) -> None:
    """Wooden bowl heaped with grains (grain colour) or small sprites (item factory)."""
    s, rng = cv.s, cv.rng
    ry, depth = rx * 0.28, rx * 0.5
    ox = rx + 4
    sp = Sprite(2 * ox, depth + ry + 6, s)
    front = [
        (ox + rx * math.cos(a / 24 * math.pi), ry + ry * math.sin(a / 24 * math.pi))
        for a in range(25)
    ]
    left = bez(
        (ox - rx, ry),
        (ox - rx, ry + depth * 0.7),
        (ox - rx * 0.6, ry + depth),
        (ox - rx * 0.45, ry + depth),
        10,
    )
    body = [*front, *left, *[(2 * ox - x, y) for x, y in reversed(left)]]
    sp.pen.poly(body, (150, 98, 58))
    sp.rgb = add_noise(mottle(sp.rgb, rng, 14, 12), rng, 6)
    shade_cyl(sp.rgb, strength=0.75, spec=0.3)
    outer = sp.alpha.copy()
    sp.pen.ellipse(ox, ry, rx, ry, (118, 78, 46))
    sp.pen.ellipse(ox, ry, rx, ry, None, outline=(176, 124, 80), width=5)
    x, y = round(cx * s - sp.rgb.width / 2), round(base * s - sp.rgb.height)
    back = sp.image()
    shadow(cv, back, x, y, 0.7, 0.4)
    composite(cv, back, x, y)
    rim_y = base - depth - 6
    pts = []
    count = n or int(rx * (13 if grain else 0.35))
    for _ in range(count):
        u, v = rng.uniform(-1, 1), rng.uniform(-1, 1)
        if u * u + v * v < 1:
            heap = rx * 0.3 * (1 - u * u - v * v) ** 0.8
            pts.append((cx + u * rx * 0.9, rim_y + v * ry * 0.8 - heap))
    pen = cv.pen()
    for px, py in sorted(pts, key=lambda q: q[1]):
        if grain:
            grain_polys(pen, rng, px, py, grain)
        elif item:
            spr = item()
            composite(cv, spr, round(px * s - spr.width / 2), round(py * s - spr.height / 2))
    lip = sp.image()
    lip.putalpha(outer)
    ImageDraw.Draw(lip).arc(
        [v * s for v in (ox - rx, 0, ox + rx, 2 * ry)],
        0,
        180,
        fill=(186, 134, 88, 255),
        width=round(6 * s),
    )
    composite(cv, lip, x, y)


def spill(
    cv: Canvas, item: Callable[[], Image.Image], n: int, center: Pt, spread: Pt, shade: float = 0.5
) -> None:
    """A natural spill of n small sprites around center (gaussian), far ones first."""
    rng = cv.rng
    spots = [(rng.gauss(center[0], spread[0]), rng.gauss(center[1], spread[1])) for _ in range(n)]
    for x, y in sorted(spots, key=lambda q: q[1]):
        place(cv, item(), x, y, shade, 0.0)


def rice_stalk(pen: Pen, rng: random.Random, base: Pt, angle: float, length: float) -> None:
    """A ripe rice panicle lying on the table: stem drooping at the tip, grains on short branches."""
    ca, sa = math.cos(math.radians(angle)), -math.sin(math.radians(angle))
    end = (base[0] + length * ca, base[1] + length * sa + length * 0.16)
    path = bez(
        base,
        (base[0] + length * 0.5 * ca, base[1] + length * 0.5 * sa),
        (end[0] - 40, end[1] - 60),
        end,
        30,
    )
    pen.line(path, (176, 160, 84), 4)
    gold = (218, 178, 78)
    for i in range(12, len(path) - 1):
        (x0, y0), (x1, y1) = path[i - 1], path[i + 1]
        along = math.atan2(y1 - y0, x1 - x0)
        for side in (-1, 1):
            br = along + side * 0.55
            blen = 34 * (1.1 - (i - 12) / (len(path) - 12) * 0.5)
            x, y = path[i]
            pen.line(
                [(x, y), (x + blen * math.cos(br), y + blen * math.sin(br))], (180, 158, 80), 1.4
            )
            for k in range(4):
                t = 0.35 + k * 0.2
                grain_polys(
                    pen, rng, x + blen * t * math.cos(br), y + blen * t * math.sin(br), gold, 13, br
                )
    grain_polys(pen, rng, end[0], end[1], gold, 13)


def lemongrass(pen: Pen, rng: random.Random, base: Pt, angle: float, length: float) -> None:
    ca, sa = math.cos(math.radians(angle)), -math.sin(math.radians(angle))
    stalk_len = length * 0.42
    end = (base[0] + stalk_len * ca, base[1] + stalk_len * sa)
    for k, blade_ang in enumerate((-9, -3, 4, 10)):
        leaf(
            pen,
            end,
            angle + blade_ang,
            length * (0.6 + 0.08 * k),
            22,
            (98, 146, 60),
            "blade",
            rng.uniform(-0.05, 0.05),
            vein=True,
        )
    pen.line([base, end], (206, 204, 150), 30)
    pen.line(
        [(base[0] - sa * 6, base[1] + ca * 6), (end[0] - sa * 6, end[1] + ca * 6)],
        (232, 228, 186),
        8,
    )
    pen.line(
        [(base[0] + sa * 9, base[1] - ca * 9), (end[0] + sa * 9, end[1] - ca * 9)],
        (168, 170, 110),
        7,
    )
    for t in (0.25, 0.55, 0.85):
        x, y = base[0] + stalk_len * t * ca, base[1] + stalk_len * t * sa
        pen.line([(x - sa * 15, y + ca * 15), (x + sa * 15, y - ca * 15)], (170, 150, 110), 2)
    pen.ellipse(base[0], base[1], 15, 15, (228, 220, 190))
    pen.ellipse(base[0], base[1], 9, 9, (200, 196, 150))


def pinnate_sprig(
    pen: Pen,
    rng: random.Random,
    base: Pt,
    angle: float,
    length: float,
    color: RGB = (62, 120, 52),
    leaflet: float = 46,
) -> None:
    """Stem with pairs of small serrated leaflets (đinh lăng, cà gai leo)."""
    ca, sa = math.cos(math.radians(angle)), -math.sin(math.radians(angle))
    pen.line([base, (base[0] + length * ca, base[1] + length * sa)], (120, 110, 60), 4)
    for i in range(1, 8):
        t = i / 8
        p = (base[0] + length * t * ca, base[1] + length * t * sa)
        for side in (-1, 1):
            leaf(
                pen,
                p,
                angle + side * 52,
                leaflet * (1.1 - 0.3 * t),
                leaflet * 0.32,
                jitter(color, rng, 12),
                serrate=0.35,
                rng=rng,
            )
    leaf(
        pen,
        (base[0] + length * ca, base[1] + length * sa),
        angle,
        leaflet,
        leaflet * 0.32,
        color,
        serrate=0.35,
        rng=rng,
    )


def root_slice(s: float, rng: random.Random) -> Image.Image:
    r = 30 * rng.uniform(0.8, 1.2)
    sp = Sprite(2 * r, 1.3 * r, s)
    sp.pen.ellipse(r, r * 0.65, r, r * 0.6, (112, 84, 52))
    sp.pen.ellipse(r, r * 0.6, r * 0.9, r * 0.5, (224, 206, 160))
    for k in (0.65, 0.35):
        sp.pen.ellipse(
            r, r * 0.6, r * 0.9 * k, r * 0.5 * k, None, outline=(190, 160, 110), width=1.5
        )
    return sp.image()


def tea_bag(s: float, rng: random.Random) -> Image.Image:
    """Filter-paper tea bag with its string and tag, lying flat."""
    sp = Sprite(150, 200, s)
    sp.pen.rect(10, 60, 130, 190, (242, 238, 228), r=4)
    sp.rgb = add_noise(sp.rgb, rng, 6)
    for x0 in (18, 74):
        sp.pen.rect(x0, 74, x0 + 48, 180, (150, 118, 70, 120), r=10, solid=False)
    sp.pen.line([(70, 62), (70, 188)], (214, 208, 194), 2, solid=False)
    sp.pen.rect(62, 58, 78, 66, (180, 180, 186), solid=False)
    sp.pen.line([(70, 60), (84, 36), (100, 30)], (236, 232, 222), 1.5)
    sp.pen.rect(96, 4, 146, 40, (52, 108, 56), r=3)
    f = font(round(16 * s))
    ImageDraw.Draw(sp.rgb).text((121 * s, 22 * s), "TRÀ", font=f, fill=(240, 236, 220), anchor="mm")
    return rotated(sp.image(), rng.uniform(-35, 35))


# --------------------------------------------------------------------------- outdoor scenes


def sky_and_hills(cv: Canvas, horizon: float, ground: RGB) -> None:
    """Hazy sky with soft clouds, three hill ridges and the ground below the horizon."""
    w, h = cv.size
    rng = cv.rng
    cv.img.paste(vgrad((w, h), (136, 178, 220), (226, 232, 226)))
    clouds = Image.new("L", (max(2, w // 8), max(2, h // 8)), 0)
    cd = ImageDraw.Draw(clouds)
    for _ in range(14):
        x, y = rng.uniform(0, clouds.width), rng.uniform(0, clouds.height * horizon * 0.7)
        rx, ry = clouds.width * rng.uniform(0.05, 0.14), clouds.height * rng.uniform(0.015, 0.04)
        cd.ellipse((x - rx, y - ry, x + rx, y + ry), fill=rng.randint(90, 150))
    clouds = clouds.filter(ImageFilter.GaussianBlur(clouds.width * 0.02)).resize((w, h), BILINEAR)
    cv.img = screen(cv.img, clouds)
    pen = cv.pen()
    for k, tone in enumerate(((150, 172, 178), (118, 148, 128), (86, 120, 80))):
        y0 = horizon * cv.hu - 110 + k * 45
        ph = rng.uniform(0, 6)
        ridge = [
            (x, y0 - 46 * math.sin(x / 260 + ph) - 20 * math.sin(x / 90 + ph * 2))
            for x in range(0, round(cv.wu) + 21, 20)
        ]
        pen.poly([*ridge, (cv.wu, cv.hu), (0, cv.hu)], tone)
    pen.rect(0, horizon * cv.hu, cv.wu, cv.hu, ground)
    cv.img = mottle(cv.img, rng, 10, 20)


def coffee_branch(pen: Pen, rng: random.Random, start: Pt, angle: float, length: float) -> None:
    """A coffee branch with paired glossy leaves and clusters of red cherries at the nodes."""
    ca, sa = math.cos(math.radians(angle)), -math.sin(math.radians(angle))
    end = (start[0] + length * ca, start[1] + length * sa + length * 0.12)
    mid = (start[0] + length * 0.4 * ca, start[1] + length * 0.4 * sa)
    path = bez(start, mid, (end[0] - 60 * ca, end[1] - 10), end, 30)
    pen.line(path, (116, 100, 74), 13)
    nodes = range(2, len(path) - 2, 4)
    for i in nodes:
        x, y = path[i]
        for side in (-1, 1):
            color = jitter((40, 88, 38), rng, 10)
            leaf(
                pen,
                (x, y),
                angle + side * 62 - 8,
                rng.uniform(210, 270),
                92,
                color,
                bend=0.08 * side,
            )
    palette = [(186, 26, 30)] * 6 + [(136, 18, 30)] * 2 + [(222, 112, 40), (118, 152, 52)]
    for i in nodes:
        x, y = path[i]
        for _ in range(rng.randint(12, 18)):
            a = rng.uniform(0, 6.283)
            cx, cy = x + 24 * math.cos(a), y + 16 * math.sin(a) + 8
            col = jitter(rng.choice(palette), rng, 12)
            pen.ellipse(cx, cy, 16, 15, col)
            pen.ellipse(cx - 5, cy - 5, 5, 4, rgba(mix(col, (255, 255, 255), 0.6), 200))
            pen.ellipse(cx + 6, cy + 6, 2.6, 2.6, (60, 20, 15))


def pepper_spike(pen: Pen, rng: random.Random, top: Pt, length: float, ripe: float) -> None:
    """A hanging pepper spike (gié tiêu): dense berries around a drooping stalk."""
    path = bez(
        top,
        (top[0] + 10, top[1] + length * 0.3),
        (top[0] - 12, top[1] + length * 0.7),
        (top[0] + 6, top[1] + length),
        22,
    )
    pen.line(path, (112, 132, 62), 2.5)
    red_spike = rng.random() < ripe
    for i, (x, y) in enumerate(path[1:]):
        r = 7.5 * (1 - 0.35 * i / len(path))
        for _ in range(3):
            red = red_spike and rng.random() < 0.3 + 0.7 * i / len(path)
            col = jitter((200, 40, 32) if red else (104, 146, 54), rng, 16)
            bx, by = x + rng.uniform(-1, 1) * r, y + rng.uniform(-0.5, 0.5) * r
            pen.ellipse(bx, by, r, r, col)
            pen.ellipse(
                bx - r * 0.3,
                by - r * 0.3,
                r * 0.32,
                r * 0.3,
                rgba(mix(col, (255, 255, 255), 0.55), 190),
            )


def foliage_rows(
    cv: Canvas,
    horizon: float,
    vp_x: float,
    rows: int,
    spacing: float,
    draw: Callable[[Pen, float, float, float], None],
    depth_n: int = 40,
) -> None:
    """Plants in rows running away from the viewer toward a vanishing point on the horizon.

    draw(pen, x, y, scale) draws one plant standing at (x, y); everything is drawn far to near.
    """
    hy = horizon * cv.hu
    spots = []
    for row in range(-rows, rows + 1):
        for i in range(depth_n):
            d = ((i + cv.rng.random() * 0.6) / depth_n) ** 1.7 * 1.15 + 0.02
            y = hy + (cv.hu - hy) * d
            spots.append((y, vp_x + row * spacing * d, d))
    pen = cv.pen()
    for y, x, d in sorted(spots):
        if -200 < x < cv.wu + 200:
            draw(pen, x, y, d)


def leaf_blob(pen: Pen, rng: random.Random, x: float, y: float, r: float, green: RGB) -> None:
    """A clump of foliage: many small leaves, lit from the upper left."""
    for _ in range(14):
        a = rng.uniform(0, 6.283)
        d = r * rng.random() ** 0.7
        lx, ly = x + d * math.cos(a), y + d * math.sin(a) * 0.8
        tone = mix(green, (230, 240, 170), 0.25) if lx < x and ly < y else jitter(green, rng, 18)
        pen.ellipse(lx, ly, r * 0.28, r * 0.18, tone)


def bark(cv: Canvas, x0: float, x1: float, color: RGB) -> None:
    """A vertical tree trunk / support post across the whole height, with bark texture."""
    s, rng = cv.s, cv.rng
    w, h = round((x1 - x0) * s), cv.size[1]
    trunk = texture((w, h), color, rng, 16, 10)
    d = ImageDraw.Draw(trunk)
    for _ in range(int((x1 - x0) / 4)):
        x = rng.uniform(0, w)
        y = rng.uniform(-h * 0.1, h)
        d.line(
            (x, y, x + rng.uniform(-4, 4) * s, y + rng.uniform(60, 260) * s),
            fill=mix(color, (30, 24, 18), 0.5),
            width=max(1, round(2 * s)),
        )
    shade_cyl(trunk, strength=0.8, spec=0.15)
    cv.img.paste(trunk, (round(x0 * s), 0))


def boulder(s: float, rng: random.Random, w: float, h: float, color: RGB) -> Image.Image:
    """Angular basalt boulder: a lit top-left facet over a darker body."""
    sp = Sprite(w, h, s)
    angles = sorted(rng.uniform(0, 6.283) for _ in range(8))
    pts = [
        (
            w / 2 + w / 2 * rng.uniform(0.8, 1.0) * math.cos(a),
            h * 0.55 + h * 0.45 * rng.uniform(0.75, 1.0) * math.sin(a),
        )
        for a in angles
    ]
    mask = sp.mask_of(lambda p: p.poly(pts, 255))
    sp.fill(texture(sp.rgb.size, color, rng, 16, 12), mask)
    facet = [(x * 0.7 + w * 0.1, y * 0.6 + h * 0.02) for x, y in pts]
    sp.pen.poly(facet, rgba(mix(color, (235, 225, 205), 0.35), 140), solid=False)
    for _ in range(int(w / 10)):
        sp.pen.ellipse(
            rng.uniform(0, w), rng.uniform(0, h), 2.0, 2.0, (24, 22, 20, 170), solid=False
        )
    shade_sphere(sp.rgb, 0.6, 0.1)
    return sp.image()


def defocus(cv: Canvas, radius: float) -> None:
    cv.img = cv.img.filter(ImageFilter.GaussianBlur(radius * cv.s))


# --------------------------------------------------------------------------- scenes

WARM_WALL = ((236, 228, 212), (204, 192, 172))
SAGE_WALL = ((206, 214, 196), (168, 180, 160))
DARK_WALL = ((92, 74, 60), (58, 46, 38))
GREY_WALL = ((196, 198, 196), (150, 152, 150))


def with_net(lab: Label, net: str) -> Label:
    return Label(lab.name, lab.brand, net, lab.paper, lab.ink, lab.accent)


def scene_rice(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(WARM_WALL, "oak", 0.42))
    rng = cv.rng
    rice = (240, 236, 224)
    for k in range(3):
        rice_stalk(cv.pen(), rng, (60 + k * 40, 760 + k * 20), 14 - k * 6, 560)
    pack = pouch(cv.s, rng, lab, 520, 750, (236, 240, 226), valve=False, window=rice)
    place(cv, pack, 760, 1090)
    bowl(cv, 1280, 1070, 210, grain=rice)
    grain_pile(cv, 370, 1130, 190, 64, rice, 2000)
    pen = cv.pen()
    for _ in range(160):
        x, y = rng.gauss(800, 380), rng.uniform(1110, 1190)
        grain_polys(pen, rng, x, y, rice)


def scene_sack(cv: Canvas, lab: Label) -> None:
    rice = (240, 236, 224)
    if cv.wu > cv.hu:
        backdrop(cv, Stage(WARM_WALL, "mat", 0.45, (0.6, 0.1)))
        place(cv, sack(cv.s, cv.rng, lab, 560, 820), 640, 1120)
        bowl(cv, 1210, 1080, 190, grain=rice)
        grain_pile(cv, 1010, 1165, 130, 40, rice, 900)
    else:
        backdrop(cv, Stage(WARM_WALL, "oak", 0.45, (0.6, 0.1)))
        place(cv, sack(cv.s, cv.rng, lab, 760, 1120), 560, 1530)
        grain_pile(cv, 1010, 1570, 150, 50, rice, 1300)


def scene_brown_rice(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(SAGE_WALL, "linen", 0.44))
    brown = (150, 86, 56)
    place(cv, pouch(cv.s, cv.rng, lab, 480, 690, KRAFT, valve=False, window=brown), 650, 1080)
    bowl(cv, 1200, 1060, 190, grain=brown)
    grain_pile(cv, 290, 1140, 170, 55, brown, 1600)


def scene_coffee(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(DARK_WALL, "walnut", 0.42, (0.25, 0.1)))
    rng, s = cv.rng, cv.s
    bowl(cv, 300, 1000, 190, item=lambda: coffee_bean(s, rng), n=90)
    place(cv, pouch(s, rng, lab, 520, 750, KRAFT), 780, 1090)
    place(cv, cup(s, (46, 26, 16), 260, 200), 1280, 1070)
    spill(cv, lambda: coffee_bean(s, rng), 45, (470, 1120), (200, 35))
    spill(cv, lambda: coffee_bean(s, rng), 20, (1120, 1150), (160, 25))


def scene_roasted(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(GREY_WALL, "oak", 0.44))
    rng, s = cv.rng, cv.s
    ink = Label(lab.name, lab.brand, lab.net, (30, 28, 26), (240, 226, 196), (196, 150, 60))
    place(cv, pouch(s, rng, ink, 520, 740, (40, 36, 34), label_paper=False), 680, 1080)
    spill(cv, lambda: coffee_bean(s, rng), 200, (1160, 1090), (120, 40))
    spill(cv, lambda: coffee_bean(s, rng), 30, (320, 1130), (110, 30))


def scene_plantation(cv: Canvas, lab: Label) -> None:
    rng = cv.rng
    soil = (142, 80, 54)
    sky_and_hills(cv, 0.4, soil)
    pen = cv.pen()
    for x in (180, 1000, 1460):
        pen.line([(x, 500), (x + 8, 170)], (84, 70, 56), 12)
        for _ in range(14):
            leaf_blob(
                pen, rng, x + rng.uniform(-120, 120), 170 + rng.uniform(-70, 40), 60, (74, 112, 66)
            )

    def coffee_bush(p: Pen, x: float, y: float, d: float) -> None:
        r = 20 + 150 * d
        for k in range(3):
            leaf_blob(
                p,
                rng,
                x + rng.uniform(-0.5, 0.5) * r,
                y - r * (0.5 + 0.4 * k),
                r * 0.75,
                (46, 92, 42),
            )

    foliage_rows(cv, 0.4, 820, 9, 560, coffee_bush, 34)
    defocus(cv, 3.0)
    pen = cv.pen()
    coffee_branch(pen, rng, (-30, 560), -8, 1250)
    coffee_branch(pen, rng, (1650, 230), 198, 950)
    caption_badge(cv, f"{lab.brand} · vườn cà phê")


def scene_macadamia(cv: Canvas, lab: Label) -> None:
    rng, s = cv.rng, cv.s
    if cv.wu < cv.hu:
        backdrop(cv, Stage(SAGE_WALL, "linen", 0.5))
        place(cv, jar(s, rng, lab, "macadamia", 600, 760), 560, 1440)
        spill(cv, lambda: macadamia(s, rng), 30, (620, 1490), (260, 45))
        spill(cv, lambda: kernel(s, rng), 14, (640, 1520), (240, 35))
    else:
        backdrop(cv, Stage(SAGE_WALL, "oak", 0.44))
        place(cv, jar(s, rng, lab, "macadamia", 420, 540), 600, 1060)
        bowl(cv, 1210, 1040, 190, item=lambda: kernel(s, rng), n=70)
        spill(cv, lambda: macadamia(s, rng), 24, (620, 1130), (300, 35))
        spill(cv, lambda: kernel(s, rng), 8, (700, 1150), (250, 25))


def scene_milk(cv: Canvas, lab: Label) -> None:
    rng, s = cv.rng, cv.s
    spr = bottle(
        s,
        rng,
        lab,
        420,
        1080,
        (226, 234, 236),
        (246, 242, 230),
        (150, 110, 60),
        neck=0.34,
        shoulder=0.32,
        level=0.86,
        label_box=(0.46, 0.84),
    )
    place(cv, spr, 600, 1470, 0.7, 0.0)
    for x, y in ((280, 1500), (370, 1545), (850, 1520), (930, 1475), (780, 1565)):
        place(cv, macadamia(s, rng), x, y, 0.7, 0.0)
    place(cv, kernel(s, rng), 460, 1570, 0.7, 0.0)


def scene_honey(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(WARM_WALL, "oak", 0.5, (0.2, 0.1)))
    rng, s = cv.rng, cv.s
    place(cv, jar(s, rng, lab, "honey", 500, 660, lid=(150, 98, 46), level=0.94), 500, 1400)
    place(cv, honeycomb(s, rng, 380, 240), 940, 1470)
    place(cv, rotated(dipper(s), 62), 760, 1570)


def scene_pepper(cv: Canvas, lab: Label) -> None:
    red = "đỏ" in lab.name
    st = Stage(WARM_WALL, "linen", 0.44) if red else Stage(GREY_WALL, "walnut", 0.44)
    backdrop(cv, st)
    rng, s = cv.rng, cv.s
    color = (150, 45, 32) if red else (40, 34, 30)
    place(cv, jar(s, rng, lab, "pepper_red" if red else "pepper_black", 420, 540), 640, 1070)
    spill(cv, lambda: peppercorn(s, rng, color), 240, (1160, 1090), (110, 32))
    spill(cv, lambda: peppercorn(s, rng, color), 60, (300, 1140), (120, 25))


def scene_pepper_vines(cv: Canvas, lab: Label) -> None:
    rng = cv.rng
    sky_and_hills(cv, 0.38, (136, 78, 52))

    def pepper_column(p: Pen, x: float, y: float, d: float) -> None:
        r = 8 + 70 * d
        for k in range(7):
            leaf_blob(
                p,
                rng,
                x + rng.uniform(-0.3, 0.3) * r,
                y - r * (0.6 + k * 0.75),
                r * 0.7,
                (48, 96, 44),
            )

    foliage_rows(cv, 0.38, 700, 6, 420, pepper_column, 16)
    defocus(cv, 3.5)
    bark(cv, 250, 400, (118, 104, 88))
    pen = cv.pen()
    vine = [(325 + 70 * math.sin(y / 90), y) for y in range(0, 1700, 20)]
    pen.line(vine, (70, 96, 44), 8)
    for _ in range(70):
        x, y = rng.uniform(170, 520), rng.uniform(-40, 1600)
        side = 1 if x > 325 else -1
        ang = (15 if side > 0 else 165) + rng.uniform(-45, 45)
        leaf(
            pen,
            (x, y),
            ang,
            rng.uniform(120, 170),
            100,
            jitter((52, 100, 42), rng, 12),
            "heart",
            0.08 * side,
        )
    for _ in range(16):
        pepper_spike(
            pen, rng, (rng.uniform(210, 540), rng.uniform(60, 1300)), rng.uniform(150, 200), 0.25
        )
    for x, y in ((720, 380), (900, 460), (780, 760), (960, 840), (840, 1120)):
        leaf(
            pen,
            (x - 40, y - 20),
            rng.uniform(10, 60),
            250,
            190,
            jitter((48, 96, 40), rng, 8),
            "heart",
            0.05,
        )
        pepper_spike(pen, rng, (x, y), 280, 0.5)
        pepper_spike(pen, rng, (x + 55, y + 20), 250, 0.3)
    caption_badge(cv, f"{lab.brand} · vườn tiêu")


def scarf_runner(s: float, rng: random.Random, length: float, width: float) -> Image.Image:
    """A long brocade scarf texture with soft folds and a thread fringe at the right end."""
    cloth = brocade((round(length * s), round(width * s)), s, rng)
    folds = profile(cloth.size, lambda t: 255 * (0.82 + 0.18 * math.sin(t * 17) ** 2))
    cloth = multiply(cloth, folds)
    full = Image.new("RGBA", (cloth.width + round(90 * s), cloth.height), (0, 0, 0, 0))
    full.paste(cloth, (0, 0))
    d = ImageDraw.Draw(full)
    for y in range(0, cloth.height, max(2, round(5 * s))):
        color = cloth.getpixel((cloth.width - 2, y))
        assert isinstance(color, tuple)
        tip = cloth.width + 90 * s * rng.uniform(0.75, 1.0)
        d.line(
            (cloth.width, y, tip, y + rng.uniform(-4, 4) * s),
            fill=color,
            width=max(1, round(2 * s)),
        )
    return full


def folded_scarf(s: float, rng: random.Random, w: float = 620, depth: float = 150) -> Image.Image:
    """One folded layer of brocade: the top face (stripes running away) and the rounded fold."""
    tex = brocade((round(430 * s), round(w * s)), s, rng).rotate(90, expand=True)
    top = tex.resize((tex.width, round(depth * s)))
    edge = tex.crop((0, 0, tex.width, round(40 * s))).resize((tex.width, round(36 * s)))
    edge = multiply(edge, profile(edge.size, lambda t: 255 * (1 - 0.6 * t**1.5), True))
    layer = Image.new("RGBA", (top.width, top.height + edge.height), (0, 0, 0, 0))
    layer.paste(top, (0, 0))
    layer.paste(edge, (0, top.height))
    corners = Image.new("L", layer.size, 0)
    ImageDraw.Draw(corners).rounded_rectangle((0, 0, *layer.size), radius=18 * s, fill=255)
    layer.putalpha(corners)
    return layer


def scene_scarf(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(WARM_WALL, "walnut", 0.4, (0.4, 0.05)))
    rng, s = cv.rng, cv.s
    quad = [(430, 560), (1520, 1010), (1180, 1180), (230, 600)]  # far end at the back left
    shade = Image.new("L", cv.size, 0)
    Pen(shade, s).poly([(x + 20, y + 22) for x, y in quad], 110)
    cv.img = multiply(cv.img, ImageOps.invert(shade.filter(ImageFilter.GaussianBlur(20 * s))))
    lay_flat(cv, scarf_runner(s, rng, 1500, 260), quad)
    layer = folded_scarf(s, rng)
    for k in range(3):
        place(cv, layer, 560 + k * 10, 940 - k * 36, 0.7 if k == 0 else 0.25, 0.2)
    place(cv, rotated(tag_card(s, lab, 360, 275), -8), 1250, 900, 0.6, 0.2)


def hang_tag(
    cv: Canvas, lab: Label, tie: Pt, hole: Pt, w: float = 280, h: float = 210, angle: float = 0.0
) -> None:
    """A card tag whose punched hole is at `hole`, tied by a string to `tie` (design units)."""
    card = rotated(tag_card(cv.s, lab, w, h), angle)
    ox, oy = (0.09 - 0.5) * w * cv.s, (0.1 - 0.5) * h * cv.s
    a = math.radians(angle)
    hx = card.width / 2 + ox * math.cos(a) + oy * math.sin(a)
    hy = card.height / 2 - ox * math.sin(a) + oy * math.cos(a)
    x, y = round(hole[0] * cv.s - hx), round(hole[1] * cv.s - hy)
    shadow(cv, card, x, y + round(30 * cv.s), 0.35, 0.0)
    composite(cv, card, x, y)
    mid = ((tie[0] + hole[0]) / 2, max(tie[1], hole[1]) + 30)
    cv.pen().line(bez(tie, mid, mid, hole, 16), (236, 226, 200), 2.5)


def scene_gui(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(((128, 100, 76), (88, 68, 52)), "mat", 0.56, (0.3, 0.1), walls="planks"))
    k = 1.22  # drawn larger than its design size
    place(cv, gui_basket(cv.s * k, cv.rng), 560, 1500, 0.7, 0.5)
    rim = (560 + 290 * k, 1500 - 770 * k)  # right end of the rim, from gui_basket's geometry
    hang_tag(cv, lab, (rim[0] - 10, rim[1] + 10), (rim[0] + 40, rim[1] + 130), 300, 225, -6)


def sign_board(
    s: float, rng: random.Random, lab: Label, w: float = 520, h: float = 560
) -> Image.Image:
    sp = Sprite(w, h, s)
    board_h = 330.0
    for x in (w * 0.16, w * 0.84):
        sp.pen.rect(x - 18, 40, x + 18, h, (84, 58, 38), r=6)
        shade_cyl(sp.rgb, sp.box(x - 18, 40, x + 18, h), 0.6, 0.2)
    planks = wood((round(w * s), round(board_h * s)), rng, (128, 86, 52))
    sp.rgb.paste(planks, (0, 0))
    sp.alpha.paste(255, sp.box(0, 0, w, board_h))
    sp.pen.rect(0, 0, w, board_h, None, outline=(70, 46, 28), width=14)
    d = ImageDraw.Draw(sp.rgb)
    cream, gold = (246, 234, 204), (240, 198, 92)
    text_block(d, w * s / 2, 44 * s, lab.brand.upper(), w * s * 0.8, 34 * s, gold)
    text_block(d, w * s / 2, 140 * s, lab.name, w * s * 0.86, 150 * s, cream, max_lines=3)
    text_block(d, w * s / 2, 240 * s, lab.net, w * s * 0.7, 36 * s, gold)
    text_block(d, w * s / 2, 290 * s, ILLUSTRATIVE, w * s * 0.8, 22 * s, cream, "regular")
    for x in (w * 0.16, w * 0.84):
        for y in (40, 290):
            sp.pen.ellipse(x, y, 6, 6, (50, 40, 30))
    return sp.image()


def scene_cave(cv: Canvas, lab: Label) -> None:
    """Entrance of a collapsed lava tube: basalt walls, dark mouth, ferns, vines and a sign."""
    rng, s = cv.rng, cv.s
    w, h = cv.size
    rock_c = (84, 78, 70)
    cv.img.paste(texture(cv.size, rock_c, rng, 22, 12))
    pen = cv.pen()
    for _ in range(90):
        x, y = rng.uniform(0, 1600), rng.uniform(0, 1000)
        crack = [(x, y)]
        for _ in range(rng.randint(3, 7)):
            x, y = x + rng.uniform(-40, 40), y + rng.uniform(10, 50)
            crack.append((x, y))
        pen.line(crack, (34, 30, 28, 200), rng.uniform(1.5, 3.5))
    cx, cy, rx, ry = 740.0, 860.0, 600.0, 420.0
    mouth = []
    for i in range(73):
        a = math.pi + i / 72 * math.pi
        rough = (
            1 + 0.05 * math.sin(a * 7 + 1) + 0.03 * math.sin(a * 17) + rng.uniform(-0.015, 0.015)
        )
        mouth.append((cx + rx * rough * math.cos(a), cy + ry * rough * math.sin(a)))
    mouth.append((cx + rx, 900))
    mouth.append((cx - rx, 900))
    m = Image.new("L", cv.size, 0)
    Pen(m, s).poly(mouth, 255)
    depth = (
        m.resize((w // 8, h // 8), BILINEAR)
        .filter(ImageFilter.GaussianBlur(w / 8 * 0.05))
        .resize(cv.size, BILINEAR)
    )
    depth = ImageChops.multiply(depth.point(lut(lambda t: 255 * min(1.0, t * 1.5))), m)
    cv.img = multiply(cv.img, ImageOps.invert(depth.point(lut(lambda t: 250 * t))))
    rim = Image.new("L", cv.size, 0)
    Pen(rim, s).line(mouth[:73], 255, 46)
    rim = ImageChops.subtract(rim.filter(ImageFilter.GaussianBlur(10 * s)), m)
    cv.img = screen(cv.img, rim.point(lut(lambda t: 90 * t)))
    pen = cv.pen()
    pen.poly([(0, 0), (1600, 0), (1600, 140), (0, 230)], (38, 66, 32))
    for _ in range(260):
        x, y = rng.uniform(-50, 1650), rng.uniform(-40, 250 - 0.06 * rng.uniform(0, 1600))
        color = jitter((62, 112, 46), rng, 26)
        leaf(
            pen,
            (x, y),
            rng.uniform(200, 340),
            rng.uniform(60, 130),
            rng.uniform(26, 50),
            color,
            vein=False,
        )
    for side in (-1, 1):
        for _ in range(40):
            x = cx + side * rx * rng.uniform(0.9, 1.25)
            y = rng.uniform(560, 880)
            ang = (90 + side * rng.uniform(20, 80)) % 360
            leaf(
                pen,
                (x, y),
                ang,
                rng.uniform(50, 110),
                rng.uniform(18, 30),
                jitter((70, 118, 50), rng, 24),
                vein=False,
            )
    for _ in range(16):
        x = rng.uniform(250, 1200)
        ln = rng.uniform(140, 460)
        vine = bez(
            (x, 220), (x + 20, 220 + ln * 0.4), (x - 20, 220 + ln * 0.7), (x + 10, 220 + ln), 12
        )
        pen.line(vine, (70, 96, 44), 3)
        for px, py in vine[2::2]:
            leaf(
                pen,
                (px, py),
                rng.choice((-30, 210)),
                34,
                16,
                jitter((84, 128, 54), rng, 20),
                vein=False,
            )
    floor = [
        (0, 900),
        *[(x, 890 + 24 * math.sin(x / 140)) for x in range(0, 1601, 40)],
        (1600, 1200),
        (0, 1200),
    ]
    pen.poly(floor, (104, 92, 78))
    cv.img = mottle(cv.img, rng, 14, 30)
    cv.img = multiply(
        cv.img, radial(cv.size, (0.35 * w, 0.0), 1.1 * w, lambda d: 255 * (1 - 0.45 * d**1.4))
    )
    beam = Image.new("L", cv.size, 0)
    Pen(beam, s).poly([(140, 0), (440, 0), (940, 1000), (600, 1000)], 44)
    cv.img = screen(cv.img, beam.filter(ImageFilter.GaussianBlur(40 * s)))
    for _ in range(26):
        x, y = rng.uniform(0, 1600), rng.uniform(900, 1100)
        spr = boulder(
            s, rng, rng.uniform(60, 190), rng.uniform(40, 100), jitter((96, 88, 78), rng, 14)
        )
        place(cv, spr, x, y, 0.7, 0.3)
    defocus(cv, 1.3)
    cv.img = add_noise(cv.img, rng, 8, 2.0)
    for _ in range(8):
        x, y = rng.uniform(0, 1600), rng.uniform(1110, 1220)
        spr = boulder(
            s, rng, rng.uniform(80, 220), rng.uniform(50, 110), jitter((100, 92, 80), rng, 14)
        )
        place(cv, spr, x, y, 0.7, 0.3)
    place(cv, sign_board(s, rng, lab, 560, 580), 1290, 1160, 0.6, 0.5)


def scene_herbal(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(SAGE_WALL, "linen", 0.44))
    rng, s = cv.rng, cv.s
    pinnate_sprig(cv.pen(), rng, (90, 930), 22, 500)
    pinnate_sprig(cv.pen(), rng, (1130, 800), -12, 420, leaflet=40)
    place(
        cv,
        jar(s, rng, lab, "paste", 540, 480, lid=(40, 100, 50), level=0.8, label_top=0.38),
        760,
        1080,
    )
    spill(cv, lambda: root_slice(s, rng), 9, (1230, 1130), (90, 22))


def scene_oil(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(((224, 230, 214), (186, 196, 176)), "oak", 0.46))
    rng, s = cv.rng, cv.s
    lemongrass(cv.pen(), rng, (960, 800), 16, 720)
    lemongrass(cv.pen(), rng, (1040, 840), 8, 660)
    spr = bottle(
        s,
        rng,
        lab,
        300,
        660,
        (118, 56, 16),
        None,
        (30, 28, 28),
        neck=0.42,
        shoulder=0.36,
        cap_h=0.2,
        label_box=(0.47, 0.9),
        dropper=True,
    )
    place(cv, spr, 620, 1080)
    lemongrass(cv.pen(), rng, (140, 1140), 4, 620)


def durian_pods(s: float, rng: random.Random) -> Image.Image:
    sp = Sprite(420, 220, s)
    leaf(sp.pen, (0, 150), 8, 420, 170, (74, 130, 52), "lance")
    for x, y in ((130, 110), (220, 120), (300, 135)):
        for k in range(4):
            sp.pen.ellipse(
                x + k * 10 - 15, y - k * 6, 52 - k * 5, 40 - k * 4, jitter((240, 200, 76), rng, 10)
            )
    return sp.image()


def scene_durian(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(((214, 220, 200), (170, 178, 156)), "mat", 0.46, (0.35, 0.1)))
    rng = cv.rng
    place(cv, durian(cv.s, rng, 380, 450), 500, 930)
    place(cv, durian(cv.s, rng, 440, 520), 880, 1060)
    hang_tag(cv, lab, (900, 440), (1140, 560), 300, 225, -5)
    place(cv, durian_pods(cv.s, rng), 1330, 1150)


def scene_avocado(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(WARM_WALL, "oak", 0.44))
    rng, s = cv.rng, cv.s
    place(cv, tag_card(s, lab, 320, 245, hole=False), 290, 960, 0.6, 0.4)
    place(cv, rotated(avocado(s, rng, "whole", 270, 370), 8), 720, 950)
    place(cv, rotated(avocado(s, rng, "whole", 280, 380), -12), 520, 1040)
    place(cv, avocado(s, rng, "pit", 290, 390), 960, 1130)
    place(cv, avocado(s, rng, "empty", 290, 390), 1270, 1100)


def scene_ruou_can(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(((120, 92, 70), (84, 64, 48)), "mat", 0.58, (0.3, 0.1), walls="planks"))
    rng = cv.rng
    k = 1.15  # drawn larger than its design size
    place(cv, che_jar(cv.s * k, rng, 560, 680), 600, 1500, 0.7, 0.5)
    pen = cv.pen()
    mouth = 1500 - 680 * k
    for dx, top, end in ((-40, 160, (150, 600)), (5, 90, (1010, 430)), (45, 260, (1100, 780))):
        start = (600 + dx, mouth + 30)
        pts = bez(start, (start[0] + dx * 0.5, top - 120), (end[0], top - 140), end, 50)
        bamboo_straw(pen, pts)
    neck = (600 + 0.17 * 560 * k, mouth + 0.07 * 680 * k)
    hang_tag(cv, lab, neck, (neck[0] + 90, neck[1] + 110), 300, 225, 4)


def scene_orchid(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(((234, 236, 230), (204, 206, 198)), "oak", 0.64, (0.3, 0.1)))
    place(cv, orchid(cv.s * 1.12, cv.rng), 560, 1500, 0.6, 0.4)
    place(cv, tag_card(cv.s, lab, 270, 205, hole=False), 1010, 1560, 0.6, 0.3)


def scene_tea(cv: Canvas, lab: Label) -> None:
    backdrop(cv, Stage(SAGE_WALL, "linen", 0.44))
    rng, s = cv.rng, cv.s
    pinnate_sprig(cv.pen(), rng, (110, 840), 28, 380, (70, 120, 56), 56)
    place(cv, box3d(s, lab, 440, 600, 170, (52, 108, 56)), 660, 1070)
    place(cv, cup(s, (186, 140, 52), 240, 220, glass=True), 1230, 1070)
    spill(cv, lambda: tea_bag(s, rng), 3, (240, 1140), (60, 15))


# --------------------------------------------------------------------------- the catalogue

LABELS: dict[str, Label] = {
    "gao-buon-choah": Label("Gạo Buôn Choáh", "Buôn Choáh Xanh", "2 kg", accent=(38, 120, 62)),
    "gao-lut-buon-choah": Label(
        "Gạo lứt Buôn Choáh", "Buôn Choáh Xanh", "1 kg", accent=(120, 60, 36)
    ),
    "ca-phe-robusta-nam-nung": Label(
        "Cà phê Robusta đặc sản Nâm Nung", "Nâm Nung Đỏ", "500 g", accent=(150, 30, 26)
    ),
    "ca-phe-hat-rang-nam-nung": Label("Cà phê hạt rang Nâm Nung", "Nâm Nung Đỏ", "1 kg"),
    "mac-ca-say-dak-dro": Label(
        "Hạt mắc ca sấy nứt vỏ", "Đắk Drô Sáng", "500 g", accent=(122, 78, 40)
    ),
    "sua-hat-mac-ca": Label("Sữa hạt mắc ca", "Đắk Drô Sáng", "250 ml", accent=(122, 78, 40)),
    "mat-ong-hoa-ca-phe": Label(
        "Mật ong hoa cà phê", "Hoa Rừng Đắk Nang", "500 ml", accent=(190, 112, 16)
    ),
    "tieu-den-quang-phu": Label(
        "Hồ tiêu đen Quảng Phú", "Tiêu Quảng Phú", "200 g", accent=(36, 36, 34)
    ),
    "tieu-do-quang-phu": Label(
        "Tiêu đỏ Quảng Phú", "Tiêu Quảng Phú", "100 g", accent=(168, 36, 30)
    ),
    "khan-tho-cam-mnong": Label("Khăn thổ cẩm M'Nông", "Dệt thổ cẩm Nâm Nung", "40 × 180 cm"),
    "gui-may-tre-dan": Label(
        "Gùi mây tre đan", "Đan lát Nâm N'Đir", "1 chiếc · cao 70 cm", accent=(120, 74, 36)
    ),
    "tour-hang-dong-nui-lua": Label(
        "Trải nghiệm hang động núi lửa Krông Nô", "Krông Nô Geotour", "Tour 1 ngày"
    ),
    "cao-dinh-lang": Label("Cao đinh lăng", "Dược liệu Nam Xuân", "100 g", accent=(40, 100, 50)),
    "tinh-dau-sa-chanh": Label(
        "Tinh dầu sả chanh", "Hương Sả Krông Nô", "10 ml", accent=(96, 130, 40)
    ),
    "sau-rieng-duc-xuyen": Label(
        "Sầu riêng Ri6 Đức Xuyên", "Trái cây Đức Xuyên", "2,5–4 kg / trái", accent=(92, 120, 30)
    ),
    "bo-sap-dak-sor": Label("Bơ sáp 034 Đắk Sôr", "Bơ Đắk Sôr", "1 kg", accent=(60, 100, 40)),
    "ruou-can-tan-thanh": Label(
        "Rượu cần M'Nông", "Rượu cần Tân Thành", "Ché 5 l", accent=(110, 60, 30)
    ),
    "lan-dai-chau-dak-mam": Label(
        "Lan Đai Châu", "Vườn lan Đắk Mâm", "1 chậu", accent=(176, 40, 110)
    ),
    "tra-ca-gai-leo": Label(
        "Trà cà gai leo", "Dược liệu Nam Xuân", "20 túi lọc × 2 g", accent=(52, 108, 56)
    ),
}


@dataclass(frozen=True)
class Photo:
    pid: str
    file: str
    scene: Callable[[Canvas, Label], None]
    portrait: bool = False
    big: bool = False
    orient6: bool = False  # stored rotated, with EXIF Orientation = 6
    gps: bool = False
    nfd: bool = False  # file name written in Unicode NFD
    net: str | None = None  # overrides the label's net content

    @property
    def size(self) -> tuple[int, int]:
        w, h = (4000, 3000) if self.big else (1600, 1200)
        return (h, w) if self.portrait else (w, h)

    @property
    def label(self) -> Label:
        lab = LABELS[self.pid]
        return with_net(lab, self.net) if self.net else lab


PHOTOS: list[Photo] = [
    Photo("gao-buon-choah", "anh-chinh.jpg", scene_rice, big=True),
    Photo("gao-buon-choah", "bao-5kg.jpg", scene_sack, net="5 kg"),
    Photo("gao-buon-choah", "bao-10kg.jpg", scene_sack, portrait=True, net="10 kg"),
    Photo("gao-lut-buon-choah", "anh-chinh.jpg", scene_brown_rice),
    Photo("ca-phe-robusta-nam-nung", "anh-chinh.jpg", scene_coffee, big=True),
    Photo("ca-phe-robusta-nam-nung", "vuon-ca-phe.jpg", scene_plantation, gps=True),
    Photo("ca-phe-hat-rang-nam-nung", "anh-chinh.jpg", scene_roasted),
    Photo(
        "mac-ca-say-dak-dro",
        "anh-chinh.jpg",
        scene_macadamia,
        portrait=True,
        big=True,
        orient6=True,
    ),
    Photo("mac-ca-say-dak-dro", "hũ-mắc-ca.jpg", scene_macadamia, nfd=True),
    Photo("sua-hat-mac-ca", "anh-chinh.png", scene_milk, portrait=True),
    Photo("mat-ong-hoa-ca-phe", "anh-chinh.jpg", scene_honey, portrait=True, orient6=True),
    Photo("tieu-den-quang-phu", "anh-chinh.jpg", scene_pepper),
    Photo("tieu-den-quang-phu", "tieu-tren-cay.jpg", scene_pepper_vines, portrait=True),
    Photo("tieu-do-quang-phu", "anh-chinh.jpg", scene_pepper),
    Photo("khan-tho-cam-mnong", "anh-chinh.jpg", scene_scarf, big=True),
    Photo("gui-may-tre-dan", "anh-chinh.jpg", scene_gui, portrait=True, orient6=True),
    Photo("tour-hang-dong-nui-lua", "anh-chinh.jpg", scene_cave, gps=True),
    Photo("cao-dinh-lang", "anh-chinh.jpg", scene_herbal),
    Photo("tinh-dau-sa-chanh", "anh-chinh.jpg", scene_oil),
    Photo("sau-rieng-duc-xuyen", "anh-chinh.jpg", scene_durian, big=True),
    Photo("bo-sap-dak-sor", "anh-chinh.jpg", scene_avocado),
    Photo("ruou-can-tan-thanh", "anh-chinh.jpg", scene_ruou_can, portrait=True),
    Photo("lan-dai-chau-dak-mam", "anh-chinh.jpg", scene_orchid, portrait=True, orient6=True),
    Photo("tra-ca-gai-leo", "anh-chinh.jpg", scene_tea),
]


# --------------------------------------------------------------------------- output


def exif_for(photo: Photo) -> Image.Exif:
    exif = Image.Exif()
    if photo.orient6 or photo.gps:
        exif[0x010F] = "Illustrative Phone"  # Make
        exif[0x0110] = "Illustrative Phone"  # Model
    if photo.orient6:
        exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    if photo.gps:
        lat, lon = GPS_NEAR_KRONG_NO
        gps = exif.get_ifd(0x8825)
        gps.update({0: b"\x02\x03\x00\x00", 1: "N", 2: lat, 3: "E", 4: lon, 5: b"\x00", 6: 420.0})
    return exif


def render(photo: Photo, out: Path) -> tuple[str, int, float]:
    """Draw one photo and write it; returns (relative path, bytes, seconds)."""
    t0 = time.perf_counter()
    png = photo.file.endswith(".png")
    w, h = photo.size
    ss = 1 if photo.big else 2  # small photos are drawn at twice the size, then downscaled
    rng = random.Random(zlib.crc32(f"{photo.pid}/{photo.file}".encode()))
    mode, bg = ("RGBA", (0, 0, 0, 0)) if png else ("RGB", (128, 128, 128))
    cv = Canvas(Image.new(mode, (w * ss, h * ss), bg), min(w, h) * ss / 1200, rng)
    photo.scene(cv, photo.label)
    img = cv.img if ss == 1 else cv.img.resize((w, h), LANCZOS)
    if not png:  # sensor noise, finer on the 12-megapixel shots
        img = add_noise(img, rng, 4.0 if photo.big else 5.0, 1.4 if photo.big else 1.0)
    if photo.orient6:
        img = img.transpose(Image.Transpose.ROTATE_90)  # EXIF Orientation 6 turns it back upright
    name = unicodedata.normalize("NFD" if photo.nfd else "NFC", photo.file)
    path = out / photo.pid / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if png:
        img.save(path, "PNG", optimize=True)
    else:
        img.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=exif_for(photo))
    return f"{photo.pid}/{photo.file}", path.stat().st_size, time.perf_counter() - t0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "products"
    )
    parser.add_argument("--only", nargs="*", default=[], help="product ids to draw (default: all)")
    parser.add_argument(
        "--jobs", type=int, default=min(4, os.cpu_count() or 1), help="worker processes"
    )
    args = parser.parse_args(argv)
    photos = [p for p in PHOTOS if not args.only or p.pid in args.only]
    t0 = time.perf_counter()
    total = 0
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for rel, size, secs in pool.map(render, photos, [args.out] * len(photos)):
            total += size
            print(f"{size / 1024:8.0f} KiB {secs:5.1f}s  {rel}")
    print(f"{len(photos)} photos, {total / 1024 / 1024:.1f} MiB in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
