#!/usr/bin/env python3
"""Figures for tests/autograd/test_ops_compare.cpp from torch 1.13's CPU kernels.

Writes compare_reference.inc beside this script: kReference maps a name to {shape, values} (every
input the test uses and every result it checks: comparisons, logical ops, where, masked_fill,
maximum/minimum with their gradients, argmax/argmin, dtype conversions) and kReprs maps a name to
the repr PyTorch prints for a bool tensor ("torch.bool" written as our "bool"). Gradients are of
sum(out * W) for the fixed weights W. Run with Debian's torch:
    /usr/bin/python3 tests/autograd/reference/compare_reference.py
"""
import os

import torch

from cxx_literals import literal

NAN, INF = float("nan"), float("inf")
F32, F64, I64, BOOL = torch.float32, torch.float64, torch.int64, torch.bool
DTYPES = {F32: "float32", F64: "float64", I64: "int64", BOOL: "bool"}

entries = {}  # name -> tensor
reprs = {}  # name -> string


def put(name, t):
    assert name not in entries, name
    entries[name] = t.detach()
    return t


def comparisons():
    inputs = {
        F32: ([[1.0, NAN, -INF], [0.5, 2.0, 3.0]], [0.5, NAN, 3.0]),
        I64: ([[1, -2, 3], [0, 5, 3]], [1, 5, 3]),
        BOOL: ([[True, False, True], [False, False, True]], [True, False, False]),
    }
    inputs[F64] = inputs[F32]
    for dtype, (a, b) in inputs.items():
        name = DTYPES[dtype]
        ta = put(f"compare a {name}", torch.tensor(a, dtype=dtype))
        tb = put(f"compare b {name}", torch.tensor(b, dtype=dtype))
        for op in ("eq", "ne", "lt", "le", "gt", "ge"):
            put(f"{op} {name}", getattr(torch, op)(ta, tb))
    scalars = {F32: (0.1, 0.3), F64: (0.1, 0.3), I64: (1.5, 2.0), BOOL: (0.5, 1.0)}
    values = {F32: [0.1, 0.2, 0.3, NAN], I64: [1, 2, 3], BOOL: [True, False, True]}
    values[F64] = values[F32]
    for dtype, xs in values.items():
        name = DTYPES[dtype]
        x = put(f"scalar x {name}", torch.tensor(xs, dtype=dtype))
        for i, s in enumerate(scalars[dtype]):
            for op in ("eq", "ne", "lt", "le", "gt", "ge"):
                put(f"{op} {name} scalar {i}", getattr(torch, op)(x, s))


def mixed():
    pairs = {
        "int64 float32": (torch.tensor([16777217, 2, 3]), torch.tensor([16777216.0, 2.5, 3.0])),
        "float32 float64": (torch.tensor([0.1, 1.0, NAN]),
                            torch.tensor([0.1, 1.0, 2.0], dtype=F64)),
        "bool int64": (torch.tensor([True, False, True]), torch.tensor([1, 0, 2])),
    }
    for name, (a, b) in pairs.items():
        put(f"mixed a {name}", a)
        put(f"mixed b {name}", b)
        for op in ("eq", "lt", "gt"):
            put(f"{op} mixed {name}", getattr(torch, op)(a, b))


def logical():
    a = put("logical a", torch.tensor([[NAN, 0.0, -0.0], [2.0, -INF, 0.5]], dtype=F32))
    b = put("logical b", torch.tensor([1, 0, 3], dtype=I64))
    put("logical_and", torch.logical_and(a, b))
    put("logical_or", torch.logical_or(a, b))
    put("logical_not a", torch.logical_not(a))
    put("logical_not b", torch.logical_not(b))


def weighted_grads(prefix, out, inputs):
    w = torch.arange(1, out.numel() + 1, dtype=out.dtype).reshape(out.shape)
    grads = torch.autograd.grad((out * w).sum(), inputs)
    for name, g in zip(("a", "b"), grads):
        put(f"{prefix} grad {name}", g)


def selection():
    for dtype in (F32, F64):
        name = DTYPES[dtype]
        cond = put(f"where cond {name}", torch.tensor([[True], [False]]))
        a = put(f"where a {name}", torch.tensor([[1.0, 2.0, 3.0]], dtype=dtype)).requires_grad_()
        b = put(f"where b {name}", torch.tensor([-1.0, NAN, -3.0], dtype=dtype)).requires_grad_()
        out = put(f"where {name}", torch.where(cond, a, b))
        weighted_grads(f"where {name}", out, (a, b))
        x = put(f"masked_fill x {name}", torch.tensor([1.0, NAN, 3.0], dtype=dtype))
        mask = put(f"masked_fill mask {name}", torch.tensor([[False, True, False],
                                                            [True, False, False]]))
        x.requires_grad_()
        out = put(f"masked_fill {name}", torch.masked_fill(x, mask, -1.0))
        weighted_grads(f"masked_fill {name}", out, (x,))
    x = put("masked_fill x int64", torch.tensor([1, 2, 3]))
    mask = put("masked_fill mask int64", torch.tensor([True, False, True]))
    put("masked_fill int64", torch.masked_fill(x, mask, 2.7))
    put("where int64", torch.where(mask, x, torch.tensor(-5)))


def extremes():
    for dtype in (F32, F64):
        name = DTYPES[dtype]
        a = put(f"extremum a {name}", torch.tensor([[1.0, 2.0, NAN], [3.0, -1.0, 0.5]],
                                                   dtype=dtype)).requires_grad_()
        b = put(f"extremum b {name}", torch.tensor([2.0, 2.0, 1.0], dtype=dtype)).requires_grad_()
        for op in ("maximum", "minimum"):
            out = put(f"{op} {name}", getattr(torch, op)(a, b))
            weighted_grads(f"{op} {name}", out, (a, b))
        x = torch.tensor([0.25, -1.0, 2.0], dtype=dtype, requires_grad=True)
        put(f"tie x {name}", x)
        for op in ("maximum", "minimum"):  # x against itself: ties everywhere
            y = x.detach().clone().requires_grad_()
            out = getattr(torch, op)(x, y)
            gx, gy = torch.autograd.grad(out.sum(), (x, y))
            put(f"{op} tie {name} grad a", gx)
            put(f"{op} tie {name} grad b", gy)
    a = put("extremum a int64", torch.tensor([3, -1, 7]))
    b = put("extremum b int64", torch.tensor([2, 5, 7]))
    put("maximum int64", torch.maximum(a, b))
    put("minimum int64", torch.minimum(a, b))


def arg_extremes():
    grid = [[1.0, 3.0, 3.0, 0.0], [NAN, 2.0, NAN, 2.0], [-1.0, -1.0, -5.0, -5.0]]
    cube = [[[1.0, 4.0], [4.0, 2.0], [0.0, 4.0]], [[-1.0, -1.0], [-1.0, -2.0], [7.0, -2.0]]]
    inputs = {F32: (grid, cube), F64: (grid, cube),
              I64: ([[2, 7, 7, 0], [-1, -1, 0, 0], [4, 3, 4, 3]], [[[1, 4], [4, 2], [0, 4]],
                                                                   [[-1, -1], [-1, -2], [7, -2]]])}
    for dtype, (g, c) in inputs.items():
        name = DTYPES[dtype]
        x = put(f"arg x {name}", torch.tensor(g, dtype=dtype))
        cube_t = put(f"arg cube {name}", torch.tensor(c, dtype=dtype))
        for op in ("argmax", "argmin"):
            f = getattr(torch, op)
            put(f"{op} {name} all", f(x))
            for dim in (0, 1, -1, -2):
                for keep in (False, True):
                    put(f"{op} {name} dim {dim} keepdim {int(keep)}", f(x, dim, keep))
            put(f"{op} {name} cube dim 1", f(cube_t, 1))
            put(f"{op} {name} cube dim -1 keepdim 1", f(cube_t, -1, True))
    scalar = put("arg rank 0", torch.tensor(-2.5))
    put("argmax rank 0 all", torch.argmax(scalar))
    put("argmax rank 0 dim 0", torch.argmax(scalar, 0))
    put("argmin rank 0 dim -1 keepdim 1", torch.argmin(scalar, -1, True))
    put("argmax [0, 3] dim 1", torch.argmax(torch.zeros(0, 3), 1))


def conversions():
    floats = [NAN, INF, -INF, 1e20, -1e20, -0.0, 0.5, -2.7, 3.0, 9.3e18]
    for dtype in (F32, F64):
        name = DTYPES[dtype]
        x = put(f"convert x {name}", torch.tensor(floats, dtype=dtype))
        for target in (I64, BOOL):
            put(f"{name} to {DTYPES[target]}", x.to(target))
    i = put("convert x int64", torch.tensor([0, -3, 5, 2 ** 40 + 1]))
    b = put("convert x bool", torch.tensor([True, False, True]))
    for target in (F32, F64, BOOL):
        put(f"int64 to {DTYPES[target]}", i.to(target))
    for target in (F32, F64, I64):
        put(f"bool to {DTYPES[target]}", b.to(target))


def printing():
    cases = {
        "mixed": torch.tensor([True, False]),
        "all true": torch.tensor([True, True]),
        "matrix": torch.tensor([[True, False], [False, True]]),
        "cube": torch.tensor([[[True, False]], [[False, False]]]),
        "rank 0 true": torch.tensor(True),
        "rank 0 false": torch.tensor(False),
        "empty": torch.tensor([], dtype=BOOL),
        "summarised": torch.arange(2000) % 3 == 0,
    }
    for name, t in cases.items():
        put(f"print {name}", t)
        reprs[name] = repr(t).replace("torch.", "")


def cxx_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main():
    torch.set_num_threads(1)
    comparisons()
    mixed()
    logical()
    selection()
    extremes()
    arg_extremes()
    conversions()
    printing()
    lines = ["// Written by compare_reference.py (torch " + torch.__version__ + "); do not edit.",
             "// name -> {dtype, shape, values (row-major)}; bool as 0/1.",
             "const std::map<std::string, Reference> kReference = {"]
    for name, t in entries.items():
        values = [literal(v) for v in t.flatten().tolist()]
        shape = ", ".join(str(d) for d in t.shape)
        head = f"    {{{cxx_string(name)}, {{Dtype::{DTYPES[t.dtype].replace('bool', 'boolean')}, "
        head += f"{{{shape}}}, {{"
        body, line = [], head
        for v in values:  # wrapped to stay within 100 columns
            piece = v + ", "
            if len(line) + len(piece) > 99:
                body.append(line.rstrip())
                line = "        "
            line += piece
        body.append(line.rstrip().rstrip(",") + "}}},")
        lines.extend(body)
    lines.append("};")
    lines.append("const std::map<std::string, std::string> kReprs = {")
    for name, text in reprs.items():
        lines.append(f"    {{{cxx_string(name)}, {cxx_string(text)}}},")
    lines.append("};")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare_reference.inc")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(out)


if __name__ == "__main__":
    main()
