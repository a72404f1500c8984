"""Bytes -> text. Detects gzip, binary files and the text encoding (UTF-8, Windows-1252, Latin-1, or a mix of
UTF-8 and Windows-1252 lines, which is what concatenated scrapes often are). The encoding used is recorded."""

from __future__ import annotations

import gzip
import zlib

from ..errors import InputError

_TEXT_CONTROL = {9, 10, 12, 13}


def gunzip_if_needed(data: bytes, path: str) -> tuple[bytes, bool]:
    if data[:2] != b"\x1f\x8b":
        return data, False
    try:
        return gzip.decompress(data), True
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError("corrupt_gzip", f"gzip data cannot be decompressed: {exc}", path=path) from exc


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROL)
    return bool(sample) and controls / len(sample) > 0.05


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding). Raises InputError for empty, binary or undecodable data."""
    if not data.strip():
        raise InputError("empty_file", "file is empty or only whitespace", path=path)
    if looks_binary(data):
        raise InputError("binary_file", "file holds binary data (NUL or control bytes), not text", path=path)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(enc, errors="replace"), enc.replace("-le", "").replace("-be", "")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Mixed files: decode line by line, UTF-8 where it is valid, Windows-1252 where it is not.
    lines = data.split(b"\n")
    out: list[str] = []
    used: set[str] = set()
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            if any(b > 127 for b in line):
                used.add("utf-8")
        except UnicodeDecodeError:
            text, enc = _decode_legacy(line)
            out.append(text)
            used.add(enc)
    legacy = sorted(used - {"utf-8"})
    if "utf-8" in used and legacy:
        return "\n".join(out), "mixed(utf-8+" + "+".join(legacy) + ")"
    return "\n".join(out), legacy[0] if legacy else "utf-8"


def _decode_legacy(line: bytes) -> tuple[str, str]:
    try:
        return line.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) only exist in Latin-1.
        return line.decode("latin-1"), "latin-1"
