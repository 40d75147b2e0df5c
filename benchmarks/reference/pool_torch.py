# PyTorch reference for bench_pool: 2x2, stride 2 max and average pooling of [128, 16, 28, 28]
# and [128, 32, 14, 14] float32, forward alone (no grad) and forward plus backward into x.grad
# (set to None before each step). Prints the median ms per call.
import argparse
import statistics
import time

from reference import torch_with_threads

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
args = parser.parse_args()
torch = torch_with_threads(args.threads)
F = torch.nn.functional


def median_ms(step, batches=11, iters=20):
    """Median over batches of the mean time per call of step(), in ms."""
    step()
    per_iter = []
    for _ in range(batches):
        start = time.perf_counter_ns()
        for _ in range(iters):
            step()
        per_iter.append((time.perf_counter_ns() - start) / iters / 1e6)
    return statistics.median(per_iter)


def bench(name, pool, shape):
    x = torch.randn(*shape, requires_grad=True)
    grad_out = torch.ones_like(pool(x.detach()))

    def fwd():
        with torch.no_grad():
            pool(x)

    def fwd_bwd():
        x.grad = None
        pool(x).backward(grad_out)

    figure = name + "_" + "x".join(str(d) for d in shape)
    print(f"{figure}_fwd {median_ms(fwd):.3f} ms")
    print(f"{figure}_fwd_bwd {median_ms(fwd_bwd):.3f} ms")


for shape in ((128, 16, 28, 28), (128, 32, 14, 14)):
    bench("max_pool2d", lambda x: F.max_pool2d(x, 2), shape)
    bench("avg_pool2d", lambda x: F.avg_pool2d(x, 2), shape)
