#!/usr/bin/env python3
"""Random differential cases for tests/nn/optim/test_differential_optim.cpp, from torch 1.13.

Draws seeded random optimiser runs (Adam and AdamW with and without amsgrad, RMSprop with every
combination of momentum, centered and weight decay) over parameters of random shapes (zero-size
ones included) and dtypes, with a random gradient or none per parameter per step, and random
gradient clipping (clip_grad_norm_ of norm types 0.5, 1, 2, 3 and inf, NaN and inf gradients;
clip_grad_value_). Writes the parameters after every step, or the clipped gradients and the total
norm. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/optim/reference/differential_optim_reference.py
which writes tests/autograd/fixtures/differential_optim.txt. Format, one record a line:
    c <kind> <dtype>                   a case
    a <key> <number>                   a hyper-parameter
    t <i> <rank> <dims...> <values...> the initial value of parameter i
    g <step> <i> <rank> <dims...> <values...>   its gradient at a step (absent: none)
    o <step> <i> <rank> <dims...> <values...>   its value after the step (or clipped gradient)
    n <total norm>                     clip_grad_norm_'s result
    e                                  end of the case
"""
import math
import os
import random

import torch

R = random.Random(13)
DT = {"f32": torch.float32, "f64": torch.float64}
lines = []


def num(v, dtype):
    if math.isnan(v) or math.isinf(v):
        return repr(v)
    if dtype == "f32":
        s = "%.9g" % v
        return s if float(s) == v else repr(v)
    return repr(v)


def text(t, dtype):
    return " ".join([str(t.dim())] + [str(d) for d in t.shape] +
                    [num(v, dtype) for v in t.detach().reshape(-1).tolist()])


def rand_shape():
    return [0 if R.random() < 0.08 else R.randint(1, 3) for _ in range(R.randint(0, 2))]


def values(shape, special=0.0):
    out = []
    for _ in range(math.prod(shape)):
        r = R.random()
        if r < special:
            out.append(R.choice([float("nan"), float("inf"), -float("inf")]))
        elif r < 0.1:
            out.append(R.choice([0.0, 1e3, -1e3, 1e-12, -1e-12]))
        else:
            out.append(round(R.uniform(-2, 2), 4))
    return out


def optim_case(kind):
    dtype = R.choice(["f32", "f64"])
    lines.append("c %s %s" % (kind, dtype))
    hp = {"lr": R.choice([1e-3, 1e-2, 0.1, 0.5, 0.0])}
    if kind in ("adam", "adamw"):
        hp.update(beta1=R.choice([0.9, 0.0, 0.5, 0.99]), beta2=R.choice([0.999, 0.9, 0.0]),
                  eps=R.choice([1e-8, 1e-3, 0.0]),
                  weight_decay=R.choice([0.0, 1e-2, 0.5]), amsgrad=R.choice([0, 1]))
    else:
        # Not alpha 0 with centered: the variance g² - g² is then rounding noise (torch: NaN).
        hp.update(alpha=R.choice([0.99, 0.5, 0.0, 1.0]), eps=R.choice([1e-8, 1e-3]),
                  weight_decay=R.choice([0.0, 0.1]), momentum=R.choice([0.0, 0.9, 0.5]),
                  centered=R.choice([0, 1]))
        hp["centered"] = hp["centered"] if hp["alpha"] != 0.0 else 0
    for k, v in hp.items():
        lines.append("a %s %r" % (k, v))
    params = []
    for i in range(R.randint(1, 3)):
        shape = rand_shape()
        p = torch.tensor(values(shape), dtype=DT[dtype]).reshape(shape).requires_grad_()
        lines.append("t %d %s" % (i, text(p, dtype)))
        params.append(p)
    if kind == "adam":
        opt = torch.optim.Adam(params, lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]),
                               eps=hp["eps"], weight_decay=hp["weight_decay"],
                               amsgrad=bool(hp["amsgrad"]))
    elif kind == "adamw":
        opt = torch.optim.AdamW(params, lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]),
                                eps=hp["eps"], weight_decay=hp["weight_decay"],
                                amsgrad=bool(hp["amsgrad"]))
    else:
        opt = torch.optim.RMSprop(params, lr=hp["lr"], alpha=hp["alpha"], eps=hp["eps"],
                                  weight_decay=hp["weight_decay"], momentum=hp["momentum"],
                                  centered=bool(hp["centered"]))
    for step in range(R.randint(1, 5)):
        for i, p in enumerate(params):
            if R.random() < 0.15:
                p.grad = None
                continue
            p.grad = torch.tensor(values(list(p.shape)), dtype=DT[dtype]).reshape(p.shape)
            lines.append("g %d %d %s" % (step, i, text(p.grad, dtype)))
        opt.step()
        for i, p in enumerate(params):
            lines.append("o %d %d %s" % (step, i, text(p, dtype)))
    lines.append("e")


def clip_case(kind):
    dtype = R.choice(["f32", "f64"])
    lines.append("c %s %s" % (kind, dtype))
    params = []
    for i in range(R.randint(1, 3)):
        shape = rand_shape()
        p = torch.zeros(shape, dtype=DT[dtype], requires_grad=True)
        lines.append("t %d %s" % (i, text(p, dtype)))
        if R.random() < 0.85:
            p.grad = torch.tensor(values(shape, 0.03), dtype=DT[dtype]).reshape(shape)
            lines.append("g 0 %d %s" % (i, text(p.grad, dtype)))
        params.append(p)
    if kind == "clip_grad_norm":
        max_norm = R.choice([1.0, 0.1, 5.0, 0.0, 1e3])
        norm_type = R.choice([2.0, 1.0, float("inf"), 0.5, 3.0])
        lines.append("a max_norm %r" % max_norm)
        lines.append("a norm_type %r" % norm_type)
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        lines.append("n %s" % num(total.item(), dtype))
    else:
        clip = R.choice([0.5, 1.0, 0.0, 100.0])
        lines.append("a clip_value %r" % clip)
        torch.nn.utils.clip_grad_value_(params, clip)
    for i, p in enumerate(params):
        if p.grad is not None:
            lines.append("o 0 %d %s" % (i, text(p.grad, dtype)))
    lines.append("e")


def main():
    for _ in range(40):
        optim_case("adam")
        optim_case("adamw")
        optim_case("rmsprop")
    for _ in range(40):
        clip_case("clip_grad_norm")
    for _ in range(15):
        clip_case("clip_grad_value")
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "..", "autograd", "fixtures", "differential_optim.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(path, sum(1 for l in lines if l.startswith("c ")), "cases", os.path.getsize(path),
          "bytes")


if __name__ == "__main__":
    main()
