#!/usr/bin/env python3
"""Loads a model file written by potatolemon (xor --save FILE, or nn::save) into torch.nn with
load_state_dict(strict=True) and prints its outputs on the four XOR inputs, to compare with what
xor printed. The file is parsed with struct + json from the safetensors format's rules.
    build/examples/xor --save /tmp/xor.safetensors
    /usr/bin/python3 tests/nn/reference/torch_load_check.py /tmp/xor.safetensors [--hidden 3]
"""
import argparse
import json
import struct

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    data = raw[8 + n:]
    state = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=DTYPES[info["dtype"]])
        state[name] = t.reshape(info["shape"])
    return state


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--hidden", type=int, default=3)
    parser.add_argument("--activation", default="tanh", choices=["tanh", "sigmoid", "relu"])
    args = parser.parse_args()
    activations = {"tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU}
    act = activations[args.activation]
    h = args.hidden
    model = torch.nn.Sequential(torch.nn.Linear(2, h), act(), torch.nn.Linear(h, h), act(),
                                torch.nn.Linear(h, 1), torch.nn.Sigmoid())
    state = read_safetensors(args.path)
    model = model.to(next(iter(state.values())).dtype)
    model.load_state_dict(state, strict=True)
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=model[0].weight.dtype)
    with torch.no_grad():
        for row, p in zip(x.tolist(), model(x).flatten().tolist()):
            print(f"x=({row[0]:g}, {row[1]:g}) prediction={p:.4f}")


if __name__ == "__main__":
    main()
