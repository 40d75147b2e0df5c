#!/usr/bin/env python3
"""Figures for tests/nn/test_norm.cpp: torch.nn.BatchNorm1d, BatchNorm2d and LayerNorm outputs,
gradients and running statistics, float64.

Parameter k of each layer is set to pattern(shape, 100 + k) (see layer_reference.py). A batch
norm case takes three training steps on pattern(input shape, 10 + step), recording the last
step's output and gradients (of sum(out * pattern(out shape, 3)) with respect to the input,
weight and bias) as "<name>/train", then running_mean, running_var and num_batches_tracked as
"<name>/state" (the output list; no gradients), then runs in eval mode on pattern(input shape,
20) as "<name>/eval". A layer norm case records one run on pattern(input shape, 1). The C++ test
builds the same layers and inputs. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/reference/norm_reference.py
"""
import torch

from layer_reference import pattern, run, set_parameters, write_inc

BN = torch.nn
BATCH_NORM_CASES = [  # (name, layer, input shape); the C++ test lists the same
    ("bn1d_rank2", lambda: BN.BatchNorm1d(3), (4, 3)),
    ("bn1d_rank3_momentum", lambda: BN.BatchNorm1d(3, momentum=0.3), (2, 3, 5)),
    ("bn2d", lambda: BN.BatchNorm2d(3), (2, 3, 3, 4)),
    ("bn2d_cumulative", lambda: BN.BatchNorm2d(2, momentum=None, eps=1e-3), (3, 2, 2, 2)),
    ("bn2d_no_affine", lambda: BN.BatchNorm2d(2, affine=False), (2, 2, 3, 3)),
    ("bn1d_untracked", lambda: BN.BatchNorm1d(3, track_running_stats=False), (5, 3)),
]
LAYER_NORM_CASES = [
    ("ln_last_dim", lambda: BN.LayerNorm(4), (2, 3, 4)),
    ("ln_two_dims", lambda: BN.LayerNorm([3, 4], eps=1e-3), (2, 3, 4)),
    ("ln_no_affine", lambda: BN.LayerNorm(5, elementwise_affine=False), (3, 5)),
]
STEPS = 3


def batch_norm_cases(name, make, shape):
    layer = make().double()
    set_parameters(layer, 100)
    layer.train()
    for step in range(STEPS):
        layer.zero_grad()
        trained = run(layer, pattern(shape, 10 + step))
    state = []
    if layer.track_running_stats:
        state = (layer.running_mean.tolist() + layer.running_var.tolist() +
                 [float(layer.num_batches_tracked)])
    layer.eval()
    layer.zero_grad()
    evaluated = run(layer, pattern(shape, 20))
    return [(name + "/train", trained), (name + "/state", (state, [])),
            (name + "/eval", evaluated)]


def main():
    torch.set_num_threads(1)
    cases = []
    for name, make, shape in BATCH_NORM_CASES:
        cases += batch_norm_cases(name, make, shape)
    for name, make, shape in LAYER_NORM_CASES:
        layer = make().double()
        set_parameters(layer, 100)
        cases.append((name, run(layer, pattern(shape, 1))))
    write_inc(__file__, "kNormReference", cases,
              ["{case, output, {grad input, grad weight, grad bias}}, float64, row-major;",
               "a /state case lists running_mean, running_var, num_batches_tracked."])


if __name__ == "__main__":
    main()
