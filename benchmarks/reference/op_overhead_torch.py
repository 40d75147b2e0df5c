# PyTorch reference for bench_op_overhead: the fixed cost of one tiny autograd op.
# Times `c = a + b` on 4x3 float32 tensors that require grad, with and without `c.backward(ones)`;
# gradients accumulate into a.grad / b.grad (no zeroing). Prints the median ns per iteration.
import argparse
import statistics
import time

from reference import torch_with_threads

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--batches", type=int, default=20)
parser.add_argument("--iters", type=int, default=10_000)
args = parser.parse_args()
torch = torch_with_threads(args.threads)


def median_ns(step):
    """Median over batches of the mean time per call of step(), in ns."""
    step()  # warm-up: first call allocates grads and caches dispatch
    per_iter = []
    for _ in range(args.batches):
        start = time.perf_counter_ns()
        for _ in range(args.iters):
            step()
        per_iter.append((time.perf_counter_ns() - start) / args.iters)
    return statistics.median(per_iter)


a = torch.rand(4, 3, requires_grad=True)
b = torch.rand(4, 3, requires_grad=True)
ones = torch.ones(4, 3)


def fwd():
    return a + b


def fwd_bwd():
    c = a + b
    c.backward(ones)


print(f"op_add_4x3_fwd {median_ns(fwd):.0f} ns")
print(f"op_add_4x3_fwd_bwd {median_ns(fwd_bwd):.0f} ns")
