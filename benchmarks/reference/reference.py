# What the PyTorch reference scripts share: importing torch pinned to a thread count.
# The thread variables must be set before the import: OpenMP and OpenBLAS read them when loaded.
# OMP_WAIT_POLICY is left to the caller (compare.sh sets PASSIVE), as for the LibTorch programs.
import os


def torch_with_threads(threads):
    """Imports torch with its OpenMP pool and BLAS limited to `threads` threads; returns torch."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    import torch  # here, not at the top: only now are the variables above set

    torch.set_num_threads(threads)
    return torch
