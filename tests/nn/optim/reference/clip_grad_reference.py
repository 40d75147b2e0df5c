#!/usr/bin/env python3
"""Figures for tests/nn/optim/test_clip_grad.cpp: torch.nn.utils.clip_grad_norm_ and
clip_grad_value_ on fixed gradients.

Parameters: A [2, 3] and B [4] with the gradients GA, GB below, C [2, 2] without a gradient and
D [0] with an empty one (left out for the inf norm, where torch's max() refuses an empty tensor).
For each dtype (float64, float32, and A float32 with B float64) and each (norm_type, max_norm),
written are the returned total norm and A's then B's clipped gradient; then for each clip_value,
the clamped gradients. Output: clip_grad_reference.inc beside this script.
Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/optim/reference/clip_grad_reference.py
"""
import math
import os

import torch

GA = [[0.3, -1.2, 0.05], [2.5, -0.7, 0.0]]
GB = [-0.4, 1.1, -3.2, 0.9]
NORMS = [(1, 0.5), (1, 100.0), (2, 0.5), (2, 100.0), (2, 0.0), (3, 1.5), (0.5, 2.0),
         (math.inf, 0.5), (math.inf, 100.0)]
CLIP_VALUES = [0.0, 0.3, 1.0, 10.0]
DTYPES = [("f64", torch.float64, torch.float64), ("f32", torch.float32, torch.float32),
          ("mixed", torch.float32, torch.float64)]


def params(dtype_a, dtype_b, norm_type=2):
    a = torch.zeros(2, 3, dtype=dtype_a, requires_grad=True)
    b = torch.zeros(4, dtype=dtype_b, requires_grad=True)
    c = torch.zeros(2, 2, dtype=dtype_a, requires_grad=True)
    d = torch.zeros(0, dtype=dtype_a, requires_grad=True)
    a.grad = torch.tensor(GA, dtype=dtype_a)
    b.grad = torch.tensor(GB, dtype=dtype_b)
    d.grad = torch.zeros(0, dtype=dtype_a)
    return [a, b, c] if math.isinf(norm_type) else [a, b, c, d]


def grads(ps):
    return ps[0].grad.flatten().tolist() + ps[1].grad.tolist()


def number(v):
    return ("kInf" if v > 0 else "-kInf") if math.isinf(v) else repr(v)


def main():
    lines = ["// Written by clip_grad_reference.py (torch " + torch.__version__ + "); do not edit.",
             "// {dtypes, norm_type, max_norm, total norm, {A's then B's gradient after}}",
             "const std::vector<ClipNormReference> kClipNorm = {"]
    for label, dtype_a, dtype_b in DTYPES:
        for norm_type, max_norm in NORMS:
            ps = params(dtype_a, dtype_b, norm_type)
            total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type).item()
            text = [number(v) for v in grads(ps)]
            lines.append(f'    {{"{label}", {number(norm_type)}, {max_norm!r}, {total!r},')
            lines.append("     {" + ",\n      ".join(", ".join(text[i:i + 3])
                                          for i in range(0, len(text), 3)) + "}},")
    lines.append("};")
    lines.append("// {dtypes, clip_value, {A's then B's gradient after}}")
    lines.append("const std::vector<ClipValueReference> kClipValue = {")
    for label, dtype_a, dtype_b in DTYPES:
        for clip_value in CLIP_VALUES:
            ps = params(dtype_a, dtype_b)
            torch.nn.utils.clip_grad_value_(ps, clip_value)
            text = [number(v) for v in grads(ps)]
            lines.append(f'    {{"{label}", {clip_value!r},')
            lines.append("     {" + ",\n      ".join(", ".join(text[i:i + 3])
                                          for i in range(0, len(text), 3)) + "}},")
    lines.append("};")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clip_grad_reference.inc")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(out)


if __name__ == "__main__":
    main()
