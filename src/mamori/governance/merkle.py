"""RFC 6962 Merkle tree hashing, inclusion and consistency proofs (and their verification).

The tree is stored as *perfect aligned subtrees*: ``node(level, index)`` is the hash of leaves
``[index·2^level, (index+1)·2^level)`` and exists once all of them are appended. Any RFC 6962
subtree hash is then a combination of at most ``log2(n)`` stored nodes, so proofs over a million
entries cost a few dozen lookups. Storage is behind the small :class:`NodeReader` protocol.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

Hash = bytes
NodeReader = Callable[[int, int], Hash]
"""``read(level, index)`` → stored hash of a perfect aligned subtree."""

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> Hash:
    """RFC 6962 leaf hash: SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: Hash, right: Hash) -> Hash:
    """RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_hash(read: NodeReader, start: int, end: int) -> Hash:
    """MTH(D[start:end]) from stored perfect subtrees; ``start`` is aligned as RFC 6962 needs."""
    size = end - start
    if size <= 0:
        return EMPTY_ROOT
    if size & (size - 1) == 0 and start % size == 0:
        level = size.bit_length() - 1
        return read(level, start >> level)
    k = _split(size)
    return node_hash(subtree_hash(read, start, start + k), subtree_hash(read, start + k, end))


def root(read: NodeReader, size: int) -> Hash:
    """The tree head hash of the first ``size`` leaves."""
    return subtree_hash(read, 0, size)


def inclusion_proof(read: NodeReader, index: int, size: int) -> list[Hash]:
    """PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf to root order."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path: list[Hash] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            path.append(subtree_hash(read, start + k, end))
            end = start + k
        else:
            path.append(subtree_hash(read, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(read: NodeReader, old: int, new: int) -> list[Hash]:
    """PROOF(old, D[0:new]) of RFC 6962 §2.1.2."""
    if not 0 < old <= new:
        raise ValueError(f"no consistency proof from size {old} to {new}")
    if old == new:
        return []
    return _subproof(read, old, 0, new, True)


def _subproof(read: NodeReader, m: int, start: int, end: int, complete: bool) -> list[Hash]:
    n = end - start
    if m == n:
        return [] if complete else [subtree_hash(read, start, end)]
    k = _split(n)
    if m <= k:
        return [*_subproof(read, m, start, start + k, complete), subtree_hash(read, start + k, end)]
    return [*_subproof(read, m - k, start + k, end, False), subtree_hash(read, start, start + k)]


def verify_inclusion(leaf: Hash, index: int, size: int, proof: Sequence[Hash], root_: Hash) -> bool:
    """Check an inclusion proof (RFC 9162 §2.1.3.2 algorithm)."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_


def verify_consistency(
    old: int, new: int, old_root: Hash, new_root: Hash, proof: Sequence[Hash]
) -> bool:
    """Check a consistency proof (RFC 9162 §2.1.4.2 algorithm)."""
    if old == new:
        return not proof and old_root == new_root
    if not 0 < old < new or not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # old is a power of two: its root is the first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
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
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def new_nodes(read: NodeReader, size: int, leaf: Hash) -> list[tuple[int, int, Hash]]:
    """The perfect-subtree nodes completed by appending ``leaf`` as leaf number ``size``."""
    out = [(0, size, leaf)]
    level, index, h = 0, size, leaf
    while index & 1:
        sibling = read(level, index - 1)
        h = node_hash(sibling, h)
        level, index = level + 1, index >> 1
        out.append((level, index, h))
    return out
