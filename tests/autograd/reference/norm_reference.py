#!/usr/bin/env python3
"""Figures for tests/autograd/test_ops_norm.cpp: layer_norm, batch_norm, var, std and logsumexp.

Each case runs the op once on seeded inputs (or literal ones for the -inf, inf and constant-row
cases), then backward with a seeded grad_out. Written are the inputs and PyTorch's output, the
gradients of input, weight and bias, and the running stats after the call, once in float64 and
once in float32 (inputs rounded to float32 first; float32 values printed exactly, as doubles), to
norm_reference.inc beside this script. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/autograd/reference/norm_reference.py
"""
import math
import os

import torch
import torch.nn.functional as F

INF = float("inf")
# (op, shape, dims, options, literal input or None). dims: normalized_shape for layer_norm, the
# reduced dims otherwise ([] = all). Options: affine (weight and bias), weight_only, stats (running
# stats), training, momentum, eps, correction, keepdim, scale and offset of the random input, and
# exact: the float32 figures are PyTorch's float64 results on the float32 inputs, rounded to
# float32, because its float32 kernel accumulates in float and is itself ~1e-4 off there.
CASES = [
    ("layer_norm", [2, 3, 4], [4], dict(affine=True), None),
    ("layer_norm", [2, 3, 4], [3, 4], dict(affine=True), None),
    ("layer_norm", [3, 5], [5], dict(), None),
    ("layer_norm", [2, 3], [3], dict(weight_only=True, eps=0.1), None),
    ("layer_norm", [4, 6], [6], dict(affine=True, scale=0.5, offset=50.0, exact=True), None),
    ("batch_norm", [4, 3], [], dict(affine=True, stats=True, training=True, momentum=0.1), None),
    ("batch_norm", [2, 3, 4], [], dict(affine=True, stats=True, training=True, momentum=0.5), None),
    ("batch_norm", [2, 3, 2, 2], [], dict(affine=True, stats=True, training=True, momentum=0.9),
     None),
    ("batch_norm", [2, 3, 2, 2], [], dict(stats=True, training=True, momentum=0.1, eps=1e-3), None),
    ("batch_norm", [4, 3], [], dict(affine=True, training=True), None),
    ("batch_norm", [2, 3, 2, 2], [], dict(affine=True, stats=True), None),
    ("batch_norm", [4, 3], [], dict(stats=True), None),
    ("batch_norm", [2, 3, 4], [], dict(weight_only=True, stats=True, eps=0.1), None),
    ("batch_norm", [2, 3, 2, 1, 2], [], dict(affine=True, stats=True, training=True), None),
    ("batch_norm", [5, 1], [], dict(affine=True, stats=True, training=True, momentum=0.2), None),
    ("var", [3, 4], [], dict(correction=1), None),
    ("var", [3, 4], [0], dict(correction=0), None),
    ("var", [3, 4], [-1], dict(correction=1, keepdim=True), None),
    ("var", [2, 3, 4], [0, 2], dict(correction=2), None),
    ("var", [2, 3, 4], [-2], dict(correction=1), None),
    ("var", [], [-1], dict(correction=0), None),
    ("std", [3, 4], [], dict(correction=1), None),
    ("std", [3, 4], [1], dict(correction=0, keepdim=True), None),
    ("std", [2, 3, 4], [0, 2], dict(correction=1), None),
    ("std", [2, 3], [1], dict(correction=1), [[1.5, 1.5, 1.5], [1.0, 2.0, 4.0]]),
    ("logsumexp", [3, 4], [1], dict(), None),
    ("logsumexp", [3, 4], [], dict(), None),
    ("logsumexp", [], [0], dict(keepdim=True), None),
    ("logsumexp", [2, 3, 4], [0, 2], dict(keepdim=True), None),
    ("logsumexp", [2, 5], [1], dict(scale=10.0, offset=1000.0), None),
    ("logsumexp", [2, 3], [-1], dict(), [[-INF, -INF, -INF], [1.0, 2.0, 3.0]]),
    ("logsumexp", [3, 2], [0], dict(), [[INF, 1.0], [1.0, 2.0], [2.0, -INF]]),
]


def run(op, shape, dims, opt, literal, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    if literal is not None:
        x = torch.tensor(literal, dtype=torch.float64)
    else:
        x = torch.randn(shape, generator=gen, dtype=torch.float64) * opt.get("scale", 1.0)
        x = x + opt.get("offset", 0.0)
    params = dims if op == "layer_norm" else shape[1:2]
    w = b = rm = rv = None
    if opt.get("affine") or opt.get("weight_only"):
        w = 1 + 0.5 * torch.randn(params, generator=gen, dtype=torch.float64)
    if opt.get("affine"):
        b = 0.5 * torch.randn(params, generator=gen, dtype=torch.float64)
    if opt.get("stats"):
        rm = 0.3 * torch.randn(params, generator=gen, dtype=torch.float64)
        rv = 0.5 + torch.rand(params, generator=gen, dtype=torch.float64)
    x, w, b, rm, rv = (t if t is None else t.to(dtype) for t in (x, w, b, rm, rv))
    result_dtype = dtype
    if opt.get("exact") and dtype == torch.float32:
        x, w, b, rm, rv = (t if t is None else t.double() for t in (x, w, b, rm, rv))
        dtype = torch.float64
    inputs = {"x": x, "weight": w, "bias": b, "running_mean": rm, "running_var": rv}
    inputs = {k: None if t is None else t.clone() for k, t in inputs.items()}
    x.requires_grad_()
    for t in (w, b):
        if t is not None:
            t.requires_grad_()
    eps = opt.get("eps", 1e-5)
    keepdim = opt.get("keepdim", False)
    all_dims = dims if dims else list(range(len(shape)))
    if op == "layer_norm":
        out = F.layer_norm(x, dims, w, b, eps)
    elif op == "batch_norm":
        out = F.batch_norm(x, rm, rv, w, b, opt.get("training", False),
                           opt.get("momentum", 0.1), eps)
    elif op == "logsumexp":
        out = torch.logsumexp(x, all_dims, keepdim)
    else:
        fn = torch.var if op == "var" else torch.std
        out = fn(x, dim=dims if dims else None, correction=opt["correction"], keepdim=keepdim)
    grad_out = torch.randn(out.shape, generator=gen, dtype=torch.float64).to(dtype)
    out.backward(grad_out)
    flat = lambda t: [] if t is None else t.detach().to(result_dtype).flatten().tolist()
    return {
        "x": flat(inputs["x"]), "weight": flat(inputs["weight"]), "bias": flat(inputs["bias"]),
        "running_mean": flat(inputs["running_mean"]), "running_var": flat(inputs["running_var"]),
        "grad_out": flat(grad_out), "out": flat(out), "grad_x": flat(x.grad),
        "grad_weight": flat(None if w is None else w.grad),
        "grad_bias": flat(None if b is None else b.grad),
        "new_running_mean": flat(rm), "new_running_var": flat(rv),
    }


def literal(v):
    if math.isnan(v):
        return "kNaN"
    if math.isinf(v):
        return "kInf" if v > 0 else "-kInf"
    return repr(v)


def numbers(name, values, lines):
    text = [literal(v) for v in values]
    one_line = f"     /* {name} */ {{{', '.join(text)}}},"
    if len(one_line) <= 100:
        lines.append(one_line)
        return
    lines.append(f"     /* {name} */ {{")
    for i in range(0, len(text), 3):  # 3 numbers a line keeps lines within 100 columns
        lines.append("         " + ", ".join(text[i:i + 3]) + ",")
    lines.append("     },")


def main():
    torch.set_num_threads(1)
    lines = ["// Written by norm_reference.py (torch " + torch.__version__ + "); do not edit.",
             "// One NormReference per case, in float64 then float32."]
    fields = ["x", "weight", "bias", "running_mean", "running_var", "grad_out", "out", "grad_x",
              "grad_weight", "grad_bias", "new_running_mean", "new_running_var"]
    for dtype, label in ((torch.float64, "F64"), (torch.float32, "F32")):
        lines.append(f"const std::vector<NormReference> kReference{label} = {{")
        for seed, (op, shape, dims, opt, lit) in enumerate(CASES):
            r = run(op, shape, dims, opt, lit, dtype, seed)
            flags = (f"{opt.get('correction', 0)}, {opt.get('momentum', 0.1)}, "
                     f"{opt.get('eps', 1e-5)}, {str(opt.get('keepdim', False)).lower()}, "
                     f"{str(opt.get('training', False)).lower()}")
            lines.append(f'    {{"{op}", {{{", ".join(map(str, shape))}}}, '
                         f'{{{", ".join(map(str, dims))}}}, {flags},')
            for name in fields:
                numbers(name, r[name], lines)
            lines.append("    },")
        lines.append("};")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "norm_reference.inc")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(out)


if __name__ == "__main__":
    main()
