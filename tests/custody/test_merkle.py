"""RFC 6962 tree: roots against the recursive definition, consistency proofs both ways."""

from __future__ import annotations

import hashlib

from casedesk.custody import merkle


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, written as the RFC states it."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


LEAVES = [hashlib.sha256(str(i).encode()).digest() for i in range(45)]


def test_root_matches_the_definition_and_block_roots_combine() -> None:
    for n in range(len(LEAVES) + 1):
        assert merkle.root(LEAVES[:n]) == mth(LEAVES[:n])
        blocks = [mth(LEAVES[i:min(i + 8, n)]) for i in range(0, n, 8)]
        if n:
            assert merkle.root_of_nodes(blocks) == mth(LEAVES[:n])


def test_consistency_proofs_verify_and_catch_a_changed_past() -> None:
    for n in range(1, len(LEAVES) + 1):
        new_root = mth(LEAVES[:n])
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(LEAVES[:n], m)
            assert merkle.verify_consistency(m, n, mth(LEAVES[:m]), new_root, proof), (m, n)
            if m < n:
                forged = [b"\x00" * 32, *LEAVES[1:m]]
                assert not merkle.verify_consistency(m, n, mth(forged), new_root, proof)
                assert not merkle.verify_consistency(m, n, mth(LEAVES[:m]), new_root, proof[:-1])


def test_known_vector() -> None:
    """The tree of the empty string and of one leaf, as every RFC 6962 implementation has them."""
    assert merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle.root([b""]).hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
