"""Near-duplicate (syndicated) articles by MinHash over word shingles, with LSH banding.

A syndicated copy has a different first line, other boilerplate or a few edited words, so its content hash differs
while most of its 5-word shingles are shared. Each article gets a 128-value MinHash signature (computed on the
worker, with the NLP) and 32 band hashes of 4 values each; the warehouse keeps both. A new article's candidates are
the stored articles sharing any band hash (a hash join in DuckDB, linear in the batch, not in the corpus), and a
candidate whose estimated Jaccard similarity reaches the threshold makes the new article a near-duplicate of it
and puts both in one story (``story_id``). With 32 bands of 4 rows a pair is a candidate with probability
1 - (1 - J**4)**32: 0.23 at J=0.3, 0.87 at J=0.5, 0.98 at J=0.6, 1.0 from J=0.7 - so copies at the default
threshold (``near_duplicate_threshold`` = 0.6) are found, and unrelated articles (J < 0.1) almost never meet.
"""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 5
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.RandomState(20240611)  # fixed: signatures must be comparable across runs and machines
# Multipliers spread over the whole field (as datasketch does); products wrap modulo 2**64, which keeps the
# family well mixed. Small multipliers would keep a*x+b monotonic in x and every permutation would pick the
# same shingle.
_A = _rng.randint(1, np.iinfo(np.int64).max, size=NUM_PERM, dtype=np.int64).astype(np.uint64) % _PRIME
_B = _rng.randint(0, np.iinfo(np.int64).max, size=NUM_PERM, dtype=np.int64).astype(np.uint64) % _PRIME
_WORD = re.compile(r"\w+", re.UNICODE)


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        words = words + [""] * (k - len(words))
    grams = {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}
    return np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))


def signature(text: str) -> np.ndarray:
    """128 uint32 MinHash values."""
    x = shingle_hashes(text)
    with np.errstate(over="ignore"):
        values = (_A[:, None] * x[None, :] + _B[:, None]) % _PRIME
    return (values.min(axis=1) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def band_hashes(sig: np.ndarray) -> list[int]:
    out = []
    for b in range(BANDS):
        digest = hashlib.blake2b(sig[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return out


def similarity(a: np.ndarray | list[int], b: np.ndarray | list[int]) -> float:
    return float(np.mean(np.asarray(a) == np.asarray(b)))
