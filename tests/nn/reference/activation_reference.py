#!/usr/bin/env python3
"""Figures for tests/nn/test_activation.cpp: torch.nn.GELU (exact and tanh), SiLU and ELU
outputs and input gradients, float64.

Each case runs the module on pattern([3, 5], 1) (see layer_reference.py; zero and ±9/8 are in
it) and records the output and the gradient of sum(out * pattern(out shape, 3)) with respect to
the input. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/reference/activation_reference.py
"""
import torch

from layer_reference import pattern, run, write_inc

CASES = [  # (name, module); the C++ test lists the same
    ("gelu", lambda: torch.nn.GELU()),
    ("gelu_tanh", lambda: torch.nn.GELU(approximate="tanh")),
    ("silu", lambda: torch.nn.SiLU()),
    ("elu", lambda: torch.nn.ELU()),
    ("elu_alpha", lambda: torch.nn.ELU(alpha=0.5)),
]


def main():
    torch.set_num_threads(1)
    cases = [(name, run(make(), pattern((3, 5), 1))) for name, make in CASES]
    write_inc(__file__, "kActivationReference", cases,
              ["{case, output, {grad input}}, float64, row-major."])


if __name__ == "__main__":
    main()
