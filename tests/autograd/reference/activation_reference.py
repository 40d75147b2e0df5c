#!/usr/bin/env python3
"""Figures for tests/autograd/test_ops_activation.cpp: GELU (both forms), SiLU and ELU from torch.

For each function and each input x below (from -1e30 to 1e30, 0 and both saturated tails
included), writes x, f(x), f'(x) and f''(x), the derivatives by torch.autograd.grad (the second
with create_graph), in float64, in float32 (float32 values printed exactly, as doubles), and in
float64 again at the float32 inputs (X rounded to float32: what our float32 results should round
from), to activation_reference.inc beside this script. Where torch's float32 gives NaN but its
float64 does not (GELU's derivatives at |x| = 1e30, where x² or x³ overflows in float), the
float64 figure rounded to float32 is written instead, with a comment. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/autograd/reference/activation_reference.py
"""
import math
import os

import torch
import torch.nn.functional as F

X = [-1e30, -1000.0, -50.0, -20.0, -10.0, -5.0, -3.0, -2.0, -1.5, -1.0, -0.5, -0.1, -1e-3, 0.0,
     1e-3, 0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 1000.0, 1e13, 1e30]
X32 = torch.tensor(X, dtype=torch.float32).tolist()  # X rounded to float32

FUNCTIONS = [  # (name in the C++ test, function)
    ("gelu", lambda x: F.gelu(x)),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh")),
    ("silu", F.silu),
    ("elu", lambda x: F.elu(x)),
    ("elu_alpha_0.5", lambda x: F.elu(x, alpha=0.5)),
    ("elu_alpha_2.5", lambda x: F.elu(x, alpha=2.5)),
]


def figures(fn, dtype, inputs=X):
    x = torch.tensor(inputs, dtype=dtype, requires_grad=True)
    y = fn(x)
    (dy,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy.sum(), x)
    return [list(row) for row in zip(x.tolist(), y.tolist(), dy.tolist(), d2y.tolist())]


def table(label, rows_of):
    lines = [f"const std::vector<ActivationReference> kReference{label} = {{"]
    for name, fn in FUNCTIONS:
        lines.append(f'    {{"{name}", {{')
        for row, note in rows_of(fn):
            if note:
                lines.append("        // " + note)
            lines.append("        {" + ", ".join(repr(v) for v in row) + "},")
        lines.append("    }},")
    return lines + ["};"]


def float64_rows(fn):
    return [(row, "") for row in figures(fn, torch.float64)]


def float32_rows(fn):
    rows = figures(fn, torch.float32)
    exact = figures(fn, torch.float64, X32)
    out = []
    for row, row64 in zip(rows, exact):
        replaced = []
        for i, v in enumerate(row):
            if not math.isfinite(v) and math.isfinite(row64[i]):
                row[i] = torch.tensor(row64[i], dtype=torch.float32).item()
                replaced.append(("f(x)", "f'(x)", "f''(x)")[i - 1])
        note = ("torch float32 gives nan for " + " and ".join(replaced) +
                " here: the float64 figure") if replaced else ""
        out.append((row, note))
    return out


def float64_at_float32_inputs_rows(fn):
    return [(row, "") for row in figures(fn, torch.float64, X32)]


def main():
    torch.set_num_threads(1)
    version = torch.__version__
    lines = ["// Written by activation_reference.py (torch " + version + "); do not edit.",
             "// {function, {x, f(x), f'(x), f''(x)} per input}: in float64, in float32, and in",
             "// float64 at the float32 inputs (the float32 results' exact values, nearly)."]
    lines += table("F64", float64_rows)
    lines += table("F32", float32_rows)
    lines += table("F64AtF32Inputs", float64_at_float32_inputs_rows)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "activation_reference.inc")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
