#!/usr/bin/env python3
"""Figures for tests/autograd/test_ops_pool.cpp: torch.nn.functional's max_pool2d (values,
indices), avg_pool2d and pad, forward and backward, in float32 and float64.

Each case pools (or pads) a fixed input x and backpropagates sum(out * w) for a fixed weight w of
the output's shape, so x.grad is the op's backward applied to w. Max pooling inputs are multiples
of 1/4 in [-3, 3] (many ties: the first max must take the gradient), one with NaN and -inf;
average pooling and pad inputs are normal draws rounded to the dtype. Inputs and results are
written exactly (float32 values as doubles) to pool_reference.inc beside this script, which the
test includes. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/autograd/reference/pool_reference.py
"""
import os

import torch

from cxx_literals import block

F = torch.nn.functional

# (name, input shape, kernel, stride, padding, dilation)
MAX_CASES = [
    ("2x2", (2, 2, 6, 6), (2, 2), (2, 2), (0, 0), (1, 1)),
    ("k3 s2 p1", (2, 2, 7, 6), (3, 3), (2, 2), (1, 1), (1, 1)),
    ("k(3, 2) s(2, 1) p(1, 0) d(1, 2)", (1, 3, 7, 6), (3, 2), (2, 1), (1, 0), (1, 2)),
    ("k2 s1 overlapping", (1, 2, 5, 5), (2, 2), (1, 1), (0, 0), (1, 1)),
    ("rank 3, k3 s1 p1 d2", (2, 6, 6), (3, 3), (1, 1), (1, 1), (2, 2)),
    ("k(1, 3) s(3, 2)", (2, 1, 7, 8), (1, 3), (3, 2), (0, 0), (1, 1)),
]
# (name, input shape, kernel, stride, padding, count_include_pad)
AVG_CASES = [
    ("2x2", (2, 2, 6, 6), (2, 2), (2, 2), (0, 0), True),
    ("k3 s2 p1 counting padding", (2, 2, 7, 6), (3, 3), (2, 2), (1, 1), True),
    ("k3 s2 p1 excluding padding", (2, 2, 7, 6), (3, 3), (2, 2), (1, 1), False),
    ("k(3, 2) s(1, 2) p1 excluding padding", (1, 3, 6, 7), (3, 2), (1, 2), (1, 1), False),
    ("rank 3, k(2, 3) s1 p(1, 1) counting padding", (2, 5, 6), (2, 3), (1, 1), (1, 1), True),
    ("k2 s1 overlapping", (1, 2, 5, 5), (2, 2), (1, 1), (0, 0), True),
]
# (name, input shape, pads, value)
PAD_CASES = [
    ("last dim (1, 2)", (2, 3), (1, 2), 0.0),
    ("two dims (1, 0, 2, 1) value 1.5", (2, 3), (1, 0, 2, 1), 1.5),
    ("crop (-1, -1)", (3, 4), (-1, -1), 0.0),
    ("mixed (-1, 2, 1, -2)", (3, 4), (-1, 2, 1, -2), -2.0),
    ("three dims of a 4-D input", (2, 2, 3, 2), (1, 1, 0, 0, 2, -1), 0.5),
    ("crop to nothing (0, -3)", (2, 3), (0, -3), 0.0),
]


def ints(values):
    return "{" + ", ".join(str(int(v)) for v in values) + "}"


def max_input(shape, gen, nan):
    x = torch.randint(-12, 13, shape, generator=gen).double() / 4
    if nan:  # NaN twice in a window (the last takes the gradient) and -inf
        flat = x.view(-1)
        flat[0] = flat[7] = float("nan")
        flat[1] = float("-inf")
    return x


def backprop(op, x, dtype, gen):
    x = x.to(dtype).requires_grad_()
    out = op(x)
    values = out[0] if isinstance(out, tuple) else out
    w = torch.randn(values.shape, generator=gen, dtype=torch.float64).to(dtype)
    (values * w).sum().backward()
    return x, out, w


def main():
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(8)
    lines = ["// Written by pool_reference.py (torch " + torch.__version__ + "); do not edit.",
             "// {name, float64?, shape, arguments..., input, weight w, out, [indices], grad of",
             "// sum(out * w) with respect to the input}."]
    lines.append("const std::vector<MaxPoolCase> kMaxPoolCases = {")
    for dtype in (torch.float32, torch.float64):
        for i, (name, shape, k, s, p, d) in enumerate(MAX_CASES):
            for nan in (False, True) if i == 0 else (False,):
                x = max_input(shape, gen, nan)
                x, (out, idx), w = backprop(
                    lambda t: F.max_pool2d(t, k, s, p, d, return_indices=True), x, dtype, gen)
                label = name + (" with NaN and -inf" if nan else "")
                lines.append(f'    {{"{label}", {str(dtype == torch.float64).lower()}, '
                             f"{ints(shape)}, {ints(k)}, {ints(s)}, {ints(p)}, {ints(d)},")
                for values in (x.detach().flatten(), w.flatten(), out.detach().flatten()):
                    lines.append("        " + block(values) + ",")
                lines.append("        " + block(idx.flatten(), lambda i: str(int(i))) + ",")
                lines.append("        " + block(x.grad.flatten()) + "},")
    lines.append("};")
    lines.append("const std::vector<AvgPoolCase> kAvgPoolCases = {")
    for dtype in (torch.float32, torch.float64):
        for name, shape, k, s, p, cip in AVG_CASES:
            x = torch.randn(shape, generator=gen, dtype=torch.float64)
            x, out, w = backprop(
                lambda t: F.avg_pool2d(t, k, s, p, count_include_pad=cip), x, dtype, gen)
            lines.append(f'    {{"{name}", {str(dtype == torch.float64).lower()}, {ints(shape)}, '
                         f"{ints(k)}, {ints(s)}, {ints(p)}, {str(cip).lower()},")
            for values in (x.detach().flatten(), w.flatten(), out.detach().flatten()):
                lines.append("        " + block(values) + ",")
            lines.append("        " + block(x.grad.flatten()) + "},")
    lines.append("};")
    lines.append("const std::vector<PadCase> kPadCases = {")
    for dtype in (torch.float32, torch.float64):
        for name, shape, pads, value in PAD_CASES:
            x = torch.randn(shape, generator=gen, dtype=torch.float64)
            x, out, w = backprop(lambda t: F.pad(t, pads, value=value), x, dtype, gen)
            lines.append(f'    {{"{name}", {str(dtype == torch.float64).lower()}, {ints(shape)}, '
                         f"{ints(pads)}, {value!r}, {ints(out.shape)},")
            for values in (x.detach().flatten(), w.flatten(), out.detach().flatten()):
                lines.append("        " + block(values) + ",")
            lines.append("        " + block(x.grad.flatten()) + "},")
    lines.append("};")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pool_reference.inc")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
