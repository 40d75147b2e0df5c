#!/usr/bin/env python3
"""Names for tests/nn/test_checkpoint.cpp: the keys of torch 1.13's optimizer and scheduler
state_dict() for the configurations the test builds, flattened as "state.<i>.<key>" and
"param_groups.0.<key>" (optimisers) and "<key>" (schedulers, on SGD lr 0.1). Each optimiser has
two parameters, [2, 3] and [4], and takes two steps with gradients on both, so every state key
exists; a momentum_buffer that torch keeps as None (SGD without momentum) is left out, as a
checkpoint cannot hold None. Output: checkpoint_names.inc beside this script, one
{"config", {"key", ...}} row per configuration. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/reference/checkpoint_names.py
"""
import os

import torch
from torch.optim import lr_scheduler

OPTIMIZERS = {
    "SGD()": lambda p: torch.optim.SGD(p, lr=0.1),
    "SGD(momentum=0.9)": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "SGD(momentum=0.9, nesterov=True)": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9,
                                                                  nesterov=True),
    "Adam()": lambda p: torch.optim.Adam(p),
    "Adam(amsgrad=True)": lambda p: torch.optim.Adam(p, amsgrad=True),
    "AdamW()": lambda p: torch.optim.AdamW(p),
    "AdamW(amsgrad=True)": lambda p: torch.optim.AdamW(p, amsgrad=True),
    "RMSprop()": lambda p: torch.optim.RMSprop(p),
    "RMSprop(momentum=0.9, centered=True)": lambda p: torch.optim.RMSprop(p, momentum=0.9,
                                                                          centered=True),
}

SCHEDULERS = {
    "StepLR(step_size=2)": lambda o: lr_scheduler.StepLR(o, step_size=2),
    "MultiStepLR(milestones=[2, 4])": lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 4]),
    "ExponentialLR(gamma=0.9)": lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR(T_max=10)": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10),
    "LinearLR()": lambda o: lr_scheduler.LinearLR(o),
    "SequentialLR(LinearLR(), ExponentialLR(gamma=0.9), milestones=[2])":
        lambda o: lr_scheduler.SequentialLR(
            o, [lr_scheduler.LinearLR(o), lr_scheduler.ExponentialLR(o, gamma=0.9)], [2]),
    "ReduceLROnPlateau()": lambda o: lr_scheduler.ReduceLROnPlateau(o),
}


def params():
    return [torch.zeros(2, 3, dtype=torch.float64, requires_grad=True),
            torch.zeros(4, dtype=torch.float64, requires_grad=True)]


def optimizer_keys(make):
    p = params()
    opt = make(p)
    for _ in range(2):
        for t in p:
            t.grad = torch.ones_like(t)
        opt.step()
    sd = opt.state_dict()
    keys = [f"state.{i}.{k}" for i, s in sd["state"].items() for k, v in s.items()
            if v is not None]
    return keys + [f"param_groups.0.{k}" for k in sd["param_groups"][0]]


def scheduler_keys(make):
    opt = torch.optim.SGD(params(), lr=0.1)
    scheduler = make(opt)
    opt.step()
    scheduler.step(1.0) if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau) else \
        scheduler.step()
    return list(scheduler.state_dict())


def row(config, keys):
    return "{" + f'"{config}", ' + "{" + ", ".join(f'"{k}"' for k in keys) + "}},"


def main():
    lines = ["// Written by checkpoint_names.py (torch " + torch.__version__ + "); do not edit."]
    lines += [row(c, optimizer_keys(m)) for c, m in OPTIMIZERS.items()]
    lines += [row(c, scheduler_keys(m)) for c, m in SCHEDULERS.items()]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checkpoint_names.inc")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
