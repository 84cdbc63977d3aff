"""Draw the add-in's PNG icons into addin/assets (deterministic; rerun after changing the design).

A white envelope on a blue rounded square (an envelope, not a tick: the icon sits beside
"Sendward stopped this e-mail", where a tick would say the opposite); the outline icon is the
same shape in white on transparent, as the unified manifest requires for 32x32 outlines.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "addin" / "assets"
BLUE = (31, 78, 121, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def png(width: int, height: int, pixel) -> bytes:
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def inside_rounded_square(u: float, v: float, radius: float = 0.18) -> bool:
    dx = max(radius - u, 0, u - (1 - radius))
    dy = max(radius - v, 0, v - (1 - radius))
    return dx * dx + dy * dy <= radius * radius


def on_mark(u: float, v: float, width: float) -> bool:
    """On the strokes of the envelope (its edges and its flap), in unit coordinates."""
    left, right, top, bottom = 0.22, 0.78, 0.30, 0.70
    strokes = (
        ((left, top), (right, top)), ((right, top), (right, bottom)),
        ((right, bottom), (left, bottom)), ((left, bottom), (left, top)),
        ((left, top), (0.5, 0.53)), ((0.5, 0.53), (right, top)),
    )
    return any(_distance(u, v, a, b) <= width * 0.75 for a, b in strokes)


def _distance(u, v, a, b) -> float:
    (ax, ay), (bx, by) = a, b
    t = max(0.0, min(1.0, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
    px, py = ax + t * (bx - ax), ay + t * (by - ay)
    return ((u - px) ** 2 + (v - py) ** 2) ** 0.5


def color_icon(size: int) -> bytes:
    def pixel(x, y):
        u, v = (x + 0.5) / size, (y + 0.5) / size
        if not inside_rounded_square(u, v):
            return CLEAR
        return WHITE if on_mark(u, v, 0.07) else BLUE

    return png(size, size, pixel)


def outline_icon(size: int) -> bytes:
    def pixel(x, y):
        u, v = (x + 0.5) / size, (y + 0.5) / size
        border = inside_rounded_square(u, v) and not inside_rounded_square((u - 0.5) * 1.16 + 0.5, (v - 0.5) * 1.16 + 0.5)
        return WHITE if border or on_mark(u, v, 0.06) else CLEAR

    return png(size, size, pixel)


def main() -> None:
    ASSETS.mkdir(parents=True, exist_ok=True)
    for size in (16, 32, 64, 80, 128, 192):
        (ASSETS / f"icon-{size}.png").write_bytes(color_icon(size))
    (ASSETS / "outline-32.png").write_bytes(outline_icon(32))


if __name__ == "__main__":
    main()
