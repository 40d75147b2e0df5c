#!/usr/bin/env python3
"""Figures for tests/nn/optim/test_lr_scheduler.cpp: learning rates set by torch.optim.lr_scheduler.

Epoch schedulers: SGD on one float64 parameter with lr 0.1; written are the lr after construction
and after each of STEPS scheduler steps (get_last_lr; for several schedulers on one optimizer, the
optimizer's lr after each round of steps). ReduceLROnPlateau: a scripted metric sequence per
config; written are lr, best, num_bad_epochs and cooldown_counter after each step. Output:
lr_scheduler_reference.inc beside this script. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/optim/reference/lr_scheduler_reference.py
"""
import math
import os
import warnings

import torch
from torch.optim import lr_scheduler as S

LR = 0.1
STEPS = 40

SCHEDULES = [  # (name in the C++ test, schedulers on one optimizer, manual lr halvings at steps)
    ("step", lambda o: [S.StepLR(o, step_size=3, gamma=0.5)], []),
    ("step_default_gamma", lambda o: [S.StepLR(o, step_size=2)], []),
    ("multistep", lambda o: [S.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.3)], []),
    ("multistep_at_zero", lambda o: [S.MultiStepLR(o, milestones=[0, 4], gamma=0.5)], []),
    ("exponential", lambda o: [S.ExponentialLR(o, gamma=0.9)], []),
    ("exponential_manual_lr", lambda o: [S.ExponentialLR(o, gamma=0.9)], [5]),
    ("cosine", lambda o: [S.CosineAnnealingLR(o, T_max=10)], []),
    ("cosine_eta_min", lambda o: [S.CosineAnnealingLR(o, T_max=7, eta_min=0.01)], []),
    ("cosine_manual_lr", lambda o: [S.CosineAnnealingLR(o, T_max=12, eta_min=0.002)], [4]),
    ("cosine_t_max_1", lambda o: [S.CosineAnnealingLR(o, T_max=1)], []),
    ("cosine_eta_min_above_lr", lambda o: [S.CosineAnnealingLR(o, T_max=5, eta_min=0.3)], []),
    # 2 T_max is past int64 (Python's integers do not overflow; ours must not either).
    ("cosine_t_max_huge", lambda o: [S.CosineAnnealingLR(o, T_max=2**63 - 1, eta_min=0.01)], []),
    ("linear_default", lambda o: [S.LinearLR(o)], []),
    ("linear_decay", lambda o: [S.LinearLR(o, start_factor=1.0, end_factor=0.25,
                                           total_iters=6)], []),
    ("linear_warmup", lambda o: [S.LinearLR(o, start_factor=0.1, end_factor=0.8,
                                            total_iters=4)], []),
    ("warmup_then_cosine", lambda o: [S.SequentialLR(o, [
        S.LinearLR(o, start_factor=0.1, total_iters=5),
        S.CosineAnnealingLR(o, T_max=20, eta_min=1e-4)], milestones=[5])], []),
    ("sequential_three", lambda o: [S.SequentialLR(o, [
        S.ExponentialLR(o, gamma=0.9), S.StepLR(o, step_size=3, gamma=0.5),
        S.LinearLR(o, start_factor=0.5, total_iters=3)], milestones=[4, 10])], []),
    ("sequential_cosine_first", lambda o: [S.SequentialLR(o, [
        S.CosineAnnealingLR(o, T_max=6, eta_min=0.01),
        S.MultiStepLR(o, milestones=[3, 6], gamma=0.5)], milestones=[8])], []),
    ("chained_step_exponential", lambda o: [S.StepLR(o, step_size=2, gamma=0.5),
                                            S.ExponentialLR(o, gamma=0.9)], []),
]

PLATEAUS = [  # (name, ReduceLROnPlateau keyword arguments, metrics)
    ("min_rel", dict(factor=0.5, patience=2),
     [1.0, 0.9, 0.95, 0.91, 0.92, 0.89, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6, 0.4]),
    ("min_rel_threshold", dict(factor=0.5, patience=1, threshold=0.1),
     [1.0, 0.95, 0.92, 0.85, 0.84, 0.8, 0.7, 0.65, 0.64, 0.5, 0.5]),
    ("min_abs", dict(factor=0.2, patience=1, threshold=0.05, threshold_mode="abs"),
     [1.0, 0.96, 0.94, 0.9, 0.86, 0.85, 0.84, 0.7, 0.69, 0.68]),
    ("max_rel", dict(mode="max", factor=0.5, patience=1, threshold=0.01),
     [0.5, 0.6, 0.605, 0.61, 0.62, 0.62, 0.7, 0.69, 0.7, 0.71]),
    ("max_abs", dict(mode="max", factor=0.5, patience=0, threshold=0.02, threshold_mode="abs"),
     [0.1, 0.15, 0.16, 0.2, 0.21, 0.25, 0.3, 0.31]),
    ("max_rel_negative_metric", dict(mode="max", factor=0.5, patience=1, threshold=0.1),
     [-1.0, -0.95, -0.85, -0.8, -0.5, -0.48, -0.47, -0.3]),
    ("cooldown", dict(factor=0.5, patience=1, cooldown=2),
     [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0]),
    ("min_lr", dict(factor=0.5, patience=0, min_lr=0.02),
     [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
    ("eps_skips_small_reductions", dict(factor=0.5, patience=0, eps=0.02),
     [1.0, 1.0, 1.0, 1.0, 1.0]),
    ("nan_is_no_improvement", dict(factor=0.5, patience=1),
     [1.0, math.nan, math.nan, 0.5, math.nan, math.nan, math.nan]),
    ("default_options", dict(), [1.0] + [1.0] * 13 + [0.1] + [0.2] * 12),
]


def number(v):
    if math.isnan(v):
        return "kNaN"
    if math.isinf(v):
        return "kInf" if v > 0 else "-kInf"
    return repr(v)


def schedule(make, halvings):
    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=LR)
    schedulers = make(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for step in range(1, STEPS + 1):
        if step in halvings:
            opt.param_groups[0]["lr"] /= 2
        opt.step()
        for s in schedulers:
            s.step()
        lrs.append(opt.param_groups[0]["lr"])
        if len(schedulers) == 1:
            assert schedulers[0].get_last_lr()[0] == lrs[-1]
    return lrs


def plateau(kwargs, metrics):
    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=LR)
    s = S.ReduceLROnPlateau(opt, **kwargs)
    rows = []
    for m in metrics:
        s.step(m)
        rows.append((opt.param_groups[0]["lr"], s.best, s.num_bad_epochs, s.cooldown_counter))
    return rows


def main():
    warnings.simplefilter("ignore")  # torch warns about SequentialLR's step(0)
    version = torch.__version__
    lines = ["// Written by lr_scheduler_reference.py (torch " + version + "); do not edit.",
             "// {config, {lr after construction, after step 1, ...}}",
             "const std::vector<ScheduleReference> kSchedules = {"]
    for name, make, halvings in SCHEDULES:
        lines.append(f'    {{"{name}", {{')
        lrs = [number(v) for v in schedule(make, halvings)]
        for i in range(0, len(lrs), 3):  # 3 numbers a line keeps lines within 100 columns
            lines.append("        " + ", ".join(lrs[i:i + 3]) + ",")
        lines.append("    }},")
    lines.append("};")
    lines.append("// {config, metrics, {lr, best, num_bad_epochs, cooldown_counter} per step}")
    lines.append("const std::vector<PlateauReference> kPlateaus = {")
    for name, kwargs, metrics in PLATEAUS:
        lines.append(f'    {{"{name}",')
        text = [number(m) for m in metrics]
        rows = [", ".join(text[i:i + 10]) for i in range(0, len(text), 10)]
        lines.append("     {" + ",\n      ".join(rows) + "},")
        lines.append("     {")
        for lr, best, bad, cooldown in plateau(kwargs, metrics):
            lines.append(f"         {{{number(lr)}, {number(best)}, {bad}, {cooldown}}},")
        lines.append("     }},")
    lines.append("};")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lr_scheduler_reference.inc")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(out)


if __name__ == "__main__":
    main()
