#!/usr/bin/env python3
"""Figures for tests/nn/test_embedding.cpp: torch.nn.Embedding outputs and weight gradients,
float64.

The weight is set to pattern([5, 3], 100) (see layer_reference.py); each case looks up fixed
indices (repeats included, so gradient rows accumulate) and records the output and the gradient
of sum(out * pattern(out shape, 3)) with respect to the weight. The C++ test uses the same
indices. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/reference/embedding_reference.py
"""
import torch

from layer_reference import run, set_parameters, write_inc

CASES = [  # (name, indices); the C++ test lists the same
    ("rank1", [4, 0, 2]),
    ("rank2_repeats", [[0, 2, 4], [2, 2, 1]]),
    ("rank0", 3),
]


def main():
    torch.set_num_threads(1)
    cases = []
    for name, indices in CASES:
        layer = torch.nn.Embedding(5, 3).double()
        set_parameters(layer, 100)
        cases.append((name, run(layer, torch.tensor(indices))))
    write_inc(__file__, "kEmbeddingReference", cases,
              ["{case, output, {grad weight}}, float64, row-major."])


if __name__ == "__main__":
    main()
