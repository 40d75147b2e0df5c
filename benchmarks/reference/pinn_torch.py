# PyTorch reference for examples/pinn.cpp and bench_pinn: a 1-32-32-1 tanh MLP (float32, default
# initialisation) trained so that u'' = -pi^2 sin(pi x) on [0, 1] with u(0) = u(1) = 0. The loss is
# the mean squared residual at x_i = i/65 (i = 1..64) plus u(0)^2 + u(1)^2, u'' taken by two
# torch.autograd.grad calls with create_graph; full-batch Adam lr 1e-3, 5,000 steps, seed 0.
# pinn_rel_l2_error is ||u - sin(pi x)|| / ||sin(pi x)|| on 1,001 evenly spaced points of [0, 1].
import argparse
import math
import time

from reference import torch_with_threads

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--steps", type=int, default=5_000)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
torch = torch_with_threads(args.threads)
nn = torch.nn
torch.manual_seed(args.seed)

model = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
x = (torch.arange(1, 65, dtype=torch.float32) / 65).reshape(64, 1).requires_grad_()
forcing = math.pi**2 * torch.sin(math.pi * x.detach())
ends = torch.tensor([[0.0], [1.0]])
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)


def pinn_loss():
    u = model(x)
    (du,) = torch.autograd.grad(u, x, torch.ones_like(u), create_graph=True)
    (d2u,) = torch.autograd.grad(du, x, torch.ones_like(du), create_graph=True)
    return ((d2u + forcing) ** 2).mean() + (model(ends) ** 2).sum()


start = time.perf_counter()
for step in range(args.steps):
    optimizer.zero_grad()
    loss = pinn_loss()
    loss.backward()
    optimizer.step()
seconds = time.perf_counter() - start

with torch.no_grad():
    grid = torch.linspace(0, 1, 1001).reshape(-1, 1)
    exact = torch.sin(math.pi * grid)
    error = ((model(grid) - exact).norm() / exact.norm()).item()
print(f"pinn_{args.steps}_steps {seconds:.3f} s")
print(f"pinn_step {seconds / args.steps * 1e6:.1f} us")
print(f"pinn_final_loss {loss.item():.6g} loss")
print(f"pinn_rel_l2_error {error:.3g} error")
