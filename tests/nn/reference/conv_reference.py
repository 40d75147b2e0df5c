#!/usr/bin/env python3
"""Figures for tests/nn/test_conv.cpp: torch.nn.Conv2d outputs and gradients, float64.

Each case builds the layer, sets parameter k to pattern(shape, 100 + k), runs it on
pattern(input shape, 1) and records the output and the gradients of sum(out * pattern(out shape,
3)) with respect to the input, weight and bias (see layer_reference.py). The C++ test builds the
same layers and inputs. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/reference/conv_reference.py
"""
import torch

from layer_reference import pattern, run, set_parameters, write_inc

CASES = [  # (name, layer, input shape); the C++ test lists the same
    ("default", lambda: torch.nn.Conv2d(2, 3, 3), (2, 2, 5, 6)),
    ("stride_padding", lambda: torch.nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 2)),
     (1, 2, 6, 5)),
    ("dilation_groups_no_bias",
     lambda: torch.nn.Conv2d(4, 6, 3, padding=2, dilation=2, groups=2, bias=False), (2, 4, 5, 5)),
    ("depthwise", lambda: torch.nn.Conv2d(3, 3, 2, stride=(1, 2), groups=3), (1, 3, 4, 5)),
    ("one_by_one", lambda: torch.nn.Conv2d(3, 2, 1), (2, 3, 2, 3)),
]


def main():
    torch.set_num_threads(1)
    cases = []
    for name, make, shape in CASES:
        layer = make().double()
        set_parameters(layer, 100)
        cases.append((name, run(layer, pattern(shape, 1))))
    write_inc(__file__, "kConvReference", cases,
              ["{case, output, {grad input, grad weight, grad bias}}, float64, row-major."])


if __name__ == "__main__":
    main()
