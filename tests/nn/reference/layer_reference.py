"""Shared by the *_reference.py scripts of the nn layer tests (conv, pooling, norm, embedding,
activation): the input pattern both sides build, module runs that record the output and the
gradients, and the .inc writer. Values in the pattern are multiples of 1/8 in [-9/8, 9/8], exact
in float32 and float64, with no two equal within 18 consecutive elements (no ties in a pooling
window of a narrow image). tests/nn/layer_reference.hpp holds the C++ twin of pattern().
"""
import os

import torch


def pattern(shape, seed, dtype=torch.float64):
    n = 1
    for d in shape:
        n *= d
    values = [((i * 7 + seed) % 19 - 9) / 8 for i in range(n)]
    return torch.tensor(values, dtype=dtype).reshape(shape)


def set_parameters(module, seed):
    """Parameter k (named_parameters order) becomes pattern(shape, seed + k)."""
    with torch.no_grad():
        for k, (_, p) in enumerate(module.named_parameters()):
            p.copy_(pattern(p.shape, seed + k, p.dtype))


def run(module, x):
    """Output of module(x) and the gradients of sum(out * pattern(out.shape, 3)) with respect to
    x (when floating) and each parameter in named_parameters order, all flattened."""
    if x.is_floating_point():
        x = x.clone().requires_grad_()
    out = module(x)
    (out * pattern(out.shape, 3, out.dtype)).sum().backward()
    grads = [x.grad] if x.is_floating_point() else []
    grads += [p.grad for p in module.parameters()]
    return out.detach().flatten().tolist(), [g.flatten().tolist() for g in grads]


def numbers(values, indent):
    """A braced C++ list of repr()s, wrapped within 100 columns."""
    lines, line = [], indent + "{"
    for i, v in enumerate(values):
        text = repr(float(v)) + ("," if i + 1 < len(values) else "}")
        if len(line) + len(text) + 1 > 99:
            lines.append(line.rstrip())
            line = indent + " "
        line += text + " "
    return "\n".join(lines + [line.rstrip() if values else indent + "{}"])


def case(name, out, grads):
    body = [f'    {{"{name}",', numbers(out, "     ") + ",", "     {"]
    body += [numbers(g, "      ") + "," for g in grads]
    return body + ["     }},"]


def write_inc(script, variable, cases, header):
    """Writes <script stem>.inc beside the script: `const std::vector<LayerReference> variable`."""
    lines = [f"// Written by {os.path.basename(script)} (torch {torch.__version__}); do not edit.",
             *("// " + h for h in header),
             f"const std::vector<LayerReference> {variable} = {{"]
    for name, (out, grads) in cases:
        lines += case(name, out, grads)
    lines.append("};")
    path = os.path.splitext(os.path.abspath(script))[0] + ".inc"
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(path)
