"""RFC 6962 known answers (the Certificate Transparency reference vectors) and properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.governance import merkle

LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
          bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# Inclusion proofs from the same reference suite: (leaf index, tree size, path).
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def build(leaves: list[bytes]) -> merkle.NodeReader:
    nodes: dict[tuple[int, int], bytes] = {}

    def read(level: int, index: int) -> bytes:
        return nodes[(level, index)]

    for n, data in enumerate(leaves):
        for lv, ix, h in merkle.new_nodes(read, n, merkle.leaf_hash(data)):
            nodes[(lv, ix)] = h
    return read


def reference_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return merkle.leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def test_known_roots() -> None:
    read = build(LEAVES)
    assert [merkle.root(read, n).hex() for n in range(1, 9)] == ROOTS
    assert merkle.root(read, 0).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_known_inclusion_proofs() -> None:
    read = build(LEAVES)
    for index, size, path in INCLUSION:
        proof = merkle.inclusion_proof(read, index, size)
        assert [p.hex() for p in proof] == path
        root = bytes.fromhex(ROOTS[size - 1])
        assert merkle.verify_inclusion(merkle.leaf_hash(LEAVES[index]), index, size, proof, root)


def test_known_consistency_proofs() -> None:
    read = build(LEAVES)
    for old, new, path in CONSISTENCY:
        proof = merkle.consistency_proof(read, old, new)
        assert [p.hex() for p in proof] == path
        assert merkle.verify_consistency(
            old, new, bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new - 1]), proof
        )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70), st.data())
def test_proofs_verify_and_tampering_fails(leaves: list[bytes], data: st.DataObject) -> None:
    read = build(leaves)
    size = data.draw(st.integers(1, len(leaves)))
    root = merkle.root(read, size)
    assert root == reference_root(leaves[:size])
    index = data.draw(st.integers(0, size - 1))
    proof = merkle.inclusion_proof(read, index, size)
    leaf = merkle.leaf_hash(leaves[index])
    assert merkle.verify_inclusion(leaf, index, size, proof, root)
    assert not merkle.verify_inclusion(
        merkle.leaf_hash(leaves[index] + b"x"), index, size, proof, root
    )
    if proof:
        bad = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
        assert not merkle.verify_inclusion(leaf, index, size, bad, root)
    old = data.draw(st.integers(1, size))
    cproof = merkle.consistency_proof(read, old, size)
    old_root = merkle.root(read, old)
    assert merkle.verify_consistency(old, size, old_root, root, cproof)
    if old < size:
        wrong_old = merkle.leaf_hash(b"forged")
        assert not merkle.verify_consistency(old, size, wrong_old, root, cproof)
