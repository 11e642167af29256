"""Reading a PDF back: text with superscripts normalised, and pages as pixels (no Pillow)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def squash(text: str) -> str:
    """Text without any whitespace, superscript digits as plain digits."""
    return "".join(text.translate(SUPERSCRIPTS).split())


def need_pdftoppm() -> str:
    """pdftoppm's path; skip when it is missing on a developer's machine, fail when on CI."""
    exe = shutil.which("pdftoppm")
    if exe:
        return exe
    if os.environ.get("CI"):
        pytest.fail("pdftoppm (poppler-utils) is missing on CI: `make test` must install it")
    pytest.skip("pdftoppm (poppler-utils) is not installed: apt-get install poppler-utils")


def png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, unfiltered rows) of an 8-bit PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8, depth
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                cc = prev[x - bpp] if x >= bpp else 0
                p = a + b - cc
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else cc)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def ink(rows: list[bytes], bpp: int, top: float = 0.0, bottom: float = 1.0) -> int:
    """How many pixels are not white between the fractions top and bottom of the page's height."""
    n = len(rows)
    count = 0
    for line in rows[int(n * top):int(n * bottom)]:
        for x in range(0, len(line), bpp):
            if min(line[x:x + min(bpp, 3)]) < 200:
                count += 1
    return count


def pages_as_png(pdf: Path, folder: Path, resolution: int = 40) -> list[Path]:
    exe = need_pdftoppm()
    subprocess.run([exe, "-png", "-r", str(resolution), str(pdf), str(folder / "page")], check=True,
                   capture_output=True, timeout=120)
    return sorted(folder.glob("page-*.png"))
