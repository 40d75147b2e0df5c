#!/usr/bin/env python3
"""Figures for tests/autograd/test_functional.cpp: torch.autograd.functional on four functions.

Each function runs on seeded inputs with seeded v: jacobian, vjp and jvp for all, hessian and hvp
for the scalar ones. Written are the inputs, v, the output and every result, flattened row-major,
once in float64 and once in float32 (inputs rounded to float32 first; float32 values printed
exactly, as doubles), to functional_reference.inc beside this script. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/autograd/reference/functional_reference.py
"""
import os
import textwrap

import torch
import torch.nn.functional as F
from torch.autograd import functional as AF


def tanh_layer(w, b, x):  # [2, 3], [2], [3] -> [2]
    return torch.tanh(w @ x + b)


def gated(x, y):  # [2, 2], [2, 2] -> [2, 2]
    return torch.sigmoid(x) * y + torch.log(1 + x * x) * torch.exp(y)


def rosenbrock(x):  # [4] -> []
    head, tail = x[0:3], x[1:4]
    return torch.sum(100 * (tail - head * head) ** 2 + (1 - head) ** 2)


def softplus_energy(a, w):  # [], [3] -> []
    return torch.sum(F.softplus(a * w) * w) + a * a * a


# (name, fn, input shapes, scalar output)
CASES = [
    ("tanh_layer", tanh_layer, [[2, 3], [2], [3]], False),
    ("gated", gated, [[2, 2], [2, 2]], False),
    ("rosenbrock", rosenbrock, [[4]], True),
    ("softplus_energy", softplus_energy, [[], [3]], True),
]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def doubles(values, indent="    "):
    text = "{" + ", ".join(repr(v) for v in values) + "}"
    if len(indent) + len(text) < 99:
        return text
    wrapped = textwrap.wrap(", ".join(repr(v) for v in values) + ",", 99 - len(indent) - 4)
    return "{\n" + "".join(indent + "    " + line + "\n" for line in wrapped) + indent + "}"


def nested(lists):
    return "{\n" + "".join("        " + doubles(v, "        ") + ",\n" for v in lists) + "    }"


def case(name, fn, shapes, scalar, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    xs = tuple(torch.randn(s, generator=gen, dtype=torch.float64).to(dtype) for s in shapes)
    out = fn(*xs)
    v_out = torch.randn(out.shape, generator=gen, dtype=torch.float64).to(dtype)
    v_in = tuple(torch.randn(s, generator=gen, dtype=torch.float64).to(dtype) for s in shapes)
    jac = AF.jacobian(fn, xs, strict=True)
    _, vj = AF.vjp(fn, xs, v_out, strict=True)
    _, jv = AF.jvp(fn, xs, v_in, strict=True)
    hess, hv = [], []
    if scalar:
        h = AF.hessian(fn, xs)
        hess = [flat(h[i][j]) for i in range(len(xs)) for j in range(len(xs))]
        hv = [flat(t) for t in AF.hvp(fn, xs, v_in)[1]]
    fields = [nested(flat(x) for x in xs), doubles(flat(v_out)), nested(flat(v) for v in v_in),
              doubles(flat(out)), nested(flat(j) for j in jac), nested(flat(v) for v in vj),
              doubles(flat(jv)), nested(hess), nested(hv)]
    suffix = "64" if dtype == torch.float64 else "32"
    return (f"const FunctionalReference k_{name}_{suffix} = {{\n    " +
            ",\n    ".join(fields) + ",\n};\n")


def main():
    lines = [f"// Written by functional_reference.py (torch {torch.__version__}); do not edit.",
             "// Per function and dtype: inputs, vjp's v, jvp's and hvp's v, output, jacobian,",
             "// vjp, jvp, hessian blocks [i][j] in row-major order of (i, j), hvp."]
    for seed, (name, fn, shapes, scalar) in enumerate(CASES):
        for dtype in (torch.float64, torch.float32):
            lines.append(case(name, fn, shapes, scalar, dtype, seed))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "functional_reference.inc")
    with open(path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
