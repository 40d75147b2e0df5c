#!/usr/bin/env python3
"""Random differential cases for tests/autograd/test_differential.cpp, from torch 1.13.

Draws seeded random cases of every op of the model-breadth families (conv, pooling, pad,
comparisons, where/masked_fill, maximum/minimum, argmax/argmin, norms, var/std/logsumexp,
dropout's deterministic cases, embedding, activations): random shapes with size-1 and zero-size
dims, random hyper-parameters, ties (inputs on a coarse grid), NaN and inf. For each it writes the
inputs, the outputs and the gradients of sum(out * w) for a random w; a case torch rejects is
written with its inputs and an `x` line (the C++ must throw a typed exception). float32 figures
are torch's float64 results on the float32-rounded inputs, rounded to float32 (torch's own float32
kernels round differently from ours, each within its own error), except for the exact ops of
EXACT, computed in float32 itself. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/autograd/reference/differential_reference.py
which writes ../fixtures/differential.txt (DIFF_TRACE=1 prints each case before torch runs it:
torch 1.13 itself crashes on some inputs). Format, one record a line:
    c <op> <dtype>             a case and the dtype of its floating inputs
    a <key> <numbers...>       an integer or float argument (lists flat)
    s <key> <word>             a string argument
    t <name> <dtype> <grad> <rank> <dims...> <values...>   an input (absent: undefined)
    o <name> <dtype> <rank> <dims...> <values...>          an expected output
    w <rank> <dims...> <values...>                         the weights w of the first output
    r <o|g> <name> <deviation>  the largest deviation of torch's own float32 output or gradient
    g <name> <rank> <dims...> <values...>                  the expected gradient of an input
    x                          torch rejects the case
    e                          end of the case
"""
import math
import os
import random

import torch
import torch.nn.functional as F

R = random.Random(8)
NAN, INF = float("nan"), float("inf")
DT = {"f32": torch.float32, "f64": torch.float64, "i64": torch.int64, "b": torch.bool}
lines = []


def num(v, dtype):
    if dtype in ("i64", "b"):
        return str(int(v))
    if math.isnan(v) or math.isinf(v):
        return repr(v)
    if dtype == "f32":
        s = "%.9g" % v
        return s if float(s) == v else repr(v)
    return repr(v)


def tensor_text(t, dtype):
    vals = t.detach().reshape(-1).tolist()
    return " ".join([str(t.dim())] + [str(d) for d in t.shape] + [num(v, dtype) for v in vals])


def grid(n, scale=4, lo=-12, hi=12, special=0.0):
    """Values on a coarse grid (ties, exact sums), now and then NaN or ±inf."""
    out = []
    for _ in range(n):
        if special and R.random() < special:
            out.append(R.choice([NAN, INF, -INF]))
        else:
            out.append(R.randint(lo, hi) / scale)
    return out


def smooth(n, lo=-4.0, hi=4.0):
    return [round(R.uniform(lo, hi), 4) for _ in range(n)]


def numel(shape):
    return math.prod(shape)


def make(shape, dtype, values=None, special=0.0):
    if values is None:
        if dtype == "b":
            values = [R.random() < 0.5 for _ in range(numel(shape))]
        elif dtype == "i64":
            values = [R.randint(-3, 3) for _ in range(numel(shape))]
        else:
            values = grid(numel(shape), special=special)
    return torch.tensor(values, dtype=DT[dtype]).reshape(shape)


# Ops whose float32 results are exact (selection, comparison, padding): torch computes them in
# float32 itself, so that a number compares with float32 data as it does in float32.
EXACT = {"eq", "ne", "lt", "le", "gt", "ge", "logical_not", "logical_and", "logical_or", "where",
         "masked_fill", "maximum", "minimum", "argmax", "argmin", "max_pool2d", "pad",
         "embedding", "dropout"}


class Case:
    def __init__(self, op, dtype):
        self.op, self.dtype, self.args, self.inputs = op, dtype, [], []

    def arg(self, key, *vals):
        self.args.append("a %s %s" % (key, " ".join(repr(v) if isinstance(v, float)
                                                    else str(int(v)) for v in vals)))

    def sarg(self, key, word):
        self.args.append("s %s %s" % (key, word))

    def inp(self, name, t, dtype=None, grad=None):
        """Registers an input (None: undefined, not written); floats get gradients by default."""
        if t is None:
            return
        dtype = dtype or self.dtype
        if grad is None:
            grad = dtype in ("f32", "f64")
        self.inputs.append((name, dtype, grad, t.to(DT[dtype])))

    def evaluate(self, fn, wide, weights=None):
        """fn's outputs and the gradients of sum(out * weights), with the floating inputs in
        float64 (wide) or in their own dtype; raises what torch raises."""
        works = []
        for name, dtype, grad, t in self.inputs:
            work = t.double() if wide and dtype in ("f32", "f64") else t
            works.append(work.clone().requires_grad_(grad))
        outs = fn(*works)
        first = outs[0][1]
        if not (first.dtype.is_floating_point and first.requires_grad):
            return outs, None, None
        if weights is None:
            weights = make(list(first.shape), self.dtype)
        loss = (first * weights.to(first.dtype)).sum()
        grads_for = [(n, w) for (n, _, g, _), w in zip(self.inputs, works) if g]
        try:
            gs = torch.autograd.grad(loss, [w for _, w in grads_for], allow_unused=True)
        except RuntimeError as err:
            # torch 1.13 bugs (pad's backward of an empty crop): an empty output has zero
            # gradients, otherwise the gradients are not compared.
            print("torch backward failed:", self.op, self.args, err)
            if first.numel() != 0:
                return outs, None, weights
            gs = [None for _ in grads_for]
        grads = [(n, torch.zeros_like(w) if g is None else g) for (n, w), g in zip(grads_for, gs)]
        return outs, grads, weights

    def run(self, fn):
        """Writes the case: inputs, then torch's outputs and gradients, or `x`. A float32 case
        also gets, per tensor, the largest deviation of torch's own float32 result (`r`)."""
        if os.environ.get("DIFF_TRACE"):
            print(self.op, self.args, [(n, d, list(t.shape)) for n, d, _, t in self.inputs],
                  flush=True)
        lines.append("c %s %s" % (self.op, self.dtype))
        lines.extend(self.args)
        for name, dtype, grad, t in self.inputs:
            lines.append("t %s %s %d %s" % (name, dtype, grad, tensor_text(t, dtype)))
        try:
            outs, grads, weights = self.evaluate(fn, self.op not in EXACT)
        except (RuntimeError, IndexError, ValueError, TypeError):
            lines.extend(["x", "e"])
            return
        own = {}
        if self.dtype == "f32":
            try:
                o, g, _ = self.evaluate(fn, False, weights)
                own = dict(o + (g or []))
            except RuntimeError:
                pass
        for name, out in outs:
            odt = {torch.bool: "b", torch.int64: "i64"}.get(out.dtype, self.dtype)
            lines.append("o %s %s %s" % (name, odt, tensor_text(out.detach().to(DT[odt]), odt)))
            self.slack("o", name, out, own)
        if weights is not None:
            lines.append("w " + tensor_text(weights, self.dtype))
        for name, g in grads or []:
            lines.append("g %s %s" % (name, tensor_text(g.to(DT[self.dtype]), self.dtype)))
            self.slack("g", name, g, own)
        lines.append("e")

    def slack(self, kind, name, exact, own):
        if name not in own or not exact.dtype.is_floating_point:
            return
        exact = exact.detach().double()
        ours = own[name].detach().double()
        both = torch.isfinite(exact) & torch.isfinite(ours)
        dev = (exact[both] - ours[both]).abs().max().item() if both.any() else 0.0
        if dev > 0:
            lines.append("r %s %s %s" % (kind, name, "%.3g" % dev))


def fdt():
    return R.choice(["f32", "f64"])


BIG = 1  # size multiplier: the second round draws larger tensors (threaded and vector paths)


def rdim(zero=0.08, hi=4):
    return 0 if R.random() < zero else R.randint(1, hi * BIG)


def pair(lo, hi):
    return (R.randint(lo, hi), R.randint(lo, hi))


# ---- conv ------------------------------------------------------------------------------------
def conv2d_case(rank=2, large=False):
    """large: stride 1, many output channels and wide planes, for the direct kernels' tiling."""
    c = Case("conv2d" if rank == 2 else "conv1d", fdt())
    groups = R.choice([1, 1, 2, 3])
    cin, cout = groups * R.randint(1, 2), groups * R.randint(1, 2)
    n = rdim(0.1, 2)
    k = pair(1, 3) if rank == 2 else (R.randint(1, 4),)
    s = pair(1, 3) if rank == 2 else (R.randint(1, 3),)
    p = pair(0, 2) if rank == 2 else (R.randint(0, 2),)
    d = pair(1, 2) if rank == 2 else (R.randint(1, 3),)
    sp = [R.randint(1, 6) for _ in range(rank)]
    if large:
        groups, n = R.choice([1, 1, 2]), 1
        cin, cout = groups * R.randint(1, 3), groups * R.randint(4, 9)
        s = (1,) * rank
        sp = [R.randint(7, 14) for _ in range(rank)] if rank == 2 else [R.randint(20, 90)]
    if R.random() < 0.12:  # bad arguments torch rejects
        which = R.randint(0, 4)
        if which == 0: cin += 1
        if which == 1: s = tuple(0 for _ in s)
        if which == 2: p = tuple(-1 for _ in p)
        if which == 3: sp = [1 for _ in sp]; k = tuple(4 for _ in k)
        if which == 4: groups = 0 if R.random() < 0.5 else groups
    gw = max(groups, 1)
    x = make([n, cin] + sp, c.dtype, special=0.03 if R.random() < 0.2 else 0.0)
    w = make([cout, max(cin // gw, 1)] + list(k), c.dtype, special=0.03 if R.random() < 0.2 else 0)
    b = make([cout], c.dtype) if R.random() < 0.6 else None
    c.arg("stride", *s); c.arg("padding", *p); c.arg("dilation", *d); c.arg("groups", groups)
    c.inp("input", x); c.inp("weight", w); c.inp("bias", b)
    fn = F.conv2d if rank == 2 else F.conv1d
    has_b = b is not None
    c.run(lambda x, w, *rest: [("out", fn(x, w, rest[0] if has_b else None, s, p, d, groups))])


# ---- pooling and pad --------------------------------------------------------------------------
def pool_case(kind):
    c = Case(kind, fdt())
    lead = [rdim(0.1, 2), R.randint(1, 3)] if R.random() < 0.7 else [R.randint(1, 3)]
    hw = [R.randint(1, 6 * BIG), R.randint(1, 6 * BIG)]
    k = pair(1, 3) if R.random() < 0.7 else (2, 2)  # 2×2: the fast path when unpadded
    s = pair(1, 3) if R.random() < 0.6 else None
    p = (R.randint(0, k[0] // 2), R.randint(0, k[1] // 2))
    if R.random() < 0.1: p = (k[0] // 2 + 1, 0)  # torch rejects padding > kernel / 2
    x = make(lead + hw, c.dtype, special=0.1 if kind == "max_pool2d" else 0.03)
    c.arg("kernel", *k)
    if s: c.arg("stride", *s)
    c.arg("padding", *p)
    c.inp("input", x)
    if kind == "max_pool2d":
        d = pair(1, 2)
        c.arg("dilation", *d)
        if empty_window(hw, k, s or k, p, d) and all(a <= b // 2 for a, b in zip(p, k)):
            # torch 1.13 writes out of bounds there (heap corruption): the values come from an
            # explicit -inf padding instead, and the indices (arbitrary in torch) are not compared.
            c.run(lambda x: [("out", F.max_pool2d(F.pad(x, [p[1], p[1], p[0], p[0]], value=-INF),
                                                  k, s, 0, d))])
            return
        c.run(lambda x: list(zip(["out", "indices"], F.max_pool2d(
            x, k, s, p, d, return_indices=True))))
    else:
        cip = R.random() < 0.5
        c.arg("count_include_pad", cip)
        c.run(lambda x: [("out", F.avg_pool2d(x, k, s, p, count_include_pad=cip))])


def empty_window(hw, k, s, p, d):
    """Whether some max_pool2d window lies wholly in the padding (with dilation it can)."""
    for n, k, s, p, d in zip(hw, k, s, p, d):
        span = n + 2 * p - d * (k - 1) - 1
        if span < 0:
            continue
        for o in range(span // s + 1):
            if all(not 0 <= o * s - p + j * d < n for j in range(k)):
                return True
    return False


def any_dtype():
    """Mostly floating, now and then int64 (ops that take every dtype)."""
    return "i64" if R.random() < 0.15 else fdt()


def pad_case():
    c = Case("pad", any_dtype())
    shape = [rdim(0.1) for _ in range(R.randint(1, 4))]
    pads = [R.randint(-2, 2) for _ in range(2 * R.randint(1, len(shape) + (R.random() < 0.1)))]
    value = R.choice([0.0, 1.5, -2.0]) if c.dtype != "i64" else R.choice([0.0, -2.0])
    c.arg("pads", *pads); c.arg("value", value)
    c.inp("input", make(shape, c.dtype))
    c.run(lambda x: [("out", F.pad(x, pads, value=value))])


# ---- comparisons, selection -------------------------------------------------------------------
def bshapes(k):
    """k shapes that broadcast together in every way (now and then one that does not)."""
    full = [rdim(0.08, 3) for _ in range(R.randint(0, 3))]
    out = []
    for _ in range(k):
        s = [d if R.random() < 0.6 else 1 for d in full]
        s = s[R.randint(0, len(s)):] if R.random() < 0.3 else s
        out.append(s)
    if R.random() < 0.06 and full:
        out[0] = [d + 2 for d in full]
    return out


def compare_case():
    op = R.choice(["eq", "ne", "lt", "le", "gt", "ge"])
    dtype = R.choice(["f32", "f64", "i64"])
    c = Case(op, dtype)
    if R.random() < 0.3:
        value = R.choice([0.0, 0.5, -1.0, 1.25, NAN, INF, 0.1, -2.7, 1e-40])
        c.arg("scalar", value)
        shape = bshapes(1)[0]
        vals = [R.choice([0.1, -2.7, 0.5, 1e-40, 0.0, -1.0]) for _ in range(numel(shape))]
        c.inp("a", make(shape, dtype, values=vals if dtype != "i64" else None), grad=False)
        c.run(lambda a: [("out", getattr(torch, op)(a, value))])
        return
    sa, sb = bshapes(2)
    c.inp("a", make(sa, dtype, special=0.1 if dtype != "i64" else 0), grad=False)
    c.inp("b", make(sb, dtype, special=0.1 if dtype != "i64" else 0), grad=False)
    c.run(lambda a, b: [("out", getattr(torch, op)(a, b))])


def logical_case():
    op = R.choice(["logical_not", "logical_and", "logical_or"])
    c = Case(op, "f64")
    sa, sb = bshapes(2)
    c.inp("a", make(sa, R.choice(["f32", "f64", "i64", "b"]), special=0.1), grad=False)
    if op == "logical_not":
        c.run(lambda a: [("out", torch.logical_not(a))])
        return
    c.inp("b", make(sb, R.choice(["f32", "f64", "i64", "b"]), special=0.1), grad=False)
    c.run(lambda a, b: [("out", getattr(torch, op)(a, b))])


def where_case():
    c = Case("where", any_dtype())
    sc, sa, sb = bshapes(3)
    c.inp("condition", make(sc, "b"), dtype="b", grad=False)
    c.inp("a", make(sa, c.dtype, special=0.05)); c.inp("b", make(sb, c.dtype, special=0.05))
    c.run(lambda m, a, b: [("out", torch.where(m, a, b))])


def masked_fill_case():
    c = Case("masked_fill", any_dtype())
    sx, sm = bshapes(2)
    floats, ints = [0.0, -1e9, 2.5, -INF, NAN, 0.1], [0.0, -7.0]
    value = R.choice(floats) if c.dtype != "i64" else R.choice(ints)
    c.arg("value", value)
    c.inp("input", make(sx, c.dtype)); c.inp("mask", make(sm, "b"), dtype="b", grad=False)
    c.run(lambda x, m: [("out", x.masked_fill(m, value))])


def extremum_case():
    op = R.choice(["maximum", "minimum"])
    c = Case(op, any_dtype())
    sa, sb = bshapes(2)
    c.inp("a", make(sa, c.dtype, special=0.08)); c.inp("b", make(sb, c.dtype, special=0.08))
    c.run(lambda a, b: [("out", getattr(torch, op)(a, b))])


def arg_case():
    op = R.choice(["argmax", "argmin"])
    dtype = R.choice(["f32", "f64", "i64"])
    c = Case(op, dtype)
    shape = [rdim(0.1) for _ in range(R.randint(0, 3))]
    x = make(shape, dtype, special=0.1 if dtype != "i64" else 0)
    if R.random() < 0.3 or not shape:
        if shape == [] and R.random() < 0.5:
            dim, keep = R.choice([0, -1]), R.random() < 0.5
            c.arg("dim", dim); c.arg("keepdim", keep)
            c.inp("input", x, grad=False)
            c.run(lambda x: [("out", getattr(torch, op)(x, dim, keep))])
            return
        c.inp("input", x, grad=False)
        c.run(lambda x: [("out", getattr(torch, op)(x))])
        return
    dim = R.randint(-len(shape), len(shape) - 1)
    keep = R.random() < 0.5
    c.arg("dim", dim); c.arg("keepdim", keep)
    c.inp("input", x, grad=False)
    c.run(lambda x: [("out", getattr(torch, op)(x, dim, keep))])


# ---- norms and reductions ---------------------------------------------------------------------
def layer_norm_case():
    c = Case("layer_norm", fdt())
    shape = [rdim(0.06) for _ in range(R.randint(1, 4))]
    k = R.randint(1, len(shape))
    ns = shape[len(shape) - k:]
    if R.random() < 0.08: ns = ns[:-1] + [ns[-1] + 1]
    eps = R.choice([1e-5, 1e-3, 0.1])
    c.arg("normalized_shape", *ns); c.arg("eps", eps)
    x = make(shape, c.dtype, values=smooth(numel(shape)))
    w = make(ns, c.dtype) if R.random() < 0.6 else None
    b = make(ns, c.dtype) if R.random() < 0.6 else None
    c.inp("input", x); c.inp("weight", w); c.inp("bias", b)
    hw, hb = w is not None, b is not None

    def fn(x, *rest):
        rest = list(rest)
        w = rest.pop(0) if hw else None
        b = rest.pop(0) if hb else None
        return [("out", F.layer_norm(x, ns, w, b, eps))]
    c.run(fn)


def batch_norm_case():
    c = Case("batch_norm", fdt())
    C = R.randint(1, 3)
    shape = [R.choice([0, 1, 2, 3, 4]) if R.random() < 0.15 else R.randint(1, 4), C] + \
        [rdim(0.05, 3) for _ in range(R.randint(0, 2))]
    training = R.random() < 0.6
    momentum = R.choice([0.1, 0.5, 1.0, 0.0])
    eps = R.choice([1e-5, 1e-2])
    stats = R.random() < 0.75 or not training
    c.arg("training", training); c.arg("momentum", momentum); c.arg("eps", eps)
    x = make(shape, c.dtype, values=smooth(numel(shape)))
    rm = make([C], c.dtype, values=smooth(C)) if stats else None
    rv = make([C], c.dtype, values=smooth(C, 0.2, 3.0)) if stats else None
    w = make([C], c.dtype) if R.random() < 0.6 else None
    b = make([C], c.dtype) if R.random() < 0.6 else None
    c.inp("input", x); c.inp("running_mean", rm, grad=False); c.inp("running_var", rv, grad=False)
    c.inp("weight", w); c.inp("bias", b)
    flags = [rm is not None, rv is not None, w is not None, b is not None]

    def fn(x, *rest):
        rest = list(rest)
        rm, rv, w, b = [rest.pop(0) if f else None for f in flags]
        out = F.batch_norm(x, rm, rv, w, b, training, momentum, eps)
        extra = [("running_mean", rm), ("running_var", rv)] if rm is not None else []
        return [("out", out)] + extra
    c.run(fn)


def reduce_case():
    op = R.choice(["var", "std", "logsumexp"])
    c = Case(op, fdt())
    shape = [rdim(0.08) for _ in range(R.randint(0, 3))]
    r = max(len(shape), 1)
    dims = R.sample(range(-r, r), R.randint(0 if op != "logsumexp" else 1, min(r, 2)))
    dims = sorted(set(d % r for d in dims)) if R.random() < 0.5 else dims
    if len(set(d % r for d in dims)) != len(dims): dims = dims[:1]
    keep = R.random() < 0.5
    c.arg("dims", *dims); c.arg("keepdim", keep)
    special = 0.08 if op == "logsumexp" else 0.03
    c.inp("input", make(shape, c.dtype, special=special))
    if op == "logsumexp":
        c.run(lambda x: [("out", torch.logsumexp(x, dims, keep))])
        return
    # Not rank 0 with correction >= 1: torch 1.13's gradient there is ±inf, its [1]'s NaN.
    corr = R.choice([0, 1, 1, 2, 5]) if shape else 0
    c.arg("correction", corr)
    f = torch.var if op == "var" else torch.std
    # Every dim by name: torch 1.13's backward of dim=None with keepdim has the wrong shape.
    tdims = dims if dims else (list(range(len(shape))) or None)
    c.run(lambda x: [("out", f(x, tdims, correction=corr, keepdim=keep))])


# ---- dropout, embedding, activations ------------------------------------------------------------
def dropout_case():
    c = Case("dropout", fdt())
    p = R.choice([0.0, 1.0, 0.5, 0.3])
    training = p in (0.0, 1.0) and R.random() < 0.7
    if R.random() < 0.1: p, training = R.choice([-0.1, 1.5]), True
    c.arg("p", p); c.arg("training", training)
    c.inp("input", make([rdim(0.1) for _ in range(R.randint(0, 3))], c.dtype))
    c.run(lambda x: [("out", F.dropout(x, p, training))])


def embedding_case():
    c = Case("embedding", fdt())
    V, D = R.randint(1, 5), rdim(0.1)
    shape = [rdim(0.1) for _ in range(R.randint(0, 3))]
    hi = V if R.random() < 0.1 else V - 1
    idx = torch.tensor([R.randint(0, hi) for _ in range(numel(shape))]).reshape(shape)
    c.inp("weight", make([V, D], c.dtype)); c.inp("indices", idx, dtype="i64", grad=False)
    c.run(lambda w, i: [("out", F.embedding(i, w))])


def activation_case():
    op = R.choice(["gelu", "gelu", "silu", "elu"])
    c = Case(op, fdt())
    shape = [rdim(0.06, 5) for _ in range(R.randint(0, 3))]
    vals = smooth(numel(shape), -6, 6)
    for i in range(len(vals)):
        if R.random() < 0.06: vals[i] = R.choice([0.0, 30.0, -30.0, 100.0, -100.0, 1e4, -1e4])
    c.inp("input", make(shape, c.dtype, values=vals))
    if op == "gelu":
        approx = R.choice(["none", "tanh"]) if R.random() > 0.04 else "sigmoid"
        c.sarg("approximate", approx)
        c.run(lambda x: [("out", F.gelu(x, approximate=approx))])
    elif op == "silu":
        c.run(lambda x: [("out", F.silu(x))])
    else:
        alpha = R.choice([1.0, 0.5, 2.0, 0.0])
        c.arg("alpha", alpha)
        c.run(lambda x: [("out", F.elu(x, alpha))])


def fixed(op, dtype, inputs, fn, args=(), words=()):
    """A hand-picked edge case: inputs (name, values, shape[, dtype, grad])."""
    c = Case(op, dtype)
    for key, *vals in args:
        c.arg(key, *vals)
    for key, word in words:
        c.sarg(key, word)
    for name, vals, shape, *rest in inputs:
        dt = rest[0] if rest else dtype
        c.inp(name, torch.tensor(vals, dtype=DT[dt]).reshape(shape), dtype=dt,
              grad=rest[1] if len(rest) > 1 else None)
    c.run(fn)


def edge_cases():
    big_ints = [16777217, 16777216, -16777217, 2 ** 40 + 1, 3, 0]
    for op in ("eq", "lt", "gt", "ge"):
        for value in (16777216.0, float(2 ** 40), 2.5):
            fixed(op, "i64", [("a", big_ints, [6], "i64", False)],
                  lambda a: [("out", getattr(torch, op)(a, value))], [("scalar", value)])
    for value in (2.7, -2.7):
        fixed("masked_fill", "i64", [("input", big_ints, [6], "i64", False),
                                     ("mask", [True, False] * 3, [6], "b", False)],
              lambda x, m: [("out", x.masked_fill(m, value))], [("value", value)])
    for dt in ("f32", "f64"):
        x3 = ("input", [-0.5, 0.0, 0.5], [3])
        for corr in (3, 5):
            for op, f in (("var", torch.var), ("std", torch.std)):
                fixed(op, dt, [x3], lambda x: [("out", f(x, [0], correction=corr))],
                      [("dims", 0), ("keepdim", 0), ("correction", corr)])
        fixed("std", dt, [("input", [1.5, 1.5, 2.0, -1.0], [2, 2])],
              lambda x: [("out", torch.std(x, [0], correction=0))],
              [("dims", 0), ("keepdim", 0), ("correction", 0)])
        fixed("std", dt, [("input", [2.0, 2.0, 2.0], [3])],
              lambda x: [("out", torch.std(x, [0], correction=1, keepdim=True))],
              [("dims", 0), ("keepdim", 1), ("correction", 1)])
        for vals in ([-INF, -INF, 1.0, 2.0], [INF, -INF, 0.0, INF], [NAN, 1.0, -INF, -INF],
                     [1e30, 1e30, -1e30, 3.0]):
            fixed("logsumexp", dt, [("input", vals, [2, 2])],
                  lambda x: [("out", torch.logsumexp(x, [1]))], [("dims", 1), ("keepdim", 0)])
            fixed("max_pool2d", dt, [("input", vals, [1, 2, 2])],
                  lambda x: list(zip(["out", "indices"],
                                     F.max_pool2d(x, 2, 1, 1, 1, return_indices=True))),
                  [("kernel", 2, 2), ("stride", 1, 1), ("padding", 1, 1), ("dilation", 1, 1)])
            for op in ("argmax", "argmin"):
                fixed(op, dt, [("input", vals, [2, 2], dt, False)],
                      lambda x: [("out", getattr(torch, op)(x, 0))],
                      [("dim", 0), ("keepdim", 0)])
                fixed(op, dt, [("input", vals, [4], dt, False)],
                      lambda x: [("out", getattr(torch, op)(x))])
            for op in ("maximum", "minimum"):
                fixed(op, dt, [("a", vals, [4]), ("b", [2.0, NAN, -INF, 3.0], [4])],
                      lambda a, b: [("out", getattr(torch, op)(a, b))])
        big = [0.0, -0.0, 1e-8, -1e-8, 5.0, -5.0, 10.0, -10.0, 40.0, -40.0, 1e4, -1e4]
        for approx in ("none", "tanh"):
            fixed("gelu", dt, [("input", big, [12])],
                  lambda x: [("out", F.gelu(x, approximate=approx))],
                  words=[("approximate", approx)])
        fixed("silu", dt, [("input", big, [12])], lambda x: [("out", F.silu(x))])
        for alpha in (1.0, -0.5, 0.0):
            fixed("elu", dt, [("input", big, [12])], lambda x: [("out", F.elu(x, alpha))],
                  [("alpha", alpha)])
        fixed("masked_fill", dt, [("input", [1.0, 2.0], [2, 1]),
                                  ("mask", [True, False, True], [1, 3], "b", False)],
              lambda x, m: [("out", x.masked_fill(m, -1.0))], [("value", -1.0)])
        fixed("where", dt, [("condition", [True], [], "b", False), ("a", [1.0, 2.0], [2]),
                            ("b", [3.0], [])], lambda m, a, b: [("out", torch.where(m, a, b))])
        fixed("embedding", dt, [("weight", [1.0, 2.0, 3.0, 4.0], [2, 2]),
                                ("indices", [-1], [1], "i64", False)],
              lambda w, i: [("out", F.embedding(i, w))])
        fixed("layer_norm", dt, [("input", [], [2, 0])],
              lambda x: [("out", F.layer_norm(x, [0]))], [("normalized_shape", 0), ("eps", 1e-5)])
        for n, shape in ((1, [1, 2]), (0, [0, 2]), (1, [1, 2, 1])):
            fixed("batch_norm", dt, [("input", [0.5] * numel(shape), shape),
                                     ("running_mean", [0.0, 1.0], [2], dt, False),
                                     ("running_var", [1.0, 2.0], [2], dt, False)],
                  lambda x, rm, rv: [("out", F.batch_norm(x, rm, rv, None, None, True, 0.1)),
                                     ("running_mean", rm), ("running_var", rv)],
                  [("training", 1), ("momentum", 0.1), ("eps", 1e-5)])
        fixed("conv2d", dt, [("input", [], [0, 2, 3, 3]), ("weight", [1.0] * 8, [2, 1, 2, 2])],
              lambda x, w: [("out", F.conv2d(x, w, None, 1, 0, 1, 2))],
              [("stride", 1, 1), ("padding", 0, 0), ("dilation", 1, 1), ("groups", 2)])
        fixed("conv2d", dt,
              [("input", [1.0, 2.0, -1.0, 0.5, 3.0, 1.5, -2.0, 1.0, 0.25], [1, 1, 3, 3]),
               ("weight", [INF, 1.0, 2.0, -1.0, 0.5, 1.0, 2.0, 1.0, 3.0], [1, 1, 3, 3])],
              lambda x, w: [("out", F.conv2d(x, w, None, 1, 1))],
              [("stride", 1, 1), ("padding", 1, 1), ("dilation", 1, 1), ("groups", 1)])
        fixed("avg_pool2d", dt, [("input", [1.0, 2.0, 3.0, 4.0], [1, 1, 2, 2])],
              lambda x: [("out", F.avg_pool2d(x, 3, 2, 1, count_include_pad=False))],
              [("kernel", 3, 3), ("stride", 2, 2), ("padding", 1, 1), ("count_include_pad", 0)])
        fixed("pad", dt, [("input", [1.0, 2.0], [2])], lambda x: [("out", F.pad(x, [-3, 0]))],
              [("pads", -3, 0), ("value", 0.0)])


GENERATORS = [
    (lambda: conv2d_case(2), 70), (lambda: conv2d_case(1), 40),
    (lambda: conv2d_case(2, True), 6), (lambda: conv2d_case(1, True), 6),
    (lambda: pool_case("max_pool2d"), 60), (lambda: pool_case("avg_pool2d"), 50),
    (pad_case, 40), (compare_case, 50), (logical_case, 25), (where_case, 40),
    (masked_fill_case, 35), (extremum_case, 40), (arg_case, 60), (layer_norm_case, 45),
    (batch_norm_case, 60), (reduce_case, 80), (dropout_case, 20), (embedding_case, 30),
    (activation_case, 60),
]


LARGE = [
    (lambda: pool_case("max_pool2d"), 8), (lambda: pool_case("avg_pool2d"), 8),
    (compare_case, 4), (where_case, 4), (masked_fill_case, 4), (extremum_case, 4),
    (arg_case, 4), (layer_norm_case, 4), (batch_norm_case, 4), (reduce_case, 6),
    (activation_case, 3), (embedding_case, 2),
]


def main():
    global BIG
    torch.manual_seed(0)
    edge_cases()
    for gen, count in GENERATORS:
        for _ in range(count):
            gen()
    BIG = 3
    for gen, count in LARGE:
        for _ in range(count):
            gen()
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "fixtures", "differential.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(path, sum(1 for l in lines if l.startswith("c ")), "cases",
          os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
