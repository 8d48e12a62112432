"""SimHash signatures for grouping near-duplicate mentions into stories."""

from __future__ import annotations

import hashlib
import re

from smcc.nlp.text import fold

_WORD = re.compile(r"[a-z0-9]+")
_SHINGLE = 3


def _hash64(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")


def signature(normalised_text: str) -> int:
    """64-bit SimHash over 3-word shingles of the folded text, as a signed int64 (PostgreSQL bigint)."""
    words = _WORD.findall(fold(normalised_text))
    shingles = [" ".join(words[i:i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1))]
    weights = [0] * 64
    for shingle in shingles:
        h = _hash64(shingle)
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two signatures (signed or unsigned)."""
    return bin((a ^ b) & 0xFFFFFFFFFFFFFFFF).count("1")
