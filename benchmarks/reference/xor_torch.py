# PyTorch reference for bench_xor: the original XOR experiment, timed end to end.
# Net 2-3-3-1 (Tanh, Tanh, Sigmoid), BCELoss, SGD lr 0.01, 25,000 full-batch epochs on the four XOR
# points, float32, seed 0. xor_final_loss is the loss computed in the last epoch (before its step).
import argparse
import time

from reference import torch_with_threads

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--epochs", type=int, default=25_000)
args = parser.parse_args()
torch = torch_with_threads(args.threads)
nn = torch.nn
torch.manual_seed(0)

x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.Tanh(),
                      nn.Linear(3, 1), nn.Sigmoid())
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

start = time.perf_counter()
for epoch in range(args.epochs):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
seconds = time.perf_counter() - start

print(f"xor_{args.epochs}_epochs {seconds:.3f} s")
print(f"xor_epoch {seconds / args.epochs * 1e6:.1f} us")
print(f"xor_final_loss {loss.item():.6f} loss")
