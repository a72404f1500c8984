"""Bytes -> text, every step linear in the file's size and bounded in memory.

* Reading never opens anything but a regular file (a FIFO swapped in after discovery would block) and never
  reads more than the size limit.
* gzip is decompressed as a stream: the size limit applies to the decompressed bytes, and a file that expands
  more than ``max_ratio`` times is a decompression bomb; either way it is stopped after at most limit + 1 MB of
  output, whatever the compressed stream holds.
* Binary detection looks at the whole file (NUL bytes anywhere, control-heavy 64 KB blocks), so an article
  followed by junk bytes is quarantined, not loaded with the junk. Quarantining (rather than cutting the junk off)
  is deliberate: nothing says where the article ends, and a cut article would be loaded as if it were whole.
* Encodings: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when its zero bytes say so), a mix
  of UTF-8 and Windows-1252 lines (concatenated scrapes), and other legacy encodings detected by
  ``charset-normalizer``: Latin-script code pages are read as Windows-1252, others (GBK, Big5, Shift-JIS,
  Windows-1251, ...) with the detected codec when the detector is confident. Bytes no encoding explains (random
  high bytes) are quarantined: never stored as mojibake. The decoded text never holds NUL.
"""

from __future__ import annotations

import os
import stat
import zlib
from pathlib import Path

from ..errors import InputError

BLOCK = 65536
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
CONTROL_SHARE = 0.05
MIN_BOMB_OUTPUT = 1 << 20
MAX_CHAOS = 0.2
# Code pages of Latin-script languages: the detector often names a sibling (cp1250 for French, cp1257 for
# Dutch) on short texts; Windows-1252 is what such files almost always are, and it decodes them all alike.
LATIN_CODEPAGES = {"cp1252", "cp1250", "cp1254", "cp1257", "cp1258", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4",
                   "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "mac_roman",
                   "mac_latin2", "mac_iceland", "mac_turkish", "cp437", "cp850", "cp858", "ascii"}


# Never read, even through a link the user allowed: /proc/self/environ holds the process's secrets.
SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))


def in_system_folder(path: Path) -> bool:
    return any(path == root or path.is_relative_to(root) for root in SYSTEM_FOLDERS)


def read_limited(path: Path, max_bytes: int, rel_path: str) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them (a file grown since discovery is refused).
    Nothing under /proc, /sys or /dev is read, whatever link leads there (a link swapped in after discovery)."""

    if in_system_folder(Path(os.path.realpath(path))):
        raise InputError("special_file", "the path leads into /proc, /sys or /dev (kernel or device files): never read",
                         path=rel_path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError("special_file", "not a regular file (a pipe, socket or device): never read", path=rel_path)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(BLOCK * 16, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise InputError("file_too_large", f"too large: file grew past the {max_bytes:,}-byte limit while being read "
                                                   "(SPACEETL_MAX_FILE_BYTES)", path=rel_path)
        return b"".join(chunks)
    finally:
        os.close(fd)


def gunzip_if_needed(data: bytes, path: str, *, max_bytes: int = 20_000_000, max_ratio: float = 100.0) -> tuple[bytes, bool]:
    """Decompress gzip (all members) as a stream, stopping as soon as the output is too large or the expansion
    ratio says bomb. Memory stays near ``max_bytes`` whatever the stream would expand to."""
    if data[:2] != b"\x1f\x8b":
        return data, False
    out: list[bytes] = []
    produced = 0
    rest = data
    try:
        while rest[:2] == b"\x1f\x8b":
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
            while True:
                chunk = d.decompress(pending, BLOCK * 16)
                produced += len(chunk)
                out.append(chunk)
                consumed = len(data) - len(d.unconsumed_tail) - len(d.unused_data)
                if produced > max_bytes:
                    raise InputError("decompression_bomb",
                                     f"gzip expands past the {max_bytes:,}-byte limit (SPACEETL_MAX_FILE_BYTES) from "
                                     f"{len(data):,} compressed bytes; stopped there", path=path)
                if produced > MIN_BOMB_OUTPUT and produced > max_ratio * max(consumed, 1):
                    raise InputError("decompression_bomb",
                                     f"gzip expands {produced / max(consumed, 1):,.0f} times (over "
                                     f"{max_ratio:g}, SPACEETL_MAX_GZIP_RATIO): a decompression bomb, stopped after "
                                     f"{produced:,} bytes", path=path)
                if d.eof:
                    rest = d.unused_data
                    break
                if not d.unconsumed_tail:
                    if not chunk:
                        raise InputError("corrupt_gzip", "gzip data cannot be decompressed: the stream ends early "
                                                         "(truncated file)", path=path)
                    pending = b""
                else:
                    pending = d.unconsumed_tail
    except zlib.error as exc:
        raise InputError("corrupt_gzip", f"gzip data cannot be decompressed: {exc}", path=path) from exc
    return b"".join(out), True


def binary_reason(data: bytes) -> str | None:
    """Why the bytes are not text, looking at all of them (C-speed scans, linear)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        return (f"file holds binary data: {data.count(0):,} NUL bytes, the first at byte {nul:,} "
                f"(an image, archive or text followed by junk), not text")
    for start in range(0, len(data), BLOCK):
        block = data[start:start + BLOCK]
        controls = len(block) - len(block.translate(None, _CONTROLS))
        if controls > CONTROL_SHARE * max(len(block), 256):
            return f"file holds binary data: {controls:,} control bytes in the block at byte {start:,}, not text"
    return None


def looks_binary(data: bytes) -> bool:
    return binary_reason(data) is not None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 of mostly Latin text has a zero in every other byte: LE at odd offsets, BE at even ones."""
    sample = data[:BLOCK]
    if len(data) % 2 or len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_zero, odd_zero = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_zero > 0.3 and even_zero < 0.02:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.02:
        return "utf-16-be"
    return None


def _strict(data: bytes, codec: str, label: str, path: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError("undecodable_text", f"file looks like {label} but byte {exc.start:,} is not valid {label}",
                         path=path) from None
    if "\x00" in text:
        raise InputError("binary_file", f"{label} text holds NUL characters (binary data, not text)", path=path)
    return text, label


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding). Raises InputError for empty, binary or undecodable data."""
    if not data.strip():
        raise InputError("empty_file", "file is empty or only whitespace", path=path)
    if data.startswith(b"\xef\xbb\xbf"):
        reason = binary_reason(data)
        if reason:
            raise InputError("binary_file", reason, path=path)
        return _strict(data[3:], "utf-8", "utf-8-sig", path)
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[2:], codec, "utf-16", path)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, utf16, path)
    reason = binary_reason(data)
    if reason:
        raise InputError("binary_file", reason, path=path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    if any(not line.isascii() and _is_utf8(line) for line in lines):
        return _decode_mixed(lines, path)  # some lines are UTF-8 with non-ASCII text: a concatenated scrape
    return _decode_detected(data, path)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_detected(data: bytes, path: str) -> tuple[str, str]:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError("undecodable_text", "the bytes match no text encoding (random or corrupted high bytes), "
                                             "not text", path=path)
    if best.encoding in LATIN_CODEPAGES:
        return _decode_legacy(data)
    if best.chaos > MAX_CHAOS:
        raise InputError("undecodable_text", f"encoding unclear: best guess {best.encoding} with confidence "
                                             f"{1 - best.chaos:.2f} (under {1 - MAX_CHAOS:.2f}); not loaded to avoid "
                                             "storing garbled text", path=path)
    text = str(best)
    if "\x00" in text:
        raise InputError("binary_file", "decoded text holds NUL characters (binary data, not text)", path=path)
    return text, best.encoding


def _decode_mixed(lines: list[bytes], path: str) -> tuple[str, str]:
    """Concatenated scrapes: decode line by line, UTF-8 where it is valid, Windows-1252 where it is not, as long
    as the non-UTF-8 lines are text in some encoding (not junk bytes)."""
    import charset_normalizer

    out: list[str] = []
    used: set[str] = set()
    bad: list[bytes] = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            if not line.isascii():
                used.add("utf-8")
        except UnicodeDecodeError:
            text, enc = _decode_legacy(line)
            out.append(text)
            used.add(enc)
            bad.append(line)
    if bad and charset_normalizer.from_bytes(b"\n".join(bad)).best() is None:
        raise InputError("undecodable_text", f"{len(bad)} line(s) are neither UTF-8 nor text in another encoding "
                                             "(junk bytes)", path=path)
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


def looks_tabular(text: str) -> str | None:
    """A CSV/TSV manifest or spreadsheet export (whatever its name): most of the first lines split into the same
    number (at least 3) of fields. Articles, JSON and Markdown never do."""
    lines = [ln for ln in text[:20000].splitlines()[:40] if ln.strip()]
    if len(lines) < 3 or lines[0].lstrip()[:1] in ("{", "[", "<", "#", "-"):
        return None
    for sep, name in ((",", "CSV"), ("\t", "TSV"), (";", "semicolon-separated")):
        counts = [ln.count(sep) for ln in lines]
        if counts[0] >= 2 and sum(c == counts[0] for c in counts) >= 0.8 * len(counts):
            return f"not an article: {name} table ({counts[0] + 1} columns on {len(lines)} of the first lines)"
    return None
