# PyTorch reference for bench_cnn_epoch: one training epoch of a small CNN on Fashion-MNIST.
# conv 1->16 and 16->32 (3x3, padding 1, ReLU, 2x2 max-pool each), flatten, Linear 1568->128, ReLU,
# Dropout 0.25, Linear 128->10; cross-entropy on logits, SGD momentum 0.9, lr 0.05 cosine-annealed
# to 0 per step over all steps of the run, batch 128, pixels scaled to [0, 1] float32, order
# shuffled from seed 0 each epoch. One warm-up epoch, then --epochs timed epochs (median reported;
# the run is 1 + epochs epochs), then test accuracy in eval mode, in batches of 1000.
import argparse
import gzip
import math
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


train_x = read_idx("train-images-idx3-ubyte.gz", 16).view(-1, 1, 28, 28).float() / 255
train_y = read_idx("train-labels-idx1-ubyte.gz", 8).long()
test_x = read_idx("t10k-images-idx3-ubyte.gz", 16).view(-1, 1, 28, 28).float() / 255
test_y = read_idx("t10k-labels-idx1-ubyte.gz", 8).long()

model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Dropout(0.25),
                      nn.Linear(128, 10))
criterion = nn.CrossEntropyLoss()
base_lr = 0.05
optimizer = torch.optim.SGD(model.parameters(), lr=base_lr, momentum=0.9)
steps_per_epoch = math.ceil(len(train_x) / 128)
total_steps = (1 + args.epochs) * steps_per_epoch
step = 0


def cosine_lr(t):
    """CosineAnnealingLR's closed form (eta_min 0, T_max total_steps); the C++ programs compute
    the same double, where the scheduler's recursive form would round differently."""
    return 0.5 * base_lr * (1 + math.cos(math.pi * (t / total_steps)))


def train_epoch():
    global step
    order = torch.randperm(len(train_x))
    for start in range(0, len(order), 128):
        batch = order[start:start + 128]
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step)
        optimizer.zero_grad()
        loss = criterion(model(train_x[batch]), train_y[batch])
        loss.backward()
        optimizer.step()
        step += 1


train_epoch()  # warm-up
seconds = []
for _ in range(args.epochs):
    start = time.perf_counter()
    train_epoch()
    seconds.append(time.perf_counter() - start)

model.eval()
with torch.no_grad():
    correct = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item()
                  for i in range(0, len(test_x), 1000))
accuracy = correct / len(test_x)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB

print(f"cnn_epoch {statistics.median(seconds):.3f} s")
print(f"cnn_test_accuracy {accuracy:.4f} acc")
print(f"cnn_peak_rss {peak_mb:.1f} MB")
