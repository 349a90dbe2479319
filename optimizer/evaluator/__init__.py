"""Exact evaluation of plans: numba kernels, plain-Python reference, tidy results, packages."""
