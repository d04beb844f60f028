#!/usr/bin/env python3
"""Prints a PNG's size and how many distinct pixel rows it has, as JSON, for the browser test.

Decodes the 8-bit RGB/RGBA/grey PNGs a browser writes with the standard library alone (zlib and
the five row filters), so the test needs no imaging package.
"""
import json
import struct
import sys
import zlib


def rows(path):
    with open(path, "rb") as file:
        data = file.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    offset, idat, header = 8, b"", None
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    if depth != 8 or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, interlace {interlace}")
    raw = zlib.decompress(idat)
    stride, bpp = width * channels, channels
    previous = bytearray(stride)
    result = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + predictor) & 0xFF
        result.append(bytes(line))
        previous = line
    return width, height, result


width, height, pixel_rows = rows(sys.argv[1])
print(json.dumps({"width": width, "height": height, "distinct_rows": len(set(pixel_rows))}))
