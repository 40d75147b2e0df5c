#!/usr/bin/env python3
"""Figures for tests/nn/test_pooling.cpp: torch.nn.MaxPool2d and AvgPool2d outputs and input
gradients, float64.

Each case runs the layer on pattern(input shape, 1) and records the output and the gradient of
sum(out * pattern(out shape, 3)) with respect to the input (see layer_reference.py). The pattern
has no ties within a window here, so the max's gradient does not depend on a tie rule. The C++
test builds the same layers and inputs. Run with Debian's torch 1.13:
    /usr/bin/python3 tests/nn/reference/pooling_reference.py
"""
import torch

from layer_reference import pattern, run, write_inc

CASES = [  # (name, layer, input shape); the C++ test lists the same
    ("max_default", lambda: torch.nn.MaxPool2d(2), (2, 3, 6, 6)),
    ("max_odd_size", lambda: torch.nn.MaxPool2d(2), (1, 2, 5, 7)),
    ("max_stride_padding_dilation",
     lambda: torch.nn.MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=(1, 2)), (1, 2, 7, 8)),
    ("max_unbatched", lambda: torch.nn.MaxPool2d(3, stride=2, padding=1), (2, 5, 5)),
    ("avg_default", lambda: torch.nn.AvgPool2d(2), (2, 3, 6, 6)),
    ("avg_padding_included", lambda: torch.nn.AvgPool2d(3, stride=2, padding=1), (1, 2, 7, 6)),
    ("avg_padding_excluded",
     lambda: torch.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (1, 2, 7, 6)),
    ("avg_unbatched_rectangular", lambda: torch.nn.AvgPool2d((2, 3), stride=1), (2, 5, 6)),
]


def main():
    torch.set_num_threads(1)
    cases = [(name, run(make(), pattern(shape, 1))) for name, make, shape in CASES]
    write_inc(__file__, "kPoolingReference", cases,
              ["{case, output, {grad input}}, float64, row-major."])


if __name__ == "__main__":
    main()
