#!/usr/bin/env python3
"""Figures for tests/autograd/test_special_values.cpp: PyTorch's outputs and gradients on NaN,
infinities, signed zeros, tiny and huge values, in float32 and float64, and the activations'
second derivatives there.

Elementwise ops run on every special value, binary ops on every pair of {NaN, ±inf, ±0, ±1}, and
the row reductions (softmax, log_softmax, logsumexp, max, min, sum) on rows holding NaN, infinite
maxima and ties; each backpropagates ones. The test compares values with a tolerance, NaN with
NaN and infinities exactly. Written to special_values_reference.inc beside this script. Run with
Debian's torch 1.13:
    /usr/bin/python3 tests/autograd/reference/special_values_reference.py
"""
import itertools
import math
import os

import torch

from cxx_literals import block

F = torch.nn.functional
NAN, INF = float("nan"), float("inf")
SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-30, 1e30, 20.0, -20.0, 100.0,
           -100.0, 1e-40, 2.0, -2.0, 3.0, 50.0, -50.0, 90.0, -90.0, 1000.0, -1000.0]
# gelu's tanh form: PyTorch's float32 backward computes inf * 0 = NaN where x³ overflows float
# (1e30); ours works in double and saturates to 1 or 0 there, as PyTorch's float64 does, so finite
# inputs that large are left out. ±inf stay: both give NaN.
NOT_HUGE = [v for v in SPECIAL if math.isinf(v) or not abs(v) > 1e20]

UNARY = [
    ("neg", torch.neg, SPECIAL), ("exp", torch.exp, SPECIAL), ("log", torch.log, SPECIAL),
    ("sqrt", torch.sqrt, SPECIAL), ("abs", torch.abs, SPECIAL), ("tanh", torch.tanh, SPECIAL),
    ("sigmoid", torch.sigmoid, SPECIAL), ("relu", torch.relu, SPECIAL),
    ("leaky_relu", F.leaky_relu, SPECIAL), ("clamp", lambda x: torch.clamp(x, -1.0, 1.0), SPECIAL),
    ("softplus", F.softplus, SPECIAL), ("log_sigmoid", F.logsigmoid, SPECIAL),
    ("gelu", F.gelu, SPECIAL), ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), NOT_HUGE),
    ("silu", F.silu, SPECIAL), ("elu", F.elu, SPECIAL),
    ("mul2", lambda x: x * 2.0, SPECIAL), ("add1", lambda x: x + 1.0, SPECIAL),
] + [("pow" + str(p), lambda x, p=p: torch.pow(x, p), SPECIAL)
     for p in (0.0, 1.0, 2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 1.5, -3.0)]

# Second derivatives of the activations (PyTorch's double backward). Its float32 formulas square
# or cube x in float, which overflows to inf * 0 = NaN at 1e30 where ours (and PyTorch's float64)
# give the limit 0, so that input is left out.
SECOND = [(name, f, NOT_HUGE) for name, f, _ in UNARY
          if name in ("gelu", "gelu_tanh", "silu", "elu", "softplus", "log_sigmoid", "tanh",
                      "sigmoid")]

BINARY = [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div),
          ("maximum", torch.maximum), ("minimum", torch.minimum)]

ROWS = [[1.0, 2.0, 3.0], [NAN, 1.0, 2.0], [INF, 1.0, 2.0], [-INF, 1.0, 2.0], [INF, INF, 1.0],
        [-INF, -INF, -INF], [1.0, NAN, INF], [0.0, -0.0, 0.0], [-0.0, 0.0, -0.0],
        [1e30, 1e30, -1e30], [1.0, 1.0, 1.0]]
REDUCE = [
    ("softmax", lambda x: torch.softmax(x, 1), ROWS),
    ("log_softmax", lambda x: torch.log_softmax(x, 1), ROWS),
    ("logsumexp", lambda x: torch.logsumexp(x, [1]), ROWS),
    ("sum", lambda x: x.sum(1), ROWS),
    ("max_dim", lambda x: x.max(1).values, ROWS),
    ("min_dim", lambda x: x.min(1).values, ROWS),
    # Full reductions share the gradient among ties (all six zeros; both NaNs).
    ("max_all", lambda x: x.max(), [[0.0, -0.0, 0.0], [-0.0, 0.0, -0.0]]),
    ("min_all", lambda x: x.min(), [[1.0, -2.0, 3.0], [-2.0, 5.0, -2.0]]),
    ("max_all", lambda x: x.max(), [[1.0, NAN, 3.0], [NAN, 5.0, 2.0]]),
]


def flat(t):
    return [float(v) for v in t.detach().flatten()]


def run(f, inputs, dtype):
    xs = [torch.tensor(x, dtype=dtype, requires_grad=True) for x in inputs]
    y = f(*xs)
    y.backward(torch.ones_like(y))
    return flat(y), [flat(x.grad) for x in xs]


def main():
    out = ["// Written by special_values_reference.py (torch " + torch.__version__ + "); do not edit.",
           "// {op, float64?, inputs..., out, gradients of sum(out) with respect to each input}."]
    out.append("const std::vector<UnaryCase> kUnaryCases = {")
    for dtype in (torch.float32, torch.float64):
        for name, f, values in UNARY:
            y, (g,) = run(f, [values], dtype)
            out.append('    {"%s", %s, %s, %s, %s},' % (name, str(dtype == torch.float64).lower(),
                                                       block(values), block(y), block(g)))
    out.append("};")
    out.append("// {op, float64?, inputs, first derivative, second derivative}.")
    out.append("const std::vector<UnaryCase> kSecondCases = {")
    for dtype in (torch.float32, torch.float64):
        for name, f, values in SECOND:
            x = torch.tensor(values, dtype=dtype, requires_grad=True)
            (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
            (gg,) = torch.autograd.grad(g.sum(), x)
            out.append('    {"%s", %s, %s, %s, %s},' % (name, str(dtype == torch.float64).lower(),
                                                       block(values), block(flat(g)),
                                                       block(flat(gg))))
    out.append("};")
    pairs = list(itertools.product([NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0], repeat=2))
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    out.append("const std::vector<BinaryCase> kBinaryCases = {")
    for dtype in (torch.float32, torch.float64):
        for name, f in BINARY:
            y, (ga, gb) = run(f, [a, b], dtype)
            out.append('    {"%s", %s, %s, %s, %s, %s, %s},' % (
                name, str(dtype == torch.float64).lower(), block(a), block(b), block(y),
                block(ga), block(gb)))
    out.append("};")
    out.append("const std::vector<RowsCase> kRowsCases = {")
    for dtype in (torch.float32, torch.float64):
        for name, f, rows in REDUCE:
            y, (g,) = run(f, [rows], dtype)
            out.append('    {"%s", %s, %d, %s, %s, %s},' % (
                name, str(dtype == torch.float64).lower(), len(rows),
                block([v for r in rows for v in r]), block(y), block(g)))
    out.append("};")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "special_values_reference.inc"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
