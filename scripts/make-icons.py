#!/usr/bin/env python3
"""Draws the app's PNG icons (the favicon.svg design) for the web app manifest and iOS.

Plain Python, no image library: each pixel is the coverage of 4x4 samples of the shapes.
Run from the repository root: python3 scripts/make-icons.py
"""
import struct
import zlib

BLUE, WHITE, PALE = (0x24, 0x59, 0xBE), (0xFF, 0xFF, 0xFF), (0xD9, 0xEA, 0xFF)


def inside_round_rect(x, y, x0, y0, w, h, r):
    if not (x0 <= x <= x0 + w and y0 <= y <= y0 + h):
        return False
    cx = min(max(x, x0 + r), x0 + w - r)
    cy = min(max(y, y0 + r), y0 + h - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def colour_at(x, y, maskable):
    """The design on a 32-unit square; a maskable icon is full-bleed blue with the design
    shrunk into the safe zone (the middle 80%)."""
    if maskable:
        x, y = 16 + (x - 16) / 0.75, 16 + (y - 16) / 0.75
    elif not inside_round_rect(x, y, 0, 0, 32, 32, 7):
        return None
    if inside_round_rect(x, y, 7, 9, 18, 16, 2):
        if (x - 16) ** 2 + (y - 19) ** 2 <= 9:
            return BLUE
        return PALE if y <= 13 else WHITE
    return BLUE


def draw(size, maskable=False, samples=4):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            total = [0, 0, 0, 0]
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * 32 / size
                    y = (py + (sy + 0.5) / samples) * 32 / size
                    c = colour_at(x, y, maskable)
                    if c:
                        total = [total[0] + c[0], total[1] + c[1], total[2] + c[2], total[3] + 1]
            n = total[3]
            if n:
                row += bytes([total[0] // n, total[1] // n, total[2] // n, 255 * n // samples**2])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


for name, size, maskable in [
    ("icon-192.png", 192, False),
    ("icon-512.png", 512, False),
    ("icon-maskable-512.png", 512, True),
    ("apple-touch-icon.png", 180, True),
]:
    with open(f"public/icons/{name}", "wb") as f:
        f.write(draw(size, maskable))
