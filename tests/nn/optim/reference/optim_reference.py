#!/usr/bin/env python3
"""Figures for tests/nn/optim/test_optim.cpp: parameter trajectories of torch.optim.SGD,
Adam, AdamW and RMSprop.

Model: W [2, 3], b [2] from fixed values; loss = mean((tanh(x Wᵀ + b) - y)^2) on fixed x, y.
Each config takes 5 steps; the learning rate is halved before step 4 (Optimizer::set_lr in C++,
param_groups[0]["lr"] here). Written are W and b (row-major, W first) after every step, once in
float64 and once in float32 (float32 values printed exactly, as doubles), to optim_reference.inc
beside this script, which test_optim.cpp includes. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/optim/reference/optim_reference.py
"""
import os

import torch

W0 = [[0.5, -0.3, 0.8], [-0.2, 0.4, 0.1]]
B0 = [0.1, -0.2]
X = [[1.0, 2.0, -1.0], [0.5, -1.5, 2.0], [-0.3, 0.7, 0.2], [1.2, -0.4, -0.9]]
Y = [[0.9, -0.5], [-0.8, 0.3], [0.2, 0.6], [-0.4, 0.1]]
STEPS = 5

CONFIGS = [  # (name in the C++ test, optimizer factory)
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd_momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("sgd_dampening", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.3)),
    ("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_weight_decay", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5, weight_decay=0.2)),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.05)),
    ("adam_custom", lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.95), eps=1e-3,
                                               weight_decay=0.1)),
    ("adam_amsgrad", lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.95), weight_decay=0.1,
                                                amsgrad=True)),
    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.05)),
    ("adamw_custom", lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.8, 0.95), eps=1e-3,
                                                 weight_decay=0.5)),
    ("adamw_amsgrad", lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.8, 0.95), weight_decay=0.5,
                                                  amsgrad=True)),
    ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01)),
    ("rmsprop_custom", lambda p: torch.optim.RMSprop(p, lr=0.02, alpha=0.9, eps=1e-3,
                                                     weight_decay=0.1)),
    ("rmsprop_momentum", lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9)),
    ("rmsprop_centered", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, centered=True)),
    ("rmsprop_all", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-4,
                                                  weight_decay=0.2, momentum=0.5, centered=True)),
]


def trajectory(make, dtype):
    w = torch.tensor(W0, dtype=dtype, requires_grad=True)
    b = torch.tensor(B0, dtype=dtype, requires_grad=True)
    x = torch.tensor(X, dtype=dtype)
    y = torch.tensor(Y, dtype=dtype)
    opt = make([w, b])
    rows = []
    for step in range(STEPS):
        if step == 3:
            opt.param_groups[0]["lr"] /= 2
        opt.zero_grad()
        loss = ((torch.tanh(x @ w.T + b) - y) ** 2).mean()
        loss.backward()
        opt.step()
        rows.append(w.detach().flatten().tolist() + b.detach().tolist())
    return rows


def main():
    torch.set_num_threads(1)
    lines = ["// Written by optim_reference.py (torch " + torch.__version__ + "); do not edit.",
             "// {config, {W and b after step 1, ..., after step 5}} in float64 then float32."]
    for dtype, label in ((torch.float64, "f64"), (torch.float32, "f32")):
        lines.append(f"const std::vector<OptimReference> kReference{label.upper()} = {{")
        for name, make in CONFIGS:
            lines.append(f'    {{"{name}", {{')
            for row in trajectory(make, dtype):  # 4 numbers a line keeps lines within 100 columns
                text = [repr(v) for v in row]
                lines.append("        {" + ", ".join(text[:4]) + ",")
                lines.append("         " + ", ".join(text[4:]) + "},")
            lines.append("    }},")
        lines.append("};")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_reference.inc")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(out)


if __name__ == "__main__":
    main()
