#!/usr/bin/env python3
"""Zero-size and rank-0 cases for tests/autograd/test_zero_size.cpp, from torch 1.13.

Runs every recordable op (the backward primitives torch has no function for, such as
norm_backward or the pooling and convolution backwards, through the gradients of their forward
ops), the composites and the losses on inputs with a dim of size 0, now and then next to non-empty ones (a gemm with k = 0 gives zeros or the bias, a sum of
nothing is 0, a mean nan), and records the output shapes and values and the gradients of
sum(out * w) for a fixed w, or that torch raises (the C++ must then throw a typed exception
naming the op). Run with Debian's torch 1.13:
    /usr/bin/python3 tests/autograd/reference/zero_size_reference.py
which writes ../fixtures/zero_size.txt in the format of differential.txt (see
differential_reference.py): c/a/s/t/o/w/g/x/e lines, one record a line.
"""
import math
import os

import torch
import torch.nn.functional as F

DT = {"f32": torch.float32, "f64": torch.float64, "i64": torch.int64, "b": torch.bool}
lines = []
# Cases named apart from the function they call: the name its error message starts with.
ERROR_NAME = {"matmul_t": "matmul", "max_all": "max", "min_all": "min", "argmax_all": "argmax",
              "bce": "binary_cross_entropy", "bce_with_logits": "binary_cross_entropy_with_logits"}


def num(v, dtype):
    if dtype in ("i64", "b"):
        return str(int(v))
    if math.isnan(v) or math.isinf(v):
        return repr(v)
    return repr(float(v))


def tensor_text(t, dtype):
    vals = t.detach().reshape(-1).tolist()
    return " ".join([str(t.dim())] + [str(d) for d in t.shape] + [num(v, dtype) for v in vals])


def values(shape, dtype="f64", lo=-2.0, hi=2.0):
    """Fixed values spread over [lo, hi]: the same inputs at every run."""
    n = math.prod(shape)
    vals = [lo + (hi - lo) * ((7 * i + 3) % 11) / 10 for i in range(n)]
    return torch.tensor(vals, dtype=DT[dtype]).reshape(shape)


def index(vals, shape=None):
    t = torch.tensor(vals, dtype=torch.int64)
    return t.reshape(shape) if shape is not None else t


def case(op, inputs, fn, args=(), words=(), dtype="f64"):
    """inputs: (name, tensor); floating ones get gradients. fn(*tensors) returns the output
    tensor, or a list of (name, tensor) whose first is weighted for the gradients."""
    head = ["c %s %s" % (op, dtype)]
    for key, vals in args:
        vals = vals if isinstance(vals, (list, tuple)) else [vals]
        head.append("a %s %s" % (key, " ".join(repr(float(v)) if isinstance(v, float)
                                                else str(int(v)) for v in vals)))
    for key, word in list(words) + [("error", ERROR_NAME.get(op, op))]:
        head.append("s %s %s" % (key, word))
    works = []
    for name, t in inputs:
        kind = {torch.int64: "i64", torch.bool: "b"}.get(t.dtype, dtype)
        t = t.to(DT[kind])
        grad = kind == dtype
        head.append("t %s %s %d %s" % (name, kind, grad, tensor_text(t, kind)))
        works.append((name, t.clone().requires_grad_(grad)))
    lines.extend(head)
    try:
        outs = fn(*[w for _, w in works])
    except (RuntimeError, IndexError, ValueError) as err:
        lines.append("x")
        lines.append("e")
        print("raises:", op, str(err).splitlines()[0][:100])
        return
    if isinstance(outs, torch.Tensor):
        outs = [("out", outs)]
    for name, t in outs:
        kind = {torch.int64: "i64", torch.bool: "b"}.get(t.dtype, dtype)
        lines.append("o %s %s %s" % (name, kind, tensor_text(t, kind)))
    first = outs[0][1]
    if first.dtype.is_floating_point and first.requires_grad:
        w = values(list(first.shape), dtype, 0.5, 1.5)
        lines.append("w " + tensor_text(w, dtype))
        grad_of = [(n, t) for n, t in works if t.requires_grad]
        try:
            gs = torch.autograd.grad((first * w).sum(), [t for _, t in grad_of],
                                     allow_unused=True)
        except RuntimeError:  # no double backward in torch (silu_backward's): outputs only
            gs, grad_of = [], []
        for (n, t), g in zip(grad_of, gs):
            g = torch.zeros_like(t) if g is None else g
            lines.append("g %s %s" % (n, tensor_text(g, dtype)))
    lines.append("e")


def x(shape, lo=-2.0, hi=2.0):
    return values(shape, "f64", lo, hi)


def elementwise():
    unary = {"neg": torch.neg, "exp": torch.exp, "abs": torch.abs, "tanh": torch.tanh,
             "sigmoid": torch.sigmoid, "relu": torch.relu, "softplus": F.softplus,
             "silu": F.silu, "elu": F.elu, "log_sigmoid": F.logsigmoid}
    for name, fn in unary.items():
        for shape in ([0], [2, 0, 3]):
            case(name, [("input", x(shape))], fn)
    for name, fn in {"log": torch.log, "sqrt": torch.sqrt}.items():
        case(name, [("input", x([3, 0], 0.5, 2))], fn)
    case("pow", [("input", x([0, 2], 0.5, 2))], lambda a: a ** 2.5, [("exponent", 2.5)])
    case("affine", [("input", x([0, 2]))], lambda a: a * 3.0 + 1.0,
         [("scale", 3.0), ("shift", 1.0)])
    case("leaky_relu", [("input", x([2, 0]))], lambda a: F.leaky_relu(a, 0.2),
         [("negative_slope", 0.2)])
    case("clamp", [("input", x([0, 3]))], lambda a: a.clamp(-1, 1), [("min", -1.0), ("max", 1.0)])
    for approx in ("none", "tanh"):
        case("gelu", [("input", x([0, 3]))], lambda a: F.gelu(a, approximate=approx),
             words=[("approximate", approx)])
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
              "maximum": torch.maximum, "minimum": torch.minimum}
    pairs = [([0, 3], [0, 3]), ([0, 3], [3]), ([2, 0], [2, 1]), ([0], []), ([1, 3], [0, 1]),
             ([0, 3], [2, 3])]
    for name, fn in binary.items():
        for sa, sb in pairs:
            case(name, [("a", x(sa)), ("b", x(sb, 0.5, 2))], fn)
    backward = {
        "tanh_backward": lambda g, y: torch.ops.aten.tanh_backward(g, y),
        "sigmoid_backward": lambda g, y: torch.ops.aten.sigmoid_backward(g, y),
        "threshold_backward": lambda g, y: torch.ops.aten.threshold_backward(g, y, 0),
        "silu_backward": lambda g, y: torch.ops.aten.silu_backward(g, y),
        "gelu_backward": lambda g, y: torch.ops.aten.gelu_backward(g, y),
        "elu_backward": lambda g, y: torch.ops.aten.elu_backward(g, 1.0, 1.0, 1.0, False, y),
    }
    for name, fn in backward.items():
        case(name, [("grad", x([0, 3])), ("input", x([0, 3], -0.9, 0.9))], fn)
    case("binary_cross_entropy", [("input", x([0, 2], 0.1, 0.9)), ("target", x([0, 2], 0, 1))],
         lambda p, y: F.binary_cross_entropy(p, y, reduction="none"))
    case("binary_cross_entropy_backward",
         [("grad", x([0])), ("input", x([0], 0.1, 0.9)), ("target", x([0], 0, 1))],
         lambda g, p, y: torch.ops.aten.binary_cross_entropy_backward(g, p, y))


def losses():
    for red in ("mean", "sum", "none"):
        case("mse_loss", [("input", x([0, 3])), ("target", x([0, 3]))],
             lambda a, b: F.mse_loss(a, b, reduction=red), words=[("reduction", red)])
        case("l1_loss", [("input", x([0])), ("target", x([0]))],
             lambda a, b: F.l1_loss(a, b, reduction=red), words=[("reduction", red)])
        case("bce", [("input", x([0], 0.1, 0.9)), ("target", x([0], 0, 1))],
             lambda a, b: F.binary_cross_entropy(a, b, reduction=red), words=[("reduction", red)])
        case("bce_with_logits", [("input", x([0, 2])), ("target", x([0, 2], 0, 1))],
             lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=red),
             words=[("reduction", red)])
        case("cross_entropy", [("input", x([0, 3])), ("target", index([], [0]))],
             lambda a, t: F.cross_entropy(a, t, reduction=red), words=[("reduction", red)])
        case("nll_loss", [("input", x([0, 3])), ("target", index([], [0]))],
             lambda a, t: F.nll_loss(a, t, reduction=red), words=[("reduction", red)])
    # No classes: any target is out of range; torch refuses even an empty batch of them.
    case("cross_entropy", [("input", x([2, 0])), ("target", index([0, 0]))],
         lambda a, t: F.cross_entropy(a, t), words=[("reduction", "mean")])


def matmul():
    for dtype in ("f64", "f32"):
        for sa, sb in [([0, 3], [3, 4]), ([2, 0], [0, 4]), ([2, 3], [3, 0]), ([0], [0]),
                       ([0], [0, 2]), ([2, 0], [0]), ([2, 2, 0], [0, 3]), ([0, 2, 3], [3, 4]),
                       ([0, 2, 3], [1, 3, 2]), ([2, 1, 0], [3, 0, 2]), ([2, 3], [0, 4])]:
            case("matmul", [("a", x(sa)), ("b", x(sb))], torch.matmul, dtype=dtype)
        for ta, tb in [(0, 1), (1, 0), (1, 1)]:
            sa, sb = ([0, 2] if ta else [2, 0]), ([3, 0] if tb else [0, 3])
            case("matmul_t", [("a", x(sa)), ("b", x(sb))],
                 lambda a, b: (a.mT if ta else a) @ (b.mT if tb else b),
                 [("transpose_a", ta), ("transpose_b", tb)], dtype=dtype)
        for sx, sw, bias in [([4, 3, 0], [2, 0], True), ([4, 3, 0], [2, 0], False),
                             ([0, 3], [2, 3], True), ([2, 3], [0, 3], True), ([0], [2, 0], True),
                             ([2, 0, 3], [4, 3], True), ([2, 4], [2, 0], True)]:
            ins = [("input", x(sx)), ("weight", x(sw))]
            if bias:
                ins.append(("bias", x([sw[0]])))
            case("linear", ins, lambda *t: F.linear(*t), dtype=dtype)


def shape_ops():
    case("permute", [("input", x([0, 2, 3]))], lambda a: a.permute(2, 0, 1), [("dims", [2, 0, 1])])
    for shape in ([3, 0], [-1, 3], [0, 2, 0], [0, -1], [-1, 0], [0], [1, 0, 3], [2, 2]):
        case("reshape", [("input", x([0, 3]))], lambda a: a.reshape(shape), [("shape", shape)])
    case("reshape", [("input", x([2, 3]))], lambda a: a.reshape([0, -1]), [("shape", [0, -1])])
    for src, dst in (([1, 3], [0, 3]), ([0, 1], [0, 4]), ([3], [2, 0, 3]), ([0], [2, 0]),
                     ([2], [0, 3])):
        case("expand", [("input", x(src))], lambda a: a.expand(dst), [("shape", dst)])
    for src, dst in (([0, 3], [3]), ([0, 3], []), ([2, 0], [2, 1]), ([2, 0], [0])):
        case("sum_to", [("input", x(src))], lambda a: a.sum_to_size(dst) if dst else a.sum(),
             [("shape", dst)])
    for pads in ([1, 1], [1, 2, 0, 1], [-1, 0]):
        case("pad", [("input", x([0, 3]))], lambda a: F.pad(a, pads, value=0.5),
             [("pads", pads), ("value", 0.5)])
    case("pad", [("input", x([2, 0]))], lambda a: F.pad(a, [1, 2], value=0.5),
         [("pads", [1, 2]), ("value", 0.5)])
    case("flatten", [("input", x([2, 0, 3]))], lambda a: a.flatten(1), [("start", 1), ("end", -1)])
    case("squeeze", [("input", x([1, 0, 1]))], torch.squeeze)
    case("unsqueeze", [("input", x([0, 3]))], lambda a: a.unsqueeze(1), [("dim", 1)])
    case("transpose", [("input", x([0, 3]))], lambda a: a.transpose(0, 1))
    case("to_dtype", [("input", x([0, 3]))], lambda a: a.to(torch.int64).double())


def reductions():
    for shape in ([0], [0, 3], [3, 0]):
        case("sum", [("input", x(shape))], torch.sum, [("dims", [])])
        case("mean", [("input", x(shape))], torch.mean, [("dims", [])])
        case("max_all", [("input", x(shape))], torch.max)
        case("min_all", [("input", x(shape))], torch.min)
        case("argmax_all", [("input", x(shape))], torch.argmax)
    for dim in (0, 1):
        for keep in (0, 1):
            a = [("dims", [dim]), ("keepdim", keep)]
            case("sum", [("input", x([0, 3]))], lambda t: t.sum(dim, keepdim=bool(keep)), a)
            case("mean", [("input", x([0, 3]))], lambda t: t.mean(dim, keepdim=bool(keep)), a)
            da = [("dim", dim), ("keepdim", keep)]
            case("max", [("input", x([0, 3]))],
                 lambda t: list(zip(("out", "indices"), t.max(dim, keepdim=bool(keep)))), da)
            case("min", [("input", x([0, 3]))],
                 lambda t: list(zip(("out", "indices"), t.min(dim, keepdim=bool(keep)))), da)
            case("argmax", [("input", x([0, 3]))], lambda t: t.argmax(dim, keepdim=bool(keep)), da)
            case("argmin", [("input", x([3, 0]))], lambda t: t.argmin(dim, keepdim=bool(keep)), da)
            for corr in (0, 1):
                va = a + [("correction", corr)]
                case("var", [("input", x([0, 3]))],
                     lambda t: t.var(dim, unbiased=bool(corr), keepdim=bool(keep)), va)
                case("std", [("input", x([3, 0]))],
                     lambda t: t.std(dim, unbiased=bool(corr), keepdim=bool(keep)), va)
            case("logsumexp", [("input", x([0, 3]))], lambda t: t.logsumexp(dim, keepdim=bool(keep)), a)
    case("var", [("input", x([0, 3]))], lambda t: t.var(), [("dims", []), ("correction", 1),
                                                              ("keepdim", 0)])
    case("sum", [("input", x([2, 0, 3]))], lambda t: t.sum([0, 2]), [("dims", [0, 2]),
                                                                        ("keepdim", 0)])
    case("logsumexp", [("input", x([2, 0]))], lambda t: t.logsumexp([0, 1]),
         [("dims", [0, 1]), ("keepdim", 0)])
    for dim in (0, 1):
        case("softmax", [("input", x([0, 3]))], lambda t: t.softmax(dim), [("dim", dim)])
        case("log_softmax", [("input", x([3, 0]))], lambda t: t.log_softmax(dim), [("dim", dim)])


def indexing():
    case("slice", [("input", x([0, 3]))], lambda t: t[:, 1:3], [("dim", 1), ("start", 1),
                                                                 ("end", 3), ("step", 1)])
    case("slice", [("input", x([4, 2]))], lambda t: t[2:2], [("dim", 0), ("start", 2),
                                                             ("end", 2), ("step", 1)])
    case("slice", [("input", x([4, 2]))], lambda t: t[3:1:2], [("dim", 0), ("start", 3),
                                                               ("end", 1), ("step", 2)])
    empty = index([], [0])
    case("index_select", [("input", x([0, 3])), ("index", empty)], lambda t, i: t[i], [("dim", 0)])
    case("index_select", [("input", x([3, 2])), ("index", empty)], lambda t, i: t[i], [("dim", 0)])
    case("index_select", [("input", x([0, 3])), ("index", index([0]))],
         lambda t, i: t.index_select(0, i), [("dim", 0)])
    case("index_select", [("input", x([0, 3])), ("index", index([1, 0]))],
         lambda t, i: t.index_select(1, i), [("dim", 1)])
    case("index_add", [("input", x([0, 3])), ("index", index([], [0])), ("source", x([0, 3]))],
         lambda t, i, s: t.index_add(0, i, s), [("dim", 0)])
    case("index_add", [("input", x([2, 3])), ("index", empty), ("source", x([0, 3]))],
         lambda t, i, s: t.index_add(0, i, s), [("dim", 0)])
    case("gather", [("input", x([2, 0])), ("index", index([], [2, 0]))],
         lambda t, i: t.gather(1, i), [("dim", 1)])
    case("gather", [("input", x([2, 3])), ("index", index([], [2, 0]))],
         lambda t, i: t.gather(1, i), [("dim", 1)])
    case("gather", [("input", x([2, 0])), ("index", index([0, 0], [2, 1]))],
         lambda t, i: t.gather(1, i), [("dim", 1)])
    case("scatter_add", [("input", x([2, 3])), ("index", index([], [2, 0])), ("src", x([2, 0]))],
         lambda t, i, s: t.scatter_add(1, i, s), [("dim", 1)])
    case("scatter_add", [("input", x([0, 3])), ("index", index([], [0, 3])), ("src", x([0, 3]))],
         lambda t, i, s: t.scatter_add(0, i, s), [("dim", 0)])
    for dim, shapes in ((0, ([0, 3], [2, 3])), (1, ([2, 0], [2, 3])), (0, ([0, 3], [0, 3])),
                        (0, ([0], [2, 3]))):
        case("concat", [("a", x(shapes[0])), ("b", x(shapes[1]))],
             lambda a, b: torch.cat([a, b], dim), [("dim", dim)])
    case("stack", [("a", x([0, 3])), ("b", x([0, 3]))], lambda a, b: torch.stack([a, b], 1),
         [("dim", 1)])
    case("embedding", [("weight", x([3, 2])), ("indices", index([], [0]))],
         lambda w, i: F.embedding(i, w))
    case("embedding", [("weight", x([0, 2])), ("indices", index([], [2, 0]))],
         lambda w, i: F.embedding(i, w))
    case("embedding", [("weight", x([0, 2])), ("indices", index([0]))],
         lambda w, i: F.embedding(i, w))
    case("embedding", [("weight", x([3, 0])), ("indices", index([1, 2]))],
         lambda w, i: F.embedding(i, w))


def compare():
    for name, fn in {"eq": torch.eq, "lt": torch.lt, "logical_and": torch.logical_and}.items():
        case(name, [("a", x([0, 3])), ("b", x([3]))], fn)
    case("where", [("condition", torch.zeros(0, 3, dtype=torch.bool)), ("a", x([0, 3])),
                   ("b", x([3]))], torch.where)
    case("where", [("condition", torch.zeros(0, 1, dtype=torch.bool)), ("a", x([2, 1, 3])),
                   ("b", x([]))], torch.where)
    case("masked_fill", [("input", x([0, 3])), ("mask", torch.zeros(0, 3, dtype=torch.bool))],
         lambda t, m: t.masked_fill(m, 2.0), [("value", 2.0)])


def pool_conv_norm():
    for shape in ([0, 1, 4, 4], [1, 0, 4, 4], [0, 4, 4], [2, 1, 0, 4]):
        case("max_pool2d", [("input", x(shape))],
             lambda t: list(zip(("out", "indices"), F.max_pool2d(t, 2, return_indices=True))),
             [("kernel", [2, 2])])
        case("avg_pool2d", [("input", x(shape))], lambda t: F.avg_pool2d(t, 2),
             [("kernel", [2, 2])])
    # No input channels (input [1, 0, 3, 3], weight [2, 0, 2, 2]) is left out: torch 1.13 returns
    # [1, 0, 2, 2], keeping the input's channel count, where a sum over no channels is the bias of
    # shape [1, 2, 2, 2] (ours; the op table gradchecks it).
    for dtype in ("f64", "f32"):
        for si, sw, bias in [([0, 1, 3, 3], [2, 1, 2, 2], True), ([1, 1, 3, 3], [0, 1, 2, 2], False),
                             ([1, 2, 3, 3], [2, 1, 2, 2], True),
                             ([0, 2, 3, 3], [4, 1, 2, 2], False), ([1, 1, 0, 3], [2, 1, 1, 2], True),
                             ([1, 1, 3, 3], [2, 1, 0, 2], False)]:
            ins = [("input", x(si)), ("weight", x(sw))] + ([("bias", x([sw[0]]))] if bias else [])
            groups = si[1] // sw[1] if sw[1] else 1
            case("conv2d", ins, lambda *t: F.conv2d(*t, groups=groups), [("groups", groups)],
                 dtype=dtype)
    case("conv1d", [("input", x([0, 2, 5])), ("weight", x([3, 2, 2])), ("bias", x([3]))],
         F.conv1d)
    case("layer_norm", [("input", x([0, 3])), ("weight", x([3])), ("bias", x([3]))],
         lambda t, w, b: F.layer_norm(t, [3], w, b), [("normalized_shape", [3])])
    case("layer_norm", [("input", x([2, 0]))], lambda t: F.layer_norm(t, [0]),
         [("normalized_shape", [0])])
    case("layer_norm", [("input", x([2, 0, 3]))], lambda t: F.layer_norm(t, [0, 3]),
         [("normalized_shape", [0, 3])])
    for training in (0, 1):
        for shape in ([0, 3], [2, 0], [0, 3, 4], [2, 3, 0]):
            c = shape[1]
            rm, rv = x([c]), x([c], 0.5, 2)
            case("batch_norm", [("input", x(shape)), ("weight", x([c])), ("bias", x([c]))],
                 lambda t, w, b: [("out", F.batch_norm(t, rm.clone(), rv.clone(), w, b,
                                                       bool(training)))],
                 [("training", training), ("running_mean", rm.tolist()),
                  ("running_var", rv.tolist())])
    for training in (0, 1):
        case("dropout", [("input", x([0, 3]))], lambda t: F.dropout(t, 0.5, bool(training)),
             [("p", 0.5), ("training", training)])


def rank0():
    """Every dim-taking op on a rank-0 input: torch takes dim 0 or -1 (one implicit dim of size 1)
    and refuses others; concat refuses any rank-0 tensor. index_select on a rank-0 input with
    other than one index is left out: torch 1.13 writes each index's value into its one-element
    result (past its end for two), which the C++ refuses (test_zero_size.cpp)."""
    s = x([])
    for dim in (-2, -1, 0, 1):
        d = [("dim", dim)]
        case("index_select", [("input", s), ("index", index([0]))],
             lambda t, i: t.index_select(dim, i), d)
        case("index_select", [("input", s), ("index", index(0, []))],
             lambda t, i: t.index_select(dim, i), d)
        case("index_add", [("input", s), ("index", index([0, 0])), ("source", x([2]))],
             lambda t, i, v: t.index_add(dim, i, v), d)
        case("index_add", [("input", s), ("index", index(0, [])), ("source", x([]))],
             lambda t, i, v: t.index_add(dim, i, v), d)
        for idx in (index([0, 0]), index(0, []), index([], [0])):
            case("gather", [("input", s), ("index", idx)], lambda t, i: t.gather(dim, i), d)
        case("scatter_add", [("input", s), ("index", index([0, 0])), ("src", x([2]))],
             lambda t, i, v: t.scatter_add(dim, i, v), d)
        case("squeeze", [("input", s)], lambda t: t.squeeze(dim), d)
        case("unsqueeze", [("input", s)], lambda t: t.unsqueeze(dim), d)
        case("flatten", [("input", s)], lambda t: t.flatten(dim, -1), [("start", dim), ("end", -1)])
        case("flatten", [("input", s)], lambda t: t.flatten(0, dim), [("start", 0), ("end", dim)])
        case("transpose", [("input", s)], lambda t: t.transpose(dim, 0), [("dim0", dim),
                                                                            ("dim1", 0)])
        case("concat", [("a", s), ("b", s)], lambda a, b: torch.cat([a, b], dim), d)
        case("stack", [("a", s), ("b", s)], lambda a, b: torch.stack([a, b], dim), d)
        case("slice", [("input", s)], lambda t: t.narrow(dim, 0, 1), d + [("start", 0),
                                                                          ("end", 1), ("step", 1)])
        for keep in (0, 1):
            a = [("dims", [dim]), ("keepdim", keep)]
            case("sum", [("input", s)], lambda t: t.sum(dim, keepdim=bool(keep)), a)
            case("mean", [("input", s)], lambda t: t.mean(dim, keepdim=bool(keep)), a)
            case("logsumexp", [("input", s)], lambda t: t.logsumexp(dim, keepdim=bool(keep)), a)
            # Correction 1 is left out: torch's gradient of a rank-0 var is inf there, where
            # of a [1] one, as ours for both, it is NaN (2 / 0 times x - mean = 0).
            case("var", [("input", s)], lambda t: t.var(dim, unbiased=False, keepdim=bool(keep)),
                 a + [("correction", 0)])
            case("std", [("input", s)], lambda t: t.std(dim, unbiased=False, keepdim=bool(keep)),
                 a + [("correction", 0)])
            da = [("dim", dim), ("keepdim", keep)]
            case("max", [("input", s)],
                 lambda t: list(zip(("out", "indices"), t.max(dim, keepdim=bool(keep)))), da)
            case("min", [("input", s)],
                 lambda t: list(zip(("out", "indices"), t.min(dim, keepdim=bool(keep)))), da)
            case("argmax", [("input", s)], lambda t: t.argmax(dim, keepdim=bool(keep)), da)
            case("argmin", [("input", s)], lambda t: t.argmin(dim, keepdim=bool(keep)), da)
        case("softmax", [("input", s)], lambda t: t.softmax(dim), d)
        case("log_softmax", [("input", s)], lambda t: t.log_softmax(dim), d)
    case("sum", [("input", s)], lambda t: t.sum([0, -1]), [("dims", [0, -1]), ("keepdim", 0)])
    case("permute", [("input", s)], lambda t: t.permute([]), [("dims", [])])
    case("permute", [("input", s)], lambda t: t.permute([0]), [("dims", [0])])


elementwise()
losses()
matmul()
shape_ops()
reductions()
indexing()
compare()
pool_conv_norm()
rank0()

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "zero_size.txt")
with open(path, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", sum(1 for l in lines if l.startswith("c ")), "cases to", path)
