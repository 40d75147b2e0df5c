#!/usr/bin/env python3
"""Loads a CNN with batch norm saved by potatolemon into torch.nn with load_state_dict(strict=True)
and compares it with the same model built and trained in torch: every tensor of the state_dict
(num_batches_tracked included) and the eval-mode outputs. Not run in CI (no torch there).

The C++ side (test_serialize.cpp, "a CNN with batch norm round-trips ...") sets parameter k of
fixtures/make_torch_fixtures.py's cnn_model() to pattern(shape, 100 + k), runs three training
forwards on pattern([6, 1, 8, 8], 10 + step) and, with POTATOLEMON_CNN_EXPORT set, saves it:
    POTATOLEMON_CNN_EXPORT=/tmp/cnn.safetensors build/tests/nn_test_serialize
    /usr/bin/python3 tests/nn/reference/torch_cnn_check.py /tmp/cnn.safetensors
Prints the largest differences and exits non-zero when one is over 1e-5.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
from layer_reference import pattern, set_parameters  # noqa: E402
from make_torch_fixtures import cnn_model  # noqa: E402
from torch_load_check import read_safetensors  # noqa: E402


def main():
    torch.set_num_threads(1)
    ours = cnn_model()
    ours.load_state_dict(read_safetensors(sys.argv[1]), strict=True)
    print("load_state_dict(strict=True): ok,", len(ours.state_dict()), "tensors")
    theirs = cnn_model()
    set_parameters(theirs, 100)
    with torch.no_grad():
        for step in range(3):
            theirs(pattern((6, 1, 8, 8), 10 + step, torch.float32))
    worst = 0.0
    for name, tensor in theirs.state_dict().items():
        diff = (ours.state_dict()[name].double() - tensor.double()).abs().max().item()
        print(f"{name}: max |difference| {diff:.3g}")
        worst = max(worst, diff)
    ours.eval()
    theirs.eval()
    x = pattern((2, 1, 8, 8), 20, torch.float32)
    with torch.no_grad():
        diff = (ours(x) - theirs(x)).abs().max().item()
    print(f"eval outputs: max |difference| {diff:.3g}")
    worst = max(worst, diff)
    print("OK" if worst <= 1e-5 else "MISMATCH")
    sys.exit(0 if worst <= 1e-5 else 1)


if __name__ == "__main__":
    main()
