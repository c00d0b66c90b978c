#!/usr/bin/env python3
"""Converts Xvfb's screen dump (XWD, `Xvfb -fbdir`) to PNG with the standard library only, and
says whether the given rectangle holds a rendered window rather than one flat colour.

usage: xwd2png.py SCREEN.xwd OUT.png [X Y W H]   (exit 1: the rectangle is one colour)
"""
import struct
import sys
import zlib


def read_xwd(path):
    data = open(path, "rb").read()
    fields = struct.unpack(">25I", data[:100])
    header_size, _version, _fmt, _depth, width, height = fields[:6]
    byte_order, bpp, bytes_per_line = fields[7], fields[11], fields[12]
    masks = fields[14:17]
    ncolors = fields[19]
    if bpp != 32:
        sys.exit(f"xwd2png: {bpp} bits per pixel is not supported (run Xvfb at depth 24)")
    start = header_size + 12 * ncolors
    endian = "<" if byte_order == 0 else ">"
    shifts = [(m & -m).bit_length() - 1 for m in masks]
    rows = []
    for y in range(height):
        line = data[start + y * bytes_per_line : start + y * bytes_per_line + 4 * width]
        pixels = struct.unpack(f"{endian}{width}I", line)
        rows.append(bytes(b for p in pixels for b in ((p & masks[0]) >> shifts[0], (p & masks[1]) >> shifts[1], (p & masks[2]) >> shifts[2])))
    return width, height, rows


def write_png(path, width, height, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\x00" + row for row in rows)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


width, height, rows = read_xwd(sys.argv[1])
write_png(sys.argv[2], width, height, rows)
if len(sys.argv) == 7:
    x, y, w, h = (int(v) for v in sys.argv[3:7])
    colours = {rows[r][3 * c : 3 * c + 3] for r in range(max(y, 0), min(y + h, height), 4) for c in range(max(x, 0), min(x + w, width), 4)}
    print(f"{len(colours)} distinct colours in the window")
    sys.exit(0 if len(colours) > 8 else 1)
