# PyTorch reference for bench_mlp_epoch: one training epoch of an MLP on Fashion-MNIST.
# 784-256-128-10 with ReLU, cross-entropy on logits, SGD lr 0.01 momentum 0.9, batch 128 (the last
# batch holds the 96 left over), pixels scaled to [0, 1] float32, order shuffled from seed 0 each
# epoch. One warm-up epoch, then --epochs timed epochs (median reported), then test accuracy.
import argparse
import gzip
import os
import resource
import statistics
import time

from reference import torch_with_threads

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
args = parser.parse_args()
torch = torch_with_threads(args.threads)
nn = torch.nn
torch.manual_seed(0)


def read_idx(name, header_bytes):
    """The payload of a gzip'd IDX file as a uint8 tensor (header skipped)."""
    with gzip.open(os.path.join(args.data, name)) as f:
        raw = bytearray(f.read())
    return torch.frombuffer(raw, dtype=torch.uint8, offset=header_bytes)


train_x = read_idx("train-images-idx3-ubyte.gz", 16).view(-1, 784).float() / 255
train_y = read_idx("train-labels-idx1-ubyte.gz", 8).long()
test_x = read_idx("t10k-images-idx3-ubyte.gz", 16).view(-1, 784).float() / 255
test_y = read_idx("t10k-labels-idx1-ubyte.gz", 8).long()

model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                      nn.Linear(128, 10))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def train_epoch():
    order = torch.randperm(len(train_x))
    for start in range(0, len(order), 128):
        batch = order[start:start + 128]
        optimizer.zero_grad()
        loss = criterion(model(train_x[batch]), train_y[batch])
        loss.backward()
        optimizer.step()


train_epoch()  # warm-up
seconds = []
for _ in range(args.epochs):
    start = time.perf_counter()
    train_epoch()
    seconds.append(time.perf_counter() - start)

with torch.no_grad():
    accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB

print(f"mlp_epoch {statistics.median(seconds):.3f} s")
print(f"mlp_test_accuracy {accuracy:.4f} acc")
print(f"mlp_peak_rss {peak_mb:.1f} MB")
