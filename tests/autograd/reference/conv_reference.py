#!/usr/bin/env python3
"""Figures for tests/autograd/test_ops_conv.cpp: torch.nn.functional.conv2d / conv1d forward values
and the gradients of sum(out * grad_out) with respect to input, weight and bias.

Each config draws input, weight, bias and grad_out from a seeded generator, rounded to multiples of
1/64 so that float32 and float64 start from the same numbers; the results are computed once in
float64 and once in float32 (printed exactly, as doubles) and written to conv_reference.inc beside
this script, which test_ops_conv.cpp includes. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/autograd/reference/conv_reference.py
"""
import os

import torch
import torch.nn.functional as F

# (name, input shape, weight shape, stride, padding, dilation, groups, bias); 2-D arguments are
# (h, w) pairs, conv1d ones single numbers.
CONFIGS = [
    ("basic", [2, 3, 5, 5], [4, 3, 3, 3], (1, 1), (0, 0), (1, 1), 1, True),
    ("stride_padding", [2, 2, 7, 6], [3, 2, 3, 2], (2, 1), (1, 2), (1, 1), 1, True),
    ("dilation", [1, 2, 7, 7], [2, 2, 3, 3], (1, 1), (1, 1), (2, 3), 1, False),
    ("groups", [2, 4, 5, 5], [6, 2, 3, 3], (2, 2), (1, 1), (1, 1), 2, True),
    ("depthwise", [1, 3, 4, 4], [3, 1, 2, 2], (1, 1), (0, 0), (1, 1), 3, True),
    ("pointwise", [2, 3, 4, 4], [5, 3, 1, 1], (1, 1), (0, 0), (1, 1), 1, True),
    ("unread_edge", [1, 2, 6, 6], [2, 2, 3, 3], (2, 2), (0, 0), (1, 1), 1, False),
    ("cnn_like", [2, 16, 6, 6], [8, 16, 3, 3], (1, 1), (1, 1), (1, 1), 1, True),
    ("conv1d", [2, 3, 9], [4, 3, 3], 2, 1, 2, 1, True),
    ("conv1d_groups", [2, 4, 7], [4, 2, 3], 1, 2, 1, 2, False),
]


def draw(gen, shape):
    return (torch.randint(-128, 129, shape, generator=gen, dtype=torch.int64) / 64.0).double()


def run(config, dtype):
    name, in_shape, w_shape, stride, padding, dilation, groups, with_bias = config
    gen = torch.Generator().manual_seed(sum(map(ord, name)))
    x = draw(gen, in_shape).to(dtype).requires_grad_()
    w = draw(gen, w_shape).to(dtype).requires_grad_()
    b = draw(gen, [w_shape[0]]).to(dtype).requires_grad_() if with_bias else None
    conv = F.conv1d if len(in_shape) == 3 else F.conv2d
    y = conv(x, w, b, stride, padding, dilation, groups)
    gy = draw(gen, list(y.shape)).to(dtype)
    (y * gy).sum().backward()
    tensors = {"x": x, "w": w, "b": b, "gy": gy, "y": y, "gx": x.grad, "gw": w.grad,
               "gb": b.grad if with_bias else None}
    return {k: ([] if v is None else v.detach().double().flatten().tolist())
            for k, v in tensors.items()}


def numbers(values, indent):
    lines, line = [], []
    for v in values:
        line.append(repr(v))
        if len(", ".join(line)) > 80:
            lines.append(", ".join(line[:-1]))
            line = line[-1:]
    if line:
        lines.append(", ".join(line))
    return "{" + (",\n" + " " * indent).join(lines) + "}"


def main():
    torch.set_num_threads(1)
    out = ["// Written by conv_reference.py (torch " + torch.__version__ + "); do not edit.",
           "// {name, input shape, weight shape, stride, padding, dilation (h, w; conv1d: h = 1,",
           "//  0, 1), groups, bias?, x, w, b, grad_out, out, grad x, grad w, grad b}",
           "// in float64 then float32."]
    for dtype, label in ((torch.float64, "F64"), (torch.float32, "F32")):
        out.append(f"const std::vector<ConvReference> kReference{label} = {{")
        for config in CONFIGS:
            name, in_shape, w_shape, stride, padding, dilation, groups, with_bias = config
            one_d = len(in_shape) == 3
            s, p, d = ((1, stride), (0, padding), (1, dilation)) if one_d else (stride, padding,
                                                                                 dilation)
            v = run(config, dtype)
            out.append(f'    {{"{name}", {in_shape}, {w_shape}, {{{s[0]}, {s[1]}}}, '
                       f'{{{p[0]}, {p[1]}}}, {{{d[0]}, {d[1]}}}, {groups}, '
                       f'{"true" if with_bias else "false"},'.replace("[", "{").replace("]", "}"))
            for key in ("x", "w", "b", "gy", "y", "gx", "gw", "gb"):
                out.append("     " + numbers(v[key], 6) + ",")
            out.append("    },")
        out.append("};")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_reference.inc")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
