"""RFC 6962 (Certificate Transparency) Merkle tree over the custody log.

Leaf ``i`` (0-based) is entry ``i + 1``; its leaf input is the entry hash
recomputed from the entry's content, as 32 raw bytes (32 zero bytes for an
entry that cannot be encoded at all). With the tree head (size, root) of an
earlier bundle or export, a consistency proof shows that today's log is that
log with entries appended, and nothing changed, removed or reordered.

Hashes (RFC 6962 section 2.1)::

    MTH({})        = SHA-256()
    MTH({d0})      = SHA-256(0x00 || d0)
    MTH(D[0:n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])),  k = largest power of two < n
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of_nodes(nodes: Sequence[bytes]) -> bytes:
    """Root over already-hashed subtrees that sit at consecutive, aligned positions of equal size.

    With ``nodes`` the leaf hashes this is MTH; with ``nodes`` the roots of
    aligned blocks of 2^b leaves (all full but the last) it is the same MTH,
    because every split point of the tree falls on a block boundary.
    """
    if not nodes:
        return EMPTY_ROOT
    # Bottom-up: pair neighbours; an odd last node moves up unchanged (the RFC 6962 shape).
    sha, level = hashlib.sha256, list(nodes)
    while len(level) > 1:
        nxt = [sha(b"\x01" + a + b).digest() for a, b in zip(level[0::2], level[1::2], strict=False)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over the leaf inputs ``leaves`` (each an entry hash as raw bytes)."""
    sha = hashlib.sha256
    return root_of_nodes([sha(b"\x00" + d).digest() for d in leaves])


def _subtree(leaf_hashes: Sequence[bytes], lo: int, hi: int) -> bytes:
    return root_of_nodes(leaf_hashes[lo:hi])


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[0:n]) of RFC 6962 section 2.1.2 for ``old_size`` m <= n = len(leaves)."""
    n = len(leaves)
    if not 0 <= old_size <= n:
        raise ValueError(f"old tree size {old_size} is not between 0 and {n}")
    if old_size in (0, n):
        return []
    hashed = [leaf_hash(d) for d in leaves]

    def subproof(m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        size = hi - lo
        if m == size:
            return [] if complete else [_subtree(hashed, lo, hi)]
        k = _split(size)
        if m <= k:
            return [*subproof(m, lo, lo + k, complete), _subtree(hashed, lo + k, hi)]
        return [*subproof(m - k, lo + k, hi, False), _subtree(hashed, lo, lo + k)]

    return subproof(old_size, 0, n, True)


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2: does ``proof`` show the tree (new_size, new_root) extends (old_size, old_root)?"""
    if old_size > new_size or old_size < 0:
        return False
    if old_size == new_size:
        return old_root == new_root and not proof
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
