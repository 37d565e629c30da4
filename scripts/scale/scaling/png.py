"""A tiny RGB raster with lines, rectangles and a 3x5 pixel font, saved as PNG with zlib (no matplotlib:
the tools must run from a plain python3)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

Color = tuple[int, int, int]

# 3x5 glyphs, rows separated by "/", "#" = ink.
_FONT = {
    "0": "###/# #/# #/# #/###",
    "1": " # /## / # / # /###",
    "2": "###/  #/###/#  /###",
    "3": "###/  #/ ##/  #/###",
    "4": "# #/# #/###/  #/  #",
    "5": "###/#  /###/  #/###",
    "6": "###/#  /###/# #/###",
    "7": "###/  #/ # / # / # ",
    "8": "###/# #/###/# #/###",
    "9": "###/# #/###/  #/###",
    "%": "# #/  #/ # /#  /# #",
    ".": "   /   /   /   / # ",
    ":": "   / # /   / # /   ",
    "-": "   /   /###/   /   ",
    "+": "   / # /###/ # /   ",
    "/": "  #/  #/ # /#  /#  ",
    " ": "   /   /   /   /   ",
    "(": " # /#  /#  /#  / # ",
    ")": " # /  #/  #/  #/ # ",
    ">": "#  / # /  #/ # /#  ",
    "A": " # /# #/###/# #/# #",
    "B": "## /# #/## /# #/## ",
    "C": " ##/#  /#  /#  / ##",
    "D": "## /# #/# #/# #/## ",
    "E": "###/#  /## /#  /###",
    "F": "###/#  /## /#  /#  ",
    "G": " ##/#  /# #/# #/ ##",
    "H": "# #/# #/###/# #/# #",
    "I": "###/ # / # / # /###",
    "J": "  #/  #/  #/# #/ # ",
    "K": "# #/# #/## /# #/# #",
    "L": "#  /#  /#  /#  /###",
    "M": "# #/###/###/# #/# #",
    "N": "## /# #/# #/# #/# #",
    "O": " # /# #/# #/# #/ # ",
    "P": "## /# #/## /#  /#  ",
    "Q": " # /# #/# #/ ##/  #",
    "R": "## /# #/## /# #/# #",
    "S": " ##/#  / # /  #/## ",
    "T": "###/ # / # / # / # ",
    "U": "# #/# #/# #/# #/###",
    "V": "# #/# #/# #/# #/ # ",
    "W": "# #/# #/###/###/# #",
    "X": "# #/# #/ # /# #/# #",
    "Y": "# #/# #/ # / # / # ",
    "Z": "###/  #/ # /#  /###",
}


def _glyph(ch: str) -> str:
    return (_FONT.get(ch.upper()) or _FONT[" "]).replace("/", "")


class Canvas:
    def __init__(self, width: int, height: int, background: Color = (255, 255, 255)) -> None:
        self.w, self.h = width, height
        self.px = bytearray(bytes(background) * (width * height))

    def set(self, x: int, y: int, c: Color) -> None:
        if 0 <= x < self.w and 0 <= y < self.h:
            i = 3 * (y * self.w + x)
            self.px[i : i + 3] = bytes(c)

    def rect(self, x0: int, y0: int, x1: int, y1: int, c: Color) -> None:
        left, right = max(0, min(x0, x1)), min(self.w - 1, max(x0, x1))
        if left > right:
            return
        run = bytes(c) * (right - left + 1)  # one slice per row: per-pixel writes made the chart take a second
        for y in range(max(0, min(y0, y1)), min(self.h, max(y0, y1) + 1)):
            i = 3 * (y * self.w + left)
            self.px[i : i + len(run)] = run

    def line(self, x0: int, y0: int, x1: int, y1: int, c: Color, thick: int = 1) -> None:
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for s in range(steps + 1):
            x = round(x0 + (x1 - x0) * s / steps)
            y = round(y0 + (y1 - y0) * s / steps)
            self.rect(x, y, x + thick - 1, y + thick - 1, c)

    def dashed(self, x0: int, y: int, x1: int, c: Color) -> None:
        for x in range(x0, x1, 8):
            self.line(x, y, min(x + 4, x1), y, c)

    def text(self, x: int, y: int, s: str, c: Color = (0, 0, 0), scale: int = 2) -> None:
        for n, ch in enumerate(s):
            g = _glyph(ch)
            for row in range(5):
                for col in range(3):
                    if g[row * 3 + col] == "#":
                        ox = x + n * 4 * scale + col * scale
                        self.rect(ox, y + row * scale, ox + scale - 1, y + row * scale + scale - 1, c)

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(self.px[3 * y * self.w : 3 * (y + 1) * self.w]) for y in range(self.h))

        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

        header = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
        )

    def save(self, path: Path) -> None:
        Path(path).write_bytes(self.png())
