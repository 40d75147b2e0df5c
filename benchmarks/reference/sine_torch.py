# PyTorch reference for bench_sine: a 1-32-32-1 tanh MLP regressing sin(x) on 64 points evenly
# spaced over [-pi, pi], MSELoss, full-batch Adam lr 1e-3, 5,000 steps, float32, seed 0.
# sine_final_loss is the loss computed in the last step (before its update).
import argparse
import math
import time

from reference import torch_with_threads

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--steps", type=int, default=5_000)
args = parser.parse_args()
torch = torch_with_threads(args.threads)
nn = torch.nn
torch.manual_seed(0)

x = torch.linspace(-math.pi, math.pi, 64).view(64, 1)
y = torch.sin(x)
model = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

start = time.perf_counter()
for step in range(args.steps):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
seconds = time.perf_counter() - start

print(f"sine_step {seconds / args.steps * 1e6:.1f} us")
print(f"sine_final_loss {loss.item():.6g} loss")
