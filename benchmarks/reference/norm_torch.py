# PyTorch reference for bench_norm: forward plus backward of batch_norm (training,
# [64, 32, 28, 28]) and layer_norm ([4096, 256] over [256]) with weight and bias needing
# gradients, and logsumexp over dim 1 of [4096, 256], float32 (grads set to None before each
# step). Prints the median thread CPU time per call in ms, as bench_norm (compare at 1 thread).
import argparse
import statistics
import time

from reference import torch_with_threads

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
args = parser.parse_args()
torch = torch_with_threads(args.threads)
F = torch.nn.functional


def median_ms(step, batches=11, iters=10):
    """Median over batches of the mean thread CPU time per call of step(), in ms."""
    step()
    per_iter = []
    for _ in range(batches):
        start = time.thread_time_ns()
        for _ in range(iters):
            step()
        per_iter.append((time.thread_time_ns() - start) / iters / 1e6)
    return statistics.median(per_iter)


def fwd_bwd_ms(shape, param_shape, f):
    x = torch.randn(*shape, requires_grad=True)
    w = torch.randn(*param_shape, requires_grad=True)
    b = torch.randn(*param_shape, requires_grad=True)
    grad_out = torch.ones_like(f(x.detach(), w.detach(), b.detach()))

    def step():
        x.grad = w.grad = b.grad = None
        f(x, w, b).backward(grad_out)

    return median_ms(step)


bn = fwd_bwd_ms((64, 32, 28, 28), (32,), lambda x, w, b: F.batch_norm(x, None, None, w, b, True))
print(f"batch_norm_64x32x28x28_fwd_bwd {bn:.3f} ms")
ln = fwd_bwd_ms((4096, 256), (256,), lambda x, w, b: F.layer_norm(x, (256,), w, b))
print(f"layer_norm_4096x256_fwd_bwd {ln:.3f} ms")
lse = fwd_bwd_ms((4096, 256), (1,), lambda x, w, b: torch.logsumexp(x, 1))
print(f"logsumexp_4096x256_fwd_bwd {lse:.3f} ms")
