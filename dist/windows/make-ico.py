#!/usr/bin/env python3
"""Packs assets/icons/mailflow-{16..256}.png into dist/windows/mailflow.ico.

Windows Vista and later read PNG images inside an .ico, so the PNGs go in unchanged: no image
library needed, and the .exe icon matches the Linux icons pixel for pixel.
"""
import struct
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sizes = [16, 32, 48, 64, 128, 256]
images = [(root / f"assets/icons/mailflow-{s}.png").read_bytes() for s in sizes]
header = struct.pack("<HHH", 0, 1, len(images))
offset = len(header) + 16 * len(images)
entries = b""
for size, data in zip(sizes, images):
    dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
    entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
out = root / "dist/windows/mailflow.ico"
out.write_bytes(header + entries + b"".join(images))
print(f"{out.relative_to(root)}: {out.stat().st_size} bytes", file=sys.stderr)
