#!/usr/bin/env python3
"""Figures for tests/autograd/test_ops_dtypes.cpp from torch 1.13's CPU kernels.

Writes dtypes_reference.inc beside this script: kReference maps a name to {dtype, shape, values}
for every input the test uses and every result it checks: the shape and index ops (reshape,
flatten, squeeze, unsqueeze, permute, transpose, mT, expand, pad, slice, index_select, gather, cat,
stack, clone) on int64, bool and float32 data, cat/stack of mixed dtypes (promoted) and the
gradients of sum(cat(a, b) * W) for a float32 a and a float64 b. Run with Debian's torch:
    /usr/bin/python3 tests/autograd/reference/dtypes_reference.py
"""
import math
import os

import torch
import torch.nn.functional as F

F32, F64, I64, BOOL = torch.float32, torch.float64, torch.int64, torch.bool
DTYPES = {F32: "float32", F64: "float64", I64: "int64", BOOL: "bool"}

entries = {}  # name -> tensor


def put(name, t):
    assert name not in entries, name
    entries[name] = t.detach()
    return t


def index(values):
    return torch.tensor(values, dtype=I64)


def inputs(dtype):
    """x [2, 3, 4], z like x, y [2, 1, 4], col [3, 1], s [1, 3, 1], scalar []: int64 values with
    negatives and one above 2^32; bool is `> 0` of them."""
    base = (torch.arange(24) * 7 % 11 - 5).reshape(2, 3, 4)
    base[0, 0, 0] = 2 ** 40 + 3
    made = {
        "x": base,
        "z": (torch.arange(24) * 5 % 7 - 3).reshape(2, 3, 4),
        "y": index([[[3, -1, 0, 6]], [[-4, 2, 9, 0]]]),
        "col": index([[1], [0], [-7]]),
        "s": index([[[0], [5], [-2]]]),
        "scalar": torch.tensor(-3),
    }
    name = DTYPES[dtype]
    return {k: put(f"{k} {name}", (v > 0) if dtype == BOOL else v.to(dtype))
            for k, v in made.items()}


def slice_of(t, dim, start, end, step):
    key = [slice(None)] * t.dim()
    key[dim] = slice(start, end, step)
    return t[tuple(key)]


def shape_ops(name, t):
    x, s = t["x"], t["s"]
    put(f"reshape [4, -1] {name}", x.reshape(4, -1))
    put(f"view [6, 4] {name}", x.view(6, 4))
    put(f"flatten {name}", x.flatten())
    put(f"flatten 1 -1 {name}", x.flatten(1))
    put(f"flatten 0 1 {name}", x.flatten(0, 1))
    put(f"flatten rank 0 {name}", t["scalar"].flatten())
    put(f"squeeze {name}", s.squeeze())
    put(f"squeeze -1 {name}", s.squeeze(-1))
    put(f"squeeze 1 {name}", s.squeeze(1))
    put(f"unsqueeze -1 {name}", x.unsqueeze(-1))
    put(f"unsqueeze 0 {name}", x.unsqueeze(0))
    put(f"permute 2 0 1 {name}", x.permute(2, 0, 1))
    put(f"permute -1 -3 -2 {name}", x.permute(-1, -3, -2))
    put(f"transpose 0 -1 {name}", x.transpose(0, -1))
    put(f"mT {name}", x.mT)
    put(f"expand col {name}", t["col"].expand(2, 3, 4))
    put(f"expand y {name}", t["y"].expand(2, 3, 4))
    put(f"expand [0, 1] {name}", t["col"][:0].expand(0, 3))
    for value in (0, 2.7, -2.7, 0.5):
        put(f"pad value {value} {name}", F.pad(x, (1, 2, 0, 1), value=value))
    put(f"pad crop {name}", F.pad(x, (-1, 1, 1, -2), value=1))
    put(f"pad zero-size {name}", F.pad(slice_of(x, 1, 0, 0, 1), (1, 1, 2, 0, 1, 0), value=1))
    put(f"clone {name}", x.clone())


def index_ops(name, t):
    x, y, z = t["x"], t["y"], t["z"]
    put(f"slice -1 1 4 2 {name}", slice_of(x, -1, 1, 4, 2))
    put(f"slice 1 -2 100 1 {name}", slice_of(x, 1, -2, 100, 1))
    put(f"slice 0 1 1 1 {name}", slice_of(x, 0, 1, 1, 1))
    put(f"index_select 1 {name}", torch.index_select(x, 1, index([2, 0, 2])))
    put(f"index_select -1 {name}", torch.index_select(x, -1, index([3, 3, 0, 1])))
    put(f"index_select empty {name}", torch.index_select(x, 0, index([])))
    put(f"gather 2 {name}", torch.gather(x, 2, index([[[3, 0], [1, 1], [2, 0]],
                                                      [[0, 0], [3, 2], [1, 3]]])))
    put(f"gather 0 {name}", torch.gather(x, 0, index([[[1], [0]], [[0], [1]], [[1], [1]]])))
    put(f"gather -2 {name}", torch.gather(x, -2, index([[[2, 1, 0, 2]], [[0, 0, 1, 2]]])))
    put(f"cat 1 {name}", torch.cat([x, y], 1))
    put(f"cat -1 {name}", torch.cat([x, z, x], -1))
    put(f"cat empty {name}", torch.cat([x, slice_of(z, 1, 0, 0, 1)], 1))
    put(f"stack 0 {name}", torch.stack([x, z], 0))
    put(f"stack -1 {name}", torch.stack([x, z], -1))


def mixed():
    """cat and stack promote mixed dtypes (bool < int64 < float32 < float64)."""
    a = {d: put(f"mixed {DTYPES[d]}", torch.tensor([[1, 0, -2], [3, 0, 5]]).to(d))
         for d in (BOOL, I64, F32, F64)}
    pairs = [(BOOL, I64), (I64, BOOL), (I64, F32), (BOOL, F64), (F32, F64), (F64, BOOL)]
    for p, q in pairs:
        put(f"cat {DTYPES[p]} {DTYPES[q]}", torch.cat([a[p], a[q]], 0))
        put(f"stack {DTYPES[p]} {DTYPES[q]}", torch.stack([a[p], a[q]], 1))
    put("cat bool int64 float32", torch.cat([a[BOOL], a[I64], a[F32]], 1))
    # Gradients through a promoted cat: each input gets its slice of W in its own dtype.
    f = torch.tensor([[0.5, -1.5, 2.25]], dtype=F32, requires_grad=True)
    d = torch.tensor([[1.0, 2.0, 3.0], [-4.0, 0.1, 6.0]], dtype=F64, requires_grad=True)
    out = put("cat grad out", torch.cat([f, d], 0))
    w = torch.arange(1, out.numel() + 1, dtype=F64).reshape(out.shape) / 3
    (out * w).sum().backward()
    put("cat grad float32", f.grad)
    put("cat grad float64", d.grad)


def literal(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        assert abs(v) < 2 ** 53, v
        return str(v)
    if math.isinf(v) or math.isnan(v):
        raise ValueError(v)
    return repr(v)


def cxx_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    torch.set_num_threads(1)
    for dtype in (I64, BOOL, F32):
        t = inputs(dtype)
        shape_ops(DTYPES[dtype], t)
        index_ops(DTYPES[dtype], t)
    mixed()
    lines = ["// Written by dtypes_reference.py (torch " + torch.__version__ + "); do not edit.",
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
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dtypes_reference.inc")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(out)


if __name__ == "__main__":
    main()
